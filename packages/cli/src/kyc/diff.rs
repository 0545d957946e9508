//! The difference between the roster and the registry's records, and the messages that
//! apply it.
//!
//! **Every added or changed row is sent as `UpsertRecords`**, a status change included.
//! The registry's `UpsertRecords` replaces the whole record (status, tier, kind,
//! jurisdiction, expiry, attestation, reason), so it can change a status. `SetStatus` is
//! not used: it takes one status and one reason for a whole batch, where each row of the
//! sheet has its own reason, and it changes nothing else. What differs on chain: an upsert's
//! audit entry is `record_upserted` (with the new status and the row's reason) and its event
//! `wasm-kyc_record_updated`, where `SetStatus` would write `status_changed` and emit
//! `wasm-kyc_status_changed` with the previous status. The audit log keeps both kinds of
//! entry with the status after the change, so nothing is lost; the previous status is the
//! one of the preceding entry for the same subject, and the diff shows it before sending.
//!
//! Records on chain that the sheet no longer lists are removed only when asked
//! (`remove_missing`), with `RemoveRecords`, which takes one reason code for the batch
//! (checked like any reason: see [`Diff::execute_msgs`] and [`DEFAULT_REMOVAL_REASON`]).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use cosmwasm_std::{Addr, Timestamp};
use farthing_types::kyc::{ExecuteMsg, RecordInput, RecordView, MAX_BATCH};

use super::roster::{check_reason, format_time, Roster, RosterRow};

/// One transaction's worth of changes, with the sheet lines it carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Batch {
    pub msg: ExecuteMsg,
    /// Sheet lines of the rows (empty for removals, which have no row).
    pub lines: Vec<usize>,
    pub addresses: Vec<String>,
}

impl Batch {
    /// "lines 4-9, 12", or the addresses for removals.
    pub fn rows(&self) -> String {
        if self.lines.is_empty() {
            return self.addresses.join(", ");
        }
        let mut parts: Vec<String> = vec![];
        let mut i = 0;
        while i < self.lines.len() {
            let start = self.lines[i];
            let mut end = start;
            while i + 1 < self.lines.len() && self.lines[i + 1] == end + 1 {
                i += 1;
                end = self.lines[i];
            }
            parts.push(if start == end {
                start.to_string()
            } else {
                format!("{start}-{end}")
            });
            i += 1;
        }
        format!("lines {}", parts.join(", "))
    }
}

/// The reason code a sync gives `RemoveRecords` unless the operator gives another.
pub const DEFAULT_REMOVAL_REASON: &str = "absent_from_roster";

/// What becomes of one address.
#[derive(Clone, Debug, PartialEq)]
pub enum Change {
    /// In the sheet, not on chain.
    Added(RosterRow),
    /// In both, with these fields different (in the sheet's column order).
    Changed {
        row: RosterRow,
        fields: Vec<FieldChange>,
    },
    /// In both, the same.
    Unchanged(RosterRow),
    /// On chain, not in the sheet, and removal was asked for.
    Removed(RecordView),
}

/// One field that differs: its roster column name, the chain's value and the sheet's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    /// `status`, `tier`, `kind`, `jurisdiction`, `expiry`, `attestation` or `reason`.
    pub field: &'static str,
    /// On chain now.
    pub from: String,
    /// In the sheet.
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Diff {
    /// By roster line; then the removed records, by address.
    pub changes: Vec<Change>,
    /// Records on chain that the sheet does not list and that stay, since removal was not
    /// asked for; by address. Empty when `remove_missing` (they are in `changes` then).
    pub kept: Vec<Addr>,
}

/// Compares the roster with the registry's records (all of them: the caller pages through
/// the `Records` query). Addresses are compared in lowercase, expiries to the second (the
/// registry keeps seconds), attestations as bytes.
pub fn diff(roster: &Roster, current: &[RecordView], remove_missing: bool) -> Diff {
    let on_chain: BTreeMap<String, &RecordView> = current
        .iter()
        .map(|r| (r.address.as_str().to_ascii_lowercase(), r))
        .collect();
    let mut rows: Vec<&RosterRow> = roster.rows.iter().collect();
    rows.sort_by_key(|r| r.line);

    let mut changes = Vec::with_capacity(rows.len());
    for row in rows {
        let address = row.record.address.to_ascii_lowercase();
        let change = match on_chain.get(&address) {
            None => Change::Added(row.clone()),
            Some(view) => {
                let fields = field_changes(view, &row.record);
                if fields.is_empty() {
                    Change::Unchanged(row.clone())
                } else {
                    Change::Changed {
                        row: row.clone(),
                        fields,
                    }
                }
            }
        };
        changes.push(change);
    }

    let listed: std::collections::BTreeSet<String> = roster
        .rows
        .iter()
        .map(|r| r.record.address.to_ascii_lowercase())
        .collect();
    let mut kept = Vec::new();
    for (address, view) in &on_chain {
        if listed.contains(address) {
            continue;
        }
        if remove_missing {
            changes.push(Change::Removed((*view).clone()));
        } else {
            kept.push(view.address.clone());
        }
    }
    Diff { changes, kept }
}

fn field_changes(view: &RecordView, rec: &RecordInput) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut cmp = |field: &'static str, from: String, to: String, same: bool| {
        if !same {
            out.push(FieldChange { field, from, to });
        }
    };
    cmp(
        "status",
        view.status.to_string(),
        rec.status.to_string(),
        view.status == rec.status,
    );
    cmp(
        "tier",
        view.tier.to_string(),
        rec.tier.to_string(),
        view.tier == rec.tier,
    );
    cmp(
        "kind",
        view.kind.to_string(),
        rec.kind.to_string(),
        view.kind == rec.kind,
    );
    cmp(
        "jurisdiction",
        view.jurisdiction.clone(),
        rec.jurisdiction.clone(),
        view.jurisdiction == rec.jurisdiction,
    );
    let (from, to) = (seconds(view.expires_at), seconds(rec.expires_at));
    cmp("expiry", format_time(from), format_time(to), from == to);
    cmp(
        "attestation",
        view.attestation.to_hex(),
        rec.attestation.to_hex(),
        view.attestation == rec.attestation,
    );
    cmp(
        "reason",
        view.reason.clone(),
        rec.reason.clone(),
        view.reason == rec.reason,
    );
    out
}

fn seconds(t: Timestamp) -> Timestamp {
    Timestamp::from_seconds(t.seconds())
}

impl Diff {
    pub fn added(&self) -> usize {
        self.count(|c| matches!(c, Change::Added(_)))
    }

    pub fn changed(&self) -> usize {
        self.count(|c| matches!(c, Change::Changed { .. }))
    }

    pub fn unchanged(&self) -> usize {
        self.count(|c| matches!(c, Change::Unchanged(_)))
    }

    pub fn removed(&self) -> usize {
        self.count(|c| matches!(c, Change::Removed(_)))
    }

    fn count(&self, f: impl Fn(&Change) -> bool) -> usize {
        self.changes.iter().filter(|c| f(c)).count()
    }

    /// "3 added, 2 changed, 5 unchanged, 1 removed".
    pub fn summary(&self) -> String {
        format!(
            "{} added, {} changed, {} unchanged, {} removed",
            self.added(),
            self.changed(),
            self.unchanged(),
            self.removed()
        )
    }

    /// Nothing to send: no record to add, change or remove.
    pub fn is_empty(&self) -> bool {
        self.added() + self.changed() + self.removed() == 0
    }

    /// The records to upsert, added and changed, in roster order.
    pub fn upserts(&self) -> Vec<RecordInput> {
        self.changes
            .iter()
            .filter_map(|c| match c {
                Change::Added(row) | Change::Changed { row, .. } => Some(row.record.clone()),
                _ => None,
            })
            .collect()
    }

    /// The addresses to remove, in address order.
    pub fn removals(&self) -> Vec<String> {
        self.changes
            .iter()
            .filter_map(|c| match c {
                Change::Removed(view) => Some(view.address.to_string()),
                _ => None,
            })
            .collect()
    }

    /// The messages that apply the diff, in batches of at most `size` records (the
    /// registry takes at most [`MAX_BATCH`]): upserts first, in roster order, then
    /// removals with `removal_reason`. Each batch is all or nothing on chain; a sync of
    /// several batches is not, and a re-run sends what is still missing.
    ///
    /// Errs when `size` is out of range, or there are removals and `removal_reason` breaks
    /// the registry's reason rule.
    pub fn batches(&self, size: usize, removal_reason: &str) -> Result<Vec<Batch>, String> {
        if size == 0 || size > MAX_BATCH {
            return Err(format!(
                "batch size {size} is out of range: 1 to {MAX_BATCH}, the registry's maximum"
            ));
        }
        let removals = self.removals();
        if !removals.is_empty() {
            check_reason(removal_reason).map_err(|e| format!("removal reason: {e}"))?;
        }
        let rows: Vec<&RosterRow> = self
            .changes
            .iter()
            .filter_map(|c| match c {
                Change::Added(row) | Change::Changed { row, .. } => Some(row),
                _ => None,
            })
            .collect();
        let mut out: Vec<Batch> = rows
            .chunks(size)
            .map(|chunk| Batch {
                lines: chunk.iter().map(|r| r.line).collect(),
                addresses: chunk.iter().map(|r| r.record.address.clone()).collect(),
                msg: ExecuteMsg::UpsertRecords {
                    records: chunk.iter().map(|r| r.record.clone()).collect(),
                },
            })
            .collect();
        out.extend(removals.chunks(size).map(|chunk| Batch {
            lines: vec![],
            addresses: chunk.to_vec(),
            msg: ExecuteMsg::RemoveRecords {
                addresses: chunk.to_vec(),
                reason: removal_reason.to_string(),
            },
        }));
        Ok(out)
    }

    /// The messages of [`Diff::batches`] at the registry's maximum batch size.
    pub fn execute_msgs(&self, removal_reason: &str) -> Result<Vec<ExecuteMsg>, String> {
        Ok(self
            .batches(MAX_BATCH, removal_reason)?
            .into_iter()
            .map(|b| b.msg)
            .collect())
    }
}

/// The diff for a person:
///
/// ```text
/// + wasm1… (line 4): active, tier 2, individual, DE, expiry 2027-06-30T00:00:00Z, reason onboarding
/// ~ wasm1… (line 7): tier 1 -> 2, expiry 2026-12-31T00:00:00Z -> 2027-12-31T00:00:00Z
/// = wasm1… (line 9)
/// - wasm1… (listed on chain, absent from the sheet)
/// 1 added, 1 changed, 1 unchanged, 1 removed
/// ```
///
/// Unchanged rows are listed only when `verbose` (they are counted either way). Records the
/// sheet does not list but that stay (no removal asked) are counted on a line of their own
/// before the summary, and listed when `verbose`.
pub fn render(diff: &Diff, verbose: bool) -> String {
    let mut out = String::new();
    for change in &diff.changes {
        match change {
            Change::Added(row) => {
                let r = &row.record;
                let _ = writeln!(
                    out,
                    "+ {} (line {}): {}, tier {}, {}, {}, expiry {}, reason {}",
                    r.address,
                    row.line,
                    r.status,
                    r.tier,
                    r.kind,
                    r.jurisdiction,
                    format_time(seconds(r.expires_at)),
                    r.reason
                );
            }
            Change::Changed { row, fields } => {
                let fields: Vec<String> = fields
                    .iter()
                    .map(|f| format!("{} {} -> {}", f.field, f.from, f.to))
                    .collect();
                let _ = writeln!(
                    out,
                    "~ {} (line {}): {}",
                    row.record.address,
                    row.line,
                    fields.join(", ")
                );
            }
            Change::Unchanged(row) => {
                if verbose {
                    let _ = writeln!(out, "= {} (line {})", row.record.address, row.line);
                }
            }
            Change::Removed(view) => {
                let _ = writeln!(
                    out,
                    "- {} (listed on chain, absent from the sheet)",
                    view.address
                );
            }
        }
    }
    if !diff.kept.is_empty() {
        if verbose {
            for a in &diff.kept {
                let _ = writeln!(out, "  {a} (listed on chain, absent from the sheet: kept)");
            }
        }
        let n = diff.kept.len();
        let _ = writeln!(
            out,
            "{n} record{} on chain absent from the sheet, kept (no --remove-missing, or a contract of the deployment)",
            if n == 1 { "" } else { "s" }
        );
    }
    out.push_str(&diff.summary());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::HexBinary;
    use farthing_types::kyc::{KycStatus, PartyKind};

    fn row(line: usize, address: &str) -> RosterRow {
        RosterRow {
            line,
            record: RecordInput {
                address: address.to_string(),
                status: KycStatus::Active,
                tier: 1,
                kind: PartyKind::Individual,
                jurisdiction: "DE".to_string(),
                expires_at: Timestamp::from_seconds(1_900_000_000),
                attestation: HexBinary::from(vec![7; 32]),
                reason: "onboarding".to_string(),
            },
        }
    }

    #[test]
    fn batches_of_at_most_max_batch() {
        let roster = Roster {
            rows: (0..MAX_BATCH + 1)
                .map(|i| row(i + 2, &format!("a{i:04}")))
                .collect(),
        };
        let d = diff(&roster, &[], true);
        let msgs = d.execute_msgs("bad reason").unwrap(); // no removal: reason unused
        assert_eq!(msgs.len(), 2);
        match (&msgs[0], &msgs[1]) {
            (
                ExecuteMsg::UpsertRecords { records: a },
                ExecuteMsg::UpsertRecords { records: b },
            ) => {
                assert_eq!((a.len(), b.len()), (MAX_BATCH, 1));
                assert_eq!(b[0].address, format!("a{MAX_BATCH:04}"));
            }
            other => panic!("{other:?}"),
        }
    }
}

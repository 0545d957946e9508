//! `farthing kyc diff`, `kyc sync` and `kyc audit`: the registry side of the allowlist.
//!
//! Sync is resumable by construction: every run starts from the diff between the sheet
//! and what the registry holds now, so a re-run after a failure sends exactly the rows
//! still missing, and a run with nothing to do sends nothing.

use anyhow::{anyhow, Context, Result};
use cosmrs::Any;
use cosmwasm_std::{Binary, Timestamp};
use farthing_types::kyc::{
    AuditEntry, AuditLogResponse, ExecuteMsg, QueryMsg, RecordView, RecordsResponse,
};
use serde_json::{json, Value};

use super::diff::{diff, Batch, Change, Diff, DEFAULT_REMOVAL_REASON};
use super::roster::Roster;
use crate::deploy::{execute_msg, Out, Planned};
use crate::node::{contract_error, Node, TxError, TxOutcome};

/// The registry answers at most this many records or entries per page.
pub const PAGE: u32 = 100;

/// Every record the registry holds, in address order.
pub async fn fetch_records(node: &Node, registry: &str) -> Result<Vec<RecordView>> {
    let mut all = vec![];
    let mut start_after = None;
    loop {
        let page: RecordsResponse = node
            .smart(
                registry,
                &QueryMsg::Records {
                    status: None,
                    jurisdiction: None,
                    start_after: start_after.clone(),
                    limit: Some(PAGE),
                },
            )
            .await
            .context("reading the registry's records")?;
        let n = page.records.len();
        start_after = page.records.last().map(|r| r.address.to_string());
        all.extend(page.records);
        if n < PAGE as usize {
            return Ok(all);
        }
    }
}

/// The diff of `roster` against the registry now. With `remove_missing`, records absent
/// from the sheet are removed, except `protected` ones (the deployment's own contracts:
/// the escrow must stay listed to hold tokens), which are kept and named in the diff.
pub async fn diff_with_chain(
    node: &Node,
    registry: &str,
    roster: &Roster,
    remove_missing: bool,
    protected: &[String],
) -> Result<Diff> {
    let current = fetch_records(node, registry).await?;
    let mut d = diff(roster, &current, remove_missing);
    d.changes.retain(|c| match c {
        Change::Removed(view) if protected.iter().any(|p| p == view.address.as_str()) => {
            d.kept.push(view.address.clone());
            false
        }
        _ => true,
    });
    Ok(d)
}

/// A batch the chain refused, named with its rows.
#[derive(Debug)]
pub struct BatchFailed {
    pub index: usize,
    pub of: usize,
    pub rows: String,
    /// Rows that the registry refuses on their own (found by simulating each one), as
    /// (line or address, the registry's error).
    pub culprits: Vec<(String, String)>,
    pub error: anyhow::Error,
}

impl std::fmt::Display for BatchFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "batch {} of {} ({}) failed: {:#}",
            self.index, self.of, self.rows, self.error
        )?;
        for (row, why) in &self.culprits {
            write!(f, "\n  {row}: {why}")?;
        }
        if self.index > 1 {
            write!(
                f,
                "\nbatches 1 to {} are on chain; fix the sheet and run `kyc sync` again to send the rest",
                self.index - 1
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for BatchFailed {}

/// What a sync sent.
#[derive(Debug, Default)]
pub struct SyncReport {
    pub diff_summary: String,
    pub sent: Vec<TxOutcome>,
}

/// Sends the changes of `roster` to `registry`, `batch_size` records per transaction.
pub async fn sync(
    node: &Node,
    registry: &str,
    roster: &Roster,
    remove_missing: bool,
    protected: &[String],
    batch_size: usize,
    out: Out<'_>,
) -> Result<SyncReport> {
    let sender = node.sender()?;
    let d = diff_with_chain(node, registry, roster, remove_missing, protected).await?;
    let summary = d.summary();
    let todo = d
        .batches(batch_size, DEFAULT_REMOVAL_REASON)
        .map_err(|e| anyhow!(e))?;
    writeln!(out, "{summary}")?;
    if todo.is_empty() {
        writeln!(
            out,
            "The registry already matches the sheet: nothing to send."
        )?;
        return Ok(SyncReport {
            diff_summary: summary,
            sent: vec![],
        });
    }
    let mut report = SyncReport {
        diff_summary: summary,
        sent: vec![],
    };
    let of = todo.len();
    for (i, batch) in todo.iter().enumerate() {
        let msg = execute_msg(&sender, registry, &batch.msg)?;
        let memo = format!("farthing kyc sync {}/{of}", i + 1);
        match node.send(&[msg.any], &memo, |_| Ok(())).await {
            Ok(outcome) => {
                writeln!(
                    out,
                    "  batch {}/{of} ({} records, {}): tx {} in block {}, gas {}",
                    i + 1,
                    batch.addresses.len(),
                    batch.rows(),
                    outcome.hash,
                    outcome.height,
                    outcome.gas_used
                )?;
                report.sent.push(outcome);
            }
            Err(error) => {
                let culprits = if error.downcast_ref::<TxError>().is_some() {
                    culprits(node, &sender, registry, batch).await
                } else {
                    vec![]
                };
                return Err(BatchFailed {
                    index: i + 1,
                    of,
                    rows: batch.rows(),
                    culprits,
                    error,
                }
                .into());
            }
        }
    }
    writeln!(out, "Synced: {} transactions.", report.sent.len())?;
    Ok(report)
}

/// The rows of a refused batch that the registry refuses on their own.
async fn culprits(
    node: &Node,
    sender: &str,
    registry: &str,
    batch: &Batch,
) -> Vec<(String, String)> {
    let ExecuteMsg::UpsertRecords { records } = &batch.msg else {
        return vec![];
    };
    let mut found = vec![];
    for (line, record) in batch.lines.iter().zip(records) {
        let one = ExecuteMsg::UpsertRecords {
            records: vec![record.clone()],
        };
        let Ok(msg) = execute_msg(sender, registry, &one) else {
            continue;
        };
        if let Err(e) = node.simulate(&[msg.any], "").await {
            if let Some(t) = e.downcast_ref::<TxError>() {
                found.push((
                    format!("line {line} ({})", record.address),
                    contract_error(&t.log).to_string(),
                ));
            }
        }
    }
    found
}

// ---- unsigned transactions for a multisig ----

/// Who will sign the unsigned transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Multisig {
    /// A Cosmos SDK multisig account (`LegacyAminoPubKey`) that is a registry officer:
    /// its members sign with `wasmd tx sign --multisig` and combine with
    /// `wasmd tx multisign`.
    Account { address: String },
    /// A cw3 multisig contract that is a registry officer: `proposer` (a cw3 voter)
    /// signs and broadcasts the transaction, which opens one proposal per batch; the
    /// voters then vote and execute them.
    Cw3 { contract: String, proposer: String },
}

/// The gas limit of an unsigned transaction's batch, before the adjustment: it cannot be
/// simulated without the multisig's keys. Measured on the devnode (real VM, wasmd gas
/// constants): an upsert batch takes about 113,000 + 54,000 per record (13 records:
/// 835,000; 200: 11.3 million), a removal batch about 30,000 per record (200: 6.0
/// million). The model adds headroom, and 30,000 for a multisig's longer signatures and
/// public keys (10 gas a byte, 1,000 a signature verified).
pub fn batch_gas(batch: &Batch) -> u64 {
    let n = batch.addresses.len() as u64;
    let per_record = match batch.msg {
        ExecuteMsg::RemoveRecords { .. } => 31_000,
        _ => 57_000,
    };
    150_000 + 30_000 + per_record * n
}

/// The unsigned transaction carrying `todo`, in the JSON of `wasmd tx ... --generate-only`
/// (`body`, `auth_info`, empty `signatures`), ready for `wasmd tx sign`.
///
/// Written by hand with serde_json: cosmos-sdk-proto's JSON (pbjson) keeps `Any` as
/// `{type_url, value}` and the contract message as base64, where the SDK's JSON inlines
/// `@type` and wasmd's `msg` is the message object itself.
pub fn unsigned_tx(
    node: &Node,
    registry: &str,
    todo: &[Batch],
    signer: &Multisig,
    memo: &str,
) -> Result<Value> {
    let mut messages = vec![];
    let mut gas = 0u64;
    for batch in todo {
        let n = batch.addresses.len();
        gas += batch_gas(batch);
        let inner = serde_json::to_value(&batch.msg)?;
        messages.push(match signer {
            Multisig::Account { address } => json!({
                "@type": "/cosmwasm.wasm.v1.MsgExecuteContract",
                "sender": address, "contract": registry, "msg": inner, "funds": []
            }),
            Multisig::Cw3 { contract, proposer } => {
                let wasm = Binary::from(serde_json::to_vec(&inner)?);
                json!({
                    "@type": "/cosmwasm.wasm.v1.MsgExecuteContract",
                    "sender": proposer, "contract": contract, "funds": [],
                    "msg": {"propose": {
                        "title": format!("KYC roster sync: {} ({n} records)", batch.rows()),
                        "description": format!("{memo}: {} on registry {registry}", match &batch.msg {
                            ExecuteMsg::RemoveRecords { .. } => "remove_records",
                            _ => "upsert_records",
                        }),
                        "msgs": [{"wasm": {"execute": {
                            "contract_addr": registry, "msg": wasm.to_base64(), "funds": []
                        }}}],
                        "latest": null
                    }}
                })
            }
        });
    }
    let gas_limit = (gas as f64 * node.gas_adjustment).ceil() as u64;
    Ok(json!({
        "body": {
            "messages": messages,
            "memo": memo,
            "timeout_height": "0",
            "extension_options": [],
            "non_critical_extension_options": []
        },
        "auth_info": {
            "signer_infos": [],
            "fee": {
                "amount": [{"denom": node.gas_price.denom, "amount": node.gas_price.fee(gas_limit).to_string()}],
                "gas_limit": gas_limit.to_string(),
                "payer": "",
                "granter": ""
            },
            "tip": null
        },
        "signatures": []
    }))
}

/// The messages of an unsigned transaction, re-encoded (for tests and for `--check`).
pub fn unsigned_messages(tx: &Value) -> Result<Vec<Planned>> {
    let msgs = tx["body"]["messages"]
        .as_array()
        .ok_or_else(|| anyhow!("no body.messages"))?;
    msgs.iter()
        .map(|m| {
            let sender = m["sender"].as_str().ok_or_else(|| anyhow!("no sender"))?;
            let contract = m["contract"]
                .as_str()
                .ok_or_else(|| anyhow!("no contract"))?;
            execute_msg(sender, contract, &m["msg"])
        })
        .collect()
}

/// The Anys of planned messages.
pub fn anys(planned: &[Planned]) -> Vec<Any> {
    planned.iter().map(|p| p.any.clone()).collect()
}

// ---- audit export ----

/// Audit entries from `start_after` (a sequence number) on, oldest first, and only
/// those at or after `since_time`.
pub async fn fetch_audit(
    node: &Node,
    registry: &str,
    start_after: Option<u64>,
    since_time: Option<Timestamp>,
) -> Result<Vec<AuditEntry>> {
    let mut all = vec![];
    let mut cursor = start_after;
    loop {
        let page: AuditLogResponse = node
            .smart(
                registry,
                &QueryMsg::AuditLog {
                    subject: None,
                    start_after: cursor,
                    limit: Some(PAGE),
                    descending: Some(false),
                },
            )
            .await
            .context("reading the registry's audit log")?;
        let n = page.entries.len();
        cursor = page.entries.last().map(|e| e.seq);
        all.extend(
            page.entries
                .into_iter()
                .filter(|e| since_time.map_or(true, |t| e.time >= t)),
        );
        if n < PAGE as usize {
            return Ok(all);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use farthing_types::kyc::MAX_BATCH;

    #[test]
    fn rows_are_named_as_ranges() {
        let b = Batch {
            msg: ExecuteMsg::UpsertRecords { records: vec![] },
            lines: vec![4, 5, 6, 7, 9, 12, 13],
            addresses: vec![],
        };
        assert_eq!(b.rows(), "lines 4-7, 9, 12-13");
        let r = Batch {
            msg: ExecuteMsg::RemoveRecords {
                addresses: vec![],
                reason: "x".into(),
            },
            lines: vec![],
            addresses: vec!["wasm1a".into(), "wasm1b".into()],
        };
        assert_eq!(r.rows(), "wasm1a, wasm1b");
    }

    #[test]
    fn batch_sizes_are_bounded_by_the_registry() {
        let d = Diff::default();
        assert!(d.batches(0, DEFAULT_REMOVAL_REASON).is_err());
        assert!(d
            .batches(MAX_BATCH, DEFAULT_REMOVAL_REASON)
            .unwrap()
            .is_empty());
        let err = d
            .batches(MAX_BATCH + 1, DEFAULT_REMOVAL_REASON)
            .unwrap_err();
        assert!(err.contains("1 to 200"), "{err}");
    }
}

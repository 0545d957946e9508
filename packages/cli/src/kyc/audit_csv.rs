//! The registry's audit log as CSV, for the compliance team's records.
//!
//! ```text
//! seq,time,height,action,actor,subject,status,reason
//! 41,2026-03-01T12:00:05.5Z,1200345,record_upserted,wasm1officer…,wasm1alice…,active,onboarding
//! ```
//!
//! `time` is the block time in RFC 3339 UTC, to the nanosecond the chain gives (no fraction
//! when it is a whole second). An absent `subject`, `status` or `reason` is an empty cell.

use cosmwasm_std::Timestamp;
use farthing_types::kyc::AuditEntry;

use super::roster::{format_time, parse_time};

/// The header of [`audit_csv`].
pub const AUDIT_COLUMNS: [&str; 8] = [
    "seq", "time", "height", "action", "actor", "subject", "status", "reason",
];

/// The entries as CSV, header first, one line per entry in the given order, quoted by the
/// `csv` crate where a cell needs it.
pub fn audit_csv(entries: &[AuditEntry]) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail.
    w.write_record(AUDIT_COLUMNS).expect("write to memory");
    for e in entries {
        w.write_record([
            e.seq.to_string(),
            format_time(e.time),
            e.height.to_string(),
            e.action.as_str().to_string(),
            e.actor.to_string(),
            e.subject
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_default(),
            e.status.map(|s| s.as_str().to_string()).unwrap_or_default(),
            e.reason.clone().unwrap_or_default(),
        ])
        .expect("write to memory");
    }
    let bytes = w.into_inner().expect("flush to memory");
    String::from_utf8(bytes).expect("the cells are UTF-8")
}

/// Where an export starts (`--since`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Since {
    /// Entries at or after this block time.
    Time(Timestamp),
    /// Entries after this sequence number, as the registry's `start_after`: give the last
    /// `seq` of the previous export to continue it without a repeat.
    Seq(u64),
}

impl Since {
    pub fn keeps(&self, e: &AuditEntry) -> bool {
        match *self {
            Since::Time(t) => e.time >= t,
            Since::Seq(n) => e.seq > n,
        }
    }

    /// The `start_after` to give the `AuditLog` query (ascending), if this bound is one.
    pub fn start_after(&self) -> Option<u64> {
        match *self {
            Since::Seq(n) => Some(n),
            Since::Time(_) => None,
        }
    }
}

/// Parses `--since`: an RFC 3339 time (`2026-03-01T12:00:00Z`), a date (`2026-03-01`,
/// midnight UTC) or `seq:N` (entries after sequence number `N`).
pub fn parse_since(s: &str) -> Result<Since, String> {
    let s = s.trim();
    let seq = s
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("seq:"))
        .map(|_| &s[4..]);
    if let Some(n) = seq {
        return n.trim().parse::<u64>().map(Since::Seq).map_err(|_| {
            format!("--since {s:?}: after \"seq:\" write a sequence number, e.g. seq:41")
        });
    }
    parse_time(s).map(Since::Time).map_err(|_| {
        format!("--since {s:?}: write an RFC 3339 time (2026-03-01T12:00:00Z), a date (2026-03-01) or seq:N")
    })
}

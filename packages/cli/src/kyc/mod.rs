//! The compliance team's allowlist: the roster spreadsheet, its diff against the registry,
//! and its sync.

pub mod audit_csv;
pub mod diff;
pub mod roster;
pub mod sync;

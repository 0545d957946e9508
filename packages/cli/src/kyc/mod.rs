//! The compliance team's allowlist: the roster spreadsheet, its diff against the registry,
//! and its sync.

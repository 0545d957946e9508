//! The royalty/escrow contract: escrow deals (arbiter, milestones, disputes, refunds)
//! and royalty splits (basis points, exact remainder rule, pull claims).

pub mod events;
mod msg;

pub use msg::*;

/// Basis points in a whole split.
pub const TOTAL_BPS: u16 = 10_000;
/// Maximum recipients of one royalty split.
pub const MAX_RECIPIENTS: usize = 50;
/// Maximum milestones of one deal.
pub const MAX_MILESTONES: usize = 50;
/// Shortest dispute window the owner may configure (one hour).
pub const MIN_DISPUTE_TIMEOUT: u64 = 3_600;
/// Maximum length of a work's name.
pub const MAX_WORK_NAME: usize = 64;
/// Maximum assets one work accepts (the `Work` query reports revenue for each).
pub const MAX_WORK_ASSETS: usize = 10;

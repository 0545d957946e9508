//! The micropayment token: a cw20-compatible token whose every balance change goes
//! through one compliance gate. Messages, responses, events, and a typed client.

pub mod events;
mod msg;

pub use msg::*;

/// Maximum number of payouts in one `BatchTransfer`.
pub const MAX_BATCH_TRANSFERS: usize = 200;
/// Maximum length in bytes of a `Pay` invoice reference.
pub const MAX_REFERENCE_LEN: usize = 64;
/// Length of a travel-rule reference: the hash of the off-chain travel-rule message.
pub const TRAVEL_RULE_REF_LEN: usize = 32;
/// Shortest settle period the owner may set for channels (one hour).
pub const MIN_SETTLE_SECONDS: u64 = 3_600;
/// Longest settle period the owner may set (30 days).
pub const MAX_SETTLE_SECONDS: u64 = 30 * 86_400;
/// Longest a channel may run from now, at open or by an extension (10 years): deadlines
/// must stay far from the end of the timestamp range, since pauses move them later.
pub const MAX_CHANNEL_SECONDS: u64 = 10 * 365 * 86_400;
/// Settle period of a new token (one day).
pub const DEFAULT_SETTLE_SECONDS: u64 = 86_400;
/// Maximum channels in one `ClaimMany`.
pub const MAX_CLAIMS: usize = 50;

/// Maximum decimals, as in cw20-base.
pub const MAX_DECIMALS: u8 = 18;

//! Shared types of the Farthing contract suite.
//!
//! Every contract's messages, responses and events live here, together with the
//! typed clients and the storage layout that other contracts read directly.
//! No contract crate depends on another contract crate; they all depend on this one.

pub mod errors;
pub mod escrow;
pub mod kyc;
pub mod migrate;
pub mod token;
/// How `u64` values travel on the wire (as decimal strings); it lives in the voucher crate,
/// the lowest crate of the suite, because a voucher's `channel_id` travels the same way.
pub use farthing_voucher::wire;

use cosmwasm_std::Timestamp;

/// `t` plus `seconds`, saturating at the end of the timestamp range: for deadlines built
/// from lengths that are bounded only from below (a policy's window, a dispute timeout,
/// the stop time added to a channel's deadlines).
pub fn later_by(t: Timestamp, seconds: u64) -> Timestamp {
    Timestamp::from_nanos(
        t.nanos()
            .saturating_add(seconds.saturating_mul(1_000_000_000)),
    )
}

//! The KYC/AML registry: records, policy, verdicts, messages, events, and the
//! raw-read client other contracts use to consult it without a contract call.

mod client;
pub mod events;
mod msg;
mod policy;
mod record;
pub mod state;
mod verdict;

pub use client::KycRegistry;
pub use msg::*;
pub use policy::{Policy, StoredPolicy, TierLimit, TravelRule};
pub use record::{GateRecord, KycStatus, PartyKind, RecordInput, RecordView};
pub use verdict::{
    check_recipient, check_sender, evaluate_transfer, Denial, DenialCode, PartyRole, Verdict,
};

/// Highest KYC tier. Tiers are 0 (lowest assurance) to 3.
pub const MAX_TIER: u8 = 3;
/// Number of tiers, and so the number of entries in [`Policy::tier_limits`].
pub const TIER_COUNT: usize = MAX_TIER as usize + 1;
/// Maximum number of entries in one `UpsertRecords`, `SetStatus` or `RemoveRecords`.
pub const MAX_BATCH: usize = 200;
/// Length in bytes of an attestation: a salted SHA-256 commitment of the off-chain KYC file.
pub const ATTESTATION_LEN: usize = 32;
/// Maximum length of a reason code.
pub const MAX_REASON_LEN: usize = 64;

/// A reason code: 1 to [`MAX_REASON_LEN`] characters of `A-Z a-z 0-9 _ . : -`.
pub fn is_valid_reason(reason: &str) -> bool {
    !reason.is_empty()
        && reason.len() <= MAX_REASON_LEN
        && reason
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'))
}

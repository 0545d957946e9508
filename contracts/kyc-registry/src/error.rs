use cosmwasm_std::{StdError, Timestamp};
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error("[code=std] {0}")]
    Std(#[from] StdError),

    #[error("[code=wrong_contract] this storage belongs to {stored}, not to {expected}: migrate it with the code of {stored}")]
    WrongContract { expected: String, stored: String },

    #[error("[code=newer_version] the stored version {stored} is newer than this code's {current}: a migration never goes back")]
    NewerVersion { stored: String, current: String },

    #[error("[code=invalid_version] version {version:?} is not a semantic version")]
    InvalidVersion { version: String },

    #[error("[code=ownership] {0}")]
    Ownership(#[from] cw_ownable::OwnershipError),

    #[error("[code=not_officer] {sender} is not a compliance officer of this registry")]
    NotOfficer { sender: String },

    #[error("[code=empty_batch] the batch is empty: send at least one entry")]
    EmptyBatch,

    #[error("[code=batch_too_large] the batch has {size} entries; the maximum is {max}: split it")]
    BatchTooLarge { size: usize, max: usize },

    #[error("[code=duplicate_address] address {address} appears more than once in the batch")]
    DuplicateAddress { address: String },

    #[error("[code=invalid_tier] KYC tier {tier} for {address} is out of range: tiers are 0 to 3")]
    InvalidTier { address: String, tier: u8 },

    #[error("[code=invalid_record_jurisdiction] jurisdiction {value:?} for {address} is not an ISO 3166-1 alpha-2 code (two uppercase letters, e.g. \"DE\")")]
    InvalidRecordJurisdiction { address: String, value: String },

    #[error("[code=invalid_attestation] attestation for {address} is {length} bytes; it must be the 32-byte hash of the KYC file")]
    InvalidAttestation { address: String, length: usize },

    #[error("[code=invalid_reason] reason code {reason:?} is invalid: use 1 to 64 characters of A-Z a-z 0-9 _ . : -")]
    InvalidReason { reason: String },

    #[error("[code=expiry_not_in_future] expiry {expires_at} for {address} is not after the current block time {now}")]
    ExpiryNotInFuture {
        address: String,
        expires_at: Timestamp,
        now: Timestamp,
    },

    #[error("[code=record_not_found] no KYC record exists for {address}")]
    RecordNotFound { address: String },

    #[error("[code=already_officer] {address} is already a compliance officer")]
    AlreadyOfficer { address: String },

    #[error("[code=not_an_officer] {address} is not a compliance officer")]
    NotAnOfficer { address: String },

    #[error("[code=wrong_tier_limit_count] the policy has {count} tier limits; it needs exactly {expected}, one per KYC tier 0 to 3")]
    WrongTierLimitCount { count: usize, expected: usize },

    #[error("[code=missing_window] tier {tier} has a volume limit but a zero window: set window_seconds")]
    MissingWindow { tier: usize },

    #[error("[code=invalid_blocked_jurisdiction] blocked jurisdiction {value:?} is not an ISO 3166-1 alpha-2 code (two uppercase letters)")]
    InvalidBlockedJurisdiction { value: String },

    #[error("[code=duplicate_jurisdiction] blocked jurisdiction {value} is listed twice")]
    DuplicateJurisdiction { value: String },

    #[error(
        "[code=too_many_blocked_jurisdictions] {count} blocked jurisdictions; the maximum is {max}"
    )]
    TooManyBlockedJurisdictions { count: usize, max: usize },

    #[error(
        "[code=invalid_travel_rule_tier] travel-rule tier {tier} is out of range: tiers are 0 to 3"
    )]
    InvalidTravelRuleTier { tier: u8 },

    #[error("[code=zero_travel_rule_threshold] the travel-rule threshold must be greater than zero (omit the rule to disable it)")]
    ZeroTravelRuleThreshold,
}

impl ContractError {
    /// The stable, machine-readable code at the start of this error's message
    /// (`[code=<code>]`; see `farthing_types::errors`). A denial's code is its
    /// `DenialCode`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Std(..) => "std",
            Self::WrongContract { .. } => "wrong_contract",
            Self::NewerVersion { .. } => "newer_version",
            Self::InvalidVersion { .. } => "invalid_version",
            Self::Ownership(..) => "ownership",
            Self::NotOfficer { .. } => "not_officer",
            Self::EmptyBatch => "empty_batch",
            Self::BatchTooLarge { .. } => "batch_too_large",
            Self::DuplicateAddress { .. } => "duplicate_address",
            Self::InvalidTier { .. } => "invalid_tier",
            Self::InvalidRecordJurisdiction { .. } => "invalid_record_jurisdiction",
            Self::InvalidAttestation { .. } => "invalid_attestation",
            Self::InvalidReason { .. } => "invalid_reason",
            Self::ExpiryNotInFuture { .. } => "expiry_not_in_future",
            Self::RecordNotFound { .. } => "record_not_found",
            Self::AlreadyOfficer { .. } => "already_officer",
            Self::NotAnOfficer { .. } => "not_an_officer",
            Self::WrongTierLimitCount { .. } => "wrong_tier_limit_count",
            Self::MissingWindow { .. } => "missing_window",
            Self::InvalidBlockedJurisdiction { .. } => "invalid_blocked_jurisdiction",
            Self::DuplicateJurisdiction { .. } => "duplicate_jurisdiction",
            Self::TooManyBlockedJurisdictions { .. } => "too_many_blocked_jurisdictions",
            Self::InvalidTravelRuleTier { .. } => "invalid_travel_rule_tier",
            Self::ZeroTravelRuleThreshold => "zero_travel_rule_threshold",
        }
    }
}

pub type ContractResult<T = cosmwasm_std::Response> = Result<T, ContractError>;

impl From<farthing_types::migrate::MigrateRefusal> for ContractError {
    fn from(r: farthing_types::migrate::MigrateRefusal) -> Self {
        use farthing_types::migrate::MigrateRefusal as R;
        match r {
            R::WrongContract { expected, stored } => Self::WrongContract { expected, stored },
            R::NewerVersion { stored, current } => Self::NewerVersion { stored, current },
            R::InvalidVersion { version } => Self::InvalidVersion { version },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_starts_with_its_stable_code() {
        let checked = farthing_types::errors::check_error_source(include_str!("error.rs"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(checked >= 20, "only {checked} variants found");
        let e = ContractError::EmptyBatch;
        let tag = farthing_types::errors::parse(&e.to_string()).unwrap();
        assert_eq!(tag.code, e.code());
    }
}

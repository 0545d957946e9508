use cosmwasm_std::{StdError, Timestamp};
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Ownership(#[from] cw_ownable::OwnershipError),

    #[error("{sender} is not a compliance officer of this registry")]
    NotOfficer { sender: String },

    #[error("the batch is empty: send at least one entry")]
    EmptyBatch,

    #[error("the batch has {size} entries; the maximum is {max}: split it")]
    BatchTooLarge { size: usize, max: usize },

    #[error("address {address} appears more than once in the batch")]
    DuplicateAddress { address: String },

    #[error("KYC tier {tier} for {address} is out of range: tiers are 0 to 3")]
    InvalidTier { address: String, tier: u8 },

    #[error("jurisdiction {value:?} for {address} is not an ISO 3166-1 alpha-2 code (two uppercase letters, e.g. \"DE\")")]
    InvalidRecordJurisdiction { address: String, value: String },

    #[error(
        "attestation for {address} is {length} bytes; it must be the 32-byte hash of the KYC file"
    )]
    InvalidAttestation { address: String, length: usize },

    #[error("reason code {reason:?} is invalid: use 1 to 64 characters of A-Z a-z 0-9 _ . : -")]
    InvalidReason { reason: String },

    #[error("expiry {expires_at} for {address} is not after the current block time {now}")]
    ExpiryNotInFuture {
        address: String,
        expires_at: Timestamp,
        now: Timestamp,
    },

    #[error("no KYC record exists for {address}")]
    RecordNotFound { address: String },

    #[error("{address} is already a compliance officer")]
    AlreadyOfficer { address: String },

    #[error("{address} is not a compliance officer")]
    NotAnOfficer { address: String },

    #[error(
        "the policy has {count} tier limits; it needs exactly {expected}, one per KYC tier 0 to 3"
    )]
    WrongTierLimitCount { count: usize, expected: usize },

    #[error("tier {tier} has a volume limit but a zero window: set window_seconds")]
    MissingWindow { tier: usize },

    #[error(
        "blocked jurisdiction {value:?} is not an ISO 3166-1 alpha-2 code (two uppercase letters)"
    )]
    InvalidBlockedJurisdiction { value: String },

    #[error("blocked jurisdiction {value} is listed twice")]
    DuplicateJurisdiction { value: String },

    #[error("{count} blocked jurisdictions; the maximum is {max}")]
    TooManyBlockedJurisdictions { count: usize, max: usize },

    #[error("travel-rule tier {tier} is out of range: tiers are 0 to 3")]
    InvalidTravelRuleTier { tier: u8 },

    #[error("the travel-rule threshold must be greater than zero (omit the rule to disable it)")]
    ZeroTravelRuleThreshold,
}

pub type ContractResult<T = cosmwasm_std::Response> = Result<T, ContractError>;

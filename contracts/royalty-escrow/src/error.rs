use cosmwasm_std::{OverflowError, StdError, Timestamp, Uint128};
use cw_utils::PaymentError;
use farthing_types::kyc::Denial;
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

    #[error("[code=overflow] {0}")]
    Overflow(#[from] OverflowError),

    #[error("[code=ownership] {0}")]
    Ownership(#[from] cw_ownable::OwnershipError),

    #[error("[code=payment] {0}")]
    Payment(#[from] PaymentError),

    #[error("[code={} role={} party={}] refused by compliance: {}", .0.code, .0.role.as_str(), .0.party, .0.message)]
    Denied(Denial),

    #[error("[code=token_not_accepted] cw20 token {address} is not accepted here")]
    TokenNotAccepted { address: String },

    #[error("[code=token_already_accepted] cw20 token {address} is already accepted")]
    TokenAlreadyAccepted { address: String },

    #[error("[code=deal_not_found] deal {deal_id} does not exist")]
    DealNotFound { deal_id: u64 },

    #[error("[code=work_not_found] work {work_id} does not exist")]
    WorkNotFound { work_id: u64 },

    #[error("[code=not_allowed] {sender} may not do this on deal {deal_id}")]
    NotAllowed { sender: String, deal_id: u64 },

    #[error("[code=wrong_status] deal {deal_id} is {status}; this needs it {needed}")]
    WrongStatus {
        deal_id: u64,
        status: String,
        needed: String,
    },

    #[error("[code=zero_amount] the deposit must be greater than zero")]
    ZeroAmount,

    #[error("[code=milestones_mismatch] milestones sum to {sum}, but the deposit is {deposit}")]
    MilestonesMismatch { sum: Uint128, deposit: Uint128 },

    #[error("[code=too_many_milestones] {count} milestones; the maximum is {max}")]
    TooManyMilestones { count: usize, max: usize },

    #[error("[code=invalid_milestone] milestone {index} does not exist or is already released")]
    InvalidMilestone { index: u32 },

    #[error("[code=expiry_in_past] the expiry {expires_at} is not in the future")]
    ExpiryInPast { expires_at: Timestamp },

    #[error("[code=not_expired] deal {deal_id} expires at {expires_at}; not yet")]
    NotExpired { deal_id: u64, expires_at: Timestamp },

    #[error("[code=expired] deal {deal_id} has expired at {expires_at}")]
    Expired { deal_id: u64, expires_at: Timestamp },

    #[error("[code=dispute_running] the dispute on deal {deal_id} runs until {deadline}")]
    DisputeRunning { deal_id: u64, deadline: Timestamp },

    #[error("[code=split_too_large] the split gives {to_payee} to the payee, more than the {remaining} the deal holds")]
    SplitTooLarge {
        to_payee: Uint128,
        remaining: Uint128,
    },

    #[error("[code=no_proposal] no settlement proposal to accept on deal {deal_id}")]
    NoProposal { deal_id: u64 },

    #[error("[code=own_proposal] the proposer cannot accept their own proposal")]
    OwnProposal,

    #[error("[code=same_parties] payer, payee and arbiter must be different addresses")]
    SameParties,

    #[error("[code=wrong_asset] the asset must be {expected}, not {got}")]
    WrongAsset { expected: String, got: String },

    #[error("[code=shares_not_whole] shares sum to {sum} basis points; they must sum to 10000")]
    SharesNotWhole { sum: u32 },

    #[error("[code=recipient_count] {count} recipients; a split has 1 to {max}")]
    RecipientCount { count: usize, max: usize },

    #[error("[code=zero_share] a share of 0 basis points for {address}")]
    ZeroShare { address: String },

    #[error("[code=duplicate_recipient] {address} appears twice in the split")]
    DuplicateRecipient { address: String },

    #[error("[code=no_accepted_asset] a work must accept at least one asset")]
    NoAcceptedAsset,

    #[error("[code=invalid_name] the work name must be 1 to 64 bytes")]
    InvalidName,

    #[error("[code=asset_not_accepted] work {work_id} does not accept {asset}")]
    AssetNotAccepted { work_id: u64, asset: String },

    #[error("[code=epoch_not_found] split {epoch} of work {work_id} does not exist")]
    EpochNotFound { work_id: u64, epoch: u32 },

    #[error("[code=not_a_recipient] {address} has no share in split {epoch} of work {work_id}")]
    NotARecipient {
        address: String,
        work_id: u64,
        epoch: u32,
    },

    #[error("[code=nothing_to_claim] nothing to claim")]
    NothingToClaim,

    #[error("[code=exceeds_owed] {requested} requested, but only {owed} is owed")]
    ExceedsOwed { requested: Uint128, owed: Uint128 },

    #[error("[code=not_a_registry] {address} does not serve a KYC registry's policy")]
    NotARegistry { address: String },

    #[error("[code=dispute_timeout_too_short] the dispute timeout must be at least {min} seconds")]
    DisputeTimeoutTooShort { min: u64 },

    #[error("[code=held_not_resolvable] held funds of {address} are not for the owner to resolve ({reason}): only a revoked or jurisdiction-blocked address's are; the address claims them itself")]
    HeldNotResolvable { address: String, reason: String },

    #[error("[code=nothing_to_sweep] the escrow holds no stray {asset}: it holds {holdings} and owes {owed}")]
    NothingToSweep {
        asset: String,
        holdings: Uint128,
        owed: Uint128,
    },

    #[error("[code=contract_as_party] the escrow contract {address} cannot be a deal party or a split recipient")]
    ContractAsParty { address: String },

    #[error("[code=too_many_assets] {count} accepted assets; a work accepts at most {max}")]
    TooManyAssets { count: usize, max: usize },

    #[error("[code=unknown_reply] unknown reply id {id}")]
    UnknownReply { id: u64 },

    #[error("[code=invalid_reason] reason code {reason:?} is invalid: use 1 to 64 characters of A-Z a-z 0-9 _ . : -")]
    InvalidReason { reason: String },
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
            Self::Overflow(..) => "overflow",
            Self::Ownership(..) => "ownership",
            Self::Payment(..) => "payment",
            Self::Denied(d) => d.code.as_str(),
            Self::TokenNotAccepted { .. } => "token_not_accepted",
            Self::TokenAlreadyAccepted { .. } => "token_already_accepted",
            Self::DealNotFound { .. } => "deal_not_found",
            Self::WorkNotFound { .. } => "work_not_found",
            Self::NotAllowed { .. } => "not_allowed",
            Self::WrongStatus { .. } => "wrong_status",
            Self::ZeroAmount => "zero_amount",
            Self::MilestonesMismatch { .. } => "milestones_mismatch",
            Self::TooManyMilestones { .. } => "too_many_milestones",
            Self::InvalidMilestone { .. } => "invalid_milestone",
            Self::ExpiryInPast { .. } => "expiry_in_past",
            Self::NotExpired { .. } => "not_expired",
            Self::Expired { .. } => "expired",
            Self::DisputeRunning { .. } => "dispute_running",
            Self::SplitTooLarge { .. } => "split_too_large",
            Self::NoProposal { .. } => "no_proposal",
            Self::OwnProposal => "own_proposal",
            Self::SameParties => "same_parties",
            Self::WrongAsset { .. } => "wrong_asset",
            Self::SharesNotWhole { .. } => "shares_not_whole",
            Self::RecipientCount { .. } => "recipient_count",
            Self::ZeroShare { .. } => "zero_share",
            Self::DuplicateRecipient { .. } => "duplicate_recipient",
            Self::NoAcceptedAsset => "no_accepted_asset",
            Self::InvalidName => "invalid_name",
            Self::AssetNotAccepted { .. } => "asset_not_accepted",
            Self::EpochNotFound { .. } => "epoch_not_found",
            Self::NotARecipient { .. } => "not_a_recipient",
            Self::NothingToClaim => "nothing_to_claim",
            Self::ExceedsOwed { .. } => "exceeds_owed",
            Self::NotARegistry { .. } => "not_a_registry",
            Self::DisputeTimeoutTooShort { .. } => "dispute_timeout_too_short",
            Self::HeldNotResolvable { .. } => "held_not_resolvable",
            Self::NothingToSweep { .. } => "nothing_to_sweep",
            Self::ContractAsParty { .. } => "contract_as_party",
            Self::TooManyAssets { .. } => "too_many_assets",
            Self::UnknownReply { .. } => "unknown_reply",
            Self::InvalidReason { .. } => "invalid_reason",
        }
    }
}

impl From<Denial> for ContractError {
    fn from(d: Denial) -> Self {
        ContractError::Denied(d)
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
        let e = ContractError::NothingToClaim;
        let tag = farthing_types::errors::parse(&e.to_string()).unwrap();
        assert_eq!(tag.code, e.code());
    }
}

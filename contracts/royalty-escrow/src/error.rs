use cosmwasm_std::{OverflowError, StdError, Timestamp, Uint128};
use cw_utils::PaymentError;
use farthing_types::kyc::Denial;
use thiserror::Error;

#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    Ownership(#[from] cw_ownable::OwnershipError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error("refused by compliance ({}): {}", .0.code, .0.message)]
    Denied(Denial),

    #[error("cw20 token {address} is not accepted here")]
    TokenNotAccepted { address: String },

    #[error("cw20 token {address} is already accepted")]
    TokenAlreadyAccepted { address: String },

    #[error("deal {deal_id} does not exist")]
    DealNotFound { deal_id: u64 },

    #[error("work {work_id} does not exist")]
    WorkNotFound { work_id: u64 },

    #[error("{sender} may not do this on deal {deal_id}")]
    NotAllowed { sender: String, deal_id: u64 },

    #[error("deal {deal_id} is {status}; this needs it {needed}")]
    WrongStatus {
        deal_id: u64,
        status: String,
        needed: String,
    },

    #[error("the deposit must be greater than zero")]
    ZeroAmount,

    #[error("milestones sum to {sum}, but the deposit is {deposit}")]
    MilestonesMismatch { sum: Uint128, deposit: Uint128 },

    #[error("{count} milestones; the maximum is {max}")]
    TooManyMilestones { count: usize, max: usize },

    #[error("milestone {index} does not exist or is already released")]
    InvalidMilestone { index: u32 },

    #[error("the expiry {expires_at} is not in the future")]
    ExpiryInPast { expires_at: Timestamp },

    #[error("deal {deal_id} expires at {expires_at}; not yet")]
    NotExpired { deal_id: u64, expires_at: Timestamp },

    #[error("deal {deal_id} has expired at {expires_at}")]
    Expired { deal_id: u64, expires_at: Timestamp },

    #[error("the dispute on deal {deal_id} runs until {deadline}")]
    DisputeRunning { deal_id: u64, deadline: Timestamp },

    #[error("the split gives {to_payee} to the payee, more than the {remaining} the deal holds")]
    SplitTooLarge {
        to_payee: Uint128,
        remaining: Uint128,
    },

    #[error("no settlement proposal to accept on deal {deal_id}")]
    NoProposal { deal_id: u64 },

    #[error("the proposer cannot accept their own proposal")]
    OwnProposal,

    #[error("payer, payee and arbiter must be different addresses")]
    SameParties,

    #[error("the asset must be {expected}, not {got}")]
    WrongAsset { expected: String, got: String },

    #[error("shares sum to {sum} basis points; they must sum to 10000")]
    SharesNotWhole { sum: u32 },

    #[error("{count} recipients; a split has 1 to {max}")]
    RecipientCount { count: usize, max: usize },

    #[error("a share of 0 basis points for {address}")]
    ZeroShare { address: String },

    #[error("{address} appears twice in the split")]
    DuplicateRecipient { address: String },

    #[error("a work must accept at least one asset")]
    NoAcceptedAsset,

    #[error("the work name must be 1 to 64 bytes")]
    InvalidName,

    #[error("work {work_id} does not accept {asset}")]
    AssetNotAccepted { work_id: u64, asset: String },

    #[error("split {epoch} of work {work_id} does not exist")]
    EpochNotFound { work_id: u64, epoch: u32 },

    #[error("{address} has no share in split {epoch} of work {work_id}")]
    NotARecipient {
        address: String,
        work_id: u64,
        epoch: u32,
    },

    #[error("nothing to claim")]
    NothingToClaim,

    #[error("the dispute timeout must be at least {min} seconds")]
    DisputeTimeoutTooShort { min: u64 },

    #[error("held funds of {address} are not for the owner to resolve ({reason}): only a revoked or jurisdiction-blocked address's are; the address claims them itself")]
    HeldNotResolvable { address: String, reason: String },

    #[error("the escrow contract {address} cannot be a deal party or a split recipient")]
    ContractAsParty { address: String },

    #[error("{count} accepted assets; a work accepts at most {max}")]
    TooManyAssets { count: usize, max: usize },

    #[error("unknown reply id {id}")]
    UnknownReply { id: u64 },

    #[error("reason code {reason:?} is invalid: use 1 to 64 characters of A-Z a-z 0-9 _ . : -")]
    InvalidReason { reason: String },
}

impl From<Denial> for ContractError {
    fn from(d: Denial) -> Self {
        ContractError::Denied(d)
    }
}

pub type ContractResult<T = cosmwasm_std::Response> = Result<T, ContractError>;

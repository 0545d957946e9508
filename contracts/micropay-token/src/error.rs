use cosmwasm_std::{OverflowError, StdError, Uint128};
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

    /// The compliance gate refused the movement.
    #[error("refused by compliance ({}): {}", .0.code, .0.message)]
    Denied(Denial),

    #[error("the token is paused: no balance can move until it is unpaused")]
    Paused,

    #[error("the token is not paused")]
    NotPaused,

    #[error("address {address} is frozen by the issuer")]
    AccountFrozen { address: String },

    #[error("address {address} is not frozen")]
    NotFrozen { address: String },

    #[error("address {address} has {available} available (balance minus frozen), {needed} needed")]
    InsufficientFunds {
        address: String,
        available: Uint128,
        needed: Uint128,
    },

    #[error("{address} may move {remaining} more in its current volume window (limit {limit}); {needed} requested")]
    VolumeWindowExceeded {
        address: String,
        limit: Uint128,
        remaining: Uint128,
        needed: Uint128,
    },

    #[error("amount must be greater than zero")]
    ZeroAmount,

    #[error("cannot unfreeze {amount}: only {frozen} of {address} is frozen")]
    UnfreezeTooMuch {
        address: String,
        amount: Uint128,
        frozen: Uint128,
    },

    #[error("{sender} does not have the {role} role")]
    MissingRole { sender: String, role: String },

    #[error("{address} already has the {role} role")]
    RoleAlreadyGranted { address: String, role: String },

    #[error("{address} does not have the {role} role")]
    RoleNotGranted { address: String, role: String },

    #[error("the batch is empty: send at least one payout")]
    EmptyBatch,

    #[error("the batch has {size} payouts; the maximum is {max}")]
    BatchTooLarge { size: usize, max: usize },

    #[error("payment reference must be 1 to {max} bytes, got {length}")]
    InvalidReference { length: usize, max: usize },

    #[error("travel-rule reference must be a {expected}-byte hash, got {length} bytes")]
    InvalidTravelRuleRef { length: usize, expected: usize },

    #[error("reason code {reason:?} is invalid: use 1 to 64 characters of A-Z a-z 0-9 _ . : -")]
    InvalidReason { reason: String },

    #[error("recovery target {address} must be a new, empty, unfrozen wallet")]
    RecoveryTargetNotEmpty { address: String },

    #[error("lost and new wallet are the same address")]
    RecoverToSelf,

    #[error(transparent)]
    Payment(#[from] cw_utils::PaymentError),

    #[error("a forced transfer needs a recipient other than its sender; unfreezing is the freezer's job")]
    ForcedTransferToSelf,

    #[error("a channel needs a payee other than its payer")]
    ChannelToSelf,

    #[error("channel {channel} does not exist")]
    ChannelNotFound { channel: u64 },

    #[error("channel {channel} is closed")]
    ChannelClosed { channel: u64 },

    #[error("channel {channel} is already closing")]
    ChannelClosing { channel: u64 },

    #[error("the settle period of channel {channel} ended at {closing_at}: no more claims")]
    SettlePeriodOver {
        channel: u64,
        closing_at: cosmwasm_std::Timestamp,
    },

    #[error("{sender} may not do this on channel {channel}")]
    NotChannelParty { sender: String, channel: u64 },

    #[error("voucher for {cumulative} does not exceed the {claimed} already claimed")]
    VoucherAlreadyClaimed {
        cumulative: Uint128,
        claimed: Uint128,
    },

    #[error("voucher for {cumulative} exceeds the channel deposit {deposit}")]
    VoucherExceedsDeposit {
        cumulative: Uint128,
        deposit: Uint128,
    },

    #[error("invalid voucher: {0}")]
    InvalidVoucher(#[from] farthing_voucher::VoucherError),

    #[error("the payer may close channel {channel} after {after}")]
    CloseTooEarly {
        channel: u64,
        after: cosmwasm_std::Timestamp,
    },

    #[error("the expiry {expires_at} must be after {after}")]
    ExpiryTooEarly {
        expires_at: cosmwasm_std::Timestamp,
        after: cosmwasm_std::Timestamp,
    },

    #[error("the settle period must be at least {min} seconds")]
    SettlePeriodTooShort { min: u64 },

    #[error("{count} claims; the maximum is {max}")]
    TooManyClaims { count: usize, max: usize },

    // ---- cw20-base errors, same messages ----
    #[error("Unauthorized")]
    Unauthorized {},

    #[error("Cannot set to own account")]
    CannotSetOwnAccount {},

    #[error("Allowance is expired")]
    Expired {},

    #[error("No allowance for this account")]
    NoAllowance {},

    #[error("Minting cannot exceed the cap")]
    CannotExceedCap {},

    #[error("Logo binary data exceeds 5KB limit")]
    LogoTooBig {},

    #[error("Invalid xml preamble for SVG")]
    InvalidXmlPreamble {},

    #[error("Invalid png header")]
    InvalidPngHeader {},

    #[error("Invalid expiration value")]
    InvalidExpiration {},

    #[error("Duplicate initial balance addresses")]
    DuplicateInitialBalanceAddresses {},

    #[error("Initial supply greater than cap")]
    InitialSupplyOverCap {},

    #[error("Name is not in the expected format (3-50 UTF-8 bytes)")]
    InvalidName {},

    #[error("Ticker symbol is not in expected format [a-zA-Z\\-]{{3,12}}")]
    InvalidSymbol {},

    #[error("Decimals must not exceed 18")]
    InvalidDecimals {},
}

impl From<Denial> for ContractError {
    fn from(d: Denial) -> Self {
        ContractError::Denied(d)
    }
}

pub type ContractResult<T = cosmwasm_std::Response> = Result<T, ContractError>;

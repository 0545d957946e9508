use cosmwasm_std::{OverflowError, StdError, Uint128};
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

    /// The compliance gate refused the movement.
    #[error("[code={} role={} party={}] refused by compliance: {}", .0.code, .0.role.as_str(), .0.party, .0.message)]
    Denied(Denial),

    #[error("[code=paused] the token is paused: no balance can move until it is unpaused")]
    Paused,

    #[error("[code=not_paused] the token is not paused")]
    NotPaused,

    #[error("[code=frozen] address {address} is frozen by the issuer")]
    AccountFrozen { address: String },

    #[error("[code=not_frozen] address {address} is not frozen")]
    NotFrozen { address: String },

    #[error("[code=insufficient_funds] address {address} has {available} available (balance minus frozen), {needed} needed")]
    InsufficientFunds {
        address: String,
        available: Uint128,
        needed: Uint128,
    },

    #[error("[code=volume_window_exceeded] {address} may move {remaining} more in its current volume window (limit {limit}); {needed} requested")]
    VolumeWindowExceeded {
        address: String,
        limit: Uint128,
        remaining: Uint128,
        needed: Uint128,
    },

    #[error("[code=zero_amount] amount must be greater than zero")]
    ZeroAmount,

    #[error(
        "[code=unfreeze_too_much] cannot unfreeze {amount}: only {frozen} of {address} is frozen"
    )]
    UnfreezeTooMuch {
        address: String,
        amount: Uint128,
        frozen: Uint128,
    },

    #[error("[code=missing_role] {sender} does not have the {role} role")]
    MissingRole { sender: String, role: String },

    #[error("[code=role_already_granted] {address} already has the {role} role")]
    RoleAlreadyGranted { address: String, role: String },

    #[error("[code=role_not_granted] {address} does not have the {role} role")]
    RoleNotGranted { address: String, role: String },

    #[error("[code=empty_batch] the batch is empty: send at least one payout")]
    EmptyBatch,

    #[error("[code=batch_too_large] the batch has {size} payouts; the maximum is {max}")]
    BatchTooLarge { size: usize, max: usize },

    #[error("[code=invalid_reference] payment reference must be 1 to {max} bytes, got {length}")]
    InvalidReference { length: usize, max: usize },

    #[error("[code=invalid_travel_rule_ref] travel-rule reference must be a {expected}-byte hash, got {length} bytes")]
    InvalidTravelRuleRef { length: usize, expected: usize },

    #[error("[code=invalid_reason] reason code {reason:?} is invalid: use 1 to 64 characters of A-Z a-z 0-9 _ . : -")]
    InvalidReason { reason: String },

    #[error("[code=recovery_target_not_empty] recovery target {address} must be a new, empty, unfrozen wallet")]
    RecoveryTargetNotEmpty { address: String },

    #[error("[code=recover_to_self] lost and new wallet are the same address")]
    RecoverToSelf,

    #[error("[code=payment] {0}")]
    Payment(#[from] cw_utils::PaymentError),

    #[error("[code=not_a_registry] {address} does not serve a KYC registry's policy")]
    NotARegistry { address: String },

    #[error("[code=forced_transfer_to_self] a forced transfer needs a recipient other than its sender; unfreezing is the freezer's job")]
    ForcedTransferToSelf,

    #[error("[code=channel_to_self] a channel needs a payee other than its payer")]
    ChannelToSelf,

    #[error("[code=channel_not_found] channel {channel} does not exist")]
    ChannelNotFound { channel: u64 },

    #[error("[code=channel_closed] channel {channel} is closed")]
    ChannelClosed { channel: u64 },

    #[error("[code=channel_closing] channel {channel} is already closing")]
    ChannelClosing { channel: u64 },

    #[error("[code=settle_period_over] the settle period of channel {channel} ended at {closing_at}: no more claims")]
    SettlePeriodOver {
        channel: u64,
        closing_at: cosmwasm_std::Timestamp,
    },

    #[error("[code=not_channel_party] {sender} may not do this on channel {channel}")]
    NotChannelParty { sender: String, channel: u64 },

    #[error("[code=voucher_already_claimed] voucher for {cumulative} does not exceed the {claimed} already claimed")]
    VoucherAlreadyClaimed {
        cumulative: Uint128,
        claimed: Uint128,
    },

    #[error("[code=voucher_exceeds_deposit] voucher for {cumulative} exceeds the channel deposit {deposit}")]
    VoucherExceedsDeposit {
        cumulative: Uint128,
        deposit: Uint128,
    },

    #[error("[code={}] invalid voucher: {0}", .0.code())]
    InvalidVoucher(#[from] farthing_voucher::VoucherError),

    #[error("[code=close_too_early] the payer may close channel {channel} after {after}")]
    CloseTooEarly {
        channel: u64,
        after: cosmwasm_std::Timestamp,
    },

    #[error("[code=expiry_too_early] the expiry {expires_at} must be after {after}")]
    ExpiryTooEarly {
        expires_at: cosmwasm_std::Timestamp,
        after: cosmwasm_std::Timestamp,
    },

    #[error("[code=settle_period_too_short] the settle period must be at least {min} seconds")]
    SettlePeriodTooShort { min: u64 },

    #[error("[code=settle_period_too_long] the settle period must be at most {max} seconds")]
    SettlePeriodTooLong { max: u64 },

    #[error("[code=expiry_too_late] the expiry {expires_at} is more than {max_seconds} seconds after {now}")]
    ExpiryTooLate {
        expires_at: cosmwasm_std::Timestamp,
        now: cosmwasm_std::Timestamp,
        max_seconds: u64,
    },

    #[error("[code=too_many_claims] {count} claims; the maximum is {max}")]
    TooManyClaims { count: usize, max: usize },

    // ---- cw20-base errors, same messages ----
    #[error("[code=unauthorized] Unauthorized")]
    Unauthorized {},

    #[error("[code=cannot_set_own_account] Cannot set to own account")]
    CannotSetOwnAccount {},

    #[error("[code=expired] Allowance is expired")]
    Expired {},

    #[error("[code=no_allowance] No allowance for this account")]
    NoAllowance {},

    #[error("[code=cannot_exceed_cap] Minting cannot exceed the cap")]
    CannotExceedCap {},

    #[error("[code=logo_too_big] Logo binary data exceeds 5KB limit")]
    LogoTooBig {},

    #[error("[code=invalid_xml_preamble] Invalid xml preamble for SVG")]
    InvalidXmlPreamble {},

    #[error("[code=invalid_png_header] Invalid png header")]
    InvalidPngHeader {},

    #[error("[code=invalid_expiration] Invalid expiration value")]
    InvalidExpiration {},

    #[error("[code=duplicate_initial_balance_addresses] Duplicate initial balance addresses")]
    DuplicateInitialBalanceAddresses {},

    #[error("[code=initial_supply_over_cap] Initial supply greater than cap")]
    InitialSupplyOverCap {},

    #[error("[code=invalid_name] Name is not in the expected format (3-50 UTF-8 bytes)")]
    InvalidName {},

    #[error("[code=invalid_symbol] Ticker symbol is not in expected format [a-zA-Z\\-]{{3,12}}")]
    InvalidSymbol {},

    #[error("[code=invalid_decimals] Decimals must not exceed 18")]
    InvalidDecimals {},
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
            Self::Denied(d) => d.code.as_str(),
            Self::Paused => "paused",
            Self::NotPaused => "not_paused",
            // The same code as the `CanTransfer` dry run gives.
            Self::AccountFrozen { .. } => "frozen",
            Self::NotFrozen { .. } => "not_frozen",
            Self::InsufficientFunds { .. } => "insufficient_funds",
            Self::VolumeWindowExceeded { .. } => "volume_window_exceeded",
            Self::ZeroAmount => "zero_amount",
            Self::UnfreezeTooMuch { .. } => "unfreeze_too_much",
            Self::MissingRole { .. } => "missing_role",
            Self::RoleAlreadyGranted { .. } => "role_already_granted",
            Self::RoleNotGranted { .. } => "role_not_granted",
            Self::EmptyBatch => "empty_batch",
            Self::BatchTooLarge { .. } => "batch_too_large",
            Self::InvalidReference { .. } => "invalid_reference",
            Self::InvalidTravelRuleRef { .. } => "invalid_travel_rule_ref",
            Self::InvalidReason { .. } => "invalid_reason",
            Self::RecoveryTargetNotEmpty { .. } => "recovery_target_not_empty",
            Self::RecoverToSelf => "recover_to_self",
            Self::Payment(..) => "payment",
            Self::NotARegistry { .. } => "not_a_registry",
            Self::ForcedTransferToSelf => "forced_transfer_to_self",
            Self::ChannelToSelf => "channel_to_self",
            Self::ChannelNotFound { .. } => "channel_not_found",
            Self::ChannelClosed { .. } => "channel_closed",
            Self::ChannelClosing { .. } => "channel_closing",
            Self::SettlePeriodOver { .. } => "settle_period_over",
            Self::NotChannelParty { .. } => "not_channel_party",
            Self::VoucherAlreadyClaimed { .. } => "voucher_already_claimed",
            Self::VoucherExceedsDeposit { .. } => "voucher_exceeds_deposit",
            Self::InvalidVoucher(e) => e.code(),
            Self::CloseTooEarly { .. } => "close_too_early",
            Self::ExpiryTooEarly { .. } => "expiry_too_early",
            Self::SettlePeriodTooShort { .. } => "settle_period_too_short",
            Self::SettlePeriodTooLong { .. } => "settle_period_too_long",
            Self::ExpiryTooLate { .. } => "expiry_too_late",
            Self::TooManyClaims { .. } => "too_many_claims",
            Self::Unauthorized { .. } => "unauthorized",
            Self::CannotSetOwnAccount { .. } => "cannot_set_own_account",
            Self::Expired { .. } => "expired",
            Self::NoAllowance { .. } => "no_allowance",
            Self::CannotExceedCap { .. } => "cannot_exceed_cap",
            Self::LogoTooBig { .. } => "logo_too_big",
            Self::InvalidXmlPreamble { .. } => "invalid_xml_preamble",
            Self::InvalidPngHeader { .. } => "invalid_png_header",
            Self::InvalidExpiration { .. } => "invalid_expiration",
            Self::DuplicateInitialBalanceAddresses { .. } => "duplicate_initial_balance_addresses",
            Self::InitialSupplyOverCap { .. } => "initial_supply_over_cap",
            Self::InvalidName { .. } => "invalid_name",
            Self::InvalidSymbol { .. } => "invalid_symbol",
            Self::InvalidDecimals { .. } => "invalid_decimals",
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
        let e = ContractError::Unauthorized {};
        let tag = farthing_types::errors::parse(&e.to_string()).unwrap();
        assert_eq!(tag.code, e.code());
    }
}

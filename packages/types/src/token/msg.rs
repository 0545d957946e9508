use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Binary, HexBinary, Timestamp, Uint128};
use cw20::{Cw20Coin, Expiration, Logo, MinterResponse};
use cw_ownable::{cw_ownable_execute, cw_ownable_query};

use crate::kyc::Verdict;
use crate::later_by;
pub use farthing_voucher::SignerKey;

/// Same as cw20-base's `InstantiateMarketingInfo`.
#[cw_serde]
pub struct InstantiateMarketingInfo {
    pub project: Option<String>,
    pub description: Option<String>,
    pub marketing: Option<String>,
    pub logo: Option<Logo>,
}

/// Issuer roles, each separate from the owner.
#[cw_serde]
#[derive(Copy, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Pauses and unpauses all balance movements.
    Pauser,
    /// Freezes and unfreezes addresses and parts of balances.
    Freezer,
    /// Forced transfers and wallet recovery.
    Agent,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Pauser, Role::Freezer, Role::Agent];

    pub const fn code(self) -> u8 {
        match self {
            Role::Pauser => 0,
            Role::Freezer => 1,
            Role::Agent => 2,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Pauser => "pauser",
            Role::Freezer => "freezer",
            Role::Agent => "agent",
        }
    }
}

#[cw_serde]
pub struct RoleGrant {
    pub role: Role,
    pub address: String,
}

/// cw20-base 2.0's `InstantiateMsg`, plus the owner, the registry and the issuer roles.
#[cw_serde]
pub struct InstantiateMsg {
    pub name: String,
    pub symbol: String,
    pub decimals: u8,
    /// Minted at instantiation; each recipient passes the compliance gate.
    pub initial_balances: Vec<Cw20Coin>,
    pub mint: Option<MinterResponse>,
    pub marketing: Option<InstantiateMarketingInfo>,
    /// Owner (grants roles, sets the registry). Defaults to the instantiating account.
    pub owner: Option<String>,
    /// KYC registry to consult. `None` (or absent): compliance off (a plain cw20).
    pub registry: Option<String>,
    /// Issuer roles to grant at instantiation (default: none). Optional, so that
    /// cw20-base 2.0's own `InstantiateMsg` instantiates the token as it is.
    #[serde(default)]
    pub roles: Vec<RoleGrant>,
}

/// One payout of a `BatchTransfer`.
#[cw_serde]
pub struct Payout {
    pub recipient: String,
    pub amount: Uint128,
}

#[cw_ownable_execute]
#[cw_serde]
pub enum ExecuteMsg {
    // ---- cw20-base 2.0, same JSON ----
    /// Move `amount` from the sender to `recipient` (both pass the compliance gate).
    Transfer { recipient: String, amount: Uint128 },
    /// Destroy `amount` of the sender's balance (the sender passes the gate).
    Burn { amount: Uint128 },
    /// Transfer to a contract and call its `Receive` hook with `msg` (base64 JSON).
    Send {
        contract: String,
        amount: Uint128,
        msg: Binary,
    },
    /// Let `spender` move `amount` more of the sender's balance, until `expires`.
    IncreaseAllowance {
        spender: String,
        amount: Uint128,
        expires: Option<Expiration>,
    },
    /// Lower `spender`'s allowance by `amount` (to zero at most: the allowance is removed).
    DecreaseAllowance {
        spender: String,
        amount: Uint128,
        expires: Option<Expiration>,
    },
    /// Spender: move `amount` of `owner`'s balance to `recipient` (owner, spender and
    /// recipient all pass the gate).
    TransferFrom {
        owner: String,
        recipient: String,
        amount: Uint128,
    },
    /// Spender: `Send` from `owner`'s balance to a contract.
    SendFrom {
        owner: String,
        contract: String,
        amount: Uint128,
        msg: Binary,
    },
    /// Spender: burn `amount` of `owner`'s balance.
    BurnFrom { owner: String, amount: Uint128 },
    /// Minter: create `amount` for `recipient` (who passes the gate), within the cap.
    Mint { recipient: String, amount: Uint128 },
    /// Minter: hand the minter role to `new_minter`, or drop it with `None`.
    UpdateMinter { new_minter: Option<String> },
    /// Marketing account: change the marketing fields (`None` leaves a field unchanged).
    UpdateMarketing {
        project: Option<String>,
        description: Option<String>,
        marketing: Option<String>,
    },
    /// Marketing account: set the logo (a URL, or an embedded SVG or PNG up to 5 KB).
    UploadLogo(Logo),

    // ---- micropayments ----
    /// Pays many recipients atomically: the sender is checked once, each recipient once.
    BatchTransfer { transfers: Vec<Payout> },
    /// A transfer carrying an invoice reference (≤ 64 bytes) in its event; with a
    /// `travel_rule_ref` (32-byte hash of the off-chain travel-rule message) it may go at or
    /// above the travel-rule threshold without the tier requirement.
    Pay {
        recipient: String,
        amount: Uint128,
        reference: String,
        travel_rule_ref: Option<HexBinary>,
    },

    // ---- issuer controls ----
    /// Pauser: stop every balance movement.
    Pause { reason: String },
    /// Pauser: let balances move again.
    Unpause { reason: String },
    /// Freezer: the address can neither send nor receive.
    Freeze { address: String, reason: String },
    /// Freezer: let the address send and receive again.
    Unfreeze { address: String, reason: String },
    /// Freezer: lock `amount` more of the address's balance (the frozen part cannot move).
    FreezeTokens {
        address: String,
        amount: Uint128,
        reason: String,
    },
    /// Freezer: release `amount` of the address's frozen part.
    UnfreezeTokens {
        address: String,
        amount: Uint128,
        reason: String,
    },
    /// Agent: move funds without the sender's consent. The sender's compliance is skipped,
    /// the recipient's is not. Frozen funds (and a frozen sender) are refused unless
    /// `unfreeze` is set, which releases exactly what the transfer needs.
    ForcedTransfer {
        from: String,
        to: String,
        amount: Uint128,
        reason: String,
        unfreeze: bool,
    },
    /// Agent: move a lost wallet's whole balance and frozen state to a new wallet.
    Recover {
        lost: String,
        new_address: String,
        reason: String,
    },

    // ---- administration (owner) ----
    /// Owner: give `address` an issuer role.
    GrantRole { role: Role, address: String },
    /// Owner: take an issuer role from `address`.
    RevokeRole { role: Role, address: String },
    /// Point the gate at another registry, or `None` to turn compliance off.
    SetRegistry { registry: Option<String> },
    /// Owner: how long a payee has to submit its last voucher after the payer starts closing
    /// a channel (at least `MIN_SETTLE_SECONDS`).
    SetSettlePeriod {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        seconds: u64,
    },

    // ---- payment channels ----
    /// Payer: lock `amount` of its balance for `payee`; vouchers are signed by `signer`.
    /// The deposit is checked as a transfer from the payer to the payee (per-transfer limit
    /// and travel rule on the whole deposit, counted in the payer's volume window); a
    /// `travel_rule_ref` (32-byte hash of the off-chain travel-rule message) covers the
    /// channel's deposit, top-ups included, as it covers a `Pay`.
    OpenChannel {
        payee: String,
        amount: Uint128,
        expires_at: Timestamp,
        signer: SignerKey,
        travel_rule_ref: Option<HexBinary>,
    },
    /// Payer: lock more into an open channel.
    TopUpChannel {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        channel: u64,
        amount: Uint128,
    },
    /// Payer: move the expiry later.
    ExtendChannel {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        channel: u64,
        expires_at: Timestamp,
    },
    /// Payee: claim up to the voucher's cumulative amount; with `close`, also close the
    /// channel and return the rest to the payer, in the same transaction.
    Claim {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        channel: u64,
        cumulative: Uint128,
        signature: HexBinary,
        close: Option<bool>,
    },
    /// Payee: claim several channels at once (ed25519 vouchers verified in one batch).
    ClaimMany { claims: Vec<ChannelClaim> },
    /// Payer: start closing; the payee has the settle period to submit its last voucher.
    StartClose {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        channel: u64,
    },
    /// Close and return what is not claimed to the payer: the payee at any time; the payer
    /// after the settle period, or after expiry.
    CloseChannel {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        channel: u64,
    },
}

/// The `data` of an `OpenChannel` response.
#[cw_serde]
pub struct OpenChannelResponse {
    /// The new channel's id.
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub channel: u64,
}

#[cw_serde]
pub struct ChannelClaim {
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub channel: u64,
    pub cumulative: Uint128,
    pub signature: HexBinary,
}

#[cw_serde]
pub struct Channel {
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub id: u64,
    pub payer: Addr,
    pub payee: Addr,
    pub signer: SignerKey,
    /// Locked in total.
    pub deposit: Uint128,
    /// Paid to the payee so far (the highest voucher claimed).
    pub claimed: Uint128,
    pub expires_at: Timestamp,
    /// Set by `StartClose`: after this, the payer may close.
    pub closing_at: Option<Timestamp>,
    pub closed: bool,
    /// The travel-rule reference given at open, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub travel_rule_ref: Option<HexBinary>,
    /// The channel's stop clock when the deadlines above were last moved: seconds the token
    /// has been paused plus seconds the payer has been frozen by the issuer. `expires_at`
    /// and `closing_at` move later by every second of either, so that neither a pause nor a
    /// freeze of the payer eats the payee's time to claim or the channel's life.
    #[serde(
        default,
        with = "farthing_voucher::wire::u64_str",
        skip_serializing_if = "is_zero"
    )]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub stop_mark: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Channel {
    /// Moves the deadlines by the stop time since they were last moved (`stop_clock`: the
    /// token's paused seconds plus the payer's frozen seconds, current stops included).
    /// Saturates at the end of the timestamp range rather than overflow.
    pub fn catch_up(&mut self, stop_clock: u64) {
        let stopped = stop_clock.saturating_sub(self.stop_mark);
        if stopped == 0 {
            return;
        }
        self.expires_at = later_by(self.expires_at, stopped);
        self.closing_at = self.closing_at.map(|t| later_by(t, stopped));
        self.stop_mark = stop_clock;
    }
}

#[cw_serde]
pub enum ChannelsBy {
    /// Channels this address pays from.
    Payer(String),
    /// Channels this address is paid through.
    Payee(String),
}

#[cw_serde]
pub struct ChannelsResponse {
    pub channels: Vec<Channel>,
}

#[cw_ownable_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    // ---- cw20-base 2.0, same JSON and responses ----
    /// The address's balance (frozen part included; see `Account`).
    #[returns(cw20::BalanceResponse)]
    Balance { address: String },
    /// Name, symbol, decimals and total supply.
    #[returns(cw20::TokenInfoResponse)]
    TokenInfo {},
    /// The minter and its cap, if minting is enabled.
    #[returns(Option<MinterResponse>)]
    Minter {},
    /// What `spender` may still move of `owner`'s balance, and until when.
    #[returns(cw20::AllowanceResponse)]
    Allowance { owner: String, spender: String },
    /// Every allowance `owner` has given, in spender order, paginated.
    #[returns(cw20::AllAllowancesResponse)]
    AllAllowances {
        owner: String,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Every allowance `spender` has received, in owner order, paginated.
    #[returns(cw20::AllSpenderAllowancesResponse)]
    AllSpenderAllowances {
        spender: String,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// Every account holding a balance, in address order, paginated.
    #[returns(cw20::AllAccountsResponse)]
    AllAccounts {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// The marketing fields.
    #[returns(cw20::MarketingInfoResponse)]
    MarketingInfo {},
    /// The embedded logo (an error if the logo is a URL or unset).
    #[returns(cw20::DownloadLogoResponse)]
    DownloadLogo {},

    // ---- Farthing ----
    /// Dry run: would a transfer of `amount` from `from` to `to` go through now?
    #[returns(CanTransferResponse)]
    CanTransfer {
        from: String,
        to: String,
        amount: Uint128,
    },
    /// Balance, frozen state, available amount and volume window of an address.
    #[returns(AccountResponse)]
    Account { address: String },
    /// The registry the gate consults, and whether the token is paused.
    #[returns(ConfigResponse)]
    Config {},
    /// Holders of an issuer role, in address order, paginated.
    #[returns(RolesResponse)]
    Roles {
        role: Role,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    /// One payment channel.
    #[returns(Channel)]
    Channel {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        channel: u64,
    },
    /// Channels of one payer or one payee, in id order, paginated.
    #[returns(ChannelsResponse)]
    Channels {
        by: ChannelsBy,
        #[serde(default, with = "farthing_voucher::wire::opt_u64_str")]
        #[schemars(with = "Option<cosmwasm_std::Uint64>")]
        start_after: Option<u64>,
        limit: Option<u32>,
    },
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
pub struct CanTransferResponse {
    pub verdict: Verdict,
    /// How much more the sender may move in its current volume window (`None`: no limit).
    pub remaining_in_window: Option<Uint128>,
    /// When the sender's current window closes (`None`: no window open or no limit).
    pub window_resets_at: Option<Timestamp>,
}

#[cw_serde]
pub struct AccountResponse {
    pub balance: Uint128,
    /// The whole address is frozen.
    pub frozen: bool,
    /// Part of the balance that cannot move.
    pub frozen_amount: Uint128,
    /// Balance minus frozen amount (zero when the address is frozen).
    pub available: Uint128,
    pub window_start: Option<Timestamp>,
    pub window_used: Uint128,
}

#[cw_serde]
pub struct ConfigResponse {
    pub registry: Option<Addr>,
    pub paused: bool,
}

#[cw_serde]
pub struct RolesResponse {
    pub role: Role,
    pub addresses: Vec<Addr>,
}

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
    Transfer {
        recipient: String,
        amount: Uint128,
    },
    Burn {
        amount: Uint128,
    },
    Send {
        contract: String,
        amount: Uint128,
        msg: Binary,
    },
    IncreaseAllowance {
        spender: String,
        amount: Uint128,
        expires: Option<Expiration>,
    },
    DecreaseAllowance {
        spender: String,
        amount: Uint128,
        expires: Option<Expiration>,
    },
    TransferFrom {
        owner: String,
        recipient: String,
        amount: Uint128,
    },
    SendFrom {
        owner: String,
        contract: String,
        amount: Uint128,
        msg: Binary,
    },
    BurnFrom {
        owner: String,
        amount: Uint128,
    },
    Mint {
        recipient: String,
        amount: Uint128,
    },
    UpdateMinter {
        new_minter: Option<String>,
    },
    UpdateMarketing {
        project: Option<String>,
        description: Option<String>,
        marketing: Option<String>,
    },
    UploadLogo(Logo),

    // ---- micropayments ----
    /// Pays many recipients atomically: the sender is checked once, each recipient once.
    BatchTransfer {
        transfers: Vec<Payout>,
    },
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
    Pause {
        reason: String,
    },
    Unpause {
        reason: String,
    },
    /// Freezer: the address can neither send nor receive.
    Freeze {
        address: String,
        reason: String,
    },
    Unfreeze {
        address: String,
        reason: String,
    },
    /// Freezer: lock `amount` more of the address's balance (the frozen part cannot move).
    FreezeTokens {
        address: String,
        amount: Uint128,
        reason: String,
    },
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
    GrantRole {
        role: Role,
        address: String,
    },
    RevokeRole {
        role: Role,
        address: String,
    },
    /// Point the gate at another registry, or `None` to turn compliance off.
    SetRegistry {
        registry: Option<String>,
    },
    /// Owner: how long a payee has to submit its last voucher after the payer starts closing
    /// a channel (at least `MIN_SETTLE_SECONDS`).
    SetSettlePeriod {
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
        channel: u64,
        amount: Uint128,
    },
    /// Payer: move the expiry later.
    ExtendChannel {
        channel: u64,
        expires_at: Timestamp,
    },
    /// Payee: claim up to the voucher's cumulative amount; with `close`, also close the
    /// channel and return the rest to the payer, in the same transaction.
    Claim {
        channel: u64,
        cumulative: Uint128,
        signature: HexBinary,
        close: Option<bool>,
    },
    /// Payee: claim several channels at once (ed25519 vouchers verified in one batch).
    ClaimMany {
        claims: Vec<ChannelClaim>,
    },
    /// Payer: start closing; the payee has the settle period to submit its last voucher.
    StartClose {
        channel: u64,
    },
    /// Close and return what is not claimed to the payer: the payee at any time; the payer
    /// after the settle period, or after expiry.
    CloseChannel {
        channel: u64,
    },
}

/// The `data` of an `OpenChannel` response.
#[cw_serde]
pub struct OpenChannelResponse {
    /// The new channel's id.
    pub channel: u64,
}

#[cw_serde]
pub struct ChannelClaim {
    pub channel: u64,
    pub cumulative: Uint128,
    pub signature: HexBinary,
}

#[cw_serde]
pub struct Channel {
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
    #[serde(default, skip_serializing_if = "is_zero")]
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
    Payer(String),
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
    #[returns(cw20::BalanceResponse)]
    Balance { address: String },
    #[returns(cw20::TokenInfoResponse)]
    TokenInfo {},
    #[returns(Option<MinterResponse>)]
    Minter {},
    #[returns(cw20::AllowanceResponse)]
    Allowance { owner: String, spender: String },
    #[returns(cw20::AllAllowancesResponse)]
    AllAllowances {
        owner: String,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    #[returns(cw20::AllSpenderAllowancesResponse)]
    AllSpenderAllowances {
        spender: String,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    #[returns(cw20::AllAccountsResponse)]
    AllAccounts {
        start_after: Option<String>,
        limit: Option<u32>,
    },
    #[returns(cw20::MarketingInfoResponse)]
    MarketingInfo {},
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
    #[returns(AccountResponse)]
    Account { address: String },
    #[returns(ConfigResponse)]
    Config {},
    #[returns(RolesResponse)]
    Roles {
        role: Role,
        start_after: Option<String>,
        limit: Option<u32>,
    },
    #[returns(Channel)]
    Channel { channel: u64 },
    #[returns(ChannelsResponse)]
    Channels {
        by: ChannelsBy,
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

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Timestamp, Uint128};
use cw20::Cw20ReceiveMsg;
use cw_ownable::{cw_ownable_execute, cw_ownable_query};

/// A native denom or a cw20 token (which must be on the owner's allowlist).
#[cw_serde]
#[derive(Eq, PartialOrd, Ord, Hash)]
pub enum AssetInfo {
    /// A native coin of the chain (bank module), by denom.
    Native { denom: String },
    /// A cw20 token contract, by address.
    Cw20 { address: Addr },
}

impl AssetInfo {
    /// Storage key: `n:<denom>` or `c:<address>`.
    pub fn key(&self) -> String {
        match self {
            AssetInfo::Native { denom } => format!("n:{denom}"),
            AssetInfo::Cw20 { address } => format!("c:{address}"),
        }
    }
}

impl std::fmt::Display for AssetInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AssetInfo::Native { denom } => f.write_str(denom),
            AssetInfo::Cw20 { address } => write!(f, "cw20:{address}"),
        }
    }
}

#[cw_serde]
pub struct InstantiateMsg {
    pub owner: Option<String>,
    /// KYC registry consulted before every release, refund, settlement and claim.
    pub registry: Option<String>,
    /// cw20 tokens accepted for deals and royalties.
    pub accepted_cw20: Vec<String>,
    /// How long an arbiter has to rule on a dispute before the payer is refunded.
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub dispute_timeout_seconds: u64,
}

/// Terms of a new escrow deal; the deposit comes with the message.
#[cw_serde]
pub struct DealTerms {
    /// Receives the releases. Not the payer, the arbiter, or the escrow contract itself.
    pub payee: String,
    /// May release and must rule on disputes. Without one, a dispute ends by agreement or,
    /// at its deadline, by a refund to the payer.
    pub arbiter: Option<String>,
    /// Amounts released one by one; they must sum to the deposit. Empty: one milestone.
    pub milestones: Vec<Uint128>,
    /// After this time, anyone may trigger the refund of what is not released.
    pub expires_at: Timestamp,
}

#[cw_serde]
pub struct Share {
    pub address: String,
    pub bps: u16,
}

#[cw_serde]
pub struct WorkTerms {
    pub name: String,
    /// Basis points summing to 10,000; at most 50 recipients. The first recipient also
    /// receives the rounding remainder of each closed split (see `Claim`). The escrow
    /// contract itself may not be a recipient.
    pub recipients: Vec<Share>,
    /// Assets the work may be paid in: 1 to 10 (`MAX_WORK_ASSETS`).
    pub accepted: Vec<AssetInfo>,
}

/// What a cw20 `Send` to this contract asks for: the `msg` of the token's `Send`, as
/// base64 JSON. The tokens sent are the deposit or the payment; the `Send`'s sender is
/// the payer. The token must be on the escrow's accepted list (`AllowToken`).
#[cw_serde]
pub enum ReceiveMsg {
    /// Open a deal funded by the tokens sent.
    CreateDeal(DealTerms),
    /// Payer: add the tokens sent to an open deal in the same token, as a new milestone.
    TopUp {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        deal_id: u64,
    },
    /// Pay a work with the tokens sent (the work must accept the token).
    Pay {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        work_id: u64,
    },
}

#[cw_ownable_execute]
#[cw_serde]
pub enum ExecuteMsg {
    /// cw20 entry point (`ReceiveMsg` inside).
    Receive(Cw20ReceiveMsg),

    // ---- escrow ----
    /// Payer: open a deal with exactly one native coin attached.
    CreateDeal(DealTerms),
    /// Payer: add a native deposit (appended as a new milestone).
    TopUp {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        deal_id: u64,
    },
    /// Payer or arbiter: release one milestone, or every unreleased one.
    Release {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        deal_id: u64,
        milestone: Option<u32>,
    },
    /// Anyone, after expiry of an open deal: what is not released goes to the payer.
    Refund {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        deal_id: u64,
    },
    /// Payer or payee, before expiry: stop the clock until the dispute ends.
    OpenDispute {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        deal_id: u64,
    },
    /// Arbiter, on a disputed deal: `to_payee` of what remains, the rest to the payer.
    Resolve {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        deal_id: u64,
        to_payee: Uint128,
    },
    /// Payer or payee: propose a split of what remains.
    ProposeSettlement {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        deal_id: u64,
        to_payee: Uint128,
    },
    /// The other party: accept the standing proposal.
    AcceptSettlement {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        deal_id: u64,
    },
    /// Anyone, after a dispute's deadline with no ruling: refund the payer.
    ExpireDispute {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        deal_id: u64,
    },

    // ---- royalties ----
    /// Anyone: register a work with its royalty split; the sender owns it.
    RegisterWork(WorkTerms),
    /// Work owner: new recipients for later payments; the current split is closed.
    UpdateSplit {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        work_id: u64,
        recipients: Vec<Share>,
    },
    /// Pay a work with exactly one native coin attached.
    Pay {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        work_id: u64,
    },
    /// Recipient: pull what is owed for one split (default: the current one) and asset.
    Claim {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        work_id: u64,
        epoch: Option<u32>,
        asset: AssetInfo,
        /// Claim only this much of what is owed (default: all of it), for example to stay
        /// under the travel-rule threshold of the asset.
        amount: Option<Uint128>,
    },

    // ---- held payouts ----
    /// Collect payouts held while the sender was not compliant.
    ClaimHeld {
        asset: AssetInfo,
        /// Collect only this much of what is held (default: all of it), for example to
        /// stay under the travel-rule threshold of the asset.
        amount: Option<Uint128>,
    },
    /// Owner: the compliance process for held funds of an address that the registry, at
    /// this moment, refuses as revoked or in a blocked jurisdiction: send them to `to` (who
    /// must pass compliance). Any other held address (suspended, expired, not listed,
    /// compliant) is refused with `HeldNotResolvable`: it collects with `ClaimHeld`.
    ResolveHeld {
        /// The address the funds are held for.
        address: String,
        /// The held asset (the whole amount held in it is moved).
        asset: AssetInfo,
        /// Who receives the funds.
        to: String,
        /// Reason code for the audit trail: 1 to 64 characters of A-Z a-z 0-9 _ . : -
        reason: String,
    },

    // ---- administration (owner) ----
    /// Owner: send what the escrow holds in `asset` above what it owes (`Owed`) to `to`,
    /// who must pass compliance. Such funds arrived outside the escrow's messages (a plain
    /// cw20 transfer, a bank send) and are owed to nobody; this is their way out. What the
    /// escrow owes can never be swept.
    SweepStray { asset: AssetInfo, to: String },
    /// Owner: accept a cw20 token for deals and royalties.
    AllowToken { address: String },
    /// Owner: stop accepting a cw20 token for new deals and payments.
    DisallowToken { address: String },
    /// Owner: point the compliance checks at another registry, or `None` to turn them off.
    SetRegistry { registry: Option<String> },
}

#[cw_serde]
pub struct Milestone {
    pub amount: Uint128,
    pub released: bool,
}

#[cw_serde]
pub enum DealStatus {
    /// Deposited; milestones are released, or refunded after expiry.
    Open,
    /// The clock is stopped; the arbiter rules, or the parties settle, before `deadline`.
    Disputed { deadline: Timestamp },
    /// Everything is paid out, refunded or held; nothing more can happen.
    Closed,
}

#[cw_serde]
pub struct Settlement {
    pub proposer: Addr,
    pub to_payee: Uint128,
}

#[cw_serde]
pub struct Deal {
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub id: u64,
    pub payer: Addr,
    pub payee: Addr,
    pub arbiter: Option<Addr>,
    pub asset: AssetInfo,
    pub deposited: Uint128,
    pub milestones: Vec<Milestone>,
    pub expires_at: Timestamp,
    pub status: DealStatus,
    pub proposal: Option<Settlement>,
    /// Paid or held for the payee.
    pub to_payee: Uint128,
    /// Refunded or held for the payer.
    pub to_payer: Uint128,
}

impl Deal {
    /// What the deal still holds.
    pub fn remaining(&self) -> Uint128 {
        self.deposited
            .saturating_sub(self.to_payee)
            .saturating_sub(self.to_payer)
    }
}

#[cw_serde]
pub struct Work {
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub id: u64,
    pub name: String,
    pub owner: Addr,
    /// The current split; earlier ones are closed.
    pub epoch: u32,
    pub accepted: Vec<AssetInfo>,
}

#[cw_serde]
pub struct SplitShare {
    pub address: Addr,
    pub bps: u16,
}

#[cw_serde]
pub enum DealsBy {
    /// Deals this address pays for.
    Payer(String),
    /// Deals this address is paid by.
    Payee(String),
    /// Deals this address arbitrates.
    Arbiter(String),
}

#[cw_ownable_query]
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// One deal.
    #[returns(Deal)]
    Deal {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        deal_id: u64,
    },
    /// Deals in id order, all or by one party.
    #[returns(DealsResponse)]
    Deals {
        by: Option<DealsBy>,
        #[serde(default, with = "farthing_voucher::wire::opt_u64_str")]
        #[schemars(with = "Option<cosmwasm_std::Uint64>")]
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// A work and one of its splits (default: the current one), with its revenue.
    #[returns(WorkResponse)]
    Work {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        work_id: u64,
        epoch: Option<u32>,
    },
    /// What `address` may claim now from a split in one asset, and has claimed so far.
    #[returns(ClaimableResponse)]
    Claimable {
        #[serde(with = "farthing_voucher::wire::u64_str")]
        #[schemars(with = "cosmwasm_std::Uint64")]
        work_id: u64,
        epoch: Option<u32>,
        asset: AssetInfo,
        address: String,
    },
    /// Payouts held for `address`, one entry per asset, in storage-key order (cw20 tokens
    /// by address, then native denoms), paginated.
    #[returns(HeldResponse)]
    Held {
        address: String,
        /// The last asset of the previous page.
        start_after: Option<AssetInfo>,
        /// Page size: default 10, at most 30.
        limit: Option<u32>,
    },
    /// The cw20 tokens accepted for deals and royalties, in address order, paginated.
    #[returns(AcceptedTokensResponse)]
    AcceptedTokens {
        /// The last token address of the previous page.
        start_after: Option<String>,
        /// Page size: default 10, at most 30.
        limit: Option<u32>,
    },
    /// What the escrow owes in `asset` (open deals, unclaimed royalties, held payouts),
    /// what it holds, and the stray rest that `SweepStray` may move.
    #[returns(OwedResponse)]
    Owed { asset: AssetInfo },
    /// The registry consulted and the dispute timeout.
    #[returns(ConfigResponse)]
    Config {},
}

#[cw_serde]
pub struct MigrateMsg {}

#[cw_serde]
pub struct DealsResponse {
    pub deals: Vec<Deal>,
}

#[cw_serde]
pub struct WorkResponse {
    pub work: Work,
    pub epoch: u32,
    pub recipients: Vec<SplitShare>,
    /// Revenue received by this split, one entry per accepted asset, in the order of
    /// `work.accepted`.
    pub revenue: Vec<AssetAmount>,
}

#[cw_serde]
pub struct ClaimableResponse {
    pub amount: Uint128,
    pub claimed: Uint128,
}

/// An amount of one asset: a split's revenue (`WorkResponse`) or what is held for an
/// address (`HeldResponse`).
#[cw_serde]
pub struct AssetAmount {
    pub asset: AssetInfo,
    pub amount: Uint128,
}

#[cw_serde]
pub struct HeldResponse {
    /// One page of held payouts, in storage-key order.
    pub held: Vec<AssetAmount>,
}

#[cw_serde]
pub struct AcceptedTokensResponse {
    /// One page of accepted cw20 token addresses, in address order.
    pub tokens: Vec<Addr>,
}

#[cw_serde]
pub struct OwedResponse {
    /// Owed to deals' parties, royalty recipients and held payouts' recipients.
    pub owed: Uint128,
    /// The escrow's balance of the asset.
    pub holdings: Uint128,
    /// `holdings - owed`: arrived outside the escrow's messages, owed to nobody.
    pub stray: Uint128,
}

#[cw_serde]
pub struct ConfigResponse {
    pub registry: Option<Addr>,
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub dispute_timeout_seconds: u64,
}

/// The `data` of a `CreateDeal` response (native, or cw20 `Receive`).
#[cw_serde]
pub struct CreateDealResponse {
    /// The id of the new deal.
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub deal_id: u64,
}

/// The `data` of a `RegisterWork` response.
#[cw_serde]
pub struct RegisterWorkResponse {
    /// The id of the new work.
    #[serde(with = "farthing_voucher::wire::u64_str")]
    #[schemars(with = "cosmwasm_std::Uint64")]
    pub work_id: u64,
}

/// Entitlement of a recipient with `bps` to `total` received by a split:
/// `floor(total * bps / 10,000)`, plus, for the first recipient of a closed split, the
/// remainder `total - sum of every recipient's floor`. So once a split is closed, its
/// recipients are owed exactly `total`, to the last unit; while it is open they are owed
/// the floors, and the remainder (less than one unit per recipient) waits for the close.
pub fn entitlement(total: Uint128, shares: &[SplitShare], index: usize, closed: bool) -> Uint128 {
    let floor = |bps: u16| total.multiply_ratio(bps as u128, super::TOTAL_BPS as u128);
    let own = shares.get(index).map(|s| floor(s.bps)).unwrap_or_default();
    if closed && index == 0 {
        let sum = shares
            .iter()
            .fold(Uint128::zero(), |acc, s| acc.saturating_add(floor(s.bps)));
        own.saturating_add(total.saturating_sub(sum))
    } else {
        own
    }
}

//! The random steps of the invariant run: every execute message of the three contracts, sent
//! by the party entitled to it or by anyone else, plus the passing of time, off-chain
//! vouchers, raw bank sends and migrations.
//!
//! Steps name parties, channels, deals and works by small indexes that the world resolves
//! against its current state, so that every generated sequence is meaningful and shrinking
//! (which drops and simplifies steps) keeps it meaningful.

use proptest::prelude::*;
use proptest::sample::select;

/// The actors: role holders first, then users, then one never-listed outsider.
pub const ACTORS: [&str; 13] = [
    "owner", "officer", "minter", "pauser", "freezer", "agent", "u0", "u1", "u2", "u3", "u4", "u5",
    "outsider",
];
pub const OWNER: usize = 0;
pub const OFFICER: usize = 1;
/// Users, listed and funded at the start.
pub const USERS: std::ops::Range<usize> = 6..12;
/// Parties beyond the actors: the escrow and the token contract (recipients only).
pub const ESCROW_PARTY: usize = 13;
pub const TOKEN_PARTY: usize = 14;
pub const PARTIES: usize = 15;

pub const JURISDICTIONS: [&str; 4] = ["DE", "FR", "IT", "IR"];
pub const DENOM: &str = "ufar";

/// Who sends a message: the party entitled to it (resolved from the current state), or any
/// actor at all (mostly unauthorized).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Who {
    Proper,
    Actor(usize),
}

/// An amount, resolved against the sender's state when the step runs.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Amt {
    Zero,
    Fixed(u128),
    /// The whole available balance (or, in the escrow, the whole remainder).
    All,
    /// One more than `All`.
    AllPlusOne,
    Half,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Voucher {
    /// The payee's best voucher that the deposit covers.
    Best,
    /// An older voucher (a replay).
    Stale,
    /// A voucher for exactly the deposit, signed by the payer's key.
    ExactDeposit,
    /// One more than the deposit.
    OverDeposit,
    /// Signed by another key.
    Forged,
    /// The payer's signature for another channel's id.
    OtherChannel,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Asset {
    Token,
    Native,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Hook {
    CreateDeal(DealSpec),
    TopUp { deal: usize },
    Pay { work: usize },
    Garbage,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DealSpec {
    pub payee: usize,
    pub arbiter: Option<usize>,
    /// Milestone amounts (empty: one milestone of the whole deposit).
    pub milestones: Vec<u128>,
    /// Added to the milestones' sum to make the deposit (0 most of the time).
    pub skew: i8,
    pub expires_in: u64,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Advance {
        seconds: u64,
    },
    // ---- registry ----
    Upsert {
        by: Who,
        target: usize,
        status: u8,
        tier: u8,
        jurisdiction: u8,
        expires_in: u64,
    },
    SetStatus {
        by: Who,
        targets: Vec<usize>,
        status: u8,
    },
    RemoveRecord {
        by: Who,
        target: usize,
    },
    SetPolicy {
        by: Who,
        blocked: u8,
        grace: u64,
        limits: u8,
    },
    AddOfficer {
        by: Who,
        target: usize,
    },
    RemoveOfficer {
        by: Who,
        target: usize,
    },
    /// cw-ownable on one of the three contracts (0 registry, 1 token, 2 escrow).
    TransferOwnership {
        contract: u8,
        by: Who,
        to: usize,
    },
    AcceptOwnership {
        contract: u8,
        by: usize,
    },
    /// Only ever tried by someone who is not the owner: a renounced owner is a deliberate
    /// abdication that no way out survives.
    RenounceOwnership {
        contract: u8,
        by: usize,
    },
    // ---- token: cw20 ----
    Transfer {
        from: usize,
        to: usize,
        amount: Amt,
    },
    Burn {
        by: usize,
        amount: Amt,
    },
    Send {
        from: usize,
        amount: Amt,
        hook: Hook,
    },
    IncreaseAllowance {
        owner: usize,
        spender: usize,
        amount: Amt,
    },
    DecreaseAllowance {
        owner: usize,
        spender: usize,
        amount: Amt,
    },
    TransferFrom {
        spender: usize,
        owner: usize,
        to: usize,
        amount: Amt,
    },
    SendFrom {
        spender: usize,
        owner: usize,
        amount: Amt,
        hook: Hook,
    },
    BurnFrom {
        spender: usize,
        owner: usize,
        amount: Amt,
    },
    Mint {
        by: Who,
        to: usize,
        amount: Amt,
    },
    UpdateMinter {
        by: Who,
        to: Option<usize>,
    },
    UpdateMarketing {
        by: usize,
    },
    UploadLogo {
        by: usize,
    },
    // ---- token: micropayments and issuer controls ----
    BatchTransfer {
        from: usize,
        payouts: Vec<(usize, Amt)>,
    },
    Pay {
        from: usize,
        to: usize,
        amount: Amt,
        travel_rule: bool,
    },
    Pause {
        by: Who,
    },
    Unpause {
        by: Who,
    },
    Freeze {
        by: Who,
        target: usize,
    },
    Unfreeze {
        by: Who,
        target: usize,
    },
    FreezeTokens {
        by: Who,
        target: usize,
        amount: Amt,
    },
    UnfreezeTokens {
        by: Who,
        target: usize,
        amount: Amt,
    },
    ForcedTransfer {
        by: Who,
        from: usize,
        to: usize,
        amount: Amt,
        unfreeze: bool,
    },
    Recover {
        by: Who,
        lost: usize,
        new: usize,
    },
    GrantRole {
        by: Who,
        role: u8,
        to: usize,
    },
    RevokeRole {
        by: Who,
        role: u8,
        from: usize,
    },
    TokenSetRegistry {
        by: Who,
        off: bool,
    },
    SetSettlePeriod {
        by: Who,
        seconds: u64,
    },
    // ---- token: channels ----
    OpenChannel {
        payer: usize,
        payee: usize,
        amount: Amt,
        expires_in: u64,
        travel_rule: bool,
    },
    TopUpChannel {
        by: Who,
        channel: usize,
        amount: Amt,
    },
    ExtendChannel {
        by: Who,
        channel: usize,
        seconds: u64,
    },
    /// Off chain: the payer signs a voucher for `more` above its best one.
    SignVoucher {
        channel: usize,
        more: u128,
    },
    Claim {
        by: Who,
        channel: usize,
        voucher: Voucher,
        close: bool,
    },
    ClaimMany {
        by: Who,
        claims: Vec<(usize, Voucher)>,
    },
    StartClose {
        by: Who,
        channel: usize,
    },
    CloseChannel {
        by: Who,
        channel: usize,
    },
    // ---- escrow ----
    CreateDealNative {
        payer: usize,
        deal: DealSpec,
    },
    TopUpNative {
        by: usize,
        deal: usize,
        amount: u128,
    },
    Release {
        by: Who,
        deal: usize,
        milestone: Option<u32>,
    },
    Refund {
        by: usize,
        deal: usize,
    },
    OpenDispute {
        by: Who,
        deal: usize,
    },
    Resolve {
        by: Who,
        deal: usize,
        to_payee: Amt,
    },
    ProposeSettlement {
        by: Who,
        deal: usize,
        to_payee: Amt,
    },
    AcceptSettlement {
        by: Who,
        deal: usize,
    },
    ExpireDispute {
        by: usize,
        deal: usize,
    },
    RegisterWork {
        by: usize,
        recipients: Vec<(usize, u16)>,
        native: bool,
    },
    UpdateSplit {
        by: Who,
        work: usize,
        recipients: Vec<(usize, u16)>,
    },
    PayWorkNative {
        by: usize,
        work: usize,
        amount: u128,
    },
    ClaimRoyalty {
        /// `Proper`: a recipient of the work's current split.
        by: Who,
        work: usize,
        epoch: Option<u32>,
        asset: Asset,
        amount: Option<u128>,
    },
    ClaimHeld {
        /// `Proper`: an address with a held payout.
        by: Who,
        asset: Asset,
        amount: Option<u128>,
    },
    ResolveHeld {
        by: Who,
        address: usize,
        asset: Asset,
        to: usize,
    },
    SweepStray {
        by: Who,
        asset: Asset,
        to: usize,
    },
    AllowToken {
        by: Who,
    },
    DisallowToken {
        by: Who,
    },
    EscrowSetRegistry {
        by: Who,
        off: bool,
    },
    /// A cw20 `Receive` hook sent to the escrow directly by someone who is not the token.
    ForgedHook {
        by: usize,
        amount: u128,
        hook: Hook,
    },
    /// A raw bank send of native coins to the escrow (not through a message of it).
    StrayNative {
        from: usize,
        amount: u128,
    },
    /// The owner migrates a contract to the code it already runs.
    Migrate {
        contract: u8,
        by: Who,
    },
}

fn actor() -> impl Strategy<Value = usize> {
    0..ACTORS.len()
}

fn user() -> impl Strategy<Value = usize> {
    prop_oneof![6 => USERS, 1 => Just(12usize)]
}

/// A recipient: mostly users, sometimes a role holder, the escrow or the token itself.
fn party() -> impl Strategy<Value = usize> {
    prop_oneof![8 => USERS, 1 => actor(), 1 => Just(ESCROW_PARTY), 1 => Just(TOKEN_PARTY)]
}

/// A party of an escrow deal or royalty split: as `party`, but never the token contract,
/// which cannot call the escrow to claim (a recipient that cannot act is out of scope).
fn payee() -> impl Strategy<Value = usize> {
    prop_oneof![8 => USERS, 1 => actor(), 1 => Just(ESCROW_PARTY)]
}

fn who() -> impl Strategy<Value = Who> {
    prop_oneof![4 => Just(Who::Proper), 1 => actor().prop_map(Who::Actor)]
}

fn amt() -> impl Strategy<Value = Amt> {
    prop_oneof![
        6 => (1u128..=2_000).prop_map(Amt::Fixed),
        3 => (2_000u128..=300_000).prop_map(Amt::Fixed),
        // The policy's boundaries: per-transfer limits, windows and the travel rule.
        3 => select(vec![999u128, 1_000, 1_001, 5_000, 10_000, 10_001, 100_000, 199_999, 200_000])
            .prop_map(Amt::Fixed),
        2 => Just(Amt::All),
        1 => Just(Amt::AllPlusOne),
        1 => Just(Amt::Half),
        1 => Just(Amt::Zero),
    ]
}

/// Allowance owners and spenders come from small sets, so that allowances get used.
fn allowance_owner() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 6usize..8, 1 => user()]
}

fn spender() -> impl Strategy<Value = usize> {
    prop_oneof![4 => 8usize..10, 1 => party()]
}

fn index() -> impl Strategy<Value = usize> {
    0usize..8
}

fn seconds() -> impl Strategy<Value = u64> {
    select(vec![
        1u64,
        59,
        600,
        3_599,
        3_600,
        86_399,
        86_400,
        86_401,
        7 * 86_400,
    ])
}

fn deal_spec() -> impl Strategy<Value = DealSpec> {
    (
        payee(),
        prop::option::of(user()),
        prop::collection::vec(1u128..=50_000, 0..=3),
        prop_oneof![8 => Just(0i8), 1 => Just(-1i8), 1 => Just(1i8)],
        select(vec![60u64, 3_600, 86_400, 7 * 86_400]),
    )
        .prop_map(|(payee, arbiter, milestones, skew, expires_in)| DealSpec {
            payee,
            arbiter,
            milestones,
            skew,
            expires_in,
        })
}

fn hook() -> impl Strategy<Value = Hook> {
    prop_oneof![
        3 => deal_spec().prop_map(Hook::CreateDeal),
        1 => index().prop_map(|deal| Hook::TopUp { deal }),
        2 => index().prop_map(|work| Hook::Pay { work }),
        1 => Just(Hook::Garbage),
    ]
}

fn split() -> impl Strategy<Value = Vec<(usize, u16)>> {
    prop_oneof![
        4 => (payee(), payee(), payee()).prop_map(|(a, b, c)| vec![(a, 5_000), (b, 3_000), (c, 2_000)]),
        2 => payee().prop_map(|a| vec![(a, 10_000)]),
        1 => (payee(), payee()).prop_map(|(a, b)| vec![(a, 3_333), (b, 6_666)]),
    ]
}

fn voucher() -> impl Strategy<Value = Voucher> {
    prop_oneof![
        8 => Just(Voucher::Best),
        1 => Just(Voucher::Stale),
        1 => Just(Voucher::ExactDeposit),
        1 => Just(Voucher::OverDeposit),
        1 => Just(Voucher::Forged),
        1 => Just(Voucher::OtherChannel),
    ]
}

fn asset() -> impl Strategy<Value = Asset> {
    prop_oneof![Just(Asset::Token), Just(Asset::Native)]
}

fn status() -> impl Strategy<Value = u8> {
    prop_oneof![6 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)]
}

/// One random step. The weights favour the money paths and the features that meet them.
pub fn action() -> BoxedStrategy<Action> {
    use Action as A;
    let registry = prop_oneof![
        3 => (who(), prop_oneof![3 => user(), 1 => Just(ESCROW_PARTY)], status(), 0u8..4, prop_oneof![6 => Just(0u8), 1 => Just(1u8), 1 => Just(3u8)],
            select(vec![60u64, 3_600, 86_400, 365 * 86_400]))
            .prop_map(|(by, target, status, tier, jurisdiction, expires_in)| A::Upsert { by, target, status, tier, jurisdiction, expires_in }),
        3 => (who(), prop::collection::vec(prop_oneof![4 => user(), 1 => Just(ESCROW_PARTY)], 1..3), status())
            .prop_map(|(by, targets, status)| A::SetStatus { by, targets, status }),
        1 => (who(), user()).prop_map(|(by, target)| A::RemoveRecord { by, target }),
        2 => (who(), prop_oneof![4 => Just(0u8), 1 => 0u8..16], select(vec![0u64, 3_600]), 0u8..3)
            .prop_map(|(by, blocked, grace, limits)| A::SetPolicy { by, blocked, grace, limits }),
        1 => (who(), actor()).prop_map(|(by, target)| A::AddOfficer { by, target }),
        1 => (who(), actor()).prop_map(|(by, target)| A::RemoveOfficer { by, target }),
        1 => (0u8..3, who(), actor()).prop_map(|(contract, by, to)| A::TransferOwnership { contract, by, to }),
        1 => (0u8..3, actor()).prop_map(|(contract, by)| A::AcceptOwnership { contract, by }),
        1 => (0u8..3, 1..ACTORS.len()).prop_map(|(contract, by)| A::RenounceOwnership { contract, by }),
    ];
    let cw20 = prop_oneof![
        8 => (user(), party(), amt()).prop_map(|(from, to, amount)| A::Transfer { from, to, amount }),
        1 => (user(), amt()).prop_map(|(by, amount)| A::Burn { by, amount }),
        4 => (user(), amt(), hook()).prop_map(|(from, amount, hook)| A::Send { from, amount, hook }),
        2 => (allowance_owner(), spender(), amt()).prop_map(|(owner, spender, amount)| A::IncreaseAllowance { owner, spender, amount }),
        1 => (allowance_owner(), spender(), amt()).prop_map(|(owner, spender, amount)| A::DecreaseAllowance { owner, spender, amount }),
        4 => (spender(), allowance_owner(), prop_oneof![3 => user(), 1 => party()], amt()).prop_map(|(spender, owner, to, amount)| A::TransferFrom { spender, owner, to, amount }),
        1 => (spender(), allowance_owner(), amt(), hook()).prop_map(|(spender, owner, amount, hook)| A::SendFrom { spender, owner, amount, hook }),
        1 => (spender(), allowance_owner(), amt()).prop_map(|(spender, owner, amount)| A::BurnFrom { spender, owner, amount }),
        2 => (who(), party(), amt()).prop_map(|(by, to, amount)| A::Mint { by, to, amount }),
        1 => (prop_oneof![1 => Just(Who::Proper), 3 => actor().prop_map(Who::Actor)], prop::option::of(actor()))
            .prop_map(|(by, to)| A::UpdateMinter { by, to }),
        1 => actor().prop_map(|by| A::UpdateMarketing { by }),
        1 => actor().prop_map(|by| A::UploadLogo { by }),
    ];
    let micropay = prop_oneof![
        2 => (user(), prop::collection::vec((party(), amt()), 0..4)).prop_map(|(from, payouts)| A::BatchTransfer { from, payouts }),
        2 => (user(), party(), amt(), any::<bool>()).prop_map(|(from, to, amount, travel_rule)| A::Pay { from, to, amount, travel_rule }),
        1 => who().prop_map(|by| A::Pause { by }),
        4 => who().prop_map(|by| A::Unpause { by }),
        // Freezes aim at spenders too: allowances against freezes.
        2 => (who(), prop_oneof![2 => user(), 3 => spender(), 1 => Just(ESCROW_PARTY)]).prop_map(|(by, target)| A::Freeze { by, target }),
        2 => (who(), prop_oneof![4 => user(), 1 => Just(ESCROW_PARTY)]).prop_map(|(by, target)| A::Unfreeze { by, target }),
        1 => (who(), allowance_owner(), amt()).prop_map(|(by, target, amount)| A::FreezeTokens { by, target, amount }),
        1 => (who(), allowance_owner(), amt()).prop_map(|(by, target, amount)| A::UnfreezeTokens { by, target, amount }),
        1 => (who(), user(), party(), amt(), any::<bool>()).prop_map(|(by, from, to, amount, unfreeze)| A::ForcedTransfer { by, from, to, amount, unfreeze }),
        1 => (who(), user(), user()).prop_map(|(by, lost, new)| A::Recover { by, lost, new }),
        1 => (who(), 0u8..3, actor()).prop_map(|(by, role, to)| A::GrantRole { by, role, to }),
        1 => (who(), 0u8..3, actor()).prop_map(|(by, role, from)| A::RevokeRole { by, role, from }),
        1 => (prop_oneof![1 => Just(Who::Proper), 2 => actor().prop_map(Who::Actor)], any::<bool>()).prop_map(|(by, off)| A::TokenSetRegistry { by, off }),
        1 => (who(), select(vec![0u64, 60, 3_600, 86_400])).prop_map(|(by, seconds)| A::SetSettlePeriod { by, seconds }),
    ];
    let channels = prop_oneof![
        4 => (user(), party(), amt(), select(vec![600u64, 3_600, 86_400, 30 * 86_400]), any::<bool>())
            .prop_map(|(payer, payee, amount, expires_in, travel_rule)| A::OpenChannel { payer, payee, amount, expires_in, travel_rule }),
        2 => (who(), index(), amt()).prop_map(|(by, channel, amount)| A::TopUpChannel { by, channel, amount }),
        1 => (who(), index(), seconds()).prop_map(|(by, channel, seconds)| A::ExtendChannel { by, channel, seconds }),
        6 => (index(), prop_oneof![3 => 1u128..=500, 1 => 500u128..=100_000]).prop_map(|(channel, more)| A::SignVoucher { channel, more }),
        5 => (who(), index(), voucher(), prop_oneof![4 => Just(false), 1 => Just(true)])
            .prop_map(|(by, channel, voucher, close)| A::Claim { by, channel, voucher, close }),
        1 => (who(), prop::collection::vec((index(), voucher()), 1..4)).prop_map(|(by, claims)| A::ClaimMany { by, claims }),
        2 => (who(), index()).prop_map(|(by, channel)| A::StartClose { by, channel }),
        2 => (who(), index()).prop_map(|(by, channel)| A::CloseChannel { by, channel }),
    ];
    let escrow = prop_oneof![
        3 => (user(), deal_spec()).prop_map(|(payer, deal)| A::CreateDealNative { payer, deal }),
        1 => (user(), index(), 1u128..=20_000).prop_map(|(by, deal, amount)| A::TopUpNative { by, deal, amount }),
        4 => (who(), index(), prop::option::of(0u32..4)).prop_map(|(by, deal, milestone)| A::Release { by, deal, milestone }),
        2 => (actor(), index()).prop_map(|(by, deal)| A::Refund { by, deal }),
        2 => (who(), index()).prop_map(|(by, deal)| A::OpenDispute { by, deal }),
        2 => (who(), index(), amt()).prop_map(|(by, deal, to_payee)| A::Resolve { by, deal, to_payee }),
        1 => (who(), index(), amt()).prop_map(|(by, deal, to_payee)| A::ProposeSettlement { by, deal, to_payee }),
        1 => (who(), index()).prop_map(|(by, deal)| A::AcceptSettlement { by, deal }),
        1 => (actor(), index()).prop_map(|(by, deal)| A::ExpireDispute { by, deal }),
        2 => (user(), split(), prop_oneof![3 => Just(true), 1 => Just(false)]).prop_map(|(by, recipients, native)| A::RegisterWork { by, recipients, native }),
        1 => (who(), index(), split()).prop_map(|(by, work, recipients)| A::UpdateSplit { by, work, recipients }),
        3 => (user(), index(), 1u128..=50_000).prop_map(|(by, work, amount)| A::PayWorkNative { by, work, amount }),
        3 => (who(), index(), prop::option::of(0u32..3), asset(), prop::option::of(1u128..=5_000))
            .prop_map(|(by, work, epoch, asset, amount)| A::ClaimRoyalty { by, work, epoch, asset, amount }),
        3 => (who(), asset(), prop::option::of(1u128..=5_000)).prop_map(|(by, asset, amount)| A::ClaimHeld { by, asset, amount }),
        1 => (who(), party(), asset(), party()).prop_map(|(by, address, asset, to)| A::ResolveHeld { by, address, asset, to }),
        1 => (who(), asset(), party()).prop_map(|(by, asset, to)| A::SweepStray { by, asset, to }),
        1 => who().prop_map(|by| A::AllowToken { by }),
        1 => who().prop_map(|by| A::DisallowToken { by }),
        1 => (prop_oneof![1 => Just(Who::Proper), 2 => actor().prop_map(Who::Actor)], any::<bool>()).prop_map(|(by, off)| A::EscrowSetRegistry { by, off }),
        1 => (actor(), 1u128..=10_000, hook()).prop_map(|(by, amount, hook)| A::ForgedHook { by, amount, hook }),
        1 => (user(), 1u128..=10_000).prop_map(|(from, amount)| A::StrayNative { from, amount }),
    ];
    prop_oneof![
        4 => seconds().prop_map(|seconds| A::Advance { seconds }),
        5 => registry,
        8 => cw20,
        6 => micropay,
        9 => channels,
        9 => escrow,
        1 => (0u8..3, who()).prop_map(|(contract, by)| A::Migrate { contract, by }),
    ]
    .boxed()
}

//! The micropayment token's `execute`, `query` and `migrate` (it has no `reply`), on mock
//! dependencies whose querier serves the registry's records and policy (raw reads).

use arbitrary::{Arbitrary, Unstructured};
use cosmwasm_std::testing::message_info;
use cosmwasm_std::{Addr, Binary, Coin, Env, HexBinary, Storage, Uint128};
use cw20::{Cw20Coin, EmbeddedLogo, Logo, MinterResponse};
use farthing_micropay_token::contract::{execute, instantiate, migrate, query};
use farthing_micropay_token::state::{CHANNELS_PRIMARY, CONFIG};
use farthing_micropay_token::{CONTRACT_NAME, CONTRACT_VERSION};
use farthing_types::token::{
    ChannelClaim, ChannelsBy, ExecuteMsg, InstantiateMarketingInfo, InstantiateMsg, MigrateMsg,
    Payout, QueryMsg, Role, RoleGrant,
};
use farthing_voucher::{high_s_form, sign, Voucher};

use crate::common::*;

/// A voucher signature: by the channel's own signer key for its payee (when the channel
/// exists), by a pool key for the message's channel and amount (payee: the sender, or
/// another pool member), the high-S twin of a secp256k1 one, or any bytes.
#[derive(Debug, Clone, Arbitrary)]
pub enum SigIn {
    Channel,
    Valid { key: u8, payee: Option<Who> },
    HighS { payee: Option<Who> },
    Raw(HexIn),
}

impl SigIn {
    fn signature(
        self,
        env: &Env,
        storage: &dyn Storage,
        sender: &Addr,
        channel: u64,
        cumulative: Uint128,
    ) -> HexBinary {
        let voucher = |payee: String| Voucher {
            chain_id: env.block.chain_id.clone(),
            token: env.contract.address.to_string(),
            channel_id: channel,
            payee,
            cumulative,
        };
        let payee =
            |p: Option<Who>| p.map_or_else(|| sender.to_string(), |p| p.addr().into_string());
        let signed = |key: usize, v: &Voucher| {
            let (kind, secret) = KEYS[key % KEYS.len()];
            sign(kind, &secret, v).expect("sign")
        };
        match self {
            SigIn::Channel => match CHANNELS_PRIMARY.may_load(storage, channel).ok().flatten() {
                Some(ch) => {
                    let key = (0..KEYS.len())
                        .find(|i| signer(*i) == ch.signer)
                        .unwrap_or(0);
                    signed(key, &voucher(ch.payee.into_string()))
                }
                None => signed(0, &voucher(sender.to_string())),
            },
            SigIn::Valid { key, payee: p } => signed(key as usize, &voucher(payee(p))),
            SigIn::HighS { payee: p } => {
                let sig = signed(2, &voucher(payee(p)));
                HexBinary::from(high_s_form(sig.as_slice()))
            }
            SigIn::Raw(h) => h.hex(),
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub enum LogoIn {
    Url(TextIn),
    Svg(Vec<u8>),
    Png(Vec<u8>),
    /// A minimal valid PNG header.
    PngHeader(Vec<u8>),
    SvgText(String),
}

impl LogoIn {
    fn logo(self) -> Logo {
        const PNG: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
        match self {
            LogoIn::Url(t) => Logo::Url(t.0),
            LogoIn::Svg(b) => Logo::Embedded(EmbeddedLogo::Svg(Binary::from(b))),
            LogoIn::Png(b) => Logo::Embedded(EmbeddedLogo::Png(Binary::from(b))),
            LogoIn::PngHeader(b) => {
                let mut v = PNG.to_vec();
                v.extend(b);
                Logo::Embedded(EmbeddedLogo::Png(Binary::from(v)))
            }
            LogoIn::SvgText(s) => Logo::Embedded(EmbeddedLogo::Svg(Binary::from(
                format!("<?xml version=\"1.0\"?><svg>{s}</svg>").into_bytes(),
            ))),
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub struct ClaimIn {
    pub channel: u8,
    pub cumulative: AmountIn,
    pub signature: SigIn,
}

#[derive(Debug, Clone, Arbitrary)]
pub enum Exec {
    Transfer(AddrIn, AmountIn),
    Burn(AmountIn),
    Send(AddrIn, AmountIn, Vec<u8>),
    IncreaseAllowance(AddrIn, AmountIn, Option<ExpirationIn>),
    DecreaseAllowance(AddrIn, AmountIn, Option<ExpirationIn>),
    TransferFrom(AddrIn, AddrIn, AmountIn),
    SendFrom(AddrIn, AddrIn, AmountIn, Vec<u8>),
    BurnFrom(AddrIn, AmountIn),
    Mint(AddrIn, AmountIn),
    UpdateMinter(Option<AddrIn>),
    UpdateMarketing {
        project: Option<TextIn>,
        description: Option<TextIn>,
        marketing: Option<AddrIn>,
    },
    UploadLogo(LogoIn),
    BatchTransfer(Vec<(AddrIn, AmountIn)>),
    Pay {
        recipient: AddrIn,
        amount: AmountIn,
        reference: TextIn,
        travel_rule_ref: Option<HexIn>,
    },
    Pause(ReasonIn),
    Unpause(ReasonIn),
    Freeze(AddrIn, ReasonIn),
    Unfreeze(AddrIn, ReasonIn),
    FreezeTokens(AddrIn, AmountIn, ReasonIn),
    UnfreezeTokens(AddrIn, AmountIn, ReasonIn),
    ForcedTransfer {
        from: AddrIn,
        to: AddrIn,
        amount: AmountIn,
        reason: ReasonIn,
        unfreeze: bool,
    },
    Recover(AddrIn, AddrIn, ReasonIn),
    GrantRole(u8, AddrIn),
    RevokeRole(u8, AddrIn),
    SetRegistry(Option<AddrIn>),
    UpdateOwnership(OwnershipIn),
    SetSettlePeriod(AdvanceIn),
    OpenChannel {
        payee: AddrIn,
        amount: AmountIn,
        expires_at: TimeIn,
        signer: KeyIn,
        travel_rule_ref: Option<HexIn>,
    },
    TopUpChannel(u8, AmountIn),
    ExtendChannel(u8, TimeIn),
    Claim(ClaimIn, Option<bool>),
    ClaimMany(Vec<ClaimIn>),
    StartClose(u8),
    CloseChannel(u8),
}

fn role(b: u8) -> Role {
    Role::ALL[b as usize % Role::ALL.len()]
}

/// Channel ids: mostly the first few (those a run opens), sometimes any.
fn channel(b: u8) -> u64 {
    if b < 0xf0 {
        // The set-up state has ids 1 and 2.
        [1, 2, 1, 2, 3, 0, 4, 5][usize::from(b % 8)]
    } else {
        u64::MAX - u64::from(b - 0xf0)
    }
}

impl ClaimIn {
    fn claim(self, env: &Env, storage: &dyn Storage, sender: &Addr) -> ChannelClaim {
        let channel = channel(self.channel);
        let cumulative = self.cumulative.get();
        ChannelClaim {
            channel,
            cumulative,
            signature: self
                .signature
                .signature(env, storage, sender, channel, cumulative),
        }
    }
}

impl Exec {
    /// The real message, as `sender` sends it now (`storage`: the token's, for the
    /// vouchers of existing channels).
    pub fn msg(self, env: &Env, storage: &dyn Storage, sender: &Addr) -> ExecuteMsg {
        let now = env.block.time;
        match self {
            Exec::Transfer(r, a) => ExecuteMsg::Transfer {
                recipient: r.string(),
                amount: a.get(),
            },
            Exec::Burn(a) => ExecuteMsg::Burn { amount: a.get() },
            Exec::Send(c, a, m) => ExecuteMsg::Send {
                contract: c.string(),
                amount: a.get(),
                msg: Binary::from(m),
            },
            Exec::IncreaseAllowance(s, a, e) => ExecuteMsg::IncreaseAllowance {
                spender: s.string(),
                amount: a.get(),
                expires: e.map(|e| e.expiration(env)),
            },
            Exec::DecreaseAllowance(s, a, e) => ExecuteMsg::DecreaseAllowance {
                spender: s.string(),
                amount: a.get(),
                expires: e.map(|e| e.expiration(env)),
            },
            Exec::TransferFrom(o, r, a) => ExecuteMsg::TransferFrom {
                owner: o.string(),
                recipient: r.string(),
                amount: a.get(),
            },
            Exec::SendFrom(o, c, a, m) => ExecuteMsg::SendFrom {
                owner: o.string(),
                contract: c.string(),
                amount: a.get(),
                msg: Binary::from(m),
            },
            Exec::BurnFrom(o, a) => ExecuteMsg::BurnFrom {
                owner: o.string(),
                amount: a.get(),
            },
            Exec::Mint(r, a) => ExecuteMsg::Mint {
                recipient: r.string(),
                amount: a.get(),
            },
            Exec::UpdateMinter(m) => ExecuteMsg::UpdateMinter {
                new_minter: m.map(|m| m.string()),
            },
            Exec::UpdateMarketing {
                project,
                description,
                marketing,
            } => ExecuteMsg::UpdateMarketing {
                project: project.map(|t| t.0),
                description: description.map(|t| t.0),
                marketing: marketing.map(|m| m.string()),
            },
            Exec::UploadLogo(l) => ExecuteMsg::UploadLogo(l.logo()),
            Exec::BatchTransfer(t) => ExecuteMsg::BatchTransfer {
                transfers: t
                    .into_iter()
                    .take(12)
                    .map(|(r, a)| Payout {
                        recipient: r.string(),
                        amount: a.get(),
                    })
                    .collect(),
            },
            Exec::Pay {
                recipient,
                amount,
                reference,
                travel_rule_ref,
            } => ExecuteMsg::Pay {
                recipient: recipient.string(),
                amount: amount.get(),
                reference: reference.0,
                travel_rule_ref: travel_rule_ref.map(|h| h.hex()),
            },
            Exec::Pause(r) => ExecuteMsg::Pause { reason: r.0 },
            Exec::Unpause(r) => ExecuteMsg::Unpause { reason: r.0 },
            Exec::Freeze(a, r) => ExecuteMsg::Freeze {
                address: a.string(),
                reason: r.0,
            },
            Exec::Unfreeze(a, r) => ExecuteMsg::Unfreeze {
                address: a.string(),
                reason: r.0,
            },
            Exec::FreezeTokens(a, n, r) => ExecuteMsg::FreezeTokens {
                address: a.string(),
                amount: n.get(),
                reason: r.0,
            },
            Exec::UnfreezeTokens(a, n, r) => ExecuteMsg::UnfreezeTokens {
                address: a.string(),
                amount: n.get(),
                reason: r.0,
            },
            Exec::ForcedTransfer {
                from,
                to,
                amount,
                reason,
                unfreeze,
            } => ExecuteMsg::ForcedTransfer {
                from: from.string(),
                to: to.string(),
                amount: amount.get(),
                reason: reason.0,
                unfreeze,
            },
            Exec::Recover(l, n, r) => ExecuteMsg::Recover {
                lost: l.string(),
                new_address: n.string(),
                reason: r.0,
            },
            Exec::GrantRole(r, a) => ExecuteMsg::GrantRole {
                role: role(r),
                address: a.string(),
            },
            Exec::RevokeRole(r, a) => ExecuteMsg::RevokeRole {
                role: role(r),
                address: a.string(),
            },
            Exec::SetRegistry(r) => ExecuteMsg::SetRegistry {
                registry: r.map(|r| r.string()),
            },
            Exec::UpdateOwnership(o) => ExecuteMsg::UpdateOwnership(o.action(env)),
            Exec::SetSettlePeriod(s) => ExecuteMsg::SetSettlePeriod { seconds: s.0 },
            Exec::OpenChannel {
                payee,
                amount,
                expires_at,
                signer,
                travel_rule_ref,
            } => ExecuteMsg::OpenChannel {
                payee: payee.string(),
                amount: amount.get(),
                expires_at: expires_at.at(now),
                signer: signer.key(),
                travel_rule_ref: travel_rule_ref.map(|h| h.hex()),
            },
            Exec::TopUpChannel(c, a) => ExecuteMsg::TopUpChannel {
                channel: channel(c),
                amount: a.get(),
            },
            Exec::ExtendChannel(c, t) => ExecuteMsg::ExtendChannel {
                channel: channel(c),
                expires_at: t.at(now),
            },
            Exec::Claim(c, close) => {
                let c = c.claim(env, storage, sender);
                ExecuteMsg::Claim {
                    channel: c.channel,
                    cumulative: c.cumulative,
                    signature: c.signature,
                    close,
                }
            }
            Exec::ClaimMany(cs) => ExecuteMsg::ClaimMany {
                claims: cs
                    .into_iter()
                    .take(6)
                    .map(|c| c.claim(env, storage, sender))
                    .collect(),
            },
            Exec::StartClose(c) => ExecuteMsg::StartClose {
                channel: channel(c),
            },
            Exec::CloseChannel(c) => ExecuteMsg::CloseChannel {
                channel: channel(c),
            },
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub enum Query {
    Balance(AddrIn),
    TokenInfo,
    Minter,
    Allowance(AddrIn, AddrIn),
    AllAllowances(AddrIn, PageIn<AddrIn>),
    AllSpenderAllowances(AddrIn, PageIn<AddrIn>),
    AllAccounts(PageIn<AddrIn>),
    MarketingInfo,
    DownloadLogo,
    CanTransfer(AddrIn, AddrIn, AmountIn),
    Account(AddrIn),
    Config,
    Roles(u8, PageIn<AddrIn>),
    Ownership,
    Channel(u8),
    Channels {
        payee: bool,
        who: AddrIn,
        start_after: Option<u8>,
        limit: Option<u32>,
    },
}

impl Query {
    pub fn msg(self) -> QueryMsg {
        let s = |p: Option<AddrIn>| p.map(|a| a.string());
        match self {
            Query::Balance(a) => QueryMsg::Balance {
                address: a.string(),
            },
            Query::TokenInfo => QueryMsg::TokenInfo {},
            Query::Minter => QueryMsg::Minter {},
            Query::Allowance(o, sp) => QueryMsg::Allowance {
                owner: o.string(),
                spender: sp.string(),
            },
            Query::AllAllowances(o, p) => QueryMsg::AllAllowances {
                owner: o.string(),
                start_after: s(p.start_after),
                limit: p.limit,
            },
            Query::AllSpenderAllowances(sp, p) => QueryMsg::AllSpenderAllowances {
                spender: sp.string(),
                start_after: s(p.start_after),
                limit: p.limit,
            },
            Query::AllAccounts(p) => QueryMsg::AllAccounts {
                start_after: s(p.start_after),
                limit: p.limit,
            },
            Query::MarketingInfo => QueryMsg::MarketingInfo {},
            Query::DownloadLogo => QueryMsg::DownloadLogo {},
            Query::CanTransfer(f, t, a) => QueryMsg::CanTransfer {
                from: f.string(),
                to: t.string(),
                amount: a.get(),
            },
            Query::Account(a) => QueryMsg::Account {
                address: a.string(),
            },
            Query::Config => QueryMsg::Config {},
            Query::Roles(r, p) => QueryMsg::Roles {
                role: role(r),
                start_after: s(p.start_after),
                limit: p.limit,
            },
            Query::Ownership => QueryMsg::Ownership {},
            Query::Channel(c) => QueryMsg::Channel {
                channel: channel(c),
            },
            Query::Channels {
                payee,
                who,
                start_after,
                limit,
            } => QueryMsg::Channels {
                by: if payee {
                    ChannelsBy::Payee(who.string())
                } else {
                    ChannelsBy::Payer(who.string())
                },
                start_after: start_after.map(channel),
                limit,
            },
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub enum Step {
    Exec {
        sender: Who,
        funds: FundsIn,
        msg: MsgIn<Exec>,
    },
    Advance(AdvanceIn),
    Kyc(KycChange),
}

/// Senders a JSON-mode message is tried from, in turn.
pub const JSON_SENDERS: [usize; 6] = [OWNER, ALICE, BOB, MINTER, ISSUER, MALLORY];

/// Instantiation: `owner` owns, `minter` mints (cap 10^12), `issuer` holds every issuer
/// role, the registry at `addr(REGISTRY)` gates; alice, bob and carol hold balances.
pub fn instantiate_msg() -> InstantiateMsg {
    InstantiateMsg {
        name: "Farthing Euro".into(),
        symbol: "FEUR".into(),
        decimals: 6,
        initial_balances: [(ALICE, 1_000_000), (BOB, 1_000_000), (CAROL, 10_000)]
            .into_iter()
            .map(|(i, a)| Cw20Coin {
                address: addr(i).into_string(),
                amount: Uint128::new(a),
            })
            .collect(),
        mint: Some(MinterResponse {
            minter: addr(MINTER).into_string(),
            cap: Some(Uint128::new(1_000_000_000_000)),
        }),
        marketing: Some(InstantiateMarketingInfo {
            project: Some("Farthing".into()),
            description: Some("A compliant micropayment euro".into()),
            marketing: Some(addr(OWNER).into_string()),
            logo: Some(Logo::Url("https://farthing.example/logo.png".into())),
        }),
        owner: None,
        registry: Some(addr(REGISTRY).into_string()),
        roles: Role::ALL
            .iter()
            .map(|r| RoleGrant {
                role: *r,
                address: addr(ISSUER).into_string(),
            })
            .collect(),
    }
}

/// The messages that give the harness's state some of everything: an allowance, two
/// channels (ed25519 and secp256k1 signers), a partial freeze, a frozen address.
pub fn setup_msgs(env: &Env) -> Vec<(usize, ExecuteMsg)> {
    vec![
        (
            ALICE,
            ExecuteMsg::IncreaseAllowance {
                spender: addr(BOB).into_string(),
                amount: Uint128::new(5_000),
                expires: None,
            },
        ),
        (
            ALICE,
            ExecuteMsg::OpenChannel {
                payee: addr(BOB).into_string(),
                amount: Uint128::new(10_000),
                expires_at: env.block.time.plus_seconds(86_400),
                signer: signer(0),
                travel_rule_ref: None,
            },
        ),
        (
            BOB,
            ExecuteMsg::OpenChannel {
                payee: addr(ALICE).into_string(),
                amount: Uint128::new(20_000),
                expires_at: env.block.time.plus_seconds(7 * 86_400),
                signer: signer(2),
                travel_rule_ref: Some([5u8; 32].into()),
            },
        ),
        (
            ISSUER,
            ExecuteMsg::FreezeTokens {
                address: addr(CAROL).into_string(),
                amount: Uint128::new(1_000),
                reason: "court-order:42".into(),
            },
        ),
        (
            MINTER,
            ExecuteMsg::Mint {
                recipient: addr(OWNER).into_string(),
                amount: Uint128::new(50_000),
            },
        ),
        (
            ISSUER,
            ExecuteMsg::Freeze {
                address: addr(DAVE).into_string(),
                reason: "sanctions".into(),
            },
        ),
    ]
}

/// The set-up contract (built once; each run starts from a copy of its storage).
pub fn world() -> World {
    static BASE: std::sync::OnceLock<Snapshot> = std::sync::OnceLock::new();
    World::from(BASE.get_or_init(|| dump(&set_up().deps.storage)))
}

fn set_up() -> World {
    let mut w = World::new();
    let env = w.env.clone();
    instantiate(
        w.deps.as_mut(),
        env.clone(),
        message_info(&addr(OWNER), &[]),
        instantiate_msg(),
    )
    .expect("token instantiates");
    for (sender, msg) in setup_msgs(&env) {
        execute(
            w.deps.as_mut(),
            env.clone(),
            message_info(&addr(sender), &[]),
            msg,
        )
        .expect("token setup");
    }
    w
}

fn exec_json(w: &mut World, sender: usize, funds: &[Coin], json: &[u8]) -> bool {
    let Some(msg) = parse::<ExecuteMsg>(json) else {
        return false;
    };
    let info = message_info(&addr(sender), funds);
    w.run(|deps, env| execute(deps, env, info, msg)).is_ok()
}

fn step(w: &mut World, s: Step) {
    match s {
        Step::Exec { sender, funds, msg } => {
            let (env, from) = (w.env.clone(), sender.addr());
            let json = msg.json(|m| m.msg(&env, &w.deps.storage, &from));
            let _ = exec_json(w, sender.0 as usize, &funds.0, &json);
        }
        Step::Advance(a) => w.advance(a),
        Step::Kyc(c) => w.kyc_change(c),
    }
}

fn query_json(w: &World, json: &[u8]) {
    if let Some(msg) = parse::<QueryMsg>(json) {
        if let Ok(bin) = query(w.deps.as_ref(), w.env.clone(), msg) {
            assert!(serde_json::from_slice::<serde_json::Value>(&bin).is_ok());
        }
    }
}

/// Marketing info at instantiation: project, description, marketing address, logo.
#[derive(Debug, Clone, Arbitrary)]
pub struct MarketingIn(
    Option<TextIn>,
    Option<TextIn>,
    Option<AddrIn>,
    Option<LogoIn>,
);

/// An arbitrary instantiation.
#[derive(Debug, Clone, Arbitrary)]
pub struct InitIn {
    pub sender: Who,
    pub funds: FundsIn,
    pub name: TextIn,
    pub symbol: TextIn,
    pub decimals: u8,
    pub initial_balances: Vec<(AddrIn, AmountIn)>,
    pub mint: Option<(AddrIn, Option<AmountIn>)>,
    pub marketing: Option<MarketingIn>,
    pub owner: Option<AddrIn>,
    pub registry: Option<AddrIn>,
    pub roles: Vec<(u8, AddrIn)>,
}

/// A token instantiated with an arbitrary message, then given the set-up messages it
/// accepts; `None` when the instantiation is refused.
fn instantiated(u: &mut Unstructured) -> Option<World> {
    let i = InitIn::arbitrary(u).ok()?;
    let mut w = World::new();
    let msg = InstantiateMsg {
        name: i.name.0,
        symbol: i.symbol.0,
        decimals: i.decimals % 24,
        initial_balances: i
            .initial_balances
            .into_iter()
            .take(8)
            .map(|(a, n)| Cw20Coin {
                address: a.string(),
                amount: n.get(),
            })
            .collect(),
        mint: i.mint.map(|(m, cap)| MinterResponse {
            minter: m.string(),
            cap: cap.map(AmountIn::get),
        }),
        marketing: i
            .marketing
            .map(
                |MarketingIn(project, description, marketing, logo)| InstantiateMarketingInfo {
                    project: project.map(|t| t.0),
                    description: description.map(|t| t.0),
                    marketing: marketing.map(|m| m.string()),
                    logo: logo.map(LogoIn::logo),
                },
            ),
        owner: i.owner.map(|o| o.string()),
        registry: i.registry.map(|r| r.string()),
        roles: i
            .roles
            .into_iter()
            .take(6)
            .map(|(r, a)| RoleGrant {
                role: role(r),
                address: a.string(),
            })
            .collect(),
    };
    let info = message_info(&i.sender.addr(), &i.funds.0);
    w.run(|deps, env| instantiate(deps, env, info, msg)).ok()?;
    // The set-up messages, as far as this configuration accepts them.
    for (sender, msg) in setup_msgs(&w.env.clone()) {
        let _ = exec_json(&mut w, sender, &[], &json_binary(&msg));
    }
    Some(w)
}

pub fn fuzz_execute(data: &[u8]) {
    let Some(mode) = mode(data) else { return };
    match mode {
        Mode::Json(json) => {
            let mut w = world();
            for sender in JSON_SENDERS {
                let _ = exec_json(&mut w, sender, &[], json);
            }
        }
        Mode::Typed(mut u) => {
            let w = if arbitrary_instantiation(&mut u) {
                instantiated(&mut u)
            } else {
                Some(world())
            };
            let Some(mut w) = w else { return };
            for s in items::<Step>(&mut u, 24) {
                step(&mut w, s);
            }
        }
    }
}

/// How many of the JSON-mode senders (each on a fresh state) get `json` accepted.
pub fn accepted(json: &[u8]) -> usize {
    JSON_SENDERS
        .iter()
        .filter(|s| exec_json(&mut world(), **s, &[], json))
        .count()
}

pub fn fuzz_query(data: &[u8]) {
    let Some(mode) = mode(data) else { return };
    let mut w = world();
    match mode {
        Mode::Json(json) => query_json(&w, json),
        Mode::Typed(mut u) => {
            let n = u8::arbitrary(&mut u).unwrap_or(0) % 16;
            for s in items::<Step>(&mut u, n as usize) {
                step(&mut w, s);
            }
            for q in items::<MsgIn<Query>>(&mut u, 8) {
                query_json(&w, &q.json(Query::msg));
            }
        }
    }
}

fn migrate_json(w: &mut World, json: &[u8]) {
    if let Some(msg) = parse::<MigrateMsg>(json) {
        let _ = w.run(|deps, env| migrate(deps, env, msg));
    }
}

/// A token paused under 0.1.0: a pause without the pause clock's start.
fn paused_under_010(w: &mut World) {
    let mut config = CONFIG.load(&w.deps.storage).expect("config");
    config.paused = true;
    config.paused_at = None;
    CONFIG.save(&mut w.deps.storage, &config).expect("config");
}

pub fn fuzz_migrate(data: &[u8]) {
    let Some(mode) = mode(data) else { return };
    match mode {
        Mode::Json(json) => {
            for v in VersionIn::ALL {
                for paused in [false, true] {
                    let mut w = world();
                    if paused {
                        paused_under_010(&mut w);
                    }
                    v.clone()
                        .apply(&mut w.deps.storage, CONTRACT_NAME, CONTRACT_VERSION);
                    migrate_json(&mut w, json);
                }
            }
        }
        Mode::Typed(mut u) => {
            let mut w = world();
            typed_migrate(&mut w, &mut u)
        }
    }
}

fn typed_migrate(w: &mut World, u: &mut Unstructured) {
    let n = u8::arbitrary(u).unwrap_or(0) % 12;
    for s in items::<Step>(u, n as usize) {
        step(w, s);
    }
    let Ok(version) = VersionIn::arbitrary(u) else {
        return;
    };
    if bool::arbitrary(u).unwrap_or(false) {
        paused_under_010(w);
    }
    version.apply(&mut w.deps.storage, CONTRACT_NAME, CONTRACT_VERSION);
    let msg = MsgIn::<()>::arbitrary(u).unwrap_or(MsgIn::Typed(()));
    migrate_json(w, &msg.json(|()| MigrateMsg {}));
    // The migrated contract keeps working.
    for s in items::<Step>(u, 8) {
        step(w, s);
    }
}

/// Seeds: the JSON of real messages, with valid vouchers for the setup's channels.
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let w = world();
    let env = w.env.clone();
    let s = |i: usize| addr(i).into_string();
    let bob = addr(BOB);
    let alice = addr(ALICE);
    let mut out = vec![];
    let exec: Vec<(&str, ExecuteMsg)> = vec![
        (
            "transfer",
            ExecuteMsg::Transfer {
                recipient: s(BOB),
                amount: Uint128::new(100),
            },
        ),
        (
            "burn",
            ExecuteMsg::Burn {
                amount: Uint128::new(10),
            },
        ),
        (
            "send",
            ExecuteMsg::Send {
                contract: s(TOKEN),
                amount: Uint128::new(10),
                msg: Binary::from(b"{\"pay\":{\"work_id\":1}}".to_vec()),
            },
        ),
        (
            "increase_allowance",
            ExecuteMsg::IncreaseAllowance {
                spender: s(CAROL),
                amount: Uint128::new(500),
                expires: Some(cw20::Expiration::AtHeight(env.block.height + 10)),
            },
        ),
        (
            "decrease_allowance",
            ExecuteMsg::DecreaseAllowance {
                spender: s(BOB),
                amount: Uint128::new(500),
                expires: None,
            },
        ),
        (
            "transfer_from",
            ExecuteMsg::TransferFrom {
                owner: s(ALICE),
                recipient: s(CAROL),
                amount: Uint128::new(500),
            },
        ),
        (
            "send_from",
            ExecuteMsg::SendFrom {
                owner: s(ALICE),
                contract: s(TOKEN),
                amount: Uint128::new(5),
                msg: Binary::default(),
            },
        ),
        (
            "burn_from",
            ExecuteMsg::BurnFrom {
                owner: s(ALICE),
                amount: Uint128::new(50),
            },
        ),
        (
            "mint",
            ExecuteMsg::Mint {
                recipient: s(CAROL),
                amount: Uint128::new(999),
            },
        ),
        (
            "update_minter",
            ExecuteMsg::UpdateMinter {
                new_minter: Some(s(OWNER)),
            },
        ),
        (
            "update_marketing",
            ExecuteMsg::UpdateMarketing {
                project: Some("p".into()),
                description: None,
                marketing: Some(s(ALICE)),
            },
        ),
        (
            "upload_logo",
            ExecuteMsg::UploadLogo(Logo::Embedded(EmbeddedLogo::Svg(Binary::from(
                b"<?xml version=\"1.0\"?><svg></svg>".to_vec(),
            )))),
        ),
        (
            "batch_transfer",
            ExecuteMsg::BatchTransfer {
                transfers: vec![
                    Payout {
                        recipient: s(BOB),
                        amount: Uint128::new(1),
                    },
                    Payout {
                        recipient: s(CAROL),
                        amount: Uint128::new(2),
                    },
                ],
            },
        ),
        (
            "pay",
            ExecuteMsg::Pay {
                recipient: s(CAROL),
                amount: Uint128::new(600_000),
                reference: "inv-2026-001".into(),
                travel_rule_ref: Some([1u8; 32].into()),
            },
        ),
        (
            "pause",
            ExecuteMsg::Pause {
                reason: "incident".into(),
            },
        ),
        (
            "unpause",
            ExecuteMsg::Unpause {
                reason: "resolved".into(),
            },
        ),
        (
            "freeze",
            ExecuteMsg::Freeze {
                address: s(ALICE),
                reason: "sanctions".into(),
            },
        ),
        (
            "unfreeze",
            ExecuteMsg::Unfreeze {
                address: s(DAVE),
                reason: "cleared".into(),
            },
        ),
        (
            "freeze_tokens",
            ExecuteMsg::FreezeTokens {
                address: s(BOB),
                amount: Uint128::new(7),
                reason: "hold".into(),
            },
        ),
        (
            "unfreeze_tokens",
            ExecuteMsg::UnfreezeTokens {
                address: s(CAROL),
                amount: Uint128::new(7),
                reason: "release".into(),
            },
        ),
        (
            "forced_transfer",
            ExecuteMsg::ForcedTransfer {
                from: s(CAROL),
                to: s(OWNER),
                amount: Uint128::new(9_500),
                reason: "court-order:42".into(),
                unfreeze: true,
            },
        ),
        (
            "recover",
            ExecuteMsg::Recover {
                lost: s(ALICE),
                new_address: s(ARBITER),
                reason: "lost_key".into(),
            },
        ),
        (
            "grant_role",
            ExecuteMsg::GrantRole {
                role: Role::Pauser,
                address: s(ALICE),
            },
        ),
        (
            "revoke_role",
            ExecuteMsg::RevokeRole {
                role: Role::Agent,
                address: s(ISSUER),
            },
        ),
        ("set_registry", ExecuteMsg::SetRegistry { registry: None }),
        (
            "update_ownership",
            ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
                new_owner: s(ALICE),
                expiry: Some(cw20::Expiration::AtTime(env.block.time.plus_seconds(60))),
            }),
        ),
        (
            "set_settle_period",
            ExecuteMsg::SetSettlePeriod { seconds: 7_200 },
        ),
        (
            "open_channel",
            ExecuteMsg::OpenChannel {
                payee: s(CAROL),
                amount: Uint128::new(100),
                expires_at: env.block.time.plus_seconds(3_600),
                signer: signer(1),
                travel_rule_ref: None,
            },
        ),
        (
            "top_up_channel",
            ExecuteMsg::TopUpChannel {
                channel: 1,
                amount: Uint128::new(10),
            },
        ),
        (
            "extend_channel",
            ExecuteMsg::ExtendChannel {
                channel: 2,
                expires_at: env.block.time.plus_seconds(30 * 86_400),
            },
        ),
        (
            "claim",
            ExecuteMsg::Claim {
                channel: 1,
                cumulative: Uint128::new(1_500),
                signature: SigIn::Channel.signature(
                    &env,
                    &w.deps.storage,
                    &bob,
                    1,
                    Uint128::new(1_500),
                ),
                close: Some(false),
            },
        ),
        (
            "claim_close",
            ExecuteMsg::Claim {
                channel: 2,
                cumulative: Uint128::new(20_000),
                signature: SigIn::Channel.signature(
                    &env,
                    &w.deps.storage,
                    &alice,
                    2,
                    Uint128::new(20_000),
                ),
                close: Some(true),
            },
        ),
        (
            "claim_many",
            ExecuteMsg::ClaimMany {
                claims: vec![ChannelClaim {
                    channel: 1,
                    cumulative: Uint128::new(10_000),
                    signature: SigIn::Channel.signature(
                        &env,
                        &w.deps.storage,
                        &bob,
                        1,
                        Uint128::new(10_000),
                    ),
                }],
            },
        ),
        ("start_close", ExecuteMsg::StartClose { channel: 1 }),
        ("close_channel", ExecuteMsg::CloseChannel { channel: 2 }),
    ];
    for (name, msg) in exec {
        out.push((
            "token_execute",
            name.to_string(),
            json_binary(&msg).to_vec(),
        ));
    }
    let queries = vec![
        Query::Balance(AddrIn::Pool(ALICE as u8)),
        Query::TokenInfo,
        Query::Minter,
        Query::Allowance(AddrIn::Pool(ALICE as u8), AddrIn::Pool(BOB as u8)),
        Query::AllAllowances(
            AddrIn::Pool(ALICE as u8),
            PageIn {
                start_after: None,
                limit: Some(2),
            },
        ),
        Query::AllSpenderAllowances(
            AddrIn::Pool(BOB as u8),
            PageIn {
                start_after: None,
                limit: None,
            },
        ),
        Query::AllAccounts(PageIn {
            start_after: Some(AddrIn::Pool(ALICE as u8)),
            limit: Some(10),
        }),
        Query::MarketingInfo,
        Query::DownloadLogo,
        Query::CanTransfer(
            AddrIn::Pool(CAROL as u8),
            AddrIn::Pool(DAVE as u8),
            AmountIn(2_000),
        ),
        Query::Account(AddrIn::Pool(CAROL as u8)),
        Query::Config,
        Query::Roles(
            0,
            PageIn {
                start_after: None,
                limit: None,
            },
        ),
        Query::Ownership,
        Query::Channel(1),
        Query::Channels {
            payee: true,
            who: AddrIn::Pool(BOB as u8),
            start_after: None,
            limit: Some(5),
        },
    ];
    for (i, q) in queries.into_iter().enumerate() {
        out.push((
            "token_query",
            format!("q{i}"),
            json_binary(&q.msg()).to_vec(),
        ));
    }
    out.push(("token_migrate", "migrate".into(), b"{}".to_vec()));
    out
}

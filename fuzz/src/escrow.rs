//! The royalty escrow's `execute`, `query`, `migrate` and `reply`, on mock dependencies
//! whose querier serves the registry's records and policy (raw reads). Push payouts the
//! contract sends as `reply_on_error` sub-messages are kept, and a step may make one fail
//! and deliver its reply, as the chain would.

use arbitrary::{Arbitrary, Unstructured};
use cosmwasm_std::testing::message_info;
use cosmwasm_std::{
    Addr, Binary, Coin, Env, Reply, ReplyOn, Response, SubMsg, SubMsgResponse, SubMsgResult,
    Timestamp, Uint128,
};
use cw20::Cw20ReceiveMsg;
use farthing_royalty_escrow::contract::{execute, instantiate, migrate, query, reply};
use farthing_royalty_escrow::{ContractError, CONTRACT_NAME, CONTRACT_VERSION};
use farthing_types::escrow::{
    AssetInfo, DealTerms, DealsBy, ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, ReceiveMsg,
    Share, WorkTerms,
};
use serde::Serialize;

use crate::common::*;

/// The reply id of the escrow's push payouts.
pub const PAYOUT_REPLY_ID: u64 = 1;

/// The payload of a push payout (the escrow's `HeldPayout`, same JSON).
#[derive(Serialize)]
struct HeldPayout {
    recipient: Addr,
    asset: AssetInfo,
    amount: Uint128,
}

#[derive(Debug, Clone, Arbitrary)]
pub enum AssetIn {
    Native(u8),
    NativeRaw(String),
    Cw20(AddrIn),
}

impl AssetIn {
    fn asset(self) -> AssetInfo {
        match self {
            AssetIn::Native(d) => AssetInfo::Native {
                denom: DENOMS[d as usize % DENOMS.len()].to_string(),
            },
            AssetIn::NativeRaw(denom) => AssetInfo::Native { denom },
            // `Addr` is not validated by deserialization: any string reaches the contract.
            AssetIn::Cw20(a) => AssetInfo::Cw20 {
                address: Addr::unchecked(a.string()),
            },
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub struct DealIn {
    pub payee: AddrIn,
    pub arbiter: Option<AddrIn>,
    pub milestones: Vec<AmountIn>,
    pub expires_at: TimeIn,
}

impl DealIn {
    fn terms(self, now: Timestamp) -> DealTerms {
        DealTerms {
            payee: self.payee.string(),
            arbiter: self.arbiter.map(|a| a.string()),
            milestones: self
                .milestones
                .into_iter()
                .take(8)
                .map(AmountIn::get)
                .collect(),
            expires_at: self.expires_at.at(now),
        }
    }
}

/// Basis points: mostly a share that can make 10,000, sometimes any.
#[derive(Debug, Clone, Arbitrary)]
pub struct ShareIn {
    pub address: AddrIn,
    pub bps: u16,
}

fn shares(v: Vec<ShareIn>) -> Vec<Share> {
    let v: Vec<ShareIn> = v.into_iter().take(6).collect();
    let n = v.len();
    v.into_iter()
        .enumerate()
        .map(|(i, s)| Share {
            address: s.address.string(),
            // Even split of 10,000 (first takes the rest) unless the high bit says "raw".
            bps: if s.bps & 0x8000 == 0 {
                let each = 10_000 / n as u16;
                if i == 0 {
                    10_000 - each * (n as u16 - 1)
                } else {
                    each
                }
            } else {
                s.bps & 0x7fff
            },
        })
        .collect()
}

#[derive(Debug, Clone, Arbitrary)]
pub enum ReceiveIn {
    CreateDeal(DealIn),
    TopUp(u8),
    Pay(u8),
}

impl ReceiveIn {
    fn msg(self, now: Timestamp) -> ReceiveMsg {
        match self {
            ReceiveIn::CreateDeal(d) => ReceiveMsg::CreateDeal(d.terms(now)),
            ReceiveIn::TopUp(d) => ReceiveMsg::TopUp { deal_id: id(d) },
            ReceiveIn::Pay(w) => ReceiveMsg::Pay { work_id: id(w) },
        }
    }
}

/// Deal and work ids: mostly the first few, sometimes any.
fn id(b: u8) -> u64 {
    if b < 0xf0 {
        // The set-up state has ids 1 and 2.
        [1, 2, 1, 2, 3, 0, 4, 5][usize::from(b % 8)]
    } else {
        u64::MAX - u64::from(b - 0xf0)
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub enum Exec {
    Receive {
        sender: AddrIn,
        amount: AmountIn,
        msg: MsgIn<ReceiveIn>,
    },
    CreateDeal(DealIn),
    TopUp(u8),
    Release(u8, Option<u8>),
    Refund(u8),
    OpenDispute(u8),
    Resolve(u8, AmountIn),
    ProposeSettlement(u8, AmountIn),
    AcceptSettlement(u8),
    ExpireDispute(u8),
    RegisterWork {
        name: TextIn,
        recipients: Vec<ShareIn>,
        accepted: Vec<AssetIn>,
    },
    UpdateSplit(u8, Vec<ShareIn>),
    Pay(u8),
    Claim {
        work_id: u8,
        epoch: Option<u8>,
        asset: AssetIn,
        amount: Option<AmountIn>,
    },
    ClaimHeld(AssetIn, Option<AmountIn>),
    ResolveHeld {
        address: AddrIn,
        asset: AssetIn,
        to: AddrIn,
        reason: ReasonIn,
    },
    SweepStray(AssetIn, AddrIn),
    AllowToken(AddrIn),
    DisallowToken(AddrIn),
    SetRegistry(Option<AddrIn>),
    UpdateOwnership(OwnershipIn),
}

impl Exec {
    pub fn msg(self, env: &Env) -> ExecuteMsg {
        let now = env.block.time;
        match self {
            Exec::Receive {
                sender,
                amount,
                msg,
            } => ExecuteMsg::Receive(Cw20ReceiveMsg {
                sender: sender.string(),
                amount: amount.get(),
                msg: Binary::from(msg.json(|m| m.msg(now))),
            }),
            Exec::CreateDeal(d) => ExecuteMsg::CreateDeal(d.terms(now)),
            Exec::TopUp(d) => ExecuteMsg::TopUp { deal_id: id(d) },
            Exec::Release(d, m) => ExecuteMsg::Release {
                deal_id: id(d),
                milestone: m.map(|m| u32::from(m % 8)),
            },
            Exec::Refund(d) => ExecuteMsg::Refund { deal_id: id(d) },
            Exec::OpenDispute(d) => ExecuteMsg::OpenDispute { deal_id: id(d) },
            Exec::Resolve(d, a) => ExecuteMsg::Resolve {
                deal_id: id(d),
                to_payee: a.get(),
            },
            Exec::ProposeSettlement(d, a) => ExecuteMsg::ProposeSettlement {
                deal_id: id(d),
                to_payee: a.get(),
            },
            Exec::AcceptSettlement(d) => ExecuteMsg::AcceptSettlement { deal_id: id(d) },
            Exec::ExpireDispute(d) => ExecuteMsg::ExpireDispute { deal_id: id(d) },
            Exec::RegisterWork {
                name,
                recipients,
                accepted,
            } => ExecuteMsg::RegisterWork(WorkTerms {
                name: name.0,
                recipients: shares(recipients),
                accepted: accepted.into_iter().take(12).map(AssetIn::asset).collect(),
            }),
            Exec::UpdateSplit(w, r) => ExecuteMsg::UpdateSplit {
                work_id: id(w),
                recipients: shares(r),
            },
            Exec::Pay(w) => ExecuteMsg::Pay { work_id: id(w) },
            Exec::Claim {
                work_id,
                epoch,
                asset,
                amount,
            } => ExecuteMsg::Claim {
                work_id: id(work_id),
                epoch: epoch.map(|e| if e < 0xf0 { u32::from(e % 4) } else { u32::MAX }),
                asset: asset.asset(),
                amount: amount.map(AmountIn::get),
            },
            Exec::ClaimHeld(a, n) => ExecuteMsg::ClaimHeld {
                asset: a.asset(),
                amount: n.map(AmountIn::get),
            },
            Exec::ResolveHeld {
                address,
                asset,
                to,
                reason,
            } => ExecuteMsg::ResolveHeld {
                address: address.string(),
                asset: asset.asset(),
                to: to.string(),
                reason: reason.0,
            },
            Exec::SweepStray(a, to) => ExecuteMsg::SweepStray {
                asset: a.asset(),
                to: to.string(),
            },
            Exec::AllowToken(a) => ExecuteMsg::AllowToken {
                address: a.string(),
            },
            Exec::DisallowToken(a) => ExecuteMsg::DisallowToken {
                address: a.string(),
            },
            Exec::SetRegistry(r) => ExecuteMsg::SetRegistry {
                registry: r.map(|r| r.string()),
            },
            Exec::UpdateOwnership(o) => ExecuteMsg::UpdateOwnership(o.action(env)),
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub enum Query {
    Deal(u8),
    Deals {
        by: Option<(u8, AddrIn)>,
        start_after: Option<u8>,
        limit: Option<u32>,
    },
    Work(u8, Option<u8>),
    Claimable {
        work_id: u8,
        epoch: Option<u8>,
        asset: AssetIn,
        address: AddrIn,
    },
    Held {
        address: AddrIn,
        start_after: Option<AssetIn>,
        limit: Option<u32>,
    },
    AcceptedTokens(PageIn<AddrIn>),
    Owed(AssetIn),
    Config,
    Ownership,
}

impl Query {
    pub fn msg(self) -> QueryMsg {
        let epoch = |e: Option<u8>| e.map(|e| if e < 0xf0 { u32::from(e % 4) } else { u32::MAX });
        match self {
            Query::Deal(d) => QueryMsg::Deal { deal_id: id(d) },
            Query::Deals {
                by,
                start_after,
                limit,
            } => QueryMsg::Deals {
                by: by.map(|(k, a)| match k % 3 {
                    0 => DealsBy::Payer(a.string()),
                    1 => DealsBy::Payee(a.string()),
                    _ => DealsBy::Arbiter(a.string()),
                }),
                start_after: start_after.map(id),
                limit,
            },
            Query::Work(w, e) => QueryMsg::Work {
                work_id: id(w),
                epoch: epoch(e),
            },
            Query::Claimable {
                work_id,
                epoch: e,
                asset,
                address,
            } => QueryMsg::Claimable {
                work_id: id(work_id),
                epoch: epoch(e),
                asset: asset.asset(),
                address: address.string(),
            },
            Query::Held {
                address,
                start_after,
                limit,
            } => QueryMsg::Held {
                address: address.string(),
                start_after: start_after.map(AssetIn::asset),
                limit,
            },
            Query::AcceptedTokens(p) => QueryMsg::AcceptedTokens {
                start_after: p.start_after.map(|a| a.string()),
                limit: p.limit,
            },
            Query::Owed(a) => QueryMsg::Owed { asset: a.asset() },
            Query::Config => QueryMsg::Config {},
            Query::Ownership => QueryMsg::Ownership {},
        }
    }
}

/// A reply to deliver: to one of the payouts the contract sent (failed, as the asset
/// refused it, or succeeded), or made up.
#[derive(Debug, Clone, Arbitrary)]
pub enum ReplyIn {
    Pending {
        which: u8,
        ok: bool,
    },
    Made {
        id: u8,
        payload: PayloadIn,
        ok: bool,
        gas_used: u64,
    },
}

#[derive(Debug, Clone, Arbitrary)]
pub enum PayloadIn {
    Held {
        recipient: AddrIn,
        asset: AssetIn,
        amount: AmountIn,
    },
    Raw(Vec<u8>),
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
    Reply(ReplyIn),
}

/// The escrow's world: the contract plus the payouts it has sent and not yet answered.
pub struct Escrow {
    pub w: World,
    pub pending: Vec<SubMsg>,
}

/// Senders a JSON-mode message is tried from, in turn (each without and with a coin).
pub const JSON_SENDERS: [usize; 7] = [OWNER, ALICE, BOB, CAROL, ARBITER, TOKEN, MALLORY];

pub fn instantiate_msg() -> InstantiateMsg {
    InstantiateMsg {
        owner: None,
        registry: Some(addr(REGISTRY).into_string()),
        accepted_cw20: vec![addr(TOKEN).into_string()],
        dispute_timeout_seconds: 86_400,
    }
}

/// Setup: a native deal with an arbiter and two milestones (the first released), a cw20
/// deal without arbiter, a work paid in native coins, and a payout held for carol.
pub fn setup_msgs(env: &Env) -> Vec<(usize, Vec<Coin>, ExecuteMsg)> {
    let now = env.block.time;
    vec![
        (
            ALICE,
            vec![Coin::new(1_000u128, "ufar")],
            ExecuteMsg::CreateDeal(DealTerms {
                payee: addr(BOB).into_string(),
                arbiter: Some(addr(ARBITER).into_string()),
                milestones: vec![Uint128::new(400), Uint128::new(600)],
                expires_at: now.plus_seconds(7 * 86_400),
            }),
        ),
        (
            TOKEN,
            vec![],
            ExecuteMsg::Receive(Cw20ReceiveMsg {
                sender: addr(ALICE).into_string(),
                amount: Uint128::new(5_000),
                msg: json_binary(&ReceiveMsg::CreateDeal(DealTerms {
                    payee: addr(CAROL).into_string(),
                    arbiter: None,
                    milestones: vec![],
                    expires_at: now.plus_seconds(86_400),
                })),
            }),
        ),
        (
            ALICE,
            vec![],
            ExecuteMsg::RegisterWork(WorkTerms {
                name: "song".into(),
                recipients: vec![
                    Share {
                        address: addr(ALICE).into_string(),
                        bps: 5_000,
                    },
                    Share {
                        address: addr(BOB).into_string(),
                        bps: 3_000,
                    },
                    Share {
                        address: addr(CAROL).into_string(),
                        bps: 2_000,
                    },
                ],
                accepted: vec![
                    AssetInfo::Native {
                        denom: "ufar".into(),
                    },
                    AssetInfo::Cw20 {
                        address: addr(TOKEN),
                    },
                ],
            }),
        ),
        (
            BOB,
            vec![Coin::new(1_001u128, "ufar")],
            ExecuteMsg::Pay { work_id: 1 },
        ),
        (
            ALICE,
            vec![],
            ExecuteMsg::Release {
                deal_id: 1,
                milestone: Some(0),
            },
        ),
    ]
}

impl Escrow {
    /// The set-up escrow (built once; each run starts from a copy).
    pub fn new() -> Self {
        static BASE: std::sync::OnceLock<(Snapshot, Vec<SubMsg>)> = std::sync::OnceLock::new();
        let (storage, pending) = BASE.get_or_init(|| {
            let e = Escrow::set_up();
            (dump(&e.w.deps.storage), e.pending)
        });
        Escrow {
            w: World::from(storage),
            pending: pending.clone(),
        }
    }

    fn set_up() -> Self {
        let mut w = World::new();
        let env = w.env.clone();
        instantiate(
            w.deps.as_mut(),
            env.clone(),
            message_info(&addr(OWNER), &[]),
            instantiate_msg(),
        )
        .expect("escrow instantiates");
        let mut e = Escrow { w, pending: vec![] };
        for (sender, funds, msg) in setup_msgs(&env) {
            let resp = execute(
                e.w.deps.as_mut(),
                env.clone(),
                message_info(&addr(sender), &funds),
                msg,
            )
            .expect("escrow setup");
            e.keep(&resp);
        }
        // A payout the asset refused: held for carol.
        let _ = e
            .deliver(Reply {
                id: PAYOUT_REPLY_ID,
                payload: json_binary(&HeldPayout {
                    recipient: addr(CAROL),
                    asset: AssetInfo::Native {
                        denom: "ufar".into(),
                    },
                    amount: Uint128::new(77),
                }),
                gas_used: 0,
                result: SubMsgResult::Err("refused".into()),
            })
            .expect("held");
        e
    }

    fn keep(&mut self, resp: &Response) {
        for m in &resp.messages {
            if m.reply_on != ReplyOn::Never && self.pending.len() < 32 {
                self.pending.push(m.clone());
            }
        }
    }

    fn exec_json(&mut self, sender: usize, funds: &[Coin], json: &[u8]) -> bool {
        let Some(msg) = parse::<ExecuteMsg>(json) else {
            return false;
        };
        let info = message_info(&addr(sender), funds);
        match self.w.run(|deps, env| execute(deps, env, info, msg)) {
            Ok(resp) => {
                self.keep(&resp);
                true
            }
            Err(_) => false,
        }
    }

    pub fn deliver(&mut self, r: Reply) -> Result<Response, ContractError> {
        self.w.run(|deps, env| reply(deps, env, r))
    }

    fn reply_in(&mut self, r: ReplyIn) {
        let result = |ok: bool| {
            if ok {
                #[allow(deprecated)]
                SubMsgResult::Ok(SubMsgResponse {
                    events: vec![],
                    data: None,
                    msg_responses: vec![],
                })
            } else {
                SubMsgResult::Err("codespace: wasm, code: 5".into())
            }
        };
        let r = match r {
            ReplyIn::Pending { which, ok } => {
                if self.pending.is_empty() {
                    return;
                }
                let m = self.pending.remove(which as usize % self.pending.len());
                Reply {
                    id: m.id,
                    payload: m.payload,
                    gas_used: 1_000,
                    result: result(ok),
                }
            }
            ReplyIn::Made {
                id,
                payload,
                ok,
                gas_used,
            } => Reply {
                id: if id < 0xf0 {
                    u64::from(id % 3)
                } else {
                    u64::MAX
                },
                payload: match payload {
                    PayloadIn::Held {
                        recipient,
                        asset,
                        amount,
                    } => json_binary(&HeldPayout {
                        recipient: Addr::unchecked(recipient.string()),
                        asset: asset.asset(),
                        amount: amount.get(),
                    }),
                    PayloadIn::Raw(b) => Binary::from(b),
                },
                gas_used,
                result: result(ok),
            },
        };
        let _ = self.deliver(r);
    }

    fn step(&mut self, s: Step) {
        match s {
            Step::Exec { sender, funds, msg } => {
                let env = self.w.env.clone();
                let json = msg.json(|m| m.msg(&env));
                let _ = self.exec_json(sender.0 as usize, &funds.0, &json);
            }
            Step::Advance(a) => self.w.advance(a),
            Step::Kyc(c) => self.w.kyc_change(c),
            Step::Reply(r) => self.reply_in(r),
        }
    }

    fn steps(&mut self, u: &mut Unstructured, max: usize) {
        for s in items::<Step>(u, max) {
            self.step(s);
        }
    }

    fn query_json(&self, json: &[u8]) {
        if let Some(msg) = parse::<QueryMsg>(json) {
            if let Ok(bin) = query(self.w.deps.as_ref(), self.w.env.clone(), msg) {
                assert!(serde_json::from_slice::<serde_json::Value>(&bin).is_ok());
            }
        }
    }
}

impl Default for Escrow {
    fn default() -> Self {
        Escrow::new()
    }
}

/// An arbitrary instantiation.
#[derive(Debug, Clone, Arbitrary)]
pub struct InitIn {
    pub sender: Who,
    pub owner: Option<AddrIn>,
    pub registry: Option<AddrIn>,
    pub accepted_cw20: Vec<AddrIn>,
    pub dispute_timeout_seconds: SecondsIn,
}

impl Escrow {
    /// An escrow instantiated with an arbitrary message, then given the set-up messages it
    /// accepts; `None` when the instantiation is refused.
    fn instantiated(u: &mut Unstructured) -> Option<Escrow> {
        let i = InitIn::arbitrary(u).ok()?;
        let mut w = World::new();
        let msg = InstantiateMsg {
            owner: i.owner.map(|o| o.string()),
            registry: i.registry.map(|r| r.string()),
            accepted_cw20: i.accepted_cw20.iter().take(4).map(AddrIn::string).collect(),
            dispute_timeout_seconds: i.dispute_timeout_seconds.0,
        };
        let info = message_info(&i.sender.addr(), &[]);
        w.run(|deps, env| instantiate(deps, env, info, msg)).ok()?;
        // The set-up messages, as far as this configuration accepts them.
        let mut e = Escrow { w, pending: vec![] };
        for (sender, funds, msg) in setup_msgs(&e.w.env) {
            let _ = e.exec_json(sender, &funds, &json_binary(&msg));
        }
        Some(e)
    }
}

pub fn fuzz_execute(data: &[u8]) {
    let Some(mode) = mode(data) else { return };
    match mode {
        Mode::Json(json) => {
            let mut e = Escrow::new();
            let coin = [Coin::new(500u128, "ufar")];
            for sender in JSON_SENDERS {
                let _ = e.exec_json(sender, &[], json);
                let _ = e.exec_json(sender, &coin, json);
            }
        }
        Mode::Typed(mut u) => {
            let e = if arbitrary_instantiation(&mut u) {
                Escrow::instantiated(&mut u)
            } else {
                Some(Escrow::new())
            };
            let Some(mut e) = e else { return };
            e.steps(&mut u, 24);
        }
    }
}

/// How many of the JSON-mode senders (each on a fresh state, without and with a coin) get
/// `json` accepted.
pub fn accepted(json: &[u8]) -> usize {
    let coin = [Coin::new(500u128, "ufar")];
    JSON_SENDERS
        .iter()
        .map(|s| {
            usize::from(Escrow::new().exec_json(*s, &[], json))
                + usize::from(Escrow::new().exec_json(*s, &coin, json))
        })
        .sum()
}

pub fn fuzz_query(data: &[u8]) {
    let Some(mode) = mode(data) else { return };
    let mut e = Escrow::new();
    match mode {
        Mode::Json(json) => e.query_json(json),
        Mode::Typed(mut u) => {
            let n = u8::arbitrary(&mut u).unwrap_or(0) % 16;
            e.steps(&mut u, n as usize);
            for q in items::<MsgIn<Query>>(&mut u, 8) {
                e.query_json(&q.json(Query::msg));
            }
        }
    }
}

pub fn fuzz_reply(data: &[u8]) {
    let Some(mode) = mode(data) else { return };
    let mut e = Escrow::new();
    match mode {
        Mode::Json(json) => {
            if let Some(r) = parse::<Reply>(json) {
                let _ = e.deliver(r);
            }
        }
        Mode::Typed(mut u) => {
            let n = u8::arbitrary(&mut u).unwrap_or(0) % 16;
            e.steps(&mut u, n as usize);
            for r in items::<ReplyIn>(&mut u, 8) {
                e.reply_in(r);
            }
        }
    }
}

fn migrate_json(e: &mut Escrow, json: &[u8]) {
    if let Some(msg) = parse::<MigrateMsg>(json) {
        let _ = e.w.run(|deps, env| migrate(deps, env, msg));
    }
}

pub fn fuzz_migrate(data: &[u8]) {
    let Some(mode) = mode(data) else { return };
    match mode {
        Mode::Json(json) => {
            for v in VersionIn::ALL {
                let mut e = Escrow::new();
                v.apply(&mut e.w.deps.storage, CONTRACT_NAME, CONTRACT_VERSION);
                migrate_json(&mut e, json);
            }
        }
        Mode::Typed(mut u) => {
            let mut e = Escrow::new();
            let n = u8::arbitrary(&mut u).unwrap_or(0) % 12;
            e.steps(&mut u, n as usize);
            let Ok(version) = VersionIn::arbitrary(&mut u) else {
                return;
            };
            version.apply(&mut e.w.deps.storage, CONTRACT_NAME, CONTRACT_VERSION);
            let msg = MsgIn::<()>::arbitrary(&mut u).unwrap_or(MsgIn::Typed(()));
            migrate_json(&mut e, &msg.json(|()| MigrateMsg {}));
            e.steps(&mut u, 8);
        }
    }
}

/// Seeds: the JSON of real messages and replies.
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let e = Escrow::new();
    let env = e.w.env.clone();
    let now = env.block.time;
    let s = |i: usize| addr(i).into_string();
    let ufar = || AssetInfo::Native {
        denom: "ufar".into(),
    };
    let mut out = vec![];
    let exec: Vec<(&str, ExecuteMsg)> = vec![
        (
            "receive_top_up",
            ExecuteMsg::Receive(Cw20ReceiveMsg {
                sender: s(ALICE),
                amount: Uint128::new(100),
                msg: json_binary(&ReceiveMsg::TopUp { deal_id: 2 }),
            }),
        ),
        (
            "receive_pay",
            ExecuteMsg::Receive(Cw20ReceiveMsg {
                sender: s(BOB),
                amount: Uint128::new(100),
                msg: json_binary(&ReceiveMsg::Pay { work_id: 1 }),
            }),
        ),
        (
            "create_deal",
            ExecuteMsg::CreateDeal(DealTerms {
                payee: s(CAROL),
                arbiter: Some(s(ARBITER)),
                milestones: vec![Uint128::new(200), Uint128::new(300)],
                expires_at: now.plus_seconds(3_600),
            }),
        ),
        ("top_up", ExecuteMsg::TopUp { deal_id: 1 }),
        (
            "release",
            ExecuteMsg::Release {
                deal_id: 1,
                milestone: None,
            },
        ),
        ("refund", ExecuteMsg::Refund { deal_id: 2 }),
        ("open_dispute", ExecuteMsg::OpenDispute { deal_id: 1 }),
        (
            "resolve",
            ExecuteMsg::Resolve {
                deal_id: 1,
                to_payee: Uint128::new(300),
            },
        ),
        (
            "propose_settlement",
            ExecuteMsg::ProposeSettlement {
                deal_id: 2,
                to_payee: Uint128::new(2_500),
            },
        ),
        (
            "accept_settlement",
            ExecuteMsg::AcceptSettlement { deal_id: 2 },
        ),
        ("expire_dispute", ExecuteMsg::ExpireDispute { deal_id: 1 }),
        (
            "register_work",
            ExecuteMsg::RegisterWork(WorkTerms {
                name: "album".into(),
                recipients: vec![Share {
                    address: s(BOB),
                    bps: 10_000,
                }],
                accepted: vec![ufar()],
            }),
        ),
        (
            "update_split",
            ExecuteMsg::UpdateSplit {
                work_id: 1,
                recipients: vec![
                    Share {
                        address: s(ALICE),
                        bps: 9_999,
                    },
                    Share {
                        address: s(DAVE),
                        bps: 1,
                    },
                ],
            },
        ),
        ("pay", ExecuteMsg::Pay { work_id: 1 }),
        (
            "claim",
            ExecuteMsg::Claim {
                work_id: 1,
                epoch: None,
                asset: ufar(),
                amount: None,
            },
        ),
        (
            "claim_held",
            ExecuteMsg::ClaimHeld {
                asset: ufar(),
                amount: Some(Uint128::new(7)),
            },
        ),
        (
            "resolve_held",
            ExecuteMsg::ResolveHeld {
                address: s(CAROL),
                asset: ufar(),
                to: s(OWNER),
                reason: "sanctions".into(),
            },
        ),
        (
            "sweep_stray",
            ExecuteMsg::SweepStray {
                asset: ufar(),
                to: s(OWNER),
            },
        ),
        ("allow_token", ExecuteMsg::AllowToken { address: s(BOB) }),
        (
            "disallow_token",
            ExecuteMsg::DisallowToken { address: s(TOKEN) },
        ),
        ("set_registry", ExecuteMsg::SetRegistry { registry: None }),
        (
            "update_ownership",
            ExecuteMsg::UpdateOwnership(cw_ownable::Action::RenounceOwnership),
        ),
    ];
    for (name, msg) in exec {
        out.push((
            "escrow_execute",
            name.to_string(),
            json_binary(&msg).to_vec(),
        ));
    }
    let queries = vec![
        Query::Deal(1),
        Query::Deals {
            by: Some((1, AddrIn::Pool(BOB as u8))),
            start_after: None,
            limit: Some(3),
        },
        Query::Work(1, Some(0)),
        Query::Claimable {
            work_id: 1,
            epoch: None,
            asset: AssetIn::Native(0),
            address: AddrIn::Pool(ALICE as u8),
        },
        Query::Held {
            address: AddrIn::Pool(CAROL as u8),
            start_after: None,
            limit: None,
        },
        Query::AcceptedTokens(PageIn {
            start_after: None,
            limit: Some(1),
        }),
        Query::Owed(AssetIn::Native(0)),
        Query::Config,
        Query::Ownership,
    ];
    for (i, q) in queries.into_iter().enumerate() {
        out.push((
            "escrow_query",
            format!("q{i}"),
            json_binary(&q.msg()).to_vec(),
        ));
    }
    out.push(("escrow_migrate", "migrate".into(), b"{}".to_vec()));
    let replies = [
        (
            "held",
            Reply {
                id: PAYOUT_REPLY_ID,
                payload: json_binary(&HeldPayout {
                    recipient: addr(BOB),
                    asset: AssetInfo::Cw20 {
                        address: addr(TOKEN),
                    },
                    amount: Uint128::new(400),
                }),
                gas_used: 0,
                result: SubMsgResult::Err("refused".into()),
            },
        ),
        (
            "unknown_id",
            Reply {
                id: 7,
                payload: Binary::default(),
                gas_used: 0,
                result: SubMsgResult::Err("x".into()),
            },
        ),
    ];
    for (name, r) in replies {
        out.push(("escrow_reply", name.to_string(), json_binary(&r).to_vec()));
    }
    out
}

//! What every contract harness shares: the address pool, the leaf inputs that turn fuzz
//! bytes into values that reach real code paths (pool addresses, small amounts, times near
//! the block time), mock dependencies whose querier answers the registry's raw reads, and
//! an execution wrapper that reverts the storage of a failed message, as the chain does.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::OnceLock;

use arbitrary::{Arbitrary, Result as ArbResult, Unstructured};
use cosmwasm_std::testing::{
    message_info, mock_dependencies, mock_env, MockApi, MockQuerier, MockStorage,
};
use cosmwasm_std::{
    to_json_binary, Addr, Binary, Coin, ContractResult, DepsMut, Env, HexBinary, MemoryStorage,
    MessageInfo, Order, OwnedDeps, QuerierWrapper, Storage, SystemError, SystemResult, Timestamp,
    Uint128, WasmQuery,
};
use farthing_types::kyc::state::{POLICY, RECORDS};
use farthing_types::kyc::{
    GateRecord, KycStatus, PartyKind, Policy, StoredPolicy, TierLimit, TravelRule,
};
use farthing_voucher::{KeyType, SignerKey};

pub type Deps = OwnedDeps<MockStorage, MockApi, MockQuerier>;

/// Names of the address pool (`MockApi::addr_make`). `self` is the contract under test
/// (`mock_env().contract.address`).
pub const NAMES: [&str; 13] = [
    "owner",
    "officer",
    "alice",
    "bob",
    "carol",
    "dave",
    "mallory",
    "minter",
    "issuer",
    "arbiter",
    "registry",
    "token",
    "cosmos2contract",
];
pub const OWNER: usize = 0;
pub const OFFICER: usize = 1;
pub const ALICE: usize = 2;
pub const BOB: usize = 3;
pub const CAROL: usize = 4;
pub const DAVE: usize = 5;
pub const MALLORY: usize = 6;
pub const MINTER: usize = 7;
pub const ISSUER: usize = 8;
pub const ARBITER: usize = 9;
pub const REGISTRY: usize = 10;
pub const TOKEN: usize = 11;
pub const SELF: usize = 12;

pub fn pool() -> &'static [Addr] {
    static POOL: OnceLock<Vec<Addr>> = OnceLock::new();
    POOL.get_or_init(|| {
        let api = MockApi::default();
        NAMES.iter().map(|n| api.addr_make(n)).collect()
    })
}

pub fn addr(i: usize) -> Addr {
    pool()[i % NAMES.len()].clone()
}

/// Secrets of the channel signer keys: (kind, secret).
pub const KEYS: [(KeyType, [u8; 32]); 3] = [
    (KeyType::Ed25519, [1; 32]),
    (KeyType::Ed25519, [2; 32]),
    (KeyType::Secp256k1, [3; 32]),
];

pub fn signer(i: usize) -> SignerKey {
    static PUBS: OnceLock<Vec<SignerKey>> = OnceLock::new();
    PUBS.get_or_init(|| {
        KEYS.iter()
            .map(|(k, s)| farthing_voucher::public_key(*k, s).expect("pool key"))
            .collect()
    })[i % KEYS.len()]
    .clone()
}

/// Reads a selector byte (0 when the input is exhausted).
fn sel(u: &mut Unstructured) -> ArbResult<u8> {
    u8::arbitrary(u)
}

/// An address: mostly one of the pool, sometimes any string (to reach validation errors).
#[derive(Debug, Clone)]
pub enum AddrIn {
    Pool(u8),
    Raw(String),
}

impl<'a> Arbitrary<'a> for AddrIn {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        let s = sel(u)?;
        Ok(if s < 0xf4 {
            AddrIn::Pool(s)
        } else {
            AddrIn::Raw(String::arbitrary(u)?)
        })
    }
}

impl AddrIn {
    pub fn string(&self) -> String {
        match self {
            AddrIn::Pool(i) => addr(*i as usize).into_string(),
            AddrIn::Raw(s) => s.clone(),
        }
    }
}

/// A pool member (a sender or a registry subject): never invalid.
#[derive(Debug, Clone, Copy)]
pub struct Who(pub u8);

impl<'a> Arbitrary<'a> for Who {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        Ok(Who(sel(u)?))
    }
}

impl Who {
    pub fn addr(self) -> Addr {
        addr(self.0 as usize)
    }
}

/// An amount: mostly small (balances in the harnesses are about a million), sometimes any
/// u128 or near `u128::MAX` (overflow paths).
#[derive(Debug, Clone, Copy)]
pub struct AmountIn(pub u128);

impl<'a> Arbitrary<'a> for AmountIn {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        let s = sel(u)?;
        Ok(AmountIn(match s {
            0x00..=0x6f => u128::from(u16::arbitrary(u)? % 1_024),
            0x70..=0xaf => u128::from(u16::arbitrary(u)?),
            0xb0..=0xcf => u128::from(u32::arbitrary(u)?),
            0xd0..=0xe7 => u128::arbitrary(u)?,
            0xe8..=0xf3 => u128::MAX - u128::from(u8::arbitrary(u)?),
            _ => 0,
        }))
    }
}

impl AmountIn {
    pub fn get(self) -> Uint128 {
        Uint128::new(self.0)
    }
}

/// A point in time relative to the block time when the message is built.
#[derive(Debug, Clone, Copy)]
pub enum TimeIn {
    After(u16),
    HoursAfter(u16),
    Before(u16),
    Nanos(u64),
    Max,
}

impl<'a> Arbitrary<'a> for TimeIn {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        let s = sel(u)?;
        Ok(match s {
            0x00..=0x5f => TimeIn::After(u16::arbitrary(u)?),
            0x60..=0xaf => TimeIn::HoursAfter(u16::arbitrary(u)?),
            0xb0..=0xcf => TimeIn::Before(u16::arbitrary(u)?),
            0xd0..=0xef => TimeIn::Nanos(u64::arbitrary(u)?),
            _ => TimeIn::Max,
        })
    }
}

impl TimeIn {
    pub fn at(self, now: Timestamp) -> Timestamp {
        match self {
            TimeIn::After(s) => now.plus_seconds(u64::from(s)),
            TimeIn::HoursAfter(h) => now.plus_seconds(u64::from(h) * 3600),
            TimeIn::Before(s) => now.minus_seconds(u64::from(s).min(now.seconds())),
            TimeIn::Nanos(n) => Timestamp::from_nanos(n),
            TimeIn::Max => Timestamp::from_nanos(u64::MAX),
        }
    }
}

/// How far a step moves the block time.
#[derive(Debug, Clone, Copy)]
pub struct AdvanceIn(pub u64);

impl<'a> Arbitrary<'a> for AdvanceIn {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        let s = sel(u)?;
        Ok(AdvanceIn(match s {
            0x00..=0x7f => u64::from(u16::arbitrary(u)?),
            0x80..=0xef => u64::from(u16::arbitrary(u)?) * 60,
            _ => u64::from(u32::arbitrary(u)?) * 60,
        }))
    }
}

/// A short text: mostly one of a few meaningful values (valid reason codes, jurisdictions,
/// URLs), sometimes any string.
#[derive(Debug, Clone)]
pub struct TextIn(pub String);

const TEXTS: [&str; 16] = [
    "kyc_refresh",
    "sanctions",
    "court-order:42",
    "DE",
    "FR",
    "US",
    "KP",
    "",
    "de",
    "DEU",
    "song",
    "inv-2026-001",
    "https://farthing.example/logo.png",
    "Farthing Euro",
    "FEUR",
    "bad reason!",
];

impl<'a> Arbitrary<'a> for TextIn {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        let s = sel(u)?;
        Ok(TextIn(if s < 0xd0 {
            TEXTS[s as usize % TEXTS.len()].to_string()
        } else if s < 0xf0 {
            String::arbitrary(u)?
        } else {
            // Long strings: the length limits.
            "x".repeat(usize::from(u8::arbitrary(u)?) + 60)
        }))
    }
}

/// A reason code: mostly valid (1 to 64 of `A-Z a-z 0-9 _ . : -`), sometimes any text.
#[derive(Debug, Clone)]
pub struct ReasonIn(pub String);

const REASONS: [&str; 6] = [
    "kyc_refresh",
    "sanctions",
    "court-order:42",
    "lost_key",
    "AML.review",
    "x",
];

impl<'a> Arbitrary<'a> for ReasonIn {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        let s = sel(u)?;
        Ok(ReasonIn(if s < 0xc0 {
            REASONS[s as usize % REASONS.len()].to_string()
        } else {
            TextIn::arbitrary(u)?.0
        }))
    }
}

/// A jurisdiction: mostly a valid code (the harness policy blocks "KP"), sometimes any text.
#[derive(Debug, Clone)]
pub struct JurisIn(pub String);

const JURISDICTIONS: [&str; 5] = ["DE", "FR", "US", "KP", "GB"];

impl<'a> Arbitrary<'a> for JurisIn {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        let s = sel(u)?;
        Ok(JurisIn(if s < 0xc0 {
            JURISDICTIONS[s as usize % JURISDICTIONS.len()].to_string()
        } else {
            TextIn::arbitrary(u)?.0
        }))
    }
}

/// Bytes for hashes and references: mostly 32 bytes, sometimes any length.
#[derive(Debug, Clone)]
pub struct HexIn(pub Vec<u8>);

impl<'a> Arbitrary<'a> for HexIn {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        let s = sel(u)?;
        Ok(HexIn(if s < 0xc0 {
            <[u8; 32]>::arbitrary(u)?.to_vec()
        } else {
            Vec::<u8>::arbitrary(u)?
        }))
    }
}

impl HexIn {
    pub fn hex(&self) -> HexBinary {
        HexBinary::from(self.0.as_slice())
    }
}

/// A signer key: one of the pool keys (signatures by them can be made), or any bytes.
#[derive(Debug, Clone, Arbitrary)]
pub enum KeyIn {
    Pool(u8),
    Secp256k1(Vec<u8>),
    Ed25519(Vec<u8>),
}

impl KeyIn {
    pub fn key(&self) -> SignerKey {
        match self {
            KeyIn::Pool(i) => signer(*i as usize),
            KeyIn::Secp256k1(b) => SignerKey::Secp256k1(HexBinary::from(b.as_slice())),
            KeyIn::Ed25519(b) => SignerKey::Ed25519(HexBinary::from(b.as_slice())),
        }
    }
}

/// Native coins attached to a message: mostly none.
#[derive(Debug, Clone)]
pub struct FundsIn(pub Vec<Coin>);

pub const DENOMS: [&str; 3] = [
    "ufar",
    "uatom",
    "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CEADA9CA97EA622B25F41E5EB2",
];

impl<'a> Arbitrary<'a> for FundsIn {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        let s = sel(u)?;
        let coin = |u: &mut Unstructured<'a>| -> ArbResult<Coin> {
            let d = sel(u)?;
            let denom = if d < 0xf0 {
                DENOMS[d as usize % DENOMS.len()].to_string()
            } else {
                String::arbitrary(u)?
            };
            Ok(Coin::new(AmountIn::arbitrary(u)?.0, denom))
        };
        Ok(FundsIn(match s {
            0x00..=0x9f => vec![],
            0xa0..=0xf7 => vec![coin(u)?],
            _ => vec![coin(u)?, coin(u)?],
        }))
    }
}

/// A message, well-typed (a mirror type converted to the real message) or as raw JSON.
#[derive(Debug, Clone)]
pub enum MsgIn<T> {
    Typed(T),
    Json(Vec<u8>),
}

impl<'a, T: Arbitrary<'a>> Arbitrary<'a> for MsgIn<T> {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        Ok(if sel(u)? < 0xf0 {
            MsgIn::Typed(T::arbitrary(u)?)
        } else {
            MsgIn::Json(Vec::<u8>::arbitrary(u)?)
        })
    }
}

impl<T> MsgIn<T> {
    /// The message's JSON: the real message serialized, or the raw bytes.
    pub fn json<M: serde::Serialize>(self, typed: impl FnOnce(T) -> M) -> Vec<u8> {
        match self {
            MsgIn::Typed(t) => cosmwasm_std::to_json_vec(&typed(t)).expect("serializable"),
            MsgIn::Json(b) => b,
        }
    }
}

/// An `Option` that is `Some` most of the time.
pub fn opt<'a, T: Arbitrary<'a>>(u: &mut Unstructured<'a>) -> ArbResult<Option<T>> {
    Ok(if sel(u)? < 0xc0 {
        Some(T::arbitrary(u)?)
    } else {
        None
    })
}

/// A short vector (at most `max` items).
pub fn short_vec<'a, T: Arbitrary<'a>>(u: &mut Unstructured<'a>, max: usize) -> ArbResult<Vec<T>> {
    let n = u.int_in_range(0..=max)?;
    (0..n).map(|_| T::arbitrary(u)).collect()
}

/// Deserializes the raw JSON of a message as the entry point wrapper would; `None` (a typed
/// `StdError`, not a panic) when it does not parse.
pub fn parse<M: serde::de::DeserializeOwned>(json: &[u8]) -> Option<M> {
    cosmwasm_std::from_json::<M>(json).ok()
}

// ---- the simulated registry (raw reads of records and policy) ----

/// The policy of the simulated registry: tier 0 and 1 limited, a travel rule, a grace.
pub fn base_policy() -> Policy {
    Policy {
        blocked_jurisdictions: vec!["KP".into()],
        tier_limits: vec![
            TierLimit {
                max_per_transfer: Some(Uint128::new(1_000)),
                max_volume_per_window: Some(Uint128::new(5_000)),
                window_seconds: 3_600,
            },
            TierLimit {
                max_per_transfer: Some(Uint128::new(100_000)),
                max_volume_per_window: Some(Uint128::new(1_000_000)),
                window_seconds: 86_400,
            },
            TierLimit::default(),
            TierLimit::default(),
        ],
        travel_rule: Some(TravelRule {
            threshold: Uint128::new(500_000),
            min_tier: 2,
        }),
        expiry_grace_seconds: 86_400,
    }
}

/// The record of a pool member in the simulated registry (`None`: not listed).
pub fn base_record(i: usize, now: Timestamp) -> Option<GateRecord> {
    let rec = |status, tier, kind, j: &str, secs: u64| GateRecord {
        status,
        tier,
        kind,
        jurisdiction: j.into(),
        expires_at: now.seconds() + secs,
    };
    const YEAR: u64 = 365 * 86_400;
    use KycStatus::Active;
    use PartyKind::{Business, Contract, Individual};
    Some(match i {
        OWNER => rec(Active, 3, Business, "DE", YEAR),
        OFFICER => rec(Active, 3, Individual, "DE", YEAR),
        ALICE => rec(Active, 1, Individual, "DE", YEAR),
        BOB => rec(Active, 2, Individual, "FR", YEAR),
        CAROL => rec(Active, 0, Individual, "US", 3_600),
        DAVE => rec(Active, 1, Individual, "KP", YEAR),
        MALLORY => return None,
        MINTER | ISSUER | ARBITER => rec(Active, 3, Business, "DE", YEAR),
        REGISTRY | TOKEN | SELF => rec(Active, 3, Contract, "DE", YEAR),
        _ => return None,
    })
}

/// A change a compliance officer makes to the simulated registry between two messages.
#[derive(Debug, Clone, Arbitrary)]
pub enum KycChange {
    Remove(Who),
    Set {
        who: Who,
        status: u8,
        tier: u8,
        kind: u8,
        jurisdiction: JurisIn,
        expires: TimeIn,
    },
    Policy(PolicyIn),
    /// The registry answers garbage for the policy (a misconfigured registry).
    CorruptPolicy(Vec<u8>),
}

#[derive(Debug, Clone, Arbitrary)]
pub struct TierLimitIn {
    pub max_per_transfer: Option<AmountIn>,
    pub max_volume_per_window: Option<AmountIn>,
    pub window_seconds: AdvanceIn,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct PolicyIn {
    pub blocked: Vec<JurisIn>,
    pub tier_limits: Vec<TierLimitIn>,
    pub travel_rule: Option<(AmountIn, u8)>,
    pub grace: AdvanceIn,
}

impl PolicyIn {
    pub fn policy(self) -> Policy {
        Policy {
            blocked_jurisdictions: self.blocked.into_iter().take(8).map(|t| t.0).collect(),
            tier_limits: self
                .tier_limits
                .into_iter()
                .take(6)
                .map(|t| TierLimit {
                    max_per_transfer: t.max_per_transfer.map(AmountIn::get),
                    max_volume_per_window: t.max_volume_per_window.map(AmountIn::get),
                    window_seconds: t.window_seconds.0,
                })
                .collect(),
            travel_rule: self.travel_rule.map(|(a, t)| TravelRule {
                threshold: a.get(),
                min_tier: t % 5,
            }),
            expiry_grace_seconds: self.grace.0,
        }
    }
}

pub fn status(b: u8) -> KycStatus {
    [KycStatus::Active, KycStatus::Suspended, KycStatus::Revoked][b as usize % 3]
}

pub fn kind(b: u8) -> PartyKind {
    [
        PartyKind::Individual,
        PartyKind::Business,
        PartyKind::Contract,
    ][b as usize % 3]
}

/// The latest block time the harnesses reach: 2200-01-01. (`Timestamp` holds nanoseconds
/// in a u64, up to the year 2554; a chain's clock does not come near that, while messages
/// may carry any timestamp, `TimeIn::Max` included.)
pub const LAST_BLOCK_TIME: u64 = 7_258_118_400;

/// Mock dependencies of a contract that consults the registry at `addr(REGISTRY)`: the
/// querier answers raw reads from `kyc` (the registry's storage, shared so that steps can
/// change it) and refuses every other wasm query as a missing contract.
pub struct World {
    pub deps: Deps,
    pub env: Env,
    pub kyc: Rc<RefCell<MemoryStorage>>,
}

impl World {
    pub fn new() -> Self {
        static KYC: OnceLock<Snapshot> = OnceLock::new();
        let mut deps = mock_dependencies();
        let env = mock_env();
        let base = KYC.get_or_init(|| {
            let mut kyc = MemoryStorage::new();
            POLICY
                .save(&mut kyc, &StoredPolicy(base_policy()))
                .expect("policy");
            for i in 0..NAMES.len() {
                if let Some(rec) = base_record(i, env.block.time) {
                    RECORDS.save(&mut kyc, &addr(i), &rec).expect("record");
                }
            }
            dump(&kyc)
        });
        let mut kyc = MemoryStorage::new();
        restore(&mut kyc, base.clone());
        let kyc = Rc::new(RefCell::new(kyc));
        let store = kyc.clone();
        let (registry, token, me) = (addr(REGISTRY), addr(TOKEN), addr(SELF));
        // The contract under test holds some coins and tokens beyond what the set-up
        // deposits: what an escrow holds above what it owes is stray (`SweepStray`).
        deps.querier = MockQuerier::new(&[(
            me.as_str(),
            &[
                Coin::new(1_000_000u128, "ufar"),
                Coin::new(5_000u128, "uatom"),
            ],
        )]);
        deps.querier.update_wasm(move |q| match q {
            WasmQuery::Raw { contract_addr, key } if *contract_addr == registry.as_str() => {
                let value = store.borrow().get(key.as_slice()).unwrap_or_default();
                SystemResult::Ok(ContractResult::Ok(Binary::from(value)))
            }
            // The cw20 token at `addr(TOKEN)` answers balance queries.
            WasmQuery::Smart { contract_addr, msg } if *contract_addr == token.as_str() => {
                match cosmwasm_std::from_json::<cw20::Cw20QueryMsg>(msg) {
                    Ok(cw20::Cw20QueryMsg::Balance { address }) => {
                        let balance = if address == me.as_str() {
                            1_000_000u128
                        } else {
                            0
                        };
                        SystemResult::Ok(ContractResult::Ok(
                            to_json_binary(&cw20::BalanceResponse {
                                balance: Uint128::new(balance),
                            })
                            .expect("serializable"),
                        ))
                    }
                    _ => SystemResult::Ok(ContractResult::Err("unsupported query".into())),
                }
            }
            WasmQuery::Raw { contract_addr, .. }
            | WasmQuery::Smart { contract_addr, .. }
            | WasmQuery::ContractInfo { contract_addr } => {
                SystemResult::Err(SystemError::NoSuchContract {
                    addr: contract_addr.clone(),
                })
            }
            _ => SystemResult::Err(SystemError::UnsupportedRequest {
                kind: "wasm".into(),
            }),
        });
        World { deps, env, kyc }
    }

    /// A world whose contract storage is a copy of `snapshot`.
    pub fn from(snapshot: &Snapshot) -> Self {
        let mut w = World::new();
        restore(&mut w.deps.storage, snapshot.clone());
        w
    }

    /// Moves the block time (at most to `LAST_BLOCK_TIME`) and height on.
    pub fn advance(&mut self, a: AdvanceIn) {
        let secs = self.env.block.time.seconds().saturating_add(a.0);
        self.env.block.time = Timestamp::from_seconds(secs.min(LAST_BLOCK_TIME));
        self.env.block.height = self.env.block.height.saturating_add(1 + a.0 / 5);
    }

    pub fn kyc_change(&mut self, c: KycChange) {
        let now = self.env.block.time;
        let mut kyc = self.kyc.borrow_mut();
        match c {
            KycChange::Remove(who) => RECORDS.remove(&mut *kyc, &who.addr()),
            KycChange::Set {
                who,
                status: s,
                tier,
                kind: k,
                jurisdiction,
                expires,
            } => {
                let rec = GateRecord {
                    status: status(s),
                    tier: tier % 5,
                    kind: kind(k),
                    jurisdiction: jurisdiction.0,
                    expires_at: expires.at(now).seconds(),
                };
                RECORDS.save(&mut *kyc, &who.addr(), &rec).expect("record");
            }
            KycChange::Policy(p) => POLICY
                .save(&mut *kyc, &StoredPolicy(p.policy()))
                .expect("policy"),
            // (The mock storage refuses empty values: an empty one is a missing policy.)
            KycChange::CorruptPolicy(b) if b.is_empty() => kyc.remove(POLICY.as_slice()),
            KycChange::CorruptPolicy(b) => kyc.set(POLICY.as_slice(), &b),
        }
    }

    pub fn info(&self, sender: &Addr, funds: &[Coin]) -> MessageInfo {
        message_info(sender, funds)
    }

    /// Runs one message; a rejected message leaves the storage as it was (the chain
    /// reverts a failed transaction; the mock storage would otherwise keep partial writes).
    pub fn run<T, E>(&mut self, f: impl FnOnce(DepsMut, Env) -> Result<T, E>) -> Result<T, E> {
        let mut tx = UndoStorage {
            inner: &mut self.deps.storage,
            undo: BTreeMap::new(),
        };
        let deps = DepsMut {
            storage: &mut tx,
            api: &self.deps.api,
            querier: QuerierWrapper::new(&self.deps.querier),
        };
        let res = f(deps, self.env.clone());
        if res.is_err() {
            tx.revert();
        }
        res
    }
}

/// A storage that writes through and keeps the first previous value of every key it
/// changes, so that a failed message can be undone.
struct UndoStorage<'a> {
    inner: &'a mut MockStorage,
    undo: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl UndoStorage<'_> {
    fn keep(&mut self, key: &[u8]) {
        if !self.undo.contains_key(key) {
            let old = self.inner.get(key);
            self.undo.insert(key.to_vec(), old);
        }
    }

    fn revert(self) {
        for (k, old) in self.undo {
            match old {
                Some(v) => self.inner.set(&k, &v),
                None => self.inner.remove(&k),
            }
        }
    }
}

impl Storage for UndoStorage<'_> {
    fn get(&self, key: &[u8]) -> Option<Vec<u8>> {
        self.inner.get(key)
    }

    fn range<'b>(
        &'b self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> Box<dyn Iterator<Item = cosmwasm_std::Record> + 'b> {
        self.inner.range(start, end, order)
    }

    fn set(&mut self, key: &[u8], value: &[u8]) {
        self.keep(key);
        self.inner.set(key, value);
    }

    fn remove(&mut self, key: &[u8]) {
        self.keep(key);
        self.inner.remove(key);
    }
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

pub type Snapshot = Vec<(Vec<u8>, Vec<u8>)>;

pub fn dump(storage: &dyn Storage) -> Snapshot {
    storage.range(None, None, Order::Ascending).collect()
}

pub fn restore(storage: &mut MockStorage, snapshot: Snapshot) {
    let mut fresh = MockStorage::new();
    for (k, v) in snapshot {
        fresh.set(&k, &v);
    }
    *storage = fresh;
}

/// How a contract version stored with cw2 is set before a migration.
#[derive(Debug, Clone, Arbitrary)]
pub enum VersionIn {
    Current,
    Release010,
    Newer,
    OtherName,
    Missing,
    Raw(String, String),
}

impl VersionIn {
    pub fn apply(self, storage: &mut dyn Storage, name: &str, current: &str) {
        let (n, v) = match self {
            VersionIn::Current => (name.to_string(), current.to_string()),
            VersionIn::Release010 => (name.to_string(), "0.1.0".to_string()),
            VersionIn::Newer => (name.to_string(), "9.0.0".to_string()),
            VersionIn::OtherName => ("crates.io:cw20-base".to_string(), "0.1.0".to_string()),
            VersionIn::Missing => {
                storage.remove(b"contract_info");
                return;
            }
            VersionIn::Raw(n, v) => (n, v),
        };
        cw2::set_contract_version(storage, n, v).expect("cw2");
    }

    /// The versions a JSON-mode migration runs from.
    pub const ALL: [VersionIn; 5] = [
        VersionIn::Current,
        VersionIn::Release010,
        VersionIn::Newer,
        VersionIn::OtherName,
        VersionIn::Missing,
    ];
}

/// Splits a fuzz input: printable-ASCII first byte (JSON text) -> the whole input is one
/// raw JSON message; otherwise the rest drives the typed, stateful harness.
pub enum Mode<'a> {
    Json(&'a [u8]),
    Typed(Unstructured<'a>),
}

pub fn mode(data: &[u8]) -> Option<Mode<'_>> {
    let first = *data.first()?;
    Some(if first < 0x80 {
        Mode::Json(data)
    } else {
        Mode::Typed(Unstructured::new(&data[1..]))
    })
}

/// Whether a typed run starts from a contract instantiated with an arbitrary message
/// (about one run in eight) rather than from the harness's set-up state.
pub fn arbitrary_instantiation(u: &mut Unstructured) -> bool {
    sel(u).unwrap_or(0xff) < 0x20
}

/// Seconds for a configuration: mostly sensible, sometimes any u64.
#[derive(Debug, Clone, Copy)]
pub struct SecondsIn(pub u64);

impl<'a> Arbitrary<'a> for SecondsIn {
    fn arbitrary(u: &mut Unstructured<'a>) -> ArbResult<Self> {
        let s = sel(u)?;
        Ok(SecondsIn(match s {
            0x00..=0xbf => u64::from(u32::arbitrary(u)? % 1_000_000),
            0xc0..=0xef => u64::arbitrary(u)?,
            _ => u64::MAX - u64::from(u8::arbitrary(u)?),
        }))
    }
}

/// Bounded iteration of arbitrary items (at most `max`).
pub fn items<'a, T: Arbitrary<'a>>(u: &mut Unstructured<'a>, max: usize) -> Vec<T> {
    let mut out = vec![];
    while out.len() < max && !u.is_empty() {
        match T::arbitrary(u) {
            Ok(t) => out.push(t),
            Err(_) => break,
        }
    }
    out
}

pub fn json_binary<T: serde::Serialize>(t: &T) -> Binary {
    to_json_binary(t).expect("serializable")
}

// ---- shared message parts ----

/// cw-ownable's `Action`.
#[derive(Debug, Clone, Arbitrary)]
pub enum OwnershipIn {
    Transfer {
        new_owner: AddrIn,
        expiry: Option<ExpirationIn>,
    },
    Accept,
    Renounce,
}

impl OwnershipIn {
    pub fn action(self, env: &Env) -> cw_ownable::Action {
        match self {
            OwnershipIn::Transfer { new_owner, expiry } => cw_ownable::Action::TransferOwnership {
                new_owner: new_owner.string(),
                expiry: expiry.map(|e| e.expiration(env)),
            },
            OwnershipIn::Accept => cw_ownable::Action::AcceptOwnership,
            OwnershipIn::Renounce => cw_ownable::Action::RenounceOwnership,
        }
    }
}

/// cw20's (cw-utils') `Expiration`, near the current block.
#[derive(Debug, Clone, Arbitrary)]
pub enum ExpirationIn {
    AtHeight(i16),
    AtHeightRaw(u64),
    AtTime(TimeIn),
    Never,
}

impl ExpirationIn {
    pub fn expiration(self, env: &Env) -> cw20::Expiration {
        match self {
            ExpirationIn::AtHeight(d) => {
                cw20::Expiration::AtHeight(env.block.height.saturating_add_signed(i64::from(d)))
            }
            ExpirationIn::AtHeightRaw(h) => cw20::Expiration::AtHeight(h),
            ExpirationIn::AtTime(t) => cw20::Expiration::AtTime(t.at(env.block.time)),
            ExpirationIn::Never => cw20::Expiration::Never {},
        }
    }
}

/// A page: `start_after` and `limit`.
#[derive(Debug, Clone, Arbitrary)]
pub struct PageIn<T> {
    pub start_after: Option<T>,
    pub limit: Option<u32>,
}

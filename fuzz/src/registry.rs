//! The KYC registry's `execute`, `query` and `migrate` (it has no `reply`).

use arbitrary::{Arbitrary, Unstructured};
use cosmwasm_std::testing::message_info;
use cosmwasm_std::Uint128;
use farthing_kyc_registry::contract::{execute, instantiate, migrate, query};
use farthing_kyc_registry::{CONTRACT_NAME, CONTRACT_VERSION};
use farthing_types::kyc::{ExecuteMsg, InstantiateMsg, MigrateMsg, QueryMsg, RecordInput};

use crate::common::*;

#[derive(Debug, Clone, Arbitrary)]
pub struct RecordIn {
    pub address: AddrIn,
    pub status: u8,
    pub tier: u8,
    pub kind: u8,
    pub jurisdiction: JurisIn,
    pub expires_at: TimeIn,
    pub attestation: HexIn,
    pub reason: ReasonIn,
}

impl RecordIn {
    fn input(self, w: &World) -> RecordInput {
        RecordInput {
            address: self.address.string(),
            status: status(self.status),
            tier: self.tier % 5,
            kind: kind(self.kind),
            jurisdiction: self.jurisdiction.0,
            expires_at: self.expires_at.at(w.env.block.time),
            attestation: self.attestation.hex(),
            reason: self.reason.0,
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub enum Exec {
    UpsertRecords(Vec<RecordIn>),
    SetStatus {
        addresses: Vec<AddrIn>,
        status: u8,
        reason: ReasonIn,
    },
    RemoveRecords {
        addresses: Vec<AddrIn>,
        reason: ReasonIn,
    },
    UpdatePolicy(PolicyIn),
    AddOfficer(AddrIn),
    RemoveOfficer(AddrIn),
    UpdateOwnership(OwnershipIn),
}

impl Exec {
    pub fn msg(self, w: &World) -> ExecuteMsg {
        match self {
            Exec::UpsertRecords(r) => ExecuteMsg::UpsertRecords {
                records: r.into_iter().take(8).map(|r| r.input(w)).collect(),
            },
            Exec::SetStatus {
                addresses,
                status: s,
                reason,
            } => ExecuteMsg::SetStatus {
                addresses: addresses.iter().take(8).map(AddrIn::string).collect(),
                status: status(s),
                reason: reason.0,
            },
            Exec::RemoveRecords { addresses, reason } => ExecuteMsg::RemoveRecords {
                addresses: addresses.iter().take(8).map(AddrIn::string).collect(),
                reason: reason.0,
            },
            Exec::UpdatePolicy(p) => ExecuteMsg::UpdatePolicy { policy: p.policy() },
            Exec::AddOfficer(a) => ExecuteMsg::AddOfficer {
                address: a.string(),
            },
            Exec::RemoveOfficer(a) => ExecuteMsg::RemoveOfficer {
                address: a.string(),
            },
            Exec::UpdateOwnership(o) => ExecuteMsg::UpdateOwnership(o.action(&w.env)),
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub enum Query {
    Record(AddrIn),
    Records {
        status: Option<u8>,
        jurisdiction: Option<JurisIn>,
        page: PageIn<AddrIn>,
    },
    CheckTransfer {
        from: AddrIn,
        to: AddrIn,
        amount: AmountIn,
    },
    Policy,
    Officers(PageIn<AddrIn>),
    AuditLog {
        subject: Option<AddrIn>,
        start_after: Option<u64>,
        limit: Option<u32>,
        descending: Option<bool>,
    },
    Ownership,
}

impl Query {
    pub fn msg(self) -> QueryMsg {
        match self {
            Query::Record(a) => QueryMsg::Record {
                address: a.string(),
            },
            Query::Records {
                status: s,
                jurisdiction,
                page,
            } => QueryMsg::Records {
                status: s.map(status),
                jurisdiction: jurisdiction.map(|j| j.0),
                start_after: page.start_after.map(|a| a.string()),
                limit: page.limit,
            },
            Query::CheckTransfer { from, to, amount } => QueryMsg::CheckTransfer {
                from: from.string(),
                to: to.string(),
                amount: amount.get(),
            },
            Query::Policy => QueryMsg::Policy {},
            Query::Officers(p) => QueryMsg::Officers {
                start_after: p.start_after.map(|a| a.string()),
                limit: p.limit,
            },
            Query::AuditLog {
                subject,
                start_after,
                limit,
                descending,
            } => QueryMsg::AuditLog {
                subject: subject.map(|a| a.string()),
                start_after,
                limit,
                descending,
            },
            Query::Ownership => QueryMsg::Ownership {},
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
}

/// Senders a JSON-mode message is tried from, in turn.
pub const JSON_SENDERS: [usize; 4] = [OWNER, OFFICER, ALICE, MALLORY];

/// The registry, instantiated by `owner` with `officer`, the harness policy, and records
/// for most of the pool (`carol` expires in an hour, `dave` is in a blocked jurisdiction,
/// `mallory` is not listed, `bob` is suspended).
/// The set-up contract (built once; each run starts from a copy of its storage).
pub fn world() -> World {
    static BASE: std::sync::OnceLock<Snapshot> = std::sync::OnceLock::new();
    World::from(BASE.get_or_init(|| dump(&set_up().deps.storage)))
}

fn set_up() -> World {
    let mut w = World::new();
    let env = w.env.clone();
    let msg = InstantiateMsg {
        owner: None,
        officers: vec![addr(OFFICER).into_string()],
        policy: base_policy(),
    };
    instantiate(
        w.deps.as_mut(),
        env.clone(),
        message_info(&addr(OWNER), &[]),
        msg,
    )
    .expect("registry instantiates");
    let records = (0..NAMES.len())
        .filter_map(|i| {
            let rec = base_record(i, env.block.time)?;
            Some(RecordInput {
                address: addr(i).into_string(),
                status: rec.status,
                tier: rec.tier,
                kind: rec.kind,
                expires_at: rec.expires_at(),
                jurisdiction: rec.jurisdiction,
                attestation: [7u8; 32].into(),
                reason: "onboarding".into(),
            })
        })
        .collect();
    let setup = [
        ExecuteMsg::UpsertRecords { records },
        ExecuteMsg::SetStatus {
            addresses: vec![addr(BOB).into_string()],
            status: farthing_types::kyc::KycStatus::Suspended,
            reason: "investigation".into(),
        },
    ];
    for msg in setup {
        execute(
            w.deps.as_mut(),
            env.clone(),
            message_info(&addr(OFFICER), &[]),
            msg,
        )
        .expect("registry setup");
    }
    w
}

fn exec_json(w: &mut World, sender: usize, funds: &[cosmwasm_std::Coin], json: &[u8]) -> bool {
    let Some(msg) = parse::<ExecuteMsg>(json) else {
        return false;
    };
    let info = message_info(&addr(sender), funds);
    w.run(|deps, env| execute(deps, env, info, msg)).is_ok()
}

fn step(w: &mut World, s: Step) {
    match s {
        Step::Exec { sender, funds, msg } => {
            let json = msg.json(|m| m.msg(w));
            let _ = exec_json(w, sender.0 as usize, &funds.0, &json);
        }
        Step::Advance(a) => w.advance(a),
    }
}

fn query_json(w: &World, json: &[u8]) {
    if let Some(msg) = parse::<QueryMsg>(json) {
        if let Ok(bin) = query(w.deps.as_ref(), w.env.clone(), msg) {
            assert!(serde_json::from_slice::<serde_json::Value>(&bin).is_ok());
        }
    }
}

/// An arbitrary instantiation.
#[derive(Debug, Clone, Arbitrary)]
pub struct InitIn {
    pub sender: Who,
    pub owner: Option<AddrIn>,
    pub officers: Vec<AddrIn>,
    pub policy: PolicyIn,
}

/// A registry instantiated with an arbitrary message; `None` when it is refused.
fn instantiated(u: &mut Unstructured) -> Option<World> {
    let i = InitIn::arbitrary(u).ok()?;
    let mut w = World::new();
    let msg = InstantiateMsg {
        owner: i.owner.map(|o| o.string()),
        officers: i.officers.iter().take(8).map(AddrIn::string).collect(),
        policy: i.policy.policy(),
    };
    let info = message_info(&i.sender.addr(), &[]);
    w.run(|deps, env| instantiate(deps, env, info, msg)).ok()?;
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

pub fn fuzz_migrate(data: &[u8]) {
    let Some(mode) = mode(data) else { return };
    let mut w = world();
    match mode {
        Mode::Json(json) => {
            for v in VersionIn::ALL {
                let mut w = world();
                v.apply(&mut w.deps.storage, CONTRACT_NAME, CONTRACT_VERSION);
                migrate_json(&mut w, json);
            }
        }
        Mode::Typed(mut u) => typed_migrate(&mut w, &mut u),
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
    version.apply(&mut w.deps.storage, CONTRACT_NAME, CONTRACT_VERSION);
    let msg = MsgIn::<()>::arbitrary(u).unwrap_or(MsgIn::Typed(()));
    migrate_json(w, &msg.json(|()| MigrateMsg {}));
    // The migrated contract keeps working.
    for s in items::<Step>(u, 8) {
        step(w, s);
    }
    let _ = query(
        w.deps.as_ref(),
        w.env.clone(),
        QueryMsg::CheckTransfer {
            from: addr(ALICE).into_string(),
            to: addr(CAROL).into_string(),
            amount: Uint128::new(10),
        },
    );
}

/// Seeds: the JSON of real messages (execute, query, migrate).
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let w = world();
    let now = w.env.block.time;
    let mut out = vec![];
    let mut add = |target: &'static str, name: &str, json: Vec<u8>| {
        out.push((target, name.to_string(), json));
    };
    let exec = [
        (
            "upsert_records",
            ExecuteMsg::UpsertRecords {
                records: vec![RecordInput {
                    address: addr(MALLORY).into_string(),
                    status: farthing_types::kyc::KycStatus::Active,
                    tier: 2,
                    kind: farthing_types::kyc::PartyKind::Business,
                    jurisdiction: "FR".into(),
                    expires_at: now.plus_seconds(86_400),
                    attestation: [9u8; 32].into(),
                    reason: "onboarding".into(),
                }],
            },
        ),
        (
            "set_status",
            ExecuteMsg::SetStatus {
                addresses: vec![addr(ALICE).into_string(), addr(CAROL).into_string()],
                status: farthing_types::kyc::KycStatus::Revoked,
                reason: "sanctions".into(),
            },
        ),
        (
            "remove_records",
            ExecuteMsg::RemoveRecords {
                addresses: vec![addr(DAVE).into_string()],
                reason: "offboarded".into(),
            },
        ),
        (
            "update_policy",
            ExecuteMsg::UpdatePolicy {
                policy: base_policy(),
            },
        ),
        (
            "add_officer",
            ExecuteMsg::AddOfficer {
                address: addr(ALICE).into_string(),
            },
        ),
        (
            "remove_officer",
            ExecuteMsg::RemoveOfficer {
                address: addr(OFFICER).into_string(),
            },
        ),
        (
            "update_ownership",
            ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
                new_owner: addr(ALICE).into_string(),
                expiry: None,
            }),
        ),
    ];
    for (name, msg) in exec {
        add("registry_execute", name, json_binary(&msg).to_vec());
    }
    let queries = [
        Query::Record(AddrIn::Pool(ALICE as u8)),
        Query::Records {
            status: Some(0),
            jurisdiction: None,
            page: PageIn {
                start_after: None,
                limit: Some(5),
            },
        },
        Query::CheckTransfer {
            from: AddrIn::Pool(ALICE as u8),
            to: AddrIn::Pool(CAROL as u8),
            amount: AmountIn(600_000),
        },
        Query::Policy,
        Query::Officers(PageIn {
            start_after: None,
            limit: None,
        }),
        Query::AuditLog {
            subject: Some(AddrIn::Pool(BOB as u8)),
            start_after: None,
            limit: Some(3),
            descending: Some(true),
        },
        Query::Ownership,
    ];
    for (i, q) in queries.into_iter().enumerate() {
        add(
            "registry_query",
            &format!("q{i}"),
            json_binary(&q.msg()).to_vec(),
        );
    }
    add("registry_migrate", "migrate", b"{}".to_vec());
    out
}

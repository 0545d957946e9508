//! What every migration test shares: the codes of both releases on one VM, the parties,
//! the 0.1.0 registry the token and the escrow read, and the comparisons.

use std::collections::BTreeSet;

use cosmwasm_std::{Addr, Timestamp};
use farthing_vm::{artifact, release_fixture, CallError, CallResult, Dump, Executed, Vm};
use serde::Serialize;
use serde_json::{json, Value};

pub const DAY: u64 = 86_400;
pub const HOUR: u64 = 3_600;
/// The contracts' stored names (cw2).
pub const REGISTRY_NAME: &str = "farthing-kyc-registry";
pub const TOKEN_NAME: &str = "farthing-micropay-token";
pub const ESCROW_NAME: &str = "farthing-royalty-escrow";
/// cw2's storage key.
pub const CW2_KEY: &[u8] = b"contract_info";

pub struct Codes {
    pub registry: u64,
    pub token: u64,
    pub escrow: u64,
}

/// One VM holding the release 0.1.0 wasm (tests/fixtures/release-0.1.0) and the current
/// build (artifacts/).
pub struct Chain {
    pub vm: Vm,
    pub old: Codes,
    pub new: Codes,
}

fn store(vm: &mut Vm, path: CallResult<std::path::PathBuf>) -> u64 {
    let path = path.unwrap_or_else(|e| panic!("{}", e.message()));
    vm.store_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

pub fn chain() -> Chain {
    let mut vm = Vm::new().expect("a VM");
    let old = Codes {
        registry: store(&mut vm, release_fixture("0.1.0", "kyc_registry")),
        token: store(&mut vm, release_fixture("0.1.0", "micropay_token")),
        escrow: store(&mut vm, release_fixture("0.1.0", "royalty_escrow")),
    };
    let new = Codes {
        registry: store(&mut vm, artifact("kyc_registry")),
        token: store(&mut vm, artifact("micropay_token")),
        escrow: store(&mut vm, artifact("royalty_escrow")),
    };
    Chain { vm, old, new }
}

impl Chain {
    pub fn addr(&self, name: &str) -> Addr {
        self.vm.addr(name)
    }

    pub fn now(&self) -> Timestamp {
        self.vm.block().time
    }

    /// Executes and expects success, naming the message on failure.
    pub fn exec(&mut self, contract: &Addr, sender: &Addr, msg: &impl Serialize) -> Executed {
        self.exec_funds(contract, sender, msg, &[])
    }

    pub fn exec_funds(
        &mut self,
        contract: &Addr,
        sender: &Addr,
        msg: &impl Serialize,
        funds: &[cosmwasm_std::Coin],
    ) -> Executed {
        self.vm
            .execute(contract, sender, msg, funds)
            .unwrap_or_else(|e| panic!("{} failed: {e}", to_string(msg)))
    }

    /// Executes and expects a refusal; returns its `[code=...]`. Checks that the refusal
    /// left the contract's storage unchanged.
    pub fn refused(&mut self, contract: &Addr, sender: &Addr, msg: &impl Serialize) -> String {
        let before = self.vm.dump(contract).unwrap();
        let err = self
            .vm
            .execute(contract, sender, msg, &[])
            .map(|_| ())
            .expect_err(&format!("{} must be refused", to_string(msg)));
        assert_eq!(self.vm.dump(contract).unwrap(), before);
        code(&err)
    }

    pub fn q(&self, contract: &Addr, msg: &Value) -> Value {
        self.vm
            .query(contract, msg)
            .unwrap_or_else(|e| panic!("query {msg} failed: {e}"))
    }

    /// Every query's answer, by query.
    pub fn answers(&self, contract: &Addr, queries: &[Value]) -> Vec<(Value, Value)> {
        queries
            .iter()
            .map(|q| (q.clone(), self.q(contract, q)))
            .collect()
    }

    /// The `MigrateMsg` of farthing-types for the contract whose current code is `code`.
    pub fn migrate_msg(&self, code: u64) -> Value {
        let msg = if code == self.new.registry {
            serde_json::to_value(farthing_types::kyc::MigrateMsg {})
        } else if code == self.new.token {
            serde_json::to_value(farthing_types::token::MigrateMsg {})
        } else if code == self.new.escrow {
            serde_json::to_value(farthing_types::escrow::MigrateMsg {})
        } else {
            panic!("code {code} is not a current contract")
        };
        msg.unwrap()
    }

    /// Migrates with the `MigrateMsg` of farthing-types and checks the version attributes.
    pub fn migrate(&mut self, contract: &Addr, code: u64) -> Executed {
        let msg = self.migrate_msg(code);
        let done = self
            .vm
            .migrate(contract, code, &msg)
            .unwrap_or_else(|e| panic!("migration of {contract} failed: {e}"));
        assert_eq!(done.attribute("from_version"), Some("0.1.0"));
        assert_eq!(done.attribute("to_version"), Some("0.2.0"));
        assert_eq!(self.vm.code_id(contract).unwrap(), code);
        done
    }

    /// Executes (the VM routes the response's messages and replies, as the chain does);
    /// returns the transaction.
    pub fn run(
        &mut self,
        contract: &Addr,
        sender: &Addr,
        msg: &Value,
        funds: &[cosmwasm_std::Coin],
    ) -> Executed {
        self.exec_funds(contract, sender, msg, funds)
    }

    /// The stored cw2 version.
    pub fn cw2(&self, contract: &Addr) -> Value {
        let raw = self.vm.raw(contract, CW2_KEY).unwrap().expect("cw2 info");
        serde_json::from_slice(&raw).unwrap()
    }
}

pub fn to_string(msg: &impl Serialize) -> String {
    serde_json::to_string(msg).unwrap_or_default()
}

/// The `[code=...]` of a contract refusal (panics on any other failure).
pub fn code(err: &CallError) -> String {
    match err {
        CallError::Contract(_) => err
            .code()
            .unwrap_or_else(|| panic!("no [code=...] in {err}")),
        other => panic!("expected a contract refusal, got {other}"),
    }
}

/// The fields that 0.2.0 changed from a JSON number to a decimal string (Farthing's u64s,
/// `farthing_types::wire`): the same value, written so that JavaScript reads it exactly.
const U64_AS_STRING: &[&str] = &[
    "id",
    "channel",
    "deal_id",
    "work_id",
    "seq",
    "height",
    "stop_mark",
    "window_seconds",
    "expiry_grace_seconds",
    "dispute_timeout_seconds",
];

/// `old` with every number in a [`U64_AS_STRING`] field written as its decimal string.
fn as_0_2_wire(old: &Value, key: Option<&str>) -> Value {
    match old {
        Value::Number(n) if key.is_some_and(|k| U64_AS_STRING.contains(&k)) => {
            Value::String(n.to_string())
        }
        // 0.2.0 names the fields of a split's revenue: `[asset, amount]` became
        // `{"asset": .., "amount": ..}` (the same values).
        Value::Array(items) if key == Some("revenue") => Value::Array(
            items
                .iter()
                .map(|pair| match pair.as_array().map(Vec::as_slice) {
                    Some([asset, amount]) => json!({ "asset": asset, "amount": amount }),
                    _ => pair.clone(),
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| as_0_2_wire(v, None)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), as_0_2_wire(v, Some(k))))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Every answer given by the new code equals the 0.1.0 code's, query by query, value for
/// value: the only differences allowed are 0.2.0's wire changes (a u64 field written as a
/// string, a split's revenue as named fields), with the same values.
pub fn assert_same_answers(before: &[(Value, Value)], after: &[(Value, Value)]) {
    assert_eq!(before.len(), after.len());
    for ((q, old), (_, new)) in before.iter().zip(after) {
        assert_eq!(
            new,
            &as_0_2_wire(old, None),
            "the answer to {q} changed across the migration"
        );
    }
}

/// Compares raw storage across a migration: every key 0.1.0 stored still holds the same
/// value, except the `converted` keys (each given with the value it must hold now); keys
/// added by the migration must be exactly `added`.
pub fn assert_storage_kept(
    before: &Dump,
    after: &Dump,
    converted: &[(&[u8], Vec<u8>)],
    added: &[&[u8]],
) {
    let converted_keys: BTreeSet<&[u8]> = converted.iter().map(|(k, _)| *k).collect();
    for (key, old) in before {
        match converted.iter().find(|(k, _)| *k == key.as_slice()) {
            Some((_, expected)) => assert_eq!(
                after.get(key),
                Some(expected),
                "converted key {} holds {:?}",
                show(key),
                after.get(key).map(|v| show(v))
            ),
            None => assert_eq!(
                after.get(key),
                Some(old),
                "key {} was {} before the migration",
                show(key),
                show(old)
            ),
        }
    }
    for key in converted_keys {
        assert!(
            before.contains_key(key),
            "converted key {} did not exist",
            show(key)
        );
    }
    let new_keys: BTreeSet<&[u8]> = after
        .keys()
        .filter(|k| !before.contains_key(*k))
        .map(Vec::as_slice)
        .collect();
    let readable =
        |keys: &mut dyn Iterator<Item = &[u8]>| -> BTreeSet<String> { keys.map(show).collect() };
    assert_eq!(
        readable(&mut new_keys.into_iter()),
        readable(&mut added.iter().copied()),
        "keys added by the migration"
    );
}

/// A key or value for a failure message: text when it is text.
pub fn show(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) if s.chars().all(|c| !c.is_control()) => format!("{s:?}"),
        _ => format!("0x{}", hex(bytes)),
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The cw2 value a contract stores.
pub fn cw2_value(name: &str, version: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({"contract": name, "version": version})).unwrap()
}

// ---- the registry of release 0.1.0 that every test uses ----

pub struct Parties {
    pub owner: Addr,
    pub officer1: Addr,
    pub officer2: Addr,
    pub officer3: Addr,
    pub new_owner: Addr,
    pub alice: Addr,
    pub bob: Addr,
    pub carol: Addr,
    pub dave: Addr,
    pub erin: Addr,
    pub frank: Addr,
    pub gina: Addr,
    pub harry: Addr,
    pub ivy: Addr,
}

impl Parties {
    pub fn new(c: &Chain) -> Parties {
        let a = |n: &str| c.addr(n);
        Parties {
            owner: a("owner"),
            officer1: a("officer1"),
            officer2: a("officer2"),
            officer3: a("officer3"),
            new_owner: a("new_owner"),
            alice: a("alice"),
            bob: a("bob"),
            carol: a("carol"),
            dave: a("dave"),
            erin: a("erin"),
            frank: a("frank"),
            gina: a("gina"),
            harry: a("harry"),
            ivy: a("ivy"),
        }
    }

    /// Everyone with a record at some point, in a fixed order.
    pub fn listed(&self) -> Vec<Addr> {
        vec![
            self.alice.clone(),
            self.bob.clone(),
            self.carol.clone(),
            self.dave.clone(),
            self.erin.clone(),
            self.frank.clone(),
            self.gina.clone(),
            self.harry.clone(),
            self.ivy.clone(),
        ]
    }
}

pub fn no_limit() -> Value {
    json!({"max_per_transfer": null, "max_volume_per_window": null, "window_seconds": 0})
}

pub fn policy() -> Value {
    json!({
        "blocked_jurisdictions": ["KP", "IR"],
        "tier_limits": [
            {"max_per_transfer": "1000", "max_volume_per_window": null, "window_seconds": 0},
            {"max_per_transfer": "100000", "max_volume_per_window": "1000000", "window_seconds": DAY},
            {"max_per_transfer": "10000000000", "max_volume_per_window": "100000000000", "window_seconds": DAY},
            {"max_per_transfer": null, "max_volume_per_window": null, "window_seconds": 0}
        ],
        "travel_rule": {"threshold": "1000000000", "min_tier": 2},
        "expiry_grace_seconds": 7 * DAY
    })
}

pub fn record(
    address: &Addr,
    tier: u8,
    kind: &str,
    jurisdiction: &str,
    expires_at: Timestamp,
    n: u8,
) -> Value {
    json!({
        "address": address,
        "status": "active",
        "tier": tier,
        "kind": kind,
        "jurisdiction": jurisdiction,
        "expires_at": expires_at,
        "attestation": hex(&[n; 32]),
        "reason": "kyc_onboarding"
    })
}

/// A 0.1.0 registry with records of every kind (active, suspended, revoked, removed, in a
/// blocked jurisdiction, soon expired, a contract), two officers (one added, one removed
/// later), an updated policy, a pending ownership transfer, and the audit log of all that.
/// `contracts` are listed as contract-kind parties (the escrow).
/// A 0.1.0 token ("Farthing Euro", FEUR, 6 decimals, no minter or marketing) gated by
/// `registry`, with `initial` balances (`[[address, amount], ..]`) and issuer `roles`.
pub fn old_token(
    c: &mut Chain,
    p: &Parties,
    registry: &Addr,
    initial: &[(&Addr, u128)],
    roles: Value,
) -> Addr {
    let initial: Vec<Value> = initial
        .iter()
        .map(|(a, n)| json!({"address": a, "amount": n.to_string()}))
        .collect();
    let (token, _) =
        c.vm.instantiate(
            c.old.token,
            "token",
            &p.owner,
            &json!({
                "name": "Farthing Euro", "symbol": "FEUR", "decimals": 6,
                "initial_balances": initial,
                "mint": null, "marketing": null, "owner": null, "registry": registry,
                "roles": roles
            }),
            &[],
        )
        .expect("0.1.0 token");
    token
}

/// A 0.1.0 escrow checking `registry`, accepting `token`, with this dispute timeout.
pub fn old_escrow(
    c: &mut Chain,
    p: &Parties,
    registry: &Addr,
    token: &Addr,
    dispute_timeout_seconds: u64,
) -> Addr {
    let (escrow, _) =
        c.vm.instantiate(
            c.old.escrow,
            "escrow",
            &p.owner,
            &json!({"owner": null, "registry": registry, "accepted_cw20": [token],
                "dispute_timeout_seconds": dispute_timeout_seconds}),
            &[],
        )
        .expect("0.1.0 escrow");
    escrow
}

pub fn registry_010(c: &mut Chain, p: &Parties, contracts: &[&Addr]) -> Addr {
    let first_policy = json!({
        "blocked_jurisdictions": ["KP"],
        "tier_limits": [no_limit(), no_limit(), no_limit(), no_limit()],
        "travel_rule": null,
        "expiry_grace_seconds": 0
    });
    let (registry, _) =
        c.vm.instantiate(
            c.old.registry,
            "registry",
            &p.owner,
            &json!({"owner": null, "officers": [p.officer1, p.officer2], "policy": first_policy}),
            &[],
        )
        .expect("0.1.0 registry");
    let year = c.now().plus_seconds(365 * DAY);
    let mut records = vec![
        record(&p.alice, 2, "individual", "DE", year, 1),
        record(&p.bob, 1, "business", "FR", year, 2),
        record(&p.carol, 2, "individual", "NL", year, 3),
        record(&p.dave, 2, "individual", "DE", year, 4),
        record(&p.erin, 3, "individual", "US", year, 5),
        record(&p.frank, 1, "individual", "FR", year, 6),
        record(&p.gina, 2, "business", "DE", year, 7),
        record(&p.harry, 0, "individual", "IR", year, 8),
        record(
            &p.ivy,
            2,
            "individual",
            "NL",
            c.now().plus_seconds(2 * DAY),
            9,
        ),
    ];
    for (i, addr) in contracts.iter().enumerate() {
        records.push(record(addr, 2, "contract", "DE", year, 20 + i as u8));
    }
    c.exec(
        &registry,
        &p.officer1,
        &json!({"upsert_records": {"records": records}}),
    );
    c.vm.advance_blocks(10);
    // A later refresh of bob's record by the other officer (a new attestation).
    let mut bob = record(&p.bob, 1, "business", "FR", year.plus_seconds(DAY), 12);
    bob["reason"] = json!("kyc_refresh");
    c.exec(
        &registry,
        &p.officer2,
        &json!({"upsert_records": {"records": [bob]}}),
    );
    c.exec(
        &registry,
        &p.owner,
        &json!({"update_policy": {"policy": policy()}}),
    );
    c.exec(
        &registry,
        &p.owner,
        &json!({"add_officer": {"address": p.officer3}}),
    );
    c.vm.advance_blocks(3);
    c.exec(
        &registry,
        &p.owner,
        &json!({"remove_officer": {"address": p.officer2}}),
    );
    c.exec(
        &registry,
        &p.owner,
        &json!({"update_ownership": {"transfer_ownership": {"new_owner": p.new_owner, "expiry": null}}}),
    );
    registry
}

/// The registry's later decisions (after the token and escrow have their state): carol
/// suspended, dave revoked, frank removed.
pub fn registry_decisions(c: &mut Chain, p: &Parties, registry: &Addr) {
    c.exec(
        registry,
        &p.officer3,
        &json!({"set_status": {"addresses": [p.carol], "status": "suspended", "reason": "aml_review"}}),
    );
    c.exec(
        registry,
        &p.officer1,
        &json!({"set_status": {"addresses": [p.dave], "status": "revoked", "reason": "sanctions_hit"}}),
    );
    c.exec(
        registry,
        &p.officer1,
        &json!({"remove_records": {"addresses": [p.frank], "reason": "offboarded"}}),
    );
}

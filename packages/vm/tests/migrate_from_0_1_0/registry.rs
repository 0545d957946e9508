//! The KYC registry: records (every status, removed, expired, blocked jurisdiction, a
//! contract), record metadata, the indexes behind the filtered `records` query, the
//! policy, officers, the audit log and its sequence, and a pending ownership transfer.

use cosmwasm_std::Addr;
use serde_json::{json, Value};

use crate::common::*;

/// Every question the 0.1.0 registry answers about its data, asked of both codes.
fn queries(p: &Parties, extra: &[&Addr]) -> Vec<Value> {
    let mut listed = p.listed();
    listed.extend(extra.iter().map(|a| (*a).clone()));
    let mut q = vec![
        json!({"policy": {}}),
        json!({"ownership": {}}),
        json!({"officers": {}}),
        json!({"officers": {"start_after": p.officer1, "limit": 1}}),
        json!({"records": {"limit": 100}}),
        json!({"records": {"start_after": p.bob, "limit": 3}}),
        json!({"records": {"status": "suspended"}}),
        json!({"records": {"status": "revoked"}}),
        json!({"records": {"status": "active", "limit": 100}}),
        json!({"records": {"jurisdiction": "DE"}}),
        json!({"records": {"jurisdiction": "IR"}}),
        json!({"records": {"status": "active", "jurisdiction": "NL"}}),
        json!({"records": {"status": "active", "jurisdiction": "DE", "start_after": p.alice, "limit": 1}}),
        json!({"audit_log": {"limit": 100}}),
        json!({"audit_log": {"limit": 100, "descending": true}}),
        json!({"audit_log": {"start_after": 3, "limit": 4}}),
        json!({"audit_log": {"start_after": 9, "limit": 4, "descending": true}}),
    ];
    for a in &listed {
        q.push(json!({"record": {"address": a}}));
        q.push(json!({"audit_log": {"subject": a, "limit": 100}}));
    }
    for officer in [&p.officer1, &p.officer2, &p.officer3] {
        q.push(json!({"audit_log": {"subject": officer}}));
    }
    // Verdicts read records and policy together. Individuals and businesses only: 0.2.0
    // holds a contract-kind sender to no limit (a documented change of rule, not of data).
    for from in &p.listed() {
        for to in &listed {
            for amount in ["500", "50000", "2000000000"] {
                q.push(json!({"check_transfer": {"from": from, "to": to, "amount": amount}}));
            }
        }
    }
    q
}

#[test]
fn the_registry_keeps_every_record_policy_officer_and_audit_entry() {
    let mut c = chain();
    let p = Parties::new(&c);
    let escrow = c.vm.contract_addr("escrow");
    let registry = registry_010(&mut c, &p, &[&escrow]);
    registry_decisions(&mut c, &p, &registry);
    // Past ivy's expiry (2 days) but within the grace period (7 days).
    c.vm.advance_seconds(3 * DAY);

    let queries = queries(&p, &[&escrow]);
    let before = c.answers(&registry, &queries);
    let dump = c.vm.dump(&registry).unwrap();
    // The state is what the test claims it is.
    let audit = c.q(&registry, &json!({"audit_log": {"limit": 100}}));
    let entries = audit["entries"].as_array().unwrap().len();
    assert_eq!(
        entries,
        2 + 10 + 1 + 1 + 1 + 1 + 1 + 3,
        "audit entries of 0.1.0"
    );
    assert_eq!(
        c.q(&registry, &json!({"record": {"address": p.frank}}))["record"],
        Value::Null
    );
    assert_eq!(
        c.q(&registry, &json!({"records": {"status": "suspended"}}))["records"][0]["address"],
        json!(p.carol)
    );
    assert_eq!(
        c.q(&registry, &json!({"ownership": {}}))["pending_owner"],
        json!(p.new_owner)
    );
    // Contract-kind sender over the tier-2 per-transfer limit: refused by 0.1.0 only.
    let contract_sender =
        json!({"check_transfer": {"from": escrow, "to": p.alice, "amount": "20000000000"}});
    assert_eq!(
        c.q(&registry, &contract_sender)["denial"]["code"],
        "over_per_transfer_limit"
    );

    let done = c.migrate(&registry, c.new.registry);
    println!("registry migration: {} VM gas", done.gas);
    assert_eq!(
        c.cw2(&registry),
        json!({"contract": REGISTRY_NAME, "version": "0.2.0"})
    );
    assert_same_answers(&before, &c.answers(&registry, &queries));
    assert_storage_kept(
        &dump,
        &c.vm.dump(&registry).unwrap(),
        &[(CW2_KEY, cw2_value(REGISTRY_NAME, "0.2.0"))],
        &[],
    );
    assert_eq!(c.q(&registry, &contract_sender)["allowed"], true);

    // The migrated registry keeps working: the audit sequence continues, the officers
    // are the migrated ones, and the pending owner can accept.
    let year = c.now().plus_seconds(365 * DAY);
    let kim = c.addr("kim");
    c.exec(
        &registry,
        &p.officer3,
        &json!({"upsert_records": {"records": [record(&kim, 1, "individual", "AT", year, 30)]}}),
    );
    assert_eq!(
        c.refused(
            &registry,
            &p.officer2,
            &json!({"set_status": {"addresses": [kim], "status": "revoked", "reason": "x"}})
        ),
        "not_officer"
    );
    c.exec(
        &registry,
        &p.officer1,
        &json!({"set_status": {"addresses": [p.carol], "status": "active", "reason": "cleared"}}),
    );
    c.exec(
        &registry,
        &p.new_owner,
        &json!({"update_ownership": "accept_ownership"}),
    );
    let log = c.q(
        &registry,
        &json!({"audit_log": {"limit": 3, "descending": true}}),
    );
    let seqs: Vec<u64> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["seq"].as_str().unwrap().parse().unwrap())
        .collect();
    let n = entries as u64;
    assert_eq!(seqs, vec![n + 3, n + 2, n + 1]);
    assert_eq!(
        c.q(&registry, &json!({"ownership": {}}))["owner"],
        json!(p.new_owner)
    );
    assert_eq!(
        c.q(&registry, &json!({"record": {"address": p.carol}}))["record"]["status"],
        "active"
    );
    assert_eq!(
        c.q(&registry, &json!({"records": {"jurisdiction": "AT"}}))["records"][0]["address"],
        json!(kim)
    );
}

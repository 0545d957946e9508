//! A staged upgrade: the three contracts are separate code and are migrated one at a time,
//! in separate transactions. The token and the escrow read the registry's storage directly
//! (`WasmQuery::Raw` of `farthing_types::kyc::state`), so while one of them still runs
//! 0.1.0 it must read what the migrated registry writes, and a migrated token or escrow
//! must read what a 0.1.0 registry wrote.

use cosmwasm_std::{coins, Addr, Coin};
use serde_json::{json, Value};

use crate::common::*;

const DENOM: &str = "ueur";

struct Old {
    registry: Addr,
    token: Addr,
    escrow: Addr,
}

/// A 0.1.0 registry (every kind of record, the policy of [`policy`]), a 0.1.0 token reading
/// it, and a 0.1.0 escrow reading it with one open native deal (alice pays bob 600).
fn old_suite(c: &mut Chain, p: &Parties) -> Old {
    let escrow_addr = c.vm.contract_addr("escrow");
    let registry = registry_010(c, p, &[&escrow_addr]);
    let token = old_token(
        c,
        p,
        &registry,
        &[(&p.alice, 10_000_000), (&p.bob, 1_000_000)],
        json!([]),
    );
    let escrow = old_escrow(c, p, &registry, &token, 2 * DAY);
    assert_eq!(escrow, escrow_addr);
    c.vm.set_balances(&p.alice, coins(1_000_000, DENOM));
    let month = c.now().plus_seconds(30 * DAY);
    c.run(
        &escrow,
        &p.alice,
        &json!({"create_deal": {"payee": p.bob, "arbiter": null, "milestones": ["600"],
            "expires_at": month}}),
        &coins(600, DENOM),
    );
    Old {
        registry,
        token,
        escrow,
    }
}

fn token_balance(c: &Chain, token: &Addr, who: &Addr) -> u128 {
    let b = c.q(token, &json!({"balance": {"address": who}}));
    b["balance"].as_str().unwrap().parse().unwrap()
}

fn native(c: &Chain, who: &Addr) -> u128 {
    c.vm.balances(who)
        .iter()
        .find(|Coin { denom, .. }| denom == DENOM)
        .map_or(0, |c| c.amount.u128())
}

/// Executes and expects success; the failure names the contract's error.
fn must_run(c: &mut Chain, contract: &Addr, sender: &Addr, msg: &Value, what: &str) {
    if let Err(e) = c.vm.execute(contract, sender, msg, &[]) {
        panic!("{what}: {msg} refused: {e}");
    }
}

/// Attack (operational): the natural order (the registry first, since the others depend on
/// it) and one ordinary `update_policy` on the migrated registry. The current registry
/// writes the policy with the u64s as strings (`"window_seconds":"86400"`), which a 0.1.0
/// token and escrow cannot parse: every gated transfer of the old token and every payout of
/// the old escrow fails with a parse error ("Invalid type") until they are migrated too,
/// and the same happens to any third-party contract built on farthing-types 0.1's
/// `KycRegistry` raw-read client, which cannot be migrated by this project at all. The
/// registry's `migrate` says no stored data changed shape. Fails on the current code
/// (the first transfer after `update_policy`).
#[test]
fn a_0_1_0_token_and_escrow_keep_working_after_the_registry_migrates_and_updates_its_policy() {
    let mut c = chain();
    let p = Parties::new(&c);
    let old = old_suite(&mut c, &p);
    let transfer = json!({"transfer": {"recipient": p.bob, "amount": "1000"}});
    must_run(&mut c, &old.token, &p.alice, &transfer, "0.1.0 everywhere");

    c.migrate(&old.registry, c.new.registry);
    must_run(&mut c, &old.token, &p.alice, &transfer, "registry migrated");

    // The owner re-applies the very same policy (any policy change does the same).
    c.exec(
        &old.registry,
        &p.owner,
        &json!({"update_policy": {"policy": policy()}}),
    );
    must_run(
        &mut c,
        &old.token,
        &p.alice,
        &transfer,
        "registry migrated, policy updated: the 0.1.0 token's gate",
    );
    assert_eq!(token_balance(&c, &old.token, &p.alice), 10_000_000 - 3_000);
    assert_eq!(token_balance(&c, &old.token, &p.bob), 1_000_000 + 3_000);

    // The 0.1.0 escrow checks the payee with the same raw reads before paying out.
    let bob_before = native(&c, &p.bob);
    must_run(
        &mut c,
        &old.escrow,
        &p.alice,
        &json!({"release": {"deal_id": 1, "milestone": null}}),
        "registry migrated, policy updated: the 0.1.0 escrow's payout",
    );
    assert_eq!(native(&c, &p.bob), bob_before + 600);
    assert_eq!(native(&c, &old.escrow), 0);
}

/// The other order: the token and the escrow migrate first and read the 0.1.0 registry's
/// policy (numbers) with the lenient reader; then the registry migrates and rewrites its
/// policy, which they read too. Passes on the current code; fails if the reader of
/// `farthing_voucher::wire::u64_str` is made strict (strings only), or if the stored policy
/// stops being readable by the current client.
#[test]
fn a_migrated_token_and_escrow_read_the_policy_of_a_0_1_0_registry_and_of_a_migrated_one() {
    let mut c = chain();
    let p = Parties::new(&c);
    let old = old_suite(&mut c, &p);
    c.migrate(&old.token, c.new.token);
    c.migrate(&old.escrow, c.new.escrow);
    let transfer = json!({"transfer": {"recipient": p.bob, "amount": "1000"}});
    must_run(&mut c, &old.token, &p.alice, &transfer, "0.1.0 registry");
    // bob's tier-1 limit from the 0.1.0 policy (100,000 per transfer) still applies.
    let over = json!({"transfer": {"recipient": p.alice, "amount": "100001"}});
    assert_eq!(
        c.refused(&old.token, &p.bob, &over),
        "over_per_transfer_limit"
    );

    c.migrate(&old.registry, c.new.registry);
    c.exec(
        &old.registry,
        &p.owner,
        &json!({"update_policy": {"policy": policy()}}),
    );
    must_run(&mut c, &old.token, &p.alice, &transfer, "migrated registry");
    assert_eq!(
        c.refused(&old.token, &p.bob, &over),
        "over_per_transfer_limit"
    );
    assert_eq!(token_balance(&c, &old.token, &p.alice), 10_000_000 - 2_000);
    let bob_before = native(&c, &p.bob);
    must_run(
        &mut c,
        &old.escrow,
        &p.alice,
        &json!({"release": {"deal_id": "1", "milestone": null}}),
        "migrated escrow, migrated registry",
    );
    assert_eq!(native(&c, &p.bob), bob_before + 600);
    // The release rewrote the 0.1.0 deal in the current layout (`IndexedMap::save` read
    // the old value to move its index entries): the party indexes still find it once,
    // and pagination by a string or a number cursor agrees.
    let raw =
        c.vm.raw(&old.escrow, b"\x00\x01d\x00\x00\x00\x00\x00\x00\x00\x01");
    let raw = raw.unwrap().expect("deal 1 is stored under its u64 key");
    assert!(
        String::from_utf8_lossy(&raw).contains(r#""id":"1""#),
        "{}",
        String::from_utf8_lossy(&raw)
    );
    for by in [
        json!({"payer": p.alice}),
        json!({"payee": p.bob}),
        json!(null),
    ] {
        let all = c.q(&old.escrow, &json!({"deals": {"by": by, "limit": 30}}));
        let ids: Vec<&Value> = all["deals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| &d["id"])
            .collect();
        assert_eq!(ids, [&json!("1")], "deals by {by}");
        for cursor in [json!("0"), json!(0)] {
            let page = c.q(
                &old.escrow,
                &json!({"deals": {"by": by, "start_after": cursor, "limit": 30}}),
            );
            assert_eq!(page, all, "deals by {by} after {cursor}");
        }
        let after = c.q(
            &old.escrow,
            &json!({"deals": {"by": by, "start_after": "1", "limit": 30}}),
        );
        assert_eq!(after["deals"], json!([]), "deals by {by} after 1");
    }
}

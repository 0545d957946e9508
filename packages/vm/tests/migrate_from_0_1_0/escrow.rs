//! The royalty escrow: deals in every state (open with releases and a top-up, open with a
//! settlement proposal, disputed with a proposal, released, refunded after expiry, resolved
//! by the arbiter, refunded at the dispute deadline), in a native coin and in the cw20
//! token (funded through the token's `send`), works with two splits (epochs), revenue and
//! claims in both assets, held payouts (a release to a suspended payee, a refund to a
//! revoked payer, native and cw20), the cw20 allowlist, a pending ownership transfer. The
//! token and the registry are real contracts on the same VM; the escrow's payouts are
//! delivered to them (and to the VM's bank) as the chain would.

use cosmwasm_std::{coins, Addr, Binary, Timestamp};
use serde_json::{json, Value};

use crate::common::*;

const DENOM: &str = "ueur";

struct Escrow {
    addr: Addr,
    token: Addr,
    registry: Addr,
    freezer: Addr,
    other_token: Addr,
}

fn native() -> Value {
    json!({"native": {"denom": DENOM}})
}

fn cw20(token: &Addr) -> Value {
    json!({"cw20": {"address": token}})
}

fn deal(payee: &Addr, arbiter: Option<&Addr>, milestones: &[u128], expires_at: Timestamp) -> Value {
    let milestones: Vec<String> = milestones.iter().map(u128::to_string).collect();
    json!({"payee": payee, "arbiter": arbiter, "milestones": milestones, "expires_at": expires_at})
}

/// A cw20 `send` of `amount` to the escrow carrying `msg`.
fn send(e: &Escrow, amount: u128, msg: &Value) -> Value {
    let msg = Binary::from(serde_json::to_vec(msg).unwrap());
    json!({"send": {"contract": e.addr, "amount": amount.to_string(), "msg": msg}})
}

fn escrow_010(c: &mut Chain, p: &Parties) -> Escrow {
    let escrow_addr = c.vm.contract_addr("escrow");
    let registry = registry_010(c, p, &[&escrow_addr]);
    let freezer = c.addr("freezer");
    let token = old_token(
        c,
        p,
        &registry,
        &[(&p.alice, 10_000_000), (&p.bob, 1_000_000)],
        json!([{"role": "freezer", "address": freezer}]),
    );
    let addr = old_escrow(c, p, &registry, &token, 2 * DAY);
    assert_eq!(addr, escrow_addr);
    let e = Escrow {
        addr,
        token,
        registry,
        freezer,
        other_token: c.addr("other_token"),
    };
    for payer in [&p.alice, &p.bob, &p.gina, &p.dave] {
        c.vm.set_balances(payer, coins(1_000_000, DENOM));
    }
    let es = e.addr.clone();
    let month = c.now().plus_seconds(30 * DAY);
    let tomorrow = c.now().plus_seconds(DAY);
    let create = |c: &mut Chain, payer: &Addr, terms: Value, amount: u128| {
        c.run(
            &es,
            payer,
            &json!({"create_deal": terms}),
            &coins(amount, DENOM),
        );
    };
    c.exec(
        &es,
        &p.owner,
        &json!({"allow_token": {"address": e.other_token}}),
    );

    // 1: open, milestone 0 released, topped up.
    create(
        c,
        &p.alice,
        deal(&p.bob, Some(&p.erin), &[100, 200, 300], month),
        600,
    );
    c.run(
        &es,
        &p.alice,
        &json!({"release": {"deal_id": 1, "milestone": 0}}),
        &[],
    );
    c.run(
        &es,
        &p.alice,
        &json!({"top_up": {"deal_id": 1}}),
        &coins(50, DENOM),
    );
    // 2: open with a settlement proposal.
    create(c, &p.alice, deal(&p.carol, None, &[], month), 1_000);
    c.exec(
        &es,
        &p.alice,
        &json!({"propose_settlement": {"deal_id": 2, "to_payee": "700"}}),
    );
    // 3: disputed, with a proposal.
    create(c, &p.bob, deal(&p.alice, Some(&p.erin), &[500], month), 500);
    c.exec(&es, &p.alice, &json!({"open_dispute": {"deal_id": 3}}));
    c.exec(
        &es,
        &p.bob,
        &json!({"propose_settlement": {"deal_id": 3, "to_payee": "100"}}),
    );
    // 4: released in full.
    create(c, &p.alice, deal(&p.bob, None, &[250, 250], month), 500);
    c.run(
        &es,
        &p.alice,
        &json!({"release": {"deal_id": 4, "milestone": null}}),
        &[],
    );
    // 5: refunded after expiry (below).
    create(
        c,
        &p.alice,
        deal(&p.gina, Some(&p.erin), &[1_000], tomorrow),
        1_000,
    );
    // 6: resolved by the arbiter.
    create(c, &p.bob, deal(&p.alice, Some(&p.erin), &[400], month), 400);
    c.exec(&es, &p.bob, &json!({"open_dispute": {"deal_id": 6}}));
    c.run(
        &es,
        &p.erin,
        &json!({"resolve": {"deal_id": 6, "to_payee": "150"}}),
        &[],
    );
    // 7: disputed, refunded at the dispute deadline (below).
    create(c, &p.gina, deal(&p.bob, None, &[300], month), 300);
    c.exec(&es, &p.gina, &json!({"open_dispute": {"deal_id": 7}}));
    // 8: to carol, released after her suspension (held).
    create(c, &p.alice, deal(&p.carol, None, &[400], month), 400);
    // 9: from dave, refunded after his revocation (held).
    create(c, &p.dave, deal(&p.alice, None, &[500], tomorrow), 500);
    // 10: cw20, open, milestone 0 released, topped up.
    let tk = e.token.clone();
    let terms = deal(&p.bob, Some(&p.erin), &[3_000, 2_000], month);
    c.run(
        &tk,
        &p.alice,
        &send(&e, 5_000, &json!({"create_deal": terms})),
        &[],
    );
    c.run(
        &es,
        &p.alice,
        &json!({"release": {"deal_id": 10, "milestone": 0}}),
        &[],
    );
    c.run(
        &tk,
        &p.alice,
        &send(&e, 500, &json!({"top_up": {"deal_id": 10}})),
        &[],
    );
    // 11: cw20 to carol, released after her suspension (held).
    let terms = deal(&p.carol, None, &[1_500], month);
    c.run(
        &tk,
        &p.alice,
        &send(&e, 1_500, &json!({"create_deal": terms})),
        &[],
    );

    // Works: two splits of work 1 with revenue in both assets, claims; work 2 for dave.
    let share = |a: &Addr, bps: u16| json!({"address": a, "bps": bps});
    c.exec(
        &es,
        &p.alice,
        &json!({"register_work": {"name": "song",
        "recipients": [share(&p.alice, 5_000), share(&p.bob, 3_000), share(&p.erin, 2_000)],
        "accepted": [native(), cw20(&tk)]}}),
    );
    c.exec(
        &es,
        &p.bob,
        &json!({"register_work": {"name": "podcast",
        "recipients": [share(&p.dave, 10_000)], "accepted": [native()]}}),
    );
    c.run(
        &es,
        &p.gina,
        &json!({"pay": {"work_id": 1}}),
        &coins(1_001, DENOM),
    );
    c.run(
        &tk,
        &p.bob,
        &send(&e, 7_777, &json!({"pay": {"work_id": 1}})),
        &[],
    );
    c.run(
        &es,
        &p.alice,
        &json!({"pay": {"work_id": 2}}),
        &coins(300, DENOM),
    );
    c.run(
        &es,
        &p.bob,
        &json!({"claim": {"work_id": 1, "epoch": null, "asset": native()}}),
        &[],
    );
    c.exec(
        &es,
        &p.alice,
        &json!({"update_split": {"work_id": 1,
        "recipients": [share(&p.alice, 7_000), share(&p.carol, 3_000)]}}),
    );
    c.run(
        &es,
        &p.alice,
        &json!({"pay": {"work_id": 1}}),
        &coins(500, DENOM),
    );
    c.run(
        &es,
        &p.erin,
        &json!({"claim": {"work_id": 1, "epoch": 0, "asset": cw20(&tk)}}),
        &[],
    );

    // The registry's decisions, then what they hold; time passes for the refunds.
    registry_decisions(c, p, &e.registry);
    c.run(
        &es,
        &p.alice,
        &json!({"release": {"deal_id": 8, "milestone": null}}),
        &[],
    );
    c.run(
        &es,
        &p.alice,
        &json!({"release": {"deal_id": 11, "milestone": null}}),
        &[],
    );
    c.vm.advance_seconds(2 * DAY + HOUR);
    c.run(&es, &p.erin, &json!({"refund": {"deal_id": 5}}), &[]);
    c.run(&es, &p.alice, &json!({"refund": {"deal_id": 9}}), &[]);
    c.run(&es, &p.bob, &json!({"expire_dispute": {"deal_id": 7}}), &[]);
    c.exec(&es, &p.owner, &json!({"update_ownership": {"transfer_ownership": {"new_owner": p.new_owner, "expiry": null}}}));
    e
}

fn parties(p: &Parties, e: &Escrow) -> Vec<Addr> {
    let mut all = p.listed();
    all.extend([p.owner.clone(), e.token.clone(), e.addr.clone()]);
    all
}

/// The questions whose answers keep their shape in 0.2.0.
fn queries(p: &Parties, e: &Escrow) -> Vec<Value> {
    let mut q = vec![
        json!({"ownership": {}}),
        json!({"deals": {"limit": 30}}),
        json!({"deals": {"start_after": 3, "limit": 4}}),
    ];
    for id in 1..=11u64 {
        q.push(json!({"deal": {"deal_id": id}}));
    }
    for a in parties(p, e) {
        for by in ["payer", "payee", "arbiter"] {
            q.push(json!({"deals": {"by": {by: a}, "limit": 30}}));
        }
    }
    for (work, epoch) in [
        (1, Value::Null),
        (1, json!(0)),
        (1, json!(1)),
        (2, Value::Null),
    ] {
        q.push(json!({"work": {"work_id": work, "epoch": epoch}}));
    }
    let assets = [native(), cw20(&e.token)];
    let recipients = [
        (1, 0, vec![&p.alice, &p.bob, &p.erin]),
        (1, 1, vec![&p.alice, &p.carol]),
        (2, 0, vec![&p.dave]),
    ];
    for (work, epoch, addrs) in recipients {
        for a in addrs {
            for asset in &assets {
                q.push(json!({"claimable": {"work_id": work, "epoch": epoch, "asset": asset, "address": a}}));
            }
        }
    }
    q
}

/// 0.1.0's `held` answer (`[[asset, amount], ...]`) in 0.2.0's shape.
fn held_as_0_2_0(old: &Value) -> Value {
    let held: Vec<Value> = old["held"]
        .as_array()
        .unwrap()
        .iter()
        .map(|pair| json!({"asset": pair[0], "amount": pair[1]}))
        .collect();
    json!({"held": held})
}

fn u(v: &Value) -> u128 {
    v.as_str().unwrap().parse().unwrap()
}

fn token_balance(c: &Chain, e: &Escrow, a: &Addr) -> u128 {
    u(&c.q(&e.token, &json!({"balance": {"address": a}}))["balance"])
}

fn native_balance(c: &Chain, a: &Addr) -> u128 {
    c.vm.balances(a)
        .iter()
        .find(|coin| coin.denom == DENOM)
        .map_or(0, |coin| coin.amount.u128())
}

/// What the escrow owes in each asset equals what it holds (nothing stray, nothing
/// missing), by the escrow's own `owed` query (0.2.0) and by the test's own count.
fn assert_owes_what_it_holds(c: &Chain, e: &Escrow, native_owed: u128, cw20_owed: u128) {
    for (asset, expected) in [(native(), native_owed), (cw20(&e.token), cw20_owed)] {
        let owed = c.q(&e.addr, &json!({"owed": {"asset": asset}}));
        assert_eq!(owed["owed"], json!(expected.to_string()), "owed in {asset}");
        assert_eq!(owed["holdings"], owed["owed"], "holdings in {asset}");
        assert_eq!(owed["stray"], "0");
    }
    assert_eq!(native_balance(c, &e.addr), native_owed);
    assert_eq!(token_balance(c, e, &e.addr), cw20_owed);
}

#[test]
fn the_escrow_keeps_deals_works_royalties_and_held_payouts() {
    let mut c = chain();
    let p = Parties::new(&c);
    let e = escrow_010(&mut c, &p);
    let es = e.addr.clone();

    // The state is what the test claims.
    let status = |c: &Chain, id: u64| c.q(&es, &json!({"deal": {"deal_id": id}}))["status"].clone();
    assert_eq!(status(&c, 1), json!("open"));
    assert!(status(&c, 3)["disputed"].is_object());
    for closed in [4, 5, 6, 7, 8, 9, 11] {
        assert_eq!(status(&c, closed), json!("closed"), "deal {closed}");
    }
    let held_carol = c.q(&es, &json!({"held": {"address": p.carol}}));
    assert_eq!(
        held_carol,
        json!({"held": [[cw20(&e.token), "1500"], [native(), "400"]]})
    );
    assert_eq!(
        c.q(&es, &json!({"held": {"address": p.dave}})),
        json!({"held": [[native(), "500"]]})
    );
    // Owed, counted by hand: native deals 1 (600 + 50 - 100), 2 (1,000), 3 (500); work 1
    // (1,001 - 300 claimed + 500), work 2 (300); held 400 + 500. cw20: deal 10 (5,000 +
    // 500 - 3,000), work 1 (7,777 - 1,555 claimed), held 1,500.
    let native_owed = 550 + 1_000 + 500 + (1_001 - 300 + 500) + 300 + 400 + 500;
    let cw20_owed = 2_500 + (7_777 - 1_555) + 1_500;
    assert_eq!(native_balance(&c, &es), native_owed);
    assert_eq!(token_balance(&c, &e, &es), cw20_owed);

    let queries = queries(&p, &e);
    let before = c.answers(&es, &queries);
    let held_before: Vec<(Addr, Value)> = parties(&p, &e)
        .into_iter()
        .map(|a| {
            let held = c.q(&es, &json!({"held": {"address": a}}));
            (a, held)
        })
        .collect();
    let config_before = c.q(&es, &json!({"config": {}}));
    let dump = c.vm.dump(&es).unwrap();

    let done = c.migrate(&es, c.new.escrow);
    println!("escrow migration: {} VM gas", done.gas);
    assert_eq!(
        c.cw2(&es),
        json!({"contract": ESCROW_NAME, "version": "0.2.0"})
    );
    assert_same_answers(&before, &c.answers(&es, &queries));
    for (a, old) in &held_before {
        let new = c.q(&es, &json!({"held": {"address": a}}));
        assert_eq!(new, held_as_0_2_0(old), "held for {a}");
    }
    // 0.2.0 moved the allowlist out of `config` into the paginated `accepted_tokens`.
    let config = c.q(&es, &json!({"config": {}}));
    assert_eq!(config["registry"], config_before["registry"]);
    // The same length of time, written as a string since 0.2.0 (farthing_types::wire).
    assert_eq!(
        config["dispute_timeout_seconds"],
        json!(config_before["dispute_timeout_seconds"].to_string())
    );
    assert_eq!(
        c.q(&es, &json!({"accepted_tokens": {}}))["tokens"],
        config_before["accepted_cw20"]
    );
    assert_eq!(config_before["accepted_cw20"].as_array().unwrap().len(), 2);
    // Raw storage: every 0.1.0 key kept; added, the ledger of what is owed per asset
    // (computed by migrations/v0_2_0.rs, checked by `owed` below) and its marker.
    let owed_key = |asset: &str| {
        let mut k = vec![0, 2, b'o', b'w'];
        k.extend_from_slice(asset.as_bytes());
        k
    };
    let (owed_native, owed_cw20) = (owed_key("n:ueur"), owed_key(&format!("c:{}", e.token)));
    assert_storage_kept(
        &dump,
        &c.vm.dump(&es).unwrap(),
        &[(CW2_KEY, cw2_value(ESCROW_NAME, "0.2.0"))],
        &[&owed_native, &owed_cw20, b"owed_kept"],
    );
    assert_eq!(c.vm.raw(&es, b"owed_kept").unwrap(), Some(b"true".to_vec()));
    assert_owes_what_it_holds(&c, &e, native_owed, cw20_owed);

    // ---- the migrated escrow at work (the token migrated too) ----
    c.migrate(&e.token, c.new.token);
    let tk = e.token.clone();
    // Deal 1: the arbiter releases milestone 1 (a push payout, sent `reply_on_error`).
    let bob0 = native_balance(&c, &p.bob);
    let done = c.run(
        &es,
        &p.erin,
        &json!({"release": {"deal_id": 1, "milestone": 1}}),
        &[],
    );
    assert_eq!(done.response.messages[0].id, 1, "the payout reply id");
    assert_eq!(native_balance(&c, &p.bob), bob0 + 200);
    // Deal 10: the token refuses the payout (bob frozen by the issuer): the escrow's
    // reply holds it for bob; unfrozen, bob collects it.
    c.exec(
        &tk,
        &e.freezer,
        &json!({"freeze": {"address": p.bob, "reason": "check"}}),
    );
    let done = c.exec(
        &es,
        &p.alice,
        &json!({"release": {"deal_id": 10, "milestone": 1}}),
    );
    assert_eq!(done.replies, 1, "one refused payout, one reply");
    assert_eq!(
        c.q(&es, &json!({"held": {"address": p.bob}})),
        json!({"held": [{"asset": cw20(&tk), "amount": "2000"}]})
    );
    c.exec(
        &tk,
        &e.freezer,
        &json!({"unfreeze": {"address": p.bob, "reason": "cleared"}}),
    );
    let bob_tokens = token_balance(&c, &e, &p.bob);
    c.run(
        &es,
        &p.bob,
        &json!({"claim_held": {"asset": cw20(&tk), "amount": null}}),
        &[],
    );
    assert_eq!(token_balance(&c, &e, &p.bob), bob_tokens + 2_000);
    // Carol, cleared by the registry, collects what 0.1.0 held for her (the cw20 part in
    // two pulls, a 0.2.0 option) and accepts deal 2's standing proposal.
    c.exec(
        &e.registry,
        &p.officer1,
        &json!({"set_status": {"addresses": [p.carol], "status": "active", "reason": "cleared"}}),
    );
    let carol0 = native_balance(&c, &p.carol);
    c.run(
        &es,
        &p.carol,
        &json!({"claim_held": {"asset": native(), "amount": null}}),
        &[],
    );
    assert_eq!(native_balance(&c, &p.carol), carol0 + 400);
    c.run(
        &es,
        &p.carol,
        &json!({"claim_held": {"asset": cw20(&tk), "amount": "500"}}),
        &[],
    );
    c.run(
        &es,
        &p.carol,
        &json!({"claim_held": {"asset": cw20(&tk), "amount": null}}),
        &[],
    );
    assert_eq!(token_balance(&c, &e, &p.carol), 1_500);
    assert_eq!(
        c.q(&es, &json!({"held": {"address": p.carol}})),
        json!({"held": []})
    );
    let alice0 = native_balance(&c, &p.alice);
    c.run(
        &es,
        &p.carol,
        &json!({"accept_settlement": {"deal_id": 2}}),
        &[],
    );
    assert_eq!(native_balance(&c, &p.carol), carol0 + 400 + 700);
    assert_eq!(native_balance(&c, &p.alice), alice0 + 300);
    // Dave is revoked: the owner's compliance process moves his held refund to alice.
    c.run(
        &es,
        &p.owner,
        &json!({"resolve_held": {"address": p.dave, "asset": native(),
        "to": p.alice, "reason": "sanctions_process"}}),
        &[],
    );
    assert_eq!(native_balance(&c, &p.alice), alice0 + 300 + 500);
    // Deal 3 (disputed under 0.1.0): the arbiter rules.
    let bob1 = native_balance(&c, &p.bob);
    c.run(
        &es,
        &p.erin,
        &json!({"resolve": {"deal_id": 3, "to_payee": "200"}}),
        &[],
    );
    assert_eq!(native_balance(&c, &p.alice), alice0 + 300 + 500 + 200);
    assert_eq!(native_balance(&c, &p.bob), bob1 + 300);
    // Royalties: alice claims what the closed split owes her (with the remainder) and the
    // open one; what 0.1.0 reported claimable is what she gets.
    let claimable = |c: &Chain, epoch: u32, asset: Value| {
        u(&c.q(
            &es,
            &json!({"claimable": {"work_id": 1, "epoch": epoch, "asset": asset,
            "address": p.alice}}),
        )["amount"])
    };
    let owed0 = claimable(&c, 0, cw20(&tk));
    assert_eq!(
        owed0,
        7_777 - 2_333 - 1_555,
        "alice's share plus the remainder"
    );
    let alice_tokens = token_balance(&c, &e, &p.alice);
    c.run(
        &es,
        &p.alice,
        &json!({"claim": {"work_id": 1, "epoch": 0, "asset": cw20(&tk), "amount": null}}),
        &[],
    );
    assert_eq!(token_balance(&c, &e, &p.alice), alice_tokens + owed0);
    let owed1 = claimable(&c, 1, native());
    assert_eq!(owed1, 350);
    let alice1 = native_balance(&c, &p.alice);
    c.run(
        &es,
        &p.alice,
        &json!({"claim": {"work_id": 1, "epoch": 1, "asset": native(), "amount": null}}),
        &[],
    );
    assert_eq!(native_balance(&c, &p.alice), alice1 + 350);
    // A new deal continues the ids; the pending owner takes over.
    let created = c.run(
        &es,
        &p.alice,
        &json!({"create_deal": deal(&p.bob, None, &[10], c.now().plus_seconds(DAY))}),
        &coins(10, DENOM),
    );
    assert_eq!(created.attribute("deal_id"), Some("12"));
    c.exec(
        &es,
        &p.new_owner,
        &json!({"update_ownership": "accept_ownership"}),
    );
    assert_eq!(
        c.q(&es, &json!({"ownership": {}}))["owner"],
        json!(p.new_owner)
    );
    // Everything paid out above left the ledger; it still matches the holdings.
    let native_left = native_owed - 200 - 400 - 1_000 - 500 - 500 - 350 + 10;
    let cw20_left = cw20_owed - 2_000 - 1_500 - owed0;
    assert_owes_what_it_holds(&c, &e, native_left, cw20_left);
}

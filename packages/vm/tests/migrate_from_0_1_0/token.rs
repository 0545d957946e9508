//! The micropayment token: balances, the volume windows kept in accounts, allowances
//! (every expiration kind, both indexes), supply and minter, marketing and logo, roles,
//! issuer freezes (whole address, partial, a recovered wallet), forced transfers, payment
//! channels (open with claims, topped up and extended, closing, closed, paid by a frozen
//! payer, paid by a revoked payer), the settle period, a pending ownership transfer, and a
//! pause in progress at the migration.

use cosmwasm_std::{Addr, HexBinary, Timestamp, Uint128};
use farthing_voucher::{public_key, sign, KeyType, SignerKey, Voucher};
use serde_json::{json, Value};

use crate::common::*;

struct Token {
    addr: Addr,
    registry: Addr,
    pauser: Addr,
    freezer: Addr,
    agent: Addr,
    lost: Addr,
    found: Addr,
}

const ED_SECRET: [u8; 32] = [0x11; 32];
const SECP_SECRET: [u8; 32] = [0x22; 32];

fn signer(kind: KeyType, secret: &[u8; 32]) -> SignerKey {
    public_key(kind, secret).unwrap()
}

fn voucher(
    c: &Chain,
    t: &Token,
    kind: KeyType,
    secret: &[u8; 32],
    channel: u64,
    payee: &Addr,
    cumulative: u128,
) -> HexBinary {
    let v = Voucher {
        chain_id: c.vm.block().chain_id.clone(),
        token: t.addr.to_string(),
        channel_id: channel,
        payee: payee.to_string(),
        cumulative: Uint128::new(cumulative),
    };
    sign(kind, secret, &v).unwrap()
}

fn claim(channel: u64, cumulative: u128, signature: HexBinary, close: bool) -> Value {
    json!({"claim": {"channel": channel, "cumulative": cumulative.to_string(),
        "signature": signature, "close": close}})
}

fn open(payee: &Addr, amount: u128, expires_at: Timestamp, signer: &SignerKey) -> Value {
    // 0.1.0's OpenChannel: no travel_rule_ref field (deny_unknown_fields).
    json!({"open_channel": {"payee": payee, "amount": amount.to_string(),
        "expires_at": expires_at, "signer": signer}})
}

fn svg() -> Value {
    json!(cosmwasm_std::Binary::from(
        br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>"#
            .as_slice()
    ))
}

/// The 0.1.0 token and everything it holds.
fn token_010(c: &mut Chain, p: &Parties) -> Token {
    let registry = registry_010(c, p, &[]);
    let (pauser, freezer, agent) = (c.addr("pauser"), c.addr("freezer"), c.addr("agent"));
    let (lost, found) = (c.addr("lost_wallet"), c.addr("new_wallet"));
    let year = c.now().plus_seconds(365 * DAY);
    c.exec(
        &registry,
        &p.officer1,
        &json!({"upsert_records": {"records": [
            record(&lost, 2, "individual", "DE", year, 40),
            record(&found, 2, "individual", "DE", year, 41)]}}),
    );
    let balances = [
        (&p.alice, 900_000_000u128),
        (&p.bob, 500_000),
        (&p.carol, 300_000_000),
        (&p.dave, 200_000_000),
        (&p.gina, 100_000_000),
        (&p.erin, 50_000),
    ];
    let initial: Vec<Value> = balances
        .iter()
        .map(|(a, n)| json!({"address": a, "amount": n.to_string()}))
        .collect();
    let (addr, _) =
        c.vm.instantiate(
            c.old.token,
            "token",
            &p.owner,
            &json!({
                "name": "Farthing Euro", "symbol": "FEUR", "decimals": 6,
                "initial_balances": initial,
                "mint": {"minter": p.owner, "cap": "10000000000000"},
                "marketing": {"project": "farthing", "description": "compliant micropayments",
                    "marketing": p.owner, "logo": {"url": "https://farthing.example/logo.png"}},
                "owner": null,
                "registry": registry,
                "roles": [{"role": "pauser", "address": pauser},
                          {"role": "freezer", "address": freezer},
                          {"role": "agent", "address": agent}]
            }),
            &[],
        )
        .expect("0.1.0 token");
    let t = Token {
        addr,
        registry,
        pauser,
        freezer,
        agent,
        lost,
        found,
    };
    let tk = t.addr.clone();
    let transfer =
        |to: &Addr, n: u128| json!({"transfer": {"recipient": to, "amount": n.to_string()}});

    // Balances, windows, allowances.
    c.exec(&tk, &p.alice, &transfer(&p.bob, 10_000));
    c.vm.advance_blocks(2);
    c.exec(&tk, &p.bob, &transfer(&p.erin, 5_000));
    c.exec(&tk, &p.alice, &transfer(&t.lost, 77_777));
    c.exec(
        &tk,
        &p.alice,
        &json!({"increase_allowance": {"spender": p.bob, "amount": "50000", "expires": null}}),
    );
    let in_a_month = c.now().plus_seconds(30 * DAY);
    c.exec(
        &tk,
        &p.alice,
        &json!({"increase_allowance": {"spender": p.erin, "amount": "20000",
        "expires": {"at_time": in_a_month}}}),
    );
    c.exec(
        &tk,
        &p.carol,
        &json!({"increase_allowance": {"spender": p.alice, "amount": "7000",
        "expires": {"at_height": 1_000_000}}}),
    );
    c.exec(
        &tk,
        &p.gina,
        &json!({"increase_allowance": {"spender": p.alice, "amount": "9000", "expires": null}}),
    );
    c.exec(
        &tk,
        &p.bob,
        &json!({"transfer_from": {"owner": p.alice, "recipient": p.erin, "amount": "10000"}}),
    );
    c.exec(
        &tk,
        &p.alice,
        &json!({"decrease_allowance": {"spender": p.erin, "amount": "5000", "expires": null}}),
    );
    c.exec(&tk, &p.dave, &json!({"burn": {"amount": "1000"}}));
    c.exec(
        &tk,
        &p.owner,
        &json!({"mint": {"recipient": p.ivy, "amount": "12345"}}),
    );
    c.exec(
        &tk,
        &p.alice,
        &json!({"batch_transfer": {"transfers": [
        {"recipient": p.bob, "amount": "100"}, {"recipient": p.carol, "amount": "200"},
        {"recipient": p.erin, "amount": "300"}]}}),
    );
    c.exec(
        &tk,
        &p.alice,
        &json!({"pay": {"recipient": p.erin, "amount": "4444",
        "reference": "inv-2026-000123", "travel_rule_ref": null}}),
    );
    c.exec(
        &tk,
        &p.owner,
        &json!({"update_marketing": {"project": "farthing",
        "description": "compliant micropayments, 0.1.0", "marketing": p.owner}}),
    );
    c.exec(
        &tk,
        &p.owner,
        &json!({"upload_logo": {"embedded": {"svg": svg()}}}),
    );

    // Roles: one granted and revoked again, one granted.
    let freezer2 = c.addr("freezer2");
    c.exec(
        &tk,
        &p.owner,
        &json!({"grant_role": {"role": "freezer", "address": freezer2}}),
    );
    c.exec(
        &tk,
        &p.owner,
        &json!({"grant_role": {"role": "agent", "address": freezer2}}),
    );
    c.exec(
        &tk,
        &p.owner,
        &json!({"revoke_role": {"role": "freezer", "address": freezer2}}),
    );

    // Channels (settle period two hours).
    c.exec(
        &tk,
        &p.owner,
        &json!({"set_settle_period": {"seconds": 2 * HOUR}}),
    );
    let ed = signer(KeyType::Ed25519, &ED_SECRET);
    let secp = signer(KeyType::Secp256k1, &SECP_SECRET);
    let in_10_days = c.now().plus_seconds(10 * DAY);
    // 1: alice -> bob, claimed, topped up, extended.
    c.exec(&tk, &p.alice, &open(&p.bob, 1_000_000, in_10_days, &ed));
    let sig = voucher(c, &t, KeyType::Ed25519, &ED_SECRET, 1, &p.bob, 100_000);
    c.exec(&tk, &p.bob, &claim(1, 100_000, sig, false));
    c.exec(
        &tk,
        &p.alice,
        &json!({"top_up_channel": {"channel": 1, "amount": "200000"}}),
    );
    c.exec(
        &tk,
        &p.alice,
        &json!({"extend_channel": {"channel": 1,
        "expires_at": c.now().plus_seconds(20 * DAY)}}),
    );
    // 2: alice -> erin (secp256k1), claimed, closing.
    c.exec(&tk, &p.alice, &open(&p.erin, 500_000, in_10_days, &secp));
    let sig = voucher(c, &t, KeyType::Secp256k1, &SECP_SECRET, 2, &p.erin, 50_000);
    c.exec(&tk, &p.erin, &claim(2, 50_000, sig, false));
    c.exec(&tk, &p.alice, &json!({"start_close": {"channel": 2}}));
    // 3: bob -> alice, claimed and closed.
    c.exec(&tk, &p.bob, &open(&p.alice, 30_000, in_10_days, &ed));
    let sig = voucher(c, &t, KeyType::Ed25519, &ED_SECRET, 3, &p.alice, 10_000);
    c.exec(&tk, &p.alice, &claim(3, 10_000, sig, true));
    // 4: gina -> erin, claimed; gina is frozen below.
    c.exec(&tk, &p.gina, &open(&p.erin, 2_000_000, in_10_days, &ed));
    let sig = voucher(c, &t, KeyType::Ed25519, &ED_SECRET, 4, &p.erin, 500_000);
    c.exec(&tk, &p.erin, &claim(4, 500_000, sig, false));
    // 5: dave -> alice; dave is revoked by the registry below.
    c.exec(&tk, &p.dave, &open(&p.alice, 1_000, in_10_days, &secp));
    c.vm.advance_blocks(5);

    // Issuer controls.
    c.exec(
        &tk,
        &t.freezer,
        &json!({"freeze": {"address": p.gina, "reason": "investigation"}}),
    );
    c.exec(
        &tk,
        &t.freezer,
        &json!({"freeze_tokens": {"address": p.bob, "amount": "100000", "reason": "court_order"}}),
    );
    c.exec(
        &tk,
        &t.freezer,
        &json!({"freeze_tokens": {"address": p.alice, "amount": "1000", "reason": "dispute"}}),
    );
    c.exec(&tk, &t.freezer, &json!({"unfreeze_tokens": {"address": p.alice, "amount": "400", "reason": "dispute_partly_settled"}}));
    c.exec(
        &tk,
        &t.freezer,
        &json!({"freeze": {"address": p.erin, "reason": "check"}}),
    );
    c.exec(
        &tk,
        &t.freezer,
        &json!({"unfreeze": {"address": p.erin, "reason": "cleared"}}),
    );
    c.exec(
        &tk,
        &t.agent,
        &json!({"forced_transfer": {"from": p.dave, "to": p.alice, "amount": "5000",
        "reason": "court_order", "unfreeze": false}}),
    );
    c.exec(
        &tk,
        &t.agent,
        &json!({"recover": {"lost": t.lost, "new_address": t.found, "reason": "lost_key"}}),
    );
    c.exec(&tk, &p.owner, &json!({"update_ownership": {"transfer_ownership": {"new_owner": p.new_owner, "expiry": null}}}));
    registry_decisions(c, p, &t.registry);
    c.vm.advance_blocks(3);
    c.exec(&tk, &t.pauser, &json!({"pause": {"reason": "incident_42"}}));
    t
}

fn everyone(p: &Parties, t: &Token) -> Vec<Addr> {
    let mut all = p.listed();
    all.extend([
        p.owner.clone(),
        p.new_owner.clone(),
        t.pauser.clone(),
        t.freezer.clone(),
        t.agent.clone(),
        t.lost.clone(),
        t.found.clone(),
        t.registry.clone(),
    ]);
    all
}

fn queries(p: &Parties, t: &Token) -> Vec<Value> {
    let all = everyone(p, t);
    let mut q = vec![
        json!({"token_info": {}}),
        json!({"minter": {}}),
        json!({"marketing_info": {}}),
        json!({"download_logo": {}}),
        json!({"config": {}}),
        json!({"ownership": {}}),
        json!({"all_accounts": {"limit": 30}}),
        json!({"all_accounts": {"start_after": p.bob, "limit": 3}}),
    ];
    for role in ["pauser", "freezer", "agent"] {
        q.push(json!({"roles": {"role": role}}));
    }
    for id in 1..=5u64 {
        q.push(json!({"channel": {"channel": id}}));
    }
    for a in &all {
        q.push(json!({"balance": {"address": a}}));
        q.push(json!({"account": {"address": a}}));
        q.push(json!({"all_allowances": {"owner": a}}));
        q.push(json!({"all_allowances": {"owner": a, "start_after": p.bob, "limit": 1}}));
        q.push(json!({"all_spender_allowances": {"spender": a}}));
        q.push(json!({"channels": {"by": {"payer": a}}}));
        q.push(json!({"channels": {"by": {"payee": a}}}));
        q.push(json!({"channels": {"by": {"payer": a}, "start_after": 1, "limit": 1}}));
        for s in &all {
            q.push(json!({"allowance": {"owner": a, "spender": s}}));
        }
    }
    q
}

/// `can_transfer` for every pair of parties and three amounts; the denial's message text
/// is left out (0.2.0 messages carry a `[code=...]` tag; code, party and role compare).
fn verdicts(c: &Chain, p: &Parties, t: &Token) -> Vec<Value> {
    let all = everyone(p, t);
    let mut out = vec![];
    for from in &all {
        for to in &all {
            for amount in ["1", "150000", "2000000000"] {
                let mut v = c.q(
                    &t.addr,
                    &json!({"can_transfer": {"from": from, "to": to, "amount": amount}}),
                );
                if let Some(d) = v["verdict"]["denial"].as_object_mut() {
                    d.remove("message");
                }
                out.push(json!([from, to, amount, v]));
            }
        }
    }
    out
}

fn u(v: &Value) -> u128 {
    v.as_str().unwrap().parse().unwrap()
}

fn balance(c: &Chain, t: &Token, a: &Addr) -> u128 {
    u(&c.q(&t.addr, &json!({"balance": {"address": a}}))["balance"])
}

fn channel(c: &Chain, t: &Token, id: u64) -> Value {
    c.q(&t.addr, &json!({"channel": {"channel": id}}))
}

/// Supply = balances + what open channels still lock.
fn assert_conserved(c: &Chain, t: &Token) {
    let supply = u(&c.q(&t.addr, &json!({"token_info": {}}))["total_supply"]);
    let accounts = c.q(&t.addr, &json!({"all_accounts": {"limit": 30}}));
    let balances: u128 = accounts["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| balance(c, t, &Addr::unchecked(a.as_str().unwrap())))
        .sum();
    let mut locked = 0;
    let mut id = 1;
    while let Ok(ch) =
        c.vm.query::<Value>(&t.addr, &json!({"channel": {"channel": id}}))
    {
        if ch["closed"] == false {
            locked += u(&ch["deposit"]) - u(&ch["claimed"]);
        }
        id += 1;
    }
    assert!(id > 5, "every channel counted");
    assert_eq!(
        supply,
        balances + locked,
        "supply = balances + locked deposits"
    );
}

/// The canonical-address key of an account (`"b"` map).
fn account_key(c: &Chain, a: &Addr) -> Vec<u8> {
    let mut key = vec![0, 1, b'b'];
    key.extend(c.vm.canonicalize(a).unwrap());
    key
}

#[test]
fn the_token_keeps_balances_allowances_channels_freezes_roles_and_its_pause() {
    let mut c = chain();
    let p = Parties::new(&c);
    let t = token_010(&mut c, &p);
    let tk = t.addr.clone();
    assert_conserved(&c, &t);

    // The state is what the test claims.
    assert_eq!(c.q(&tk, &json!({"config": {}}))["paused"], true);
    let gina = c.q(&tk, &json!({"account": {"address": p.gina}}));
    assert_eq!(
        (gina["frozen"].clone(), gina["available"].clone()),
        (json!(true), json!("0"))
    );
    assert_eq!(
        c.q(&tk, &json!({"account": {"address": p.bob}}))["frozen_amount"],
        "100000"
    );
    assert_eq!(
        c.q(&tk, &json!({"account": {"address": t.lost}}))["frozen"],
        true
    );
    assert_eq!(balance(&c, &t, &t.found), 77_777);
    assert!(!channel(&c, &t, 2)["closing_at"].is_null());
    assert_eq!(channel(&c, &t, 3)["closed"], true);
    assert_eq!(
        c.q(&tk, &json!({"ownership": {}}))["pending_owner"],
        json!(p.new_owner)
    );

    let queries = queries(&p, &t);
    let before = c.answers(&tk, &queries);
    let verdicts_before = verdicts(&c, &p, &t);
    let dump = c.vm.dump(&tk).unwrap();
    let ch2_closing = channel(&c, &t, 2)["closing_at"].clone();
    let ch4_expiry = channel(&c, &t, 4)["expires_at"].clone();

    let migrated_at = c.now().seconds();
    let done = c.migrate(&tk, c.new.token);
    println!("token migration: {} VM gas", done.gas);
    assert_eq!(
        c.cw2(&tk),
        json!({"contract": TOKEN_NAME, "version": "0.2.0"})
    );
    assert_same_answers(&before, &c.answers(&tk, &queries));
    assert_eq!(verdicts(&c, &p, &t), verdicts_before);
    // Converted: the version, the config of the token paused under 0.1.0 (its pause clock
    // starts at the migration), and the account of gina, frozen under 0.1.0 while paying
    // an open channel (her freeze clock starts at the migration). Every other account
    // keeps its 0.1.0 five-field layout, which 0.2.0 reads as it is.
    let config = format!(r#"{{"r":"{}","p":true,"a":{migrated_at}}}"#, t.registry);
    let gina_key = account_key(&c, &p.gina);
    let mut gina: Vec<u128> = serde_json::from_slice(&dump[&gina_key]).unwrap();
    assert!(
        gina.len() <= 5,
        "0.1.0 layout [balance, frozen_amount, frozen, window_start, window_used]"
    );
    gina.resize(5, 0);
    gina.push(migrated_at.into());
    let gina_new = serde_json::to_string(&gina).unwrap();
    assert_storage_kept(
        &dump,
        &c.vm.dump(&tk).unwrap(),
        &[
            (CW2_KEY, cw2_value(TOKEN_NAME, "0.2.0")),
            (b"c", config.into_bytes()),
            (&gina_key, gina_new.into_bytes()),
        ],
        &[],
    );
    assert_conserved(&c, &t);

    // ---- the migrated token at work ----
    let transfer =
        |to: &Addr, n: u128| json!({"transfer": {"recipient": to, "amount": n.to_string()}});
    assert_eq!(c.refused(&tk, &p.alice, &transfer(&p.bob, 1_000)), "paused");
    c.vm.advance_seconds(HOUR);
    c.exec(
        &tk,
        &t.pauser,
        &json!({"unpause": {"reason": "incident_42_closed"}}),
    );
    // The hour paused after the migration moved the deadlines of every open channel.
    let moved = |v: &Value, s: u64| {
        json!(serde_json::from_value::<Timestamp>(v.clone())
            .unwrap()
            .plus_seconds(s))
    };
    assert_eq!(channel(&c, &t, 2)["closing_at"], moved(&ch2_closing, HOUR));

    let (alice0, bob0, erin0) = (
        balance(&c, &t, &p.alice),
        balance(&c, &t, &p.bob),
        balance(&c, &t, &p.erin),
    );
    c.exec(&tk, &p.alice, &transfer(&p.bob, 1_000));
    assert_eq!(balance(&c, &t, &p.alice), alice0 - 1_000);
    assert_eq!(balance(&c, &t, &p.bob), bob0 + 1_000);
    // A migrated allowance is spent.
    c.exec(
        &tk,
        &p.bob,
        &json!({"transfer_from": {"owner": p.alice, "recipient": p.erin, "amount": "5000"}}),
    );
    assert_eq!(
        c.q(
            &tk,
            &json!({"allowance": {"owner": p.alice, "spender": p.bob}})
        )["allowance"],
        "35000"
    );
    assert_eq!(balance(&c, &t, &p.erin), erin0 + 5_000);
    // Migrated freezes hold.
    assert_eq!(c.refused(&tk, &p.gina, &transfer(&p.alice, 1)), "frozen");
    // alice has 600 frozen: one unit more than the rest is refused.
    let alice_all = balance(&c, &t, &p.alice);
    assert_eq!(
        c.refused(&tk, &p.alice, &transfer(&p.bob, alice_all - 599)),
        "insufficient_funds"
    );
    assert_eq!(c.refused(&tk, &t.lost, &transfer(&p.alice, 1)), "frozen");
    c.exec(&tk, &t.found, &transfer(&p.alice, 7_777));

    // Channel 1 (migrated, open): bob claims a later voucher and closes; alice gets the rest.
    let alice1 = balance(&c, &t, &p.alice);
    let bob1 = balance(&c, &t, &p.bob);
    let sig = voucher(&c, &t, KeyType::Ed25519, &ED_SECRET, 1, &p.bob, 300_000);
    c.exec(&tk, &p.bob, &claim(1, 300_000, sig, true));
    assert_eq!(balance(&c, &t, &p.bob), bob1 + 200_000);
    assert_eq!(balance(&c, &t, &p.alice), alice1 + 1_200_000 - 300_000);
    assert_eq!(channel(&c, &t, 1)["closed"], true);

    // Channel 2 (migrated, closing): the settle period moved by the pause, so erin still
    // claims after the 0.1.0 deadline, and alice may close only after the moved one.
    let closing: Timestamp =
        serde_json::from_value(channel(&c, &t, 2)["closing_at"].clone()).unwrap();
    let old_closing: Timestamp = serde_json::from_value(ch2_closing).unwrap();
    c.vm.advance_seconds(old_closing.seconds() + 60 - c.now().seconds());
    assert_eq!(
        c.refused(&tk, &p.alice, &json!({"close_channel": {"channel": 2}})),
        "close_too_early"
    );
    let erin1 = balance(&c, &t, &p.erin);
    let sig = voucher(
        &c,
        &t,
        KeyType::Secp256k1,
        &SECP_SECRET,
        2,
        &p.erin,
        120_000,
    );
    c.exec(&tk, &p.erin, &claim(2, 120_000, sig, false));
    assert_eq!(balance(&c, &t, &p.erin), erin1 + 70_000);
    c.vm.advance_seconds(closing.seconds() - c.now().seconds());
    let alice2 = balance(&c, &t, &p.alice);
    c.exec(&tk, &p.alice, &json!({"close_channel": {"channel": 2}}));
    assert_eq!(balance(&c, &t, &p.alice), alice2 + 500_000 - 120_000);

    // Channel 4 (payer frozen under 0.1.0): the freeze goes on for five days after the
    // migration; its deadline moves by them (plus the hour of pause), as for a freeze
    // started under 0.2.0, so erin loses none of the channel's life.
    c.vm.advance_seconds(migrated_at + 5 * DAY - c.now().seconds());
    c.exec(
        &tk,
        &t.freezer,
        &json!({"unfreeze": {"address": p.gina, "reason": "cleared"}}),
    );
    assert_eq!(
        channel(&c, &t, 4)["expires_at"],
        moved(&ch4_expiry, HOUR + 5 * DAY),
        "a freeze in progress at the migration must move its channels' deadlines"
    );
    let erin2 = balance(&c, &t, &p.erin);
    let sig = voucher(&c, &t, KeyType::Ed25519, &ED_SECRET, 4, &p.erin, 800_000);
    c.exec(&tk, &p.erin, &claim(4, 800_000, sig, false));
    assert_eq!(balance(&c, &t, &p.erin), erin2 + 300_000);

    // A new channel after the migration gets the next id, with a travel-rule reference.
    let ed = signer(KeyType::Ed25519, &ED_SECRET);
    let opened = c.exec(
        &tk,
        &p.alice,
        &json!({"open_channel": {"payee": p.bob, "amount": "1000",
        "expires_at": c.now().plus_seconds(DAY), "signer": ed,
        "travel_rule_ref": hex(&[7; 32])}}),
    );
    assert_eq!(opened.attribute("channel"), Some("6"));
    // The pending owner takes over.
    c.exec(
        &tk,
        &p.new_owner,
        &json!({"update_ownership": "accept_ownership"}),
    );
    assert_eq!(
        c.q(&tk, &json!({"ownership": {}}))["owner"],
        json!(p.new_owner)
    );
    assert_conserved(&c, &t);
}

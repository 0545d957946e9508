//! End-to-end demo of the Farthing suite on the embedded cw-multi-test simulation.
//!
//! A compliance team deploys the KYC registry, loads its onboarding spreadsheet,
//! and the suite answers transfer checks the way the token will consult it.

use anyhow::{bail, Context, Result};
use cosmwasm_std::{HexBinary, Timestamp, Uint128};
use farthing_testing::{Suite, SuiteBuilder};
use farthing_types::kyc::{
    KycRegistry, KycStatus, PartyKind, Policy, RecordInput, TierLimit, TravelRule,
};
use farthing_types::token::{ExecuteMsg as TokenMsg, Payout};

const ONBOARDING: &str = include_str!("../data/onboarding.csv");
const DAY: u64 = 86_400;

fn policy() -> Policy {
    let tier = |per_transfer: Option<u128>, per_day: Option<u128>| TierLimit {
        max_per_transfer: per_transfer.map(Uint128::new),
        max_volume_per_window: per_day.map(Uint128::new),
        window_seconds: DAY,
    };
    Policy {
        blocked_jurisdictions: vec!["KP".into(), "IR".into()],
        tier_limits: vec![
            tier(Some(1_000_000), Some(10_000_000)),
            tier(Some(100_000_000), Some(1_000_000_000)),
            tier(None, None),
            tier(None, None),
        ],
        travel_rule: Some(TravelRule {
            threshold: Uint128::new(1_000_000_000),
            min_tier: 2,
        }),
        expiry_grace_seconds: 7 * DAY,
    }
}

/// One spreadsheet row -> one record. The attestation is the hash of the KYC file the
/// compliance team keeps off chain; the demo derives a stand-in from the row.
fn parse_row(suite: &Suite, line: &str, now: Timestamp) -> Result<(String, RecordInput)> {
    let cols: Vec<&str> = line.split(',').map(str::trim).collect();
    let [account, status, tier, kind, jurisdiction, days, reason] = cols[..] else {
        bail!("expected 7 columns in {line:?}");
    };
    let status = match status {
        "active" => KycStatus::Active,
        "suspended" => KycStatus::Suspended,
        "revoked" => KycStatus::Revoked,
        other => bail!("unknown status {other:?}"),
    };
    let kind = match kind {
        "individual" => PartyKind::Individual,
        "business" => PartyKind::Business,
        "contract" => PartyKind::Contract,
        other => bail!("unknown kind {other:?}"),
    };
    let mut attestation = [0u8; 32];
    for (i, b) in line.bytes().enumerate() {
        attestation[i % 32] ^= b;
    }
    let days: u64 = days.parse().context("expires_in_days")?;
    Ok((
        account.to_string(),
        RecordInput {
            address: suite.addr(account).to_string(),
            status,
            tier: tier.parse().context("tier")?,
            kind,
            jurisdiction: jurisdiction.to_string(),
            expires_at: Timestamp::from_seconds(now.seconds() + days * DAY),
            attestation: HexBinary::from(attestation.to_vec()),
            reason: reason.to_string(),
        },
    ))
}

fn verdicts(suite: &Suite, pairs: &[(&str, &str, u128)]) {
    let client = KycRegistry(suite.registry.clone());
    for (from, to, amount) in pairs {
        let (f, t) = (suite.addr(from), suite.addr(to));
        let smart = suite.check_transfer(&f, &t, *amount);
        let raw = client
            .check_transfer(
                &suite.app.wrap(),
                suite.now(),
                &f,
                &t,
                Uint128::new(*amount),
            )
            .expect("raw read");
        assert_eq!(raw, smart, "raw-read client and smart query disagree");
        match &smart.denial {
            None => println!("  {from:>5} -> {to:<5} {amount:>13}  allowed"),
            Some(d) => println!(
                "  {from:>5} -> {to:<5} {amount:>13}  DENIED {:<24} {}",
                d.code.as_str(),
                d.message.replace(
                    &d.party.to_string(),
                    &format!("<{}>", name_of(suite, &d.party))
                )
            ),
        }
    }
}

fn name_of(suite: &Suite, addr: &cosmwasm_std::Addr) -> String {
    ["alice", "bob", "carol", "kim", "dave", "erin"]
        .into_iter()
        .find(|n| suite.addr(n) == *addr)
        .unwrap_or("?")
        .to_string()
}

fn main() -> Result<()> {
    println!("Farthing demo: the KYC/AML registry on the embedded simulation (cw-multi-test)\n");
    let mut suite = SuiteBuilder::default()
        .with_officers(&["compliance-officer"])
        .with_policy(policy())
        .with_token()
        .build();
    println!("1. Registry deployed at {}", suite.registry);
    println!("   owner {}, officer {}", suite.owner, suite.officer);
    println!("   policy: KP and IR blocked; tier 0 max 1,000,000 per transfer; travel rule at 1,000,000,000 needs tier 2; 7-day grace\n");

    let now = suite.now();
    let rows = ONBOARDING
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| parse_row(&suite, l, now))
        .collect::<Result<Vec<_>>>()?;
    let officer = suite.officer.clone();
    let resp = suite
        .upsert(&officer, rows.iter().map(|(_, r)| r.clone()).collect())
        .map_err(|e| anyhow::anyhow!("upsert failed: {e}"))?;
    let updated = resp
        .events
        .iter()
        .filter(|e| e.ty == "wasm-kyc_record_updated")
        .count();
    println!(
        "2. Officer loaded data/onboarding.csv: {updated} records in one all-or-nothing batch"
    );

    let bad = {
        let mut r = rows[0].1.clone();
        r.jurisdiction = "Germany".into();
        r
    };
    let err = suite.upsert(&officer, vec![bad]).unwrap_err();
    println!(
        "   a row with jurisdiction \"Germany\" is refused: {}\n",
        err.root_cause()
    );

    println!("3. Transfer checks (raw-read client and CheckTransfer query agree on each):");
    verdicts(
        &suite,
        &[
            ("alice", "bob", 500_000),
            ("dave", "alice", 2_000_000),
            ("alice", "kim", 10),
            ("alice", "bob", 1_000_000_000),
            ("alice", "erin", 10),
        ],
    );

    let bob = suite.addr("bob");
    suite
        .set_status(&officer, &[&bob], KycStatus::Suspended, "aml_review")
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("\n4. Officer suspends bob (reason aml_review):");
    verdicts(&suite, &[("bob", "alice", 10), ("alice", "bob", 10)]);

    suite.advance_seconds(3 * DAY);
    println!("\n5. Three days later dave's KYC has expired (7-day grace for receiving):");
    verdicts(&suite, &[("dave", "alice", 10), ("alice", "dave", 10)]);

    println!("\n6. Audit log (newest first):");
    for e in suite.audit_log(None, None, Some(4), true) {
        println!(
            "  #{:<2} {:<16} subject {:<6} reason {:<15} at height {}",
            e.seq,
            e.action.as_str(),
            e.subject
                .as_ref()
                .map(|a| name_of(&suite, a))
                .unwrap_or_default(),
            e.reason.unwrap_or_default(),
            e.height
        );
    }
    token_demo(&mut suite)?;
    println!("\nDemo complete.");
    Ok(())
}

fn token_demo(suite: &mut Suite) -> Result<()> {
    let (minter, freezer) = (suite.addr("minter"), suite.addr("freezer"));
    let (alice, carol, dave) = (suite.addr("alice"), suite.addr("carol"), suite.addr("dave"));
    let run = |r: anyhow::Result<cw_multi_test::AppResponse>| {
        r.map_err(|e| anyhow::anyhow!("{}", e.root_cause()))
    };
    println!(
        "\n7. The micropayment token (cw20), connected to the registry at {}",
        suite.token
    );
    run(suite.execute_token(
        &minter,
        &TokenMsg::Mint {
            recipient: alice.to_string(),
            amount: Uint128::new(1_000_000),
        },
    ))?;
    println!("   minter mints 1,000,000 to alice (the gate checks alice as recipient)");

    let resp = run(suite.execute_token(
        &alice,
        &TokenMsg::Pay {
            recipient: carol.to_string(),
            amount: Uint128::new(250),
            reference: "article-2026-11-22-0042".into(),
            travel_rule_ref: None,
        },
    ))?;
    let ev = resp
        .events
        .iter()
        .find(|e| e.ty == "wasm-token_payment")
        .map(|e| e.attributes.len())
        .unwrap_or(0);
    println!("   alice pays carol 250 for an article (event wasm-token_payment, {ev} attributes)");

    let payouts: Vec<Payout> = [(&carol, 40u128), (&dave, 35)]
        .iter()
        .map(|(a, x)| Payout {
            recipient: a.to_string(),
            amount: Uint128::new(*x),
        })
        .collect();
    run(suite.execute_token(&alice, &TokenMsg::BatchTransfer { transfers: payouts }))?;
    println!("   alice pays carol 40 and dave 35 in one batch (dave is expired but inside the grace period)");

    println!("\n8. Dry runs with CanTransfer, before anyone pays:");
    for (from, to, amount) in [
        ("alice", "erin", 10u128),
        ("dave", "alice", 10),
        ("carol", "alice", 1_000),
    ] {
        let r = suite.can_transfer(&suite.addr(from), &suite.addr(to), amount);
        match r.verdict.denial {
            None => println!("  {from:>5} -> {to:<5} {amount:>6}  allowed"),
            Some(d) => println!(
                "  {from:>5} -> {to:<5} {amount:>6}  DENIED {}",
                d.code.as_str()
            ),
        }
    }

    run(suite.execute_token(
        &freezer,
        &TokenMsg::Freeze {
            address: carol.to_string(),
            reason: "court_order_17".into(),
        },
    ))?;
    let err = suite.transfer(&alice, &carol, 1).unwrap_err();
    println!(
        "\n9. Freezer freezes carol: a payment to her is refused: {}",
        err.root_cause()
    );
    println!(
        "   balances: alice {}, carol {} (frozen), dave {}; supply {}",
        suite.balance(&alice),
        suite.balance(&carol),
        suite.balance(&dave),
        suite.total_supply()
    );
    channel_demo(suite)?;
    Ok(())
}

/// 1,000 article reads at 3 units each, paid off chain and settled with one claim.
fn channel_demo(suite: &mut Suite) -> Result<()> {
    use farthing_voucher::{public_key, sign, KeyType, Voucher};
    let (alice, dave) = (suite.addr("alice"), suite.addr("dave"));
    let session_key = [0x5au8; 32];
    let run = |r: anyhow::Result<cw_multi_test::AppResponse>| {
        r.map_err(|e| anyhow::anyhow!("{}", e.root_cause()))
    };
    run(suite.execute_token(
        &alice,
        &TokenMsg::OpenChannel {
            payee: dave.to_string(),
            amount: Uint128::new(5_000),
            expires_at: suite.now().plus_seconds(30 * DAY),
            signer: public_key(KeyType::Ed25519, &session_key)?,
            travel_rule_ref: None,
        },
    ))?;
    let mut signature = cosmwasm_std::HexBinary::default();
    for read in 1..=1_000u128 {
        let voucher = Voucher {
            chain_id: suite.app.block_info().chain_id,
            token: suite.token.to_string(),
            channel_id: 1,
            payee: dave.to_string(),
            cumulative: Uint128::new(3 * read),
        };
        signature = sign(KeyType::Ed25519, &session_key, &voucher)?;
    }
    run(suite.execute_token(
        &dave,
        &TokenMsg::Claim {
            channel: 1,
            cumulative: Uint128::new(3_000),
            signature,
            close: Some(true),
        },
    ))?;
    println!(
        "\n10. alice opens a channel of 5,000 to dave and reads 1,000 articles at 3 units each,"
    );
    println!("    signing a voucher per read off chain; dave claims the last one and closes: he gets 3,000,");
    println!("    alice gets 2,000 back, in 2 transactions instead of 1,000");
    println!(
        "    balances: alice {}, dave {}; supply {}",
        suite.balance(&alice),
        suite.balance(&dave),
        suite.total_supply()
    );
    Ok(())
}

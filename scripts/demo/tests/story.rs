//! The story of `cargo run -p farthing-demo`, run as a test: `play` checks every party's
//! balance, the supply and the escrow's holdings after every step (and fails on the first
//! difference); this test also checks what the story shows.

use farthing_demo::layout::WIDTH;
use farthing_demo::{play, Gas, Hold};

#[test]
fn the_story_plays_on_the_optimized_wasm_with_every_balance_checked() {
    let mut out = Vec::new();
    let summary = match play(&mut out) {
        Ok(summary) => summary,
        Err(e) => panic!(
            "{}\nthe story stopped: {e:#}",
            String::from_utf8_lossy(&out)
        ),
    };
    let text = String::from_utf8(out).expect("the story prints UTF-8");

    // The story, step by step.
    let keys: Vec<&str> = summary.steps.iter().map(|s| s.key).collect();
    assert_eq!(
        keys,
        [
            "deploy_registry",
            "deploy_token",
            "deploy_escrow",
            "onboard",
            "mint",
            "mint",
            "mint",
            "transfer",
            "pay_blocked",
            "can_transfer",
            "pay_over_limit",
            "pay",
            "register_work",
            "open_channel",
            "sign_vouchers",
            "verify_vouchers",
            "claim_close",
            "royalty_pay",
            "royalty_claim",
            "royalty_claim",
            "royalty_claim",
            "create_deal",
            "release_paid",
            "freeze",
            "release_frozen",
            "unfreeze",
            "dispute",
            "resolve",
            "claim_held_lapsed",
            "renew",
            "claim_held",
        ]
    );

    // Refusals and denials, by their stable codes.
    let code = |key: &str| {
        summary
            .step(key)
            .unwrap_or_else(|| panic!("no step {key}"))
            .code
            .as_deref()
    };
    assert_eq!(code("pay_blocked"), Some("jurisdiction_blocked"));
    assert_eq!(code("can_transfer"), Some("over_per_transfer_limit"));
    assert_eq!(code("pay_over_limit"), Some("over_per_transfer_limit"));
    assert_eq!(code("claim_held_lapsed"), Some("expired"));
    let refused: Vec<&str> = summary
        .steps
        .iter()
        .filter(|s| s.result == "refused")
        .map(|s| s.key)
        .collect();
    assert_eq!(
        refused,
        ["pay_blocked", "pay_over_limit", "claim_held_lapsed"]
    );
    assert_eq!(summary.step("can_transfer").unwrap().gas, Gas::Query);

    // The payouts the escrow held: one the token refused (the escrow's reply held it),
    // one the registry refused (held before anything was sent: no reply), then collected.
    assert_eq!(
        summary.holds,
        [
            Hold {
                step: "release_frozen",
                to: "dave".into(),
                amount: 3_000,
                code: "transfer_refused".into(),
                replies: 1,
            },
            Hold {
                step: "resolve",
                to: "dave".into(),
                amount: 1_800,
                code: "expired".into(),
                replies: 0,
            },
        ]
    );
    assert_eq!(summary.step("release_frozen").unwrap().replies, 1);
    assert_eq!(summary.step("release_paid").unwrap().replies, 0);
    assert_eq!(summary.claimed_held, 4_800);

    // Gas: every transaction pays at least one contract call; the channel beats a
    // transfer per micropayment.
    for step in &summary.steps {
        if let Gas::Tx(gas) = step.gas {
            assert!(
                gas >= farthing_vm::gas::INSTANCE_COST,
                "{} cost {gas} SDK gas",
                step.key
            );
        }
    }
    let channel = summary.channel;
    assert_eq!(channel.micropayments, 1_000);
    assert_eq!(
        channel.per_micropayment(),
        (channel.open + channel.claim_and_close).div_ceil(1_000)
    );
    assert!(
        channel.per_micropayment() < channel.transfer,
        "a micropayment through the channel costs {} gas, a transfer {}",
        channel.per_micropayment(),
        channel.transfer
    );
    assert_eq!(
        Some(channel.transfer),
        summary.step("transfer").unwrap().gas.sdk()
    );

    // What a newcomer reads: five acts, short lines.
    for act in 1..=5 {
        assert!(
            text.contains(&format!("\nAct {act}. ")),
            "no act {act}:\n{text}"
        );
    }
    for line in text.lines() {
        assert!(
            line.chars().count() <= WIDTH,
            "a line over {WIDTH} columns: {line:?}"
        );
    }
}

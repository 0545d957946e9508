//! Attacks that combine features (issue 9): each test names the property that must hold,
//! and each failed on the code before the fix that made it pass.

use cosmwasm_std::{coins, from_json, HexBinary, Timestamp, Uint128};
use cw_multi_test::Executor;
use farthing_micropay_token::ContractError;
use farthing_testing::{Suite, SuiteBuilder};
use farthing_types::kyc::{
    Denial, DenialCode, KycStatus, PartyKind, PartyRole, Policy, TierLimit, TravelRule,
};
use farthing_types::token::{Channel, ExecuteMsg, OpenChannelResponse, QueryMsg, SignerKey};
use farthing_voucher::VoucherError;

use super::assert_token_rejected;
use super::paths::{channel_signer, voucher_signature};

pub(super) fn u(n: u128) -> Uint128 {
    Uint128::new(n)
}

pub(super) const DAY: u64 = 86_400;

fn open_msg(s: &Suite, payee: &str, amount: u128, ttl: u64) -> ExecuteMsg {
    ExecuteMsg::OpenChannel {
        payee: s.addr(payee).to_string(),
        amount: u(amount),
        expires_at: s.now().plus_seconds(ttl),
        signer: channel_signer(),
        travel_rule_ref: None,
    }
}

/// Opens a channel from `payer` to `payee`; returns its id (read from the response data).
pub(super) fn open(s: &mut Suite, payer: &str, payee: &str, amount: u128, ttl: u64) -> u64 {
    let msg = open_msg(s, payee, amount, ttl);
    let payer = s.addr(payer);
    let resp = s.execute_token(&payer, &msg).unwrap();
    let data: OpenChannelResponse =
        from_json(resp.data.expect("open_channel returns data")).unwrap();
    data.channel
}

pub(super) fn channel(s: &Suite, id: u64) -> Channel {
    s.query_token(&QueryMsg::Channel { channel: id })
}

pub(super) fn claim(
    s: &mut Suite,
    payee: &str,
    id: u64,
    cumulative: u128,
    close: bool,
) -> anyhow::Result<cw_multi_test::AppResponse> {
    let payee = s.addr(payee);
    let signature = voucher_signature(s, id, &payee, cumulative);
    s.execute_token(
        &payee,
        &ExecuteMsg::Claim {
            channel: id,
            cumulative: u(cumulative),
            signature,
            close: Some(close),
        },
    )
}

pub(super) fn exec(
    s: &mut Suite,
    who: &str,
    msg: &ExecuteMsg,
) -> anyhow::Result<cw_multi_test::AppResponse> {
    let sender = s.addr(who);
    s.execute_token(&sender, msg)
}

fn windowed(tier: usize, max_volume: u128) -> Policy {
    let mut tiers = vec![TierLimit::default(); 4];
    tiers[tier] = TierLimit {
        max_per_transfer: None,
        max_volume_per_window: Some(u(max_volume)),
        window_seconds: DAY,
    };
    Policy {
        tier_limits: tiers,
        ..Policy::default()
    }
}

// ---- 1. A valid voucher can always be claimed until the close completes ----

#[test]
fn payer_filling_its_own_window_cannot_block_the_payees_claim() {
    let mut s = SuiteBuilder::default()
        .with_policy(windowed(2, 1_000))
        .with_funded("reader", 2, "DE", 10_000)
        .with_listed("publisher", 2, "FR")
        .with_listed("reader2", 2, "DE")
        .build();
    let id = open(&mut s, "reader", "publisher", 500, 7 * DAY);
    // The deposit counts once, in the payer's window, when it is locked.
    assert_eq!(s.account(&s.addr("reader")).window_used, u(500));
    exec(&mut s, "reader", &ExecuteMsg::StartClose { channel: id }).unwrap();
    // The payer spends the rest of its window on a second wallet of its own.
    let reader2 = s.addr("reader2");
    s.transfer(&s.addr("reader"), &reader2, 500).unwrap();
    assert_eq!(s.account(&s.addr("reader")).window_used, u(1_000));
    // The payee's voucher is still good: a claim counts in no window.
    claim(&mut s, "publisher", id, 400, false).unwrap();
    assert_eq!(s.balance(&s.addr("publisher")), 400);
    assert_eq!(s.account(&s.addr("publisher")).window_used, u(0));
    s.advance_seconds(DAY);
    exec(&mut s, "reader", &ExecuteMsg::CloseChannel { channel: id }).unwrap();
    assert_eq!(s.balance(&s.addr("reader")), 10_000 - 500 - 500 + 100);
    assert_eq!(s.total_supply(), 10_000);
}

#[test]
fn the_deposit_counts_in_the_payers_window_at_lock() {
    let mut s = SuiteBuilder::default()
        .with_policy(windowed(2, 1_000))
        .with_funded("reader", 2, "DE", 10_000)
        .with_listed("publisher", 2, "FR")
        .build();
    let reader = s.addr("reader");
    let id = open(&mut s, "reader", "publisher", 700, 7 * DAY);
    let msg = ExecuteMsg::TopUpChannel {
        channel: id,
        amount: u(301),
    };
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &msg),
        ContractError::VolumeWindowExceeded {
            address: reader.to_string(),
            limit: u(1_000),
            remaining: u(300),
            needed: u(301),
        },
    );
    // Exactly the rest of the window is fine.
    exec(
        &mut s,
        "reader",
        &ExecuteMsg::TopUpChannel {
            channel: id,
            amount: u(300),
        },
    )
    .unwrap();
    assert_eq!(s.account(&reader).window_used, u(1_000));
    assert_eq!(channel(&s, id).deposit, u(1_000));
}

pub(super) fn pause(s: &mut Suite) {
    exec(
        s,
        "pauser",
        &ExecuteMsg::Pause {
            reason: "incident".into(),
        },
    )
    .unwrap();
}

pub(super) fn unpause(s: &mut Suite) {
    exec(
        s,
        "pauser",
        &ExecuteMsg::Unpause {
            reason: "resolved".into(),
        },
    )
    .unwrap();
}

pub(super) fn channel_suite() -> Suite {
    SuiteBuilder::default()
        .with_funded("reader", 2, "DE", 10_000)
        .with_listed("publisher", 2, "FR")
        .build()
}

#[test]
fn a_pause_does_not_eat_the_settle_period() {
    let mut s = channel_suite();
    let id = open(&mut s, "reader", "publisher", 1_000, 30 * DAY);
    exec(&mut s, "reader", &ExecuteMsg::StartClose { channel: id }).unwrap();
    let closing_at = channel(&s, id).closing_at.unwrap();
    assert_eq!(closing_at, s.now().plus_seconds(DAY));
    // An hour in, the token is paused for two days: past the original deadline.
    s.advance_seconds(3_600);
    pause(&mut s);
    s.advance_seconds(2 * DAY);
    unpause(&mut s);
    // The deadline moved by the paused time: 23 hours of the settle period are left.
    assert_eq!(
        channel(&s, id).closing_at,
        Some(closing_at.plus_seconds(2 * DAY))
    );
    let reader = s.addr("reader");
    let after = closing_at.plus_seconds(2 * DAY);
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &ExecuteMsg::CloseChannel { channel: id }),
        ContractError::CloseTooEarly { channel: id, after },
    );
    claim(&mut s, "publisher", id, 600, false).unwrap();
    assert_eq!(s.balance(&s.addr("publisher")), 600);
    s.advance_seconds(DAY - 3_600);
    exec(&mut s, "reader", &ExecuteMsg::CloseChannel { channel: id }).unwrap();
    assert_eq!(s.balance(&reader), 9_400);
}

#[test]
fn a_close_started_during_a_pause_waits_for_the_unpause() {
    let mut s = channel_suite();
    let id = open(&mut s, "reader", "publisher", 1_000, 30 * DAY);
    pause(&mut s);
    exec(&mut s, "reader", &ExecuteMsg::StartClose { channel: id }).unwrap();
    s.advance_seconds(3 * DAY);
    unpause(&mut s);
    let ch = channel(&s, id);
    assert_eq!(ch.closing_at, Some(s.now().plus_seconds(DAY)));
    claim(&mut s, "publisher", id, 250, true).unwrap();
    assert_eq!(s.balance(&s.addr("publisher")), 250);
    assert_eq!(s.balance(&s.addr("reader")), 9_750);
}

#[test]
fn a_pause_does_not_eat_the_channel_expiry() {
    let mut s = channel_suite();
    let id = open(&mut s, "reader", "publisher", 1_000, DAY);
    let expires_at = channel(&s, id).expires_at;
    s.advance_seconds(DAY - 60);
    pause(&mut s);
    s.advance_seconds(DAY);
    unpause(&mut s);
    // A minute of the channel's life is left: the payer cannot close at once.
    let reader = s.addr("reader");
    assert_eq!(channel(&s, id).expires_at, expires_at.plus_seconds(DAY));
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&reader, &ExecuteMsg::CloseChannel { channel: id }),
        ContractError::CloseTooEarly {
            channel: id,
            after: expires_at.plus_seconds(DAY),
        },
    );
    claim(&mut s, "publisher", id, 1_000, true).unwrap();
    assert_eq!(s.balance(&s.addr("publisher")), 1_000);
}

// ---- 2. A channel obeys the same limits as a direct transfer ----

fn limited() -> Policy {
    let mut tiers = vec![TierLimit::default(); 4];
    tiers[0] = TierLimit {
        max_per_transfer: Some(u(100)),
        max_volume_per_window: None,
        window_seconds: 0,
    };
    Policy {
        tier_limits: tiers,
        travel_rule: Some(TravelRule {
            threshold: u(10_000),
            min_tier: 2,
        }),
        ..Policy::default()
    }
}

#[test]
fn a_channel_deposit_obeys_the_per_transfer_limit() {
    let mut s = SuiteBuilder::default()
        .with_policy(limited())
        .with_funded("teen", 0, "DE", 10_000)
        .with_listed("publisher", 2, "FR")
        .build();
    let teen = s.addr("teen");
    let msg = open_msg(&s, "publisher", 5_000, DAY);
    let denied = |amount: u128| {
        ContractError::Denied(Denial::new(
            &teen,
            PartyRole::Sender,
            DenialCode::OverPerTransferLimit,
            format!("amount {amount} exceeds the per-transfer limit 100 of KYC tier 0"),
        ))
    };
    assert_token_rejected(&mut s, |s| s.execute_token(&teen, &msg), denied(5_000));
    // Exactly the limit is fine; a top-up may not take the deposit past it.
    let id = open(&mut s, "teen", "publisher", 100, DAY);
    let top_up = ExecuteMsg::TopUpChannel {
        channel: id,
        amount: u(1),
    };
    assert_token_rejected(&mut s, |s| s.execute_token(&teen, &top_up), denied(101));
    claim(&mut s, "publisher", id, 100, true).unwrap();
    assert_eq!(s.balance(&s.addr("publisher")), 100);
}

#[test]
fn a_channel_deposit_obeys_the_travel_rule() {
    let mut s = SuiteBuilder::default()
        .with_policy(limited())
        .with_funded("whale", 3, "DE", 100_000)
        .with_listed("kiosk", 1, "FR")
        .build();
    let (whale, kiosk) = (s.addr("whale"), s.addr("kiosk"));
    let msg = open_msg(&s, "kiosk", 50_000, DAY);
    let expected = ContractError::Denied(Denial::new(
        &kiosk,
        PartyRole::Recipient,
        DenialCode::TravelRule,
        format!(
            "amount 50000 is at or above the travel-rule threshold 10000; recipient {kiosk} has KYC tier 1 but tier 2 is required"
        ),
    ));
    assert_token_rejected(&mut s, |s| s.execute_token(&whale, &msg), expected);
    // Just below the threshold is a plain channel; a top-up to the threshold is refused.
    let id = open(&mut s, "whale", "kiosk", 9_999, DAY);
    let top_up = ExecuteMsg::TopUpChannel {
        channel: id,
        amount: u(1),
    };
    let err = s.execute_token(&whale, &top_up).unwrap_err();
    assert!(matches!(
        err.downcast::<ContractError>().unwrap(),
        ContractError::Denied(Denial {
            code: DenialCode::TravelRule,
            ..
        })
    ));
}

#[test]
fn a_travel_rule_reference_at_open_lifts_the_travel_rule_for_the_channel() {
    let mut s = SuiteBuilder::default()
        .with_policy(limited())
        .with_funded("whale", 3, "DE", 100_000)
        .with_listed("kiosk", 1, "FR")
        .build();
    let whale = s.addr("whale");
    let tr = HexBinary::from(vec![7u8; 32]);
    let msg = ExecuteMsg::OpenChannel {
        payee: s.addr("kiosk").to_string(),
        amount: u(50_000),
        expires_at: s.now().plus_seconds(DAY),
        signer: channel_signer(),
        travel_rule_ref: Some(tr.clone()),
    };
    s.execute_token(&whale, &msg).unwrap();
    let ch = channel(&s, 1);
    assert_eq!(ch.travel_rule_ref, Some(tr));
    exec(
        &mut s,
        "whale",
        &ExecuteMsg::TopUpChannel {
            channel: 1,
            amount: u(10_000),
        },
    )
    .unwrap();
    claim(&mut s, "kiosk", 1, 60_000, true).unwrap();
    assert_eq!(s.balance(&s.addr("kiosk")), 60_000);
    // A malformed reference is refused.
    let bad = ExecuteMsg::OpenChannel {
        payee: s.addr("kiosk").to_string(),
        amount: u(50_000),
        expires_at: s.now().plus_seconds(DAY),
        signer: channel_signer(),
        travel_rule_ref: Some(HexBinary::from(vec![7u8; 31])),
    };
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&whale, &bad),
        ContractError::InvalidTravelRuleRef {
            length: 31,
            expected: 32,
        },
    );
}

// ---- 3. A payer who turns non-compliant cannot keep paying, and never profits ----

#[test]
fn a_frozen_payer_stops_paying_and_its_refund_is_held() {
    let mut s = channel_suite();
    let reader = s.addr("reader");
    let id = open(&mut s, "reader", "publisher", 1_000, 7 * DAY);
    claim(&mut s, "publisher", id, 100, false).unwrap();
    exec(
        &mut s,
        "freezer",
        &ExecuteMsg::Freeze {
            address: reader.to_string(),
            reason: "sanctions_hit".into(),
        },
    )
    .unwrap();
    let publisher = s.addr("publisher");
    let sig = voucher_signature(&s, id, &publisher, 300);
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &publisher,
                &ExecuteMsg::Claim {
                    channel: id,
                    cumulative: u(300),
                    signature: sig,
                    close: None,
                },
            )
        },
        ContractError::AccountFrozen {
            address: reader.to_string(),
        },
    );
    // The payee closes: the 900 left go back to the payer as frozen tokens, held for
    // the compliance process, not for the payer's free use.
    let resp = exec(
        &mut s,
        "publisher",
        &ExecuteMsg::CloseChannel { channel: id },
    )
    .unwrap();
    let acc = s.account(&reader);
    assert_eq!((acc.balance, acc.frozen_amount), (u(9_900), u(900)));
    let closed = farthing_testing::wasm_events(&resp, "token_channel_closed");
    assert!(closed[0]
        .attributes
        .iter()
        .any(|a| a.key == "held" && a.value == "frozen"));
    // Unfrozen later, the address still cannot spend the held refund until the freezer
    // releases it.
    exec(
        &mut s,
        "freezer",
        &ExecuteMsg::Unfreeze {
            address: reader.to_string(),
            reason: "cleared".into(),
        },
    )
    .unwrap();
    assert_eq!(s.account(&reader).available, u(9_000));
}

#[test]
fn a_revoked_payer_stops_paying_and_its_refund_is_held() {
    let mut s = channel_suite();
    let (reader, publisher, officer) = (s.addr("reader"), s.addr("publisher"), s.officer.clone());
    let id = open(&mut s, "reader", "publisher", 1_000, 7 * DAY);
    s.set_status(&officer, &[&reader], KycStatus::Revoked, "sanctioned")
        .unwrap();
    let sig = voucher_signature(&s, id, &publisher, 300);
    let claim_msg = ExecuteMsg::Claim {
        channel: id,
        cumulative: u(300),
        signature: sig,
        close: None,
    };
    let err = s
        .execute_token(&publisher, &claim_msg)
        .unwrap_err()
        .downcast::<ContractError>()
        .unwrap();
    assert!(matches!(
        err,
        ContractError::Denied(Denial {
            code: DenialCode::Revoked,
            role: PartyRole::Sender,
            ref party,
            ..
        }) if *party == reader
    ));
    // The payer starts closing and waits: its refund is held.
    exec(&mut s, "reader", &ExecuteMsg::StartClose { channel: id }).unwrap();
    s.advance_seconds(DAY);
    exec(&mut s, "reader", &ExecuteMsg::CloseChannel { channel: id }).unwrap();
    let acc = s.account(&reader);
    assert_eq!((acc.balance, acc.frozen_amount), (u(10_000), u(1_000)));
}

#[test]
fn an_expired_payer_does_not_void_the_payees_vouchers() {
    let mut s = channel_suite();
    let reader = s.addr("reader");
    let id = open(&mut s, "reader", "publisher", 1_000, 2 * 365 * DAY);
    // The payer lets its KYC lapse (listed for one year); the payee renews its own.
    s.advance_seconds(366 * DAY);
    let (officer, publisher) = (s.officer.clone(), s.addr("publisher"));
    let renewed = farthing_testing::kyc_input(&publisher, 2, "FR", s.now());
    s.upsert(&officer, vec![renewed]).unwrap();
    assert!(matches!(
        s.can_transfer(&reader, &s.addr("publisher"), 1)
            .verdict
            .denial,
        Some(Denial {
            code: DenialCode::Expired,
            ..
        })
    ));
    claim(&mut s, "publisher", id, 700, true).unwrap();
    assert_eq!(s.balance(&s.addr("publisher")), 700);
    // A lapse is not a sanction: the refund is the payer's.
    let acc = s.account(&reader);
    assert_eq!((acc.balance, acc.frozen_amount), (u(9_300), u(0)));
}

// ---- 4. Signer keys are checked at open ----

#[test]
fn weak_and_invalid_signer_keys_are_refused_at_open() {
    let mut s = channel_suite();
    let reader = s.addr("reader");
    let mut identity = vec![0u8; 32];
    identity[0] = 1;
    // The other small-order points of ed25519 (order 2, 4 and 8), as libsodium lists them.
    let order2 = {
        let mut k = vec![0xffu8; 32];
        k[0] = 0xec;
        k[31] = 0x7f;
        k
    };
    let order8 = hex_32("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a");
    let not_a_point = {
        // y = 2 is not the y of any point of edwards25519.
        let mut k = vec![0u8; 32];
        k[0] = 2;
        k
    };
    let mut off_curve = vec![0u8; 33];
    off_curve[0] = 0x02;
    off_curve[32] = 5; // x = 5: x^3 + 7 is not a square mod p.
    let cases = [
        (SignerKey::Ed25519(HexBinary::from(identity)), "ed25519"),
        (SignerKey::Ed25519(HexBinary::from(order2)), "ed25519"),
        (SignerKey::Ed25519(HexBinary::from(order8)), "ed25519"),
        (
            SignerKey::Ed25519(HexBinary::from(vec![0u8; 32])),
            "ed25519",
        ),
        (SignerKey::Ed25519(HexBinary::from(not_a_point)), "ed25519"),
        (
            SignerKey::Secp256k1(HexBinary::from(off_curve)),
            "secp256k1",
        ),
    ];
    for (signer, kind) in cases {
        let msg = ExecuteMsg::OpenChannel {
            payee: s.addr("publisher").to_string(),
            amount: u(1_000),
            expires_at: s.now().plus_seconds(DAY),
            signer,
            travel_rule_ref: None,
        };
        assert_token_rejected(
            &mut s,
            |s| s.execute_token(&reader, &msg),
            ContractError::InvalidVoucher(VoucherError::InvalidKey { kind }),
        );
    }
}

fn hex_32(s: &str) -> Vec<u8> {
    HexBinary::from_hex(s).unwrap().to_vec()
}

// ---- 5. Freeze applies to spenders too ----

#[test]
fn a_frozen_spender_cannot_spend_allowances() {
    // With the registry and without it: the freeze is the token's own rule.
    let paths = ["transfer_from", "send_from", "burn_from"];
    for (path, compliance) in paths.iter().flat_map(|p| [(*p, true), (*p, false)]) {
        let builder = SuiteBuilder::default()
            .with_funded("alice", 2, "DE", 1_000)
            .with_listed("spender", 2, "DE")
            .with_listed("bob", 2, "DE");
        let mut s = if compliance {
            builder.build()
        } else {
            builder.with_token_without_compliance().build()
        };
        let (alice, spender, bob) = (s.addr("alice"), s.addr("spender"), s.addr("bob"));
        exec(
            &mut s,
            "alice",
            &ExecuteMsg::IncreaseAllowance {
                spender: spender.to_string(),
                amount: u(500),
                expires: None,
            },
        )
        .unwrap();
        exec(
            &mut s,
            "freezer",
            &ExecuteMsg::Freeze {
                address: spender.to_string(),
                reason: "fraud_report".into(),
            },
        )
        .unwrap();
        let msg = match path {
            "transfer_from" => ExecuteMsg::TransferFrom {
                owner: alice.to_string(),
                recipient: bob.to_string(),
                amount: u(100),
            },
            "send_from" => ExecuteMsg::SendFrom {
                owner: alice.to_string(),
                contract: bob.to_string(),
                amount: u(100),
                msg: cosmwasm_std::to_json_binary(&"x").unwrap(),
            },
            _ => ExecuteMsg::BurnFrom {
                owner: alice.to_string(),
                amount: u(100),
            },
        };
        assert_token_rejected(
            &mut s,
            |s| s.execute_token(&spender, &msg),
            ContractError::AccountFrozen {
                address: spender.to_string(),
            },
        );
    }
}

#[test]
fn a_recovered_wallets_key_cannot_drain_its_allowances() {
    let mut s = SuiteBuilder::default()
        .with_funded("alice", 2, "DE", 1_000)
        .with_funded("lost", 2, "DE", 50)
        .with_listed("new", 2, "DE")
        .with_listed("thief", 2, "DE")
        .build();
    let (alice, lost, thief) = (s.addr("alice"), s.addr("lost"), s.addr("thief"));
    exec(
        &mut s,
        "alice",
        &ExecuteMsg::IncreaseAllowance {
            spender: lost.to_string(),
            amount: u(800),
            expires: None,
        },
    )
    .unwrap();
    let new = s.addr("new");
    exec(
        &mut s,
        "agent",
        &ExecuteMsg::Recover {
            lost: lost.to_string(),
            new_address: new.to_string(),
            reason: "lost_key".into(),
        },
    )
    .unwrap();
    let msg = ExecuteMsg::TransferFrom {
        owner: alice.to_string(),
        recipient: thief.to_string(),
        amount: u(800),
    };
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&lost, &msg),
        ContractError::AccountFrozen {
            address: lost.to_string(),
        },
    );
    assert_eq!(s.balance(&alice), 1_000);
}

// ---- 6. forced_transfer refuses from == to ----

#[test]
fn a_forced_transfer_to_the_same_address_is_refused() {
    let mut s = SuiteBuilder::default()
        .with_funded("alice", 2, "DE", 1_000)
        .build();
    let alice = s.addr("alice");
    exec(
        &mut s,
        "freezer",
        &ExecuteMsg::FreezeTokens {
            address: alice.to_string(),
            amount: u(400),
            reason: "court_order".into(),
        },
    )
    .unwrap();
    let agent = s.addr("agent");
    let msg = ExecuteMsg::ForcedTransfer {
        from: alice.to_string(),
        to: alice.to_string(),
        amount: u(1_000),
        reason: "court_order".into(),
        unfreeze: true,
    };
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&agent, &msg),
        ContractError::ForcedTransferToSelf,
    );
    assert_eq!(s.account(&alice).frozen_amount, u(400));
}

// ---- 8. Limits of a pass-through contract are not shared by everyone ----

#[test]
fn a_contract_kind_sender_is_not_held_to_a_persons_limits() {
    // The escrow-like pass-through is tier 0, whose limits are 100 per transfer and 150
    // per window; its end parties are held to their own limits when they pay into it.
    let mut tiers = vec![TierLimit::default(); 4];
    tiers[0] = TierLimit {
        max_per_transfer: Some(u(100)),
        max_volume_per_window: Some(u(150)),
        window_seconds: DAY,
    };
    let mut s = SuiteBuilder::default()
        .with_policy(Policy {
            tier_limits: tiers,
            ..Policy::default()
        })
        .with_funded("alice", 2, "DE", 1_000)
        .with_listed_kind("vault", 0, "DE", PartyKind::Contract)
        .with_listed("bob", 2, "DE")
        .with_listed("carol", 2, "DE")
        .build();
    let (alice, vault, bob, carol) = (
        s.addr("alice"),
        s.addr("vault"),
        s.addr("bob"),
        s.addr("carol"),
    );
    s.transfer(&alice, &vault, 500).unwrap();
    // One user's 400 through the pass-through neither hits a per-transfer limit nor
    // fills a window that every other user of the contract shares.
    s.transfer(&vault, &bob, 400).unwrap();
    s.transfer(&vault, &carol, 100).unwrap();
    assert_eq!((s.balance(&bob), s.balance(&carol)), (400, 100));
    assert_eq!(s.account(&vault).window_used, u(0));
    // The registry's own verdict agrees.
    assert!(s.check_transfer(&vault, &bob, 400).allowed);
}

// ---- 11. Messages that take no funds refuse attached coins ----

#[test]
fn token_messages_refuse_attached_coins() {
    let mut s = SuiteBuilder::default()
        .with_funded("alice", 2, "DE", 1_000)
        .with_listed("bob", 2, "DE")
        .build();
    let (alice, bob) = (s.addr("alice"), s.addr("bob"));
    s.fund_native(&alice, 100, "ueur");
    let msg = ExecuteMsg::Transfer {
        recipient: bob.to_string(),
        amount: u(10),
    };
    let token = s.token.clone();
    farthing_testing::assert_rejected_unchanged(
        &mut s,
        |s| (s.token_snapshot(), s.native_balance(&alice, "ueur")),
        |s| {
            s.app
                .execute_contract(alice.clone(), token, &msg, &coins(100, "ueur"))
        },
        ContractError::Payment(cw_utils::PaymentError::NonPayable {}),
    );
}

// ---- 14. cw20-base's own InstantiateMsg ----

#[test]
fn the_token_accepts_cw20_bases_instantiate_msg() {
    let mut s = SuiteBuilder::default().build();
    let code = s
        .app
        .store_code(farthing_testing::micropay_token_contract());
    let creator = s.addr("launchpad");
    let msg = cw20_base::msg::InstantiateMsg {
        name: "Plain Token".into(),
        symbol: "PLAIN".into(),
        decimals: 6,
        initial_balances: vec![cw20::Cw20Coin {
            address: s.addr("alice").to_string(),
            amount: u(1_000),
        }],
        mint: Some(cw20::MinterResponse {
            minter: creator.to_string(),
            cap: None,
        }),
        marketing: None,
    };
    let token = s
        .app
        .instantiate_contract(code, creator.clone(), &msg, &[], "plain", None)
        .unwrap();
    s.token = token;
    let cfg: farthing_types::token::ConfigResponse = s.query_token(&QueryMsg::Config {});
    assert_eq!((cfg.registry, cfg.paused), (None, false));
    assert_eq!(s.balance(&s.addr("alice")), 1_000);
    let owner: cw_ownable::Ownership<cosmwasm_std::Addr> = s.query_token(&QueryMsg::Ownership {});
    assert_eq!(owner.owner, Some(creator));
}

// ---- 15. Created things come back in the response data ----

#[test]
fn open_channel_returns_the_channel_id_in_data() {
    let mut s = channel_suite();
    let first = open(&mut s, "reader", "publisher", 10, DAY);
    let second = open(&mut s, "reader", "publisher", 10, DAY);
    assert_eq!((first, second), (1, 2));
    let _: Timestamp = channel(&s, second).expires_at;
}

// ---- 16. Every refusal carries its stable machine-readable code ----

#[test]
fn every_refusal_carries_a_parseable_code() {
    let mut s = SuiteBuilder::default()
        .with_policy(Policy {
            blocked_jurisdictions: vec!["KP".into()],
            ..Policy::default()
        })
        .with_funded("alice", 2, "DE", 1_000)
        .with_listed("kim", 2, "KP")
        .build();
    let (alice, kim) = (s.addr("alice"), s.addr("kim"));
    // The whole error chain, as a client sees it in a failed transaction's log.
    let log = |e: anyhow::Error| format!("{e:#}");
    let tag = farthing_types::errors::parse(&log(s.transfer(&alice, &kim, 10).unwrap_err()))
        .expect("a code in the log");
    assert_eq!(
        (tag.code.as_str(), tag.role.as_deref(), tag.party.as_deref()),
        (
            "jurisdiction_blocked",
            Some("recipient"),
            Some(kim.as_str())
        )
    );
    let bob = s.addr("bob");
    let err = s.transfer(&alice, &bob, 5_000).unwrap_err();
    assert_eq!(
        farthing_types::errors::parse(&log(err)).unwrap().code,
        "not_listed"
    );
    s.upsert(
        &s.officer.clone(),
        vec![farthing_testing::kyc_input(&bob, 2, "DE", s.now())],
    )
    .unwrap();
    let err = s.transfer(&alice, &bob, 5_000).unwrap_err();
    let tag = farthing_types::errors::parse(&log(err)).unwrap();
    assert_eq!((tag.code.as_str(), tag.role), ("insufficient_funds", None));
    // The same code as the dry run.
    let dry = s.can_transfer(&alice, &bob, 5_000).verdict.denial.unwrap();
    assert_eq!(dry.code.as_str(), tag.code);
}

// ---- boundaries found by cargo-mutants ----

#[test]
fn the_settle_period_may_be_exactly_its_maximum() {
    let mut s = channel_suite();
    let owner = s.owner.clone();
    let max = farthing_types::token::MAX_SETTLE_SECONDS;
    s.execute_token(&owner, &ExecuteMsg::SetSettlePeriod { seconds: max })
        .unwrap();
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&owner, &ExecuteMsg::SetSettlePeriod { seconds: max + 1 }),
        ContractError::SettlePeriodTooLong { max },
    );
    let id = open(&mut s, "reader", "publisher", 100, 60 * DAY);
    exec(&mut s, "reader", &ExecuteMsg::StartClose { channel: id }).unwrap();
    assert_eq!(channel(&s, id).closing_at, Some(s.now().plus_seconds(max)));
}

#[test]
fn a_recovered_payers_channel_keeps_its_deadlines_and_the_new_wallet_closes_it() {
    let mut s = SuiteBuilder::default()
        .with_funded("reader", 2, "DE", 10_000)
        .with_listed("reader_new", 2, "DE")
        .with_listed("publisher", 2, "FR")
        .build();
    let id = open(&mut s, "reader", "publisher", 1_000, DAY);
    let expires_at = channel(&s, id).expires_at;
    let (lost, new) = (s.addr("reader"), s.addr("reader_new"));
    exec(
        &mut s,
        "agent",
        &ExecuteMsg::Recover {
            lost: lost.to_string(),
            new_address: new.to_string(),
            reason: "lost_key".into(),
        },
    )
    .unwrap();
    // The recovery's freeze of the lost wallet stops nobody: its deadlines do not move.
    s.advance_seconds(DAY);
    assert_eq!(channel(&s, id).expires_at, expires_at);
    // The lost key no longer acts for the channel; the new wallet does.
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&lost, &ExecuteMsg::CloseChannel { channel: id }),
        ContractError::NotChannelParty {
            sender: lost.to_string(),
            channel: id,
        },
    );
    s.execute_token(&new, &ExecuteMsg::CloseChannel { channel: id })
        .unwrap();
    assert_eq!(s.balance(&new), 10_000);
}

#[test]
fn a_channel_without_stops_carries_no_stop_mark_on_the_wire() {
    let mut s = channel_suite();
    let id = open(&mut s, "reader", "publisher", 100, DAY);
    let raw: serde_json::Value = s.query_token(&QueryMsg::Channel { channel: id });
    assert!(raw.get("stop_mark").is_none(), "{raw}");
    assert!(raw.get("travel_rule_ref").is_none(), "{raw}");
    pause(&mut s);
    s.advance_seconds(10);
    unpause(&mut s);
    exec(&mut s, "reader", &ExecuteMsg::StartClose { channel: id }).unwrap();
    let raw: serde_json::Value = s.query_token(&QueryMsg::Channel { channel: id });
    // u64s travel as decimal strings (farthing_types::wire), so JavaScript reads them exactly.
    assert_eq!(raw["stop_mark"], "10");
    assert_eq!(raw["id"], id.to_string());
}

#[test]
fn channel_ids_travel_as_strings_and_0_2_clients_sending_numbers_still_work() {
    let mut s = channel_suite();
    let id = open(&mut s, "reader", "publisher", 100, DAY);
    let msg = open_msg(&s, "publisher", 1, DAY);
    let resp = s.execute_token(&s.addr("reader"), &msg).unwrap();
    let data: serde_json::Value = from_json(resp.data.unwrap()).unwrap();
    assert_eq!(data, serde_json::json!({ "channel": (id + 1).to_string() }));
    // What a generated TypeScript client sends (a string), and what a 0.2 client sent (a
    // number), both reach the same channel.
    let query = |q: serde_json::Value| -> serde_json::Value {
        s.app.wrap().query_wasm_smart(s.token.clone(), &q).unwrap()
    };
    let by_string = query(serde_json::json!({ "channel": { "channel": id.to_string() } }));
    let by_number = query(serde_json::json!({ "channel": { "channel": id } }));
    assert_eq!(by_string, by_number);
    assert_eq!(by_string["id"], id.to_string());
    // A non-canonical id is refused rather than read as another channel.
    let reader = s.addr("reader");
    let before = s.balance(&reader);
    for bad in [
        serde_json::json!("01"),
        serde_json::json!("-1"),
        serde_json::json!(true),
    ] {
        let msg = serde_json::json!({ "start_close": { "channel": bad } });
        let token = s.token.clone();
        let err = s
            .app
            .execute_contract(reader.clone(), token, &msg, &[])
            .unwrap_err();
        let chain: Vec<String> = err.chain().map(|e| e.to_string()).collect();
        assert!(
            chain
                .iter()
                .any(|e| e.contains("expected a u64 as a decimal string")),
            "{chain:?}"
        );
    }
    assert_eq!(s.balance(&reader), before);
    assert_eq!(channel(&s, id).closing_at, None);
}

#[test]
fn a_forged_voucher_is_refused_with_the_code_of_its_fault() {
    let mut s = channel_suite();
    let id = open(&mut s, "reader", "publisher", 100, DAY);
    let publisher = s.addr("publisher");
    let forged = voucher_signature(&s, id, &s.addr("reader"), 50);
    let err = s
        .execute_token(
            &publisher,
            &ExecuteMsg::Claim {
                channel: id,
                cumulative: u(50),
                signature: forged,
                close: None,
            },
        )
        .unwrap_err();
    let tag = farthing_types::errors::parse(&format!("{err:#}")).unwrap();
    assert_eq!(tag.code, "bad_signature");
}

// ---- 8, through the real escrow: one user cannot exhaust the escrow's limits ----

#[test]
fn one_user_cannot_exhaust_the_escrows_limits_for_everyone_else() {
    use crate::escrow::{held, holds};
    use farthing_types::escrow::{DealTerms, ExecuteMsg as EscrowMsg, ReceiveMsg};
    // Tier 3 (the escrow's tier) may move 100 per transfer and 150 per day; the users are
    // tier 2, without limits.
    let mut tiers = vec![TierLimit::default(); 4];
    tiers[3] = TierLimit {
        max_per_transfer: Some(u(100)),
        max_volume_per_window: Some(u(150)),
        window_seconds: DAY,
    };
    let mut s = SuiteBuilder::default()
        .with_policy(Policy {
            tier_limits: tiers,
            ..Policy::default()
        })
        .with_funded("alice", 2, "DE", 10_000)
        .with_funded("bob", 2, "DE", 10_000)
        .with_listed("shop", 2, "FR")
        .with_listed("studio", 2, "FR")
        .with_escrow()
        .build();
    let deal = |s: &mut Suite, payer: &str, payee: &str, amount: u128| -> u64 {
        let terms = DealTerms {
            payee: s.addr(payee).to_string(),
            arbiter: None,
            milestones: vec![],
            expires_at: s.now().plus_seconds(DAY),
        };
        let escrow = s.escrow.to_string();
        exec(
            s,
            payer,
            &ExecuteMsg::Send {
                contract: escrow,
                amount: u(amount),
                msg: cosmwasm_std::to_json_binary(&ReceiveMsg::CreateDeal(terms)).unwrap(),
            },
        )
        .unwrap();
        crate::escrow::last_deal(s).id
    };
    // Alice pushes 400 through the escrow, more than its tier's whole window.
    let a = deal(&mut s, "alice", "shop", 400);
    let b = deal(&mut s, "bob", "studio", 300);
    let alice = s.addr("alice");
    let resp = s
        .execute_escrow(
            &alice,
            &EscrowMsg::Release {
                deal_id: a,
                milestone: None,
            },
            &[],
        )
        .unwrap();
    assert!(holds(&resp).is_empty(), "alice's release was held");
    // Bob's release is paid too, not held and not reverted.
    let bob = s.addr("bob");
    let resp = s
        .execute_escrow(
            &bob,
            &EscrowMsg::Release {
                deal_id: b,
                milestone: None,
            },
            &[],
        )
        .unwrap();
    assert!(holds(&resp).is_empty(), "bob's release was held");
    let (shop, studio) = (s.addr("shop"), s.addr("studio"));
    assert_eq!((s.balance(&shop), s.balance(&studio)), (400, 300));
    assert!(held(&s, &studio).is_empty());
    assert_eq!(s.account(&s.escrow.clone()).window_used, u(0));
}

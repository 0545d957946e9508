//! Batch payouts, referenced payments, the travel rule and the sender's volume window.

use cosmwasm_std::{Event, HexBinary, Uint128};
use farthing_micropay_token::ContractError;
use farthing_testing::{Suite, SuiteBuilder};
use farthing_types::kyc::{DenialCode, PartyRole, Policy, TierLimit, TravelRule};
use farthing_types::token::{ExecuteMsg, Payout, MAX_BATCH_TRANSFERS};

use super::assert_token_rejected;

fn u(n: u128) -> Uint128 {
    Uint128::new(n)
}

/// Tier 1: 1,000 per transfer, 5,000 per hour. Travel rule at 10,000 needs tier 2.
fn policy() -> Policy {
    let mut tiers = vec![TierLimit::default(); 4];
    tiers[1] = TierLimit {
        max_per_transfer: Some(u(1_000)),
        max_volume_per_window: Some(u(5_000)),
        window_seconds: 3_600,
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

fn suite() -> Suite {
    let mut b = SuiteBuilder::default()
        .with_policy(policy())
        .with_funded("alice", 3, "DE", 1_000_000)
        .with_funded("teen", 1, "DE", 100_000)
        .with_listed("bob", 1, "FR")
        .with_listed("carol", 3, "NL");
    for i in 0..MAX_BATCH_TRANSFERS {
        b = b.with_listed(&format!("creator{i}"), 0, "US");
    }
    b.build()
}

fn payouts(s: &Suite, n: usize, amount: u128) -> Vec<Payout> {
    (0..n)
        .map(|i| Payout {
            recipient: s.addr(&format!("creator{i}")).to_string(),
            amount: u(amount),
        })
        .collect()
}

#[test]
fn batch_transfer_pays_every_recipient_atomically() {
    let mut s = suite();
    let alice = s.addr("alice");
    let resp = s
        .execute_token(
            &alice,
            &ExecuteMsg::BatchTransfer {
                transfers: payouts(&s, MAX_BATCH_TRANSFERS, 7),
            },
        )
        .unwrap();
    let ev = resp
        .events
        .iter()
        .find(|e| e.ty == "wasm-token_batch_transfer")
        .unwrap();
    let attrs: Vec<_> = ev
        .attributes
        .iter()
        .skip(1)
        .map(|a| (a.key.as_str(), a.value.as_str()))
        .collect();
    assert_eq!(
        attrs,
        vec![
            ("from", alice.as_str()),
            ("count", "200"),
            ("total", "1400")
        ]
    );
    for i in 0..MAX_BATCH_TRANSFERS {
        assert_eq!(s.balance(&s.addr(&format!("creator{i}"))), 7);
    }
    assert_eq!(s.balance(&alice), 1_000_000 - 1_400);
}

#[test]
fn batch_rejections_change_nothing() {
    let mut s = suite();
    let (alice, officer) = (s.addr("alice"), s.officer.clone());
    let too_many = payouts(&s, MAX_BATCH_TRANSFERS + 1, 1);
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &alice,
                &ExecuteMsg::BatchTransfer {
                    transfers: too_many,
                },
            )
        },
        ContractError::BatchTooLarge {
            size: 201,
            max: 200,
        },
    );
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&alice, &ExecuteMsg::BatchTransfer { transfers: vec![] }),
        ContractError::EmptyBatch,
    );
    let mut with_zero = payouts(&s, 3, 5);
    with_zero[1].amount = u(0);
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &alice,
                &ExecuteMsg::BatchTransfer {
                    transfers: with_zero,
                },
            )
        },
        ContractError::ZeroAmount,
    );
    // One non-compliant recipient in the middle stops the whole batch.
    let c1 = s.addr("creator1");
    s.remove_records(&officer, &[&c1], "offboarded").unwrap();
    let batch = payouts(&s, 3, 5);
    let err = s
        .execute_token(&alice, &ExecuteMsg::BatchTransfer { transfers: batch })
        .unwrap_err();
    let ContractError::Denied(d) = err.downcast::<ContractError>().unwrap() else {
        panic!()
    };
    assert_eq!(
        (d.party, d.role, d.code),
        (c1, PartyRole::Recipient, DenialCode::NotListed)
    );
    assert_eq!(s.balance(&s.addr("creator0")), 0);
    // More than the sender has.
    let rich = vec![Payout {
        recipient: s.addr("carol").to_string(),
        amount: u(2_000_000),
    }];
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&alice, &ExecuteMsg::BatchTransfer { transfers: rich }),
        ContractError::InsufficientFunds {
            address: alice.to_string(),
            available: u(1_000_000),
            needed: u(2_000_000),
        },
    );
}

#[test]
fn pay_carries_the_invoice_reference() {
    let mut s = suite();
    let (alice, carol) = (s.addr("alice"), s.addr("carol"));
    let resp = s
        .execute_token(
            &alice,
            &ExecuteMsg::Pay {
                recipient: carol.to_string(),
                amount: u(3),
                reference: "inv-2026-0001".into(),
                travel_rule_ref: None,
            },
        )
        .unwrap();
    let ev: Vec<Event> = resp
        .events
        .iter()
        .filter(|e| e.ty == "wasm-token_payment")
        .cloned()
        .collect();
    assert_eq!(ev.len(), 1);
    let attrs: Vec<_> = ev[0]
        .attributes
        .iter()
        .skip(1)
        .map(|a| (a.key.as_str(), a.value.as_str()))
        .collect();
    assert_eq!(
        attrs,
        vec![
            ("from", alice.as_str()),
            ("to", carol.as_str()),
            ("amount", "3"),
            ("reference", "inv-2026-0001")
        ]
    );
    assert_eq!(s.balance(&carol), 3);
    for reference in [String::new(), "x".repeat(65)] {
        let len = reference.len();
        assert_token_rejected(
            &mut s,
            |s| {
                s.execute_token(
                    &alice,
                    &ExecuteMsg::Pay {
                        recipient: carol.to_string(),
                        amount: u(3),
                        reference,
                        travel_rule_ref: None,
                    },
                )
            },
            ContractError::InvalidReference {
                length: len,
                max: 64,
            },
        );
    }
}

#[test]
fn the_travel_rule_needs_the_tier_or_a_travel_rule_reference() {
    let mut s = suite();
    let (alice, bob, carol) = (s.addr("alice"), s.addr("bob"), s.addr("carol"));
    // alice (tier 3) -> carol (tier 3): no travel-rule issue.
    s.transfer(&alice, &carol, 10_000).unwrap();
    // bob is tier 1: at the threshold the transfer needs a reference.
    let err = s
        .transfer(&alice, &bob, 10_000)
        .unwrap_err()
        .downcast::<ContractError>()
        .unwrap();
    let ContractError::Denied(d) = err else {
        panic!("{err:?}")
    };
    assert_eq!((d.party, d.code), (bob.clone(), DenialCode::TravelRule));
    s.transfer(&alice, &bob, 9_999).unwrap();
    let tr = HexBinary::from(vec![0x11; 32]);
    let resp = s
        .execute_token(
            &alice,
            &ExecuteMsg::Pay {
                recipient: bob.to_string(),
                amount: u(10_000),
                reference: "wire-1".into(),
                travel_rule_ref: Some(tr.clone()),
            },
        )
        .unwrap();
    let ev = resp
        .events
        .iter()
        .find(|e| e.ty == "wasm-token_payment")
        .unwrap();
    assert!(ev
        .attributes
        .iter()
        .any(|a| a.key == "travel_rule_ref" && a.value == tr.to_hex()));
    assert_eq!(s.balance(&bob), 19_999);
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &alice,
                &ExecuteMsg::Pay {
                    recipient: bob.to_string(),
                    amount: u(10_000),
                    reference: "wire-2".into(),
                    travel_rule_ref: Some(HexBinary::from(vec![1; 31])),
                },
            )
        },
        ContractError::InvalidTravelRuleRef {
            length: 31,
            expected: 32,
        },
    );
}

#[test]
fn the_reference_does_not_lift_other_rules() {
    let mut s = suite();
    let (teen, carol) = (s.addr("teen"), s.addr("carol"));
    // teen is tier 1: 1,000 per transfer, whatever the travel-rule reference.
    let err = s
        .execute_token(
            &teen,
            &ExecuteMsg::Pay {
                recipient: carol.to_string(),
                amount: u(10_000),
                reference: "r".into(),
                travel_rule_ref: Some(HexBinary::from(vec![2; 32])),
            },
        )
        .unwrap_err()
        .downcast::<ContractError>()
        .unwrap();
    let ContractError::Denied(d) = err else {
        panic!()
    };
    assert_eq!(d.code, DenialCode::OverPerTransferLimit);
}

#[test]
fn the_volume_window_limits_what_a_sender_moves_per_window() {
    let mut s = suite();
    let (teen, carol) = (s.addr("teen"), s.addr("carol"));
    let start = s.now().seconds();
    for _ in 0..5 {
        s.transfer(&teen, &carol, 1_000).unwrap();
    }
    let acc = s.account(&teen);
    assert_eq!(
        (acc.window_used, acc.window_start.map(|t| t.seconds())),
        (u(5_000), Some(start))
    );
    let cant = s.can_transfer(&teen, &carol, 1);
    assert_eq!(
        cant.verdict.denial.unwrap().code,
        DenialCode::VolumeWindowExceeded
    );
    assert_eq!(cant.remaining_in_window, Some(u(0)));
    assert_eq!(
        cant.window_resets_at.map(|t| t.seconds()),
        Some(start + 3_600)
    );
    assert_token_rejected(
        &mut s,
        |s| s.transfer(&teen, &carol, 1),
        ContractError::VolumeWindowExceeded {
            address: teen.to_string(),
            limit: u(5_000),
            remaining: u(0),
            needed: u(1),
        },
    );
    // Batches count their total against the window.
    s.advance_seconds(3_600);
    let carol_s = carol.to_string();
    let batch = vec![
        Payout {
            recipient: carol_s.clone(),
            amount: u(1_000)
        };
        5
    ];
    s.execute_token(&teen, &ExecuteMsg::BatchTransfer { transfers: batch })
        .unwrap();
    assert_eq!(s.account(&teen).window_used, u(5_000));
    s.advance_seconds(3_599);
    assert!(s.transfer(&teen, &carol, 1).is_err());
    s.advance_seconds(1);
    s.transfer(&teen, &carol, 1).unwrap();
    assert_eq!(s.account(&teen).window_used, u(1));
    // Burns are not transfers: no window.
    s.execute_token(&teen, &ExecuteMsg::Burn { amount: u(2_000) })
        .unwrap();
    assert_eq!(s.account(&teen).window_used, u(1));
}

#[test]
fn can_transfer_answers_before_the_user_pays() {
    let mut s = suite();
    let (alice, teen, bob, pauser, freezer) = (
        s.addr("alice"),
        s.addr("teen"),
        s.addr("bob"),
        s.addr("pauser"),
        s.addr("freezer"),
    );
    let ok = s.can_transfer(&teen, &bob, 400);
    assert!(ok.verdict.allowed);
    assert_eq!(
        (ok.remaining_in_window, ok.window_resets_at),
        (Some(u(5_000)), None)
    );
    s.transfer(&teen, &bob, 400).unwrap();
    let after = s.can_transfer(&teen, &bob, 400);
    assert_eq!(after.remaining_in_window, Some(u(4_600)));
    assert!(after.window_resets_at.is_some());
    assert_eq!(
        s.can_transfer(&teen, &bob, 1_001)
            .verdict
            .denial
            .unwrap()
            .code,
        DenialCode::OverPerTransferLimit
    );
    assert_eq!(
        s.can_transfer(&s.addr("carol"), &teen, 1)
            .verdict
            .denial
            .unwrap()
            .code,
        DenialCode::InsufficientFunds
    );
    let stranger = s.addr("stranger");
    let d = s.can_transfer(&alice, &stranger, 1).verdict.denial.unwrap();
    assert_eq!(
        (d.party, d.role, d.code),
        (stranger, PartyRole::Recipient, DenialCode::NotListed)
    );
    // No limit for tier 3.
    assert_eq!(s.can_transfer(&alice, &bob, 1).remaining_in_window, None);

    s.execute_token(
        &freezer,
        &ExecuteMsg::Freeze {
            address: bob.to_string(),
            reason: "court_order".into(),
        },
    )
    .unwrap();
    let d = s.can_transfer(&alice, &bob, 1).verdict.denial.unwrap();
    assert_eq!(
        (d.party, d.role, d.code),
        (bob.clone(), PartyRole::Recipient, DenialCode::Frozen)
    );
    let d = s.can_transfer(&bob, &alice, 1).verdict.denial.unwrap();
    assert_eq!(
        (d.party, d.role, d.code),
        (bob, PartyRole::Sender, DenialCode::Frozen)
    );
    s.execute_token(
        &pauser,
        &ExecuteMsg::Pause {
            reason: "incident".into(),
        },
    )
    .unwrap();
    assert_eq!(
        s.can_transfer(&alice, &teen, 1)
            .verdict
            .denial
            .unwrap()
            .code,
        DenialCode::Paused
    );
}

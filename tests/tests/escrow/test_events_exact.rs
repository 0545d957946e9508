//! Held payouts' events as the escrow emits them, attribute by attribute and in order
//! (review of the event-builder refactor, which moved `resolve_held`'s `reason` into
//! `events::held_released` and typed the deal kinds, claiming the same bytes). The expected
//! lists are what the code before the refactor (a198bc9) emitted.
//!
//! Mutations that make these fail: `reason` on a `claim_held` (or missing on a
//! `resolve_held`), a reordered or renamed attribute, a changed deal kind string or
//! `action` value.

use cosmwasm_std::{Addr, Event};
use farthing_testing::wasm_events;
use farthing_types::escrow::{AssetInfo, ExecuteMsg};
use farthing_types::kyc::KycStatus;

use super::*;

fn exact(ty: &str, attrs: &[(&str, &str)]) -> Vec<Event> {
    vec![Event::new(ty).add_attributes(attrs.iter().copied())]
}

/// The `action`, `sender`, ... attributes of the contract's `wasm` event, in order.
fn wasm_attrs(resp: &cw_multi_test::AppResponse, escrow: &Addr) -> Vec<(String, String)> {
    resp.events
        .iter()
        .filter(|e| e.ty == "wasm")
        .filter(|e| {
            e.attributes
                .iter()
                .any(|a| a.key == "_contract_address" && a.value == escrow.as_str())
        })
        .flat_map(|e| e.attributes.iter())
        .filter(|a| a.key != "_contract_address")
        .map(|a| (a.key.clone(), a.value.clone()))
        .collect()
}

#[test]
fn refund_held_resolve_and_claim_held_events_are_the_ones_before_the_builder_refactor() {
    let mut s = suite();
    let native = AssetInfo::Native {
        denom: DENOM.into(),
    };
    let (officer, owner) = (s.officer.clone(), s.owner.clone());
    let (payer, payee, arbiter) = (addr(&s, "payer"), addr(&s, "payee"), addr(&s, "arbiter"));
    let anyone = addr(&s, "anyone");
    let escrow = s.escrow.clone();

    // A refund to a revoked payer: the deal event, then the hold.
    let t = terms(&s, &[], false, 100);
    let id = create_native_deal(&mut s, 2_000, t).unwrap();
    s.set_status(&officer, &[&payer], KycStatus::Revoked, "sanctions_hit")
        .unwrap();
    s.advance_seconds(100);
    let resp = exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: id }).unwrap();
    let deal_id = id.to_string();
    assert_eq!(
        wasm_events(&resp, "escrow_refunded"),
        exact(
            "escrow_refunded",
            &[
                ("deal_id", &deal_id),
                ("by", anyone.as_str()),
                ("to_payee", "0"),
                ("to_payer", "2000")
            ]
        )
    );
    assert_eq!(
        wasm_events(&resp, "escrow_payout_held"),
        exact(
            "escrow_payout_held",
            &[
                ("to", payer.as_str()),
                ("asset", DENOM),
                ("amount", "2000"),
                ("code", "revoked")
            ]
        )
    );
    let action: Vec<(String, String)> = wasm_attrs(&resp, &escrow);
    assert_eq!(
        action[..3],
        [
            ("action".to_string(), "refunded".to_string()),
            ("sender".to_string(), anyone.to_string()),
            ("deal_id".to_string(), deal_id.clone()),
        ]
    );

    // The owner resolves it: `reason` last.
    let resp = s
        .execute_escrow(
            &owner,
            &ExecuteMsg::ResolveHeld {
                address: payer.to_string(),
                asset: native.clone(),
                to: arbiter.to_string(),
                reason: "court_order_9".into(),
            },
            &[],
        )
        .unwrap();
    assert_eq!(
        wasm_events(&resp, "escrow_held_released"),
        exact(
            "escrow_held_released",
            &[
                ("address", payer.as_str()),
                ("to", arbiter.as_str()),
                ("asset", DENOM),
                ("amount", "2000"),
                ("by", owner.as_str()),
                ("reason", "court_order_9")
            ]
        )
    );
    assert_eq!(s.native_balance(&arbiter, DENOM), 2_000);

    // A release to a suspended payee is held; the payee claims it later: no `reason`.
    s.set_status(&officer, &[&payer], KycStatus::Active, "cleared")
        .unwrap();
    let t = terms(&s, &[700], false, 1_000);
    let id = create_native_deal(&mut s, 700, t).unwrap();
    s.set_status(&officer, &[&payee], KycStatus::Suspended, "kyc_lapsed")
        .unwrap();
    let resp = exec(
        &mut s,
        "payer",
        ExecuteMsg::Release {
            deal_id: id,
            milestone: None,
        },
    )
    .unwrap();
    assert_eq!(
        wasm_events(&resp, "escrow_released"),
        exact(
            "escrow_released",
            &[
                ("deal_id", &id.to_string()),
                ("by", payer.as_str()),
                ("to_payee", "700"),
                ("to_payer", "0")
            ]
        )
    );
    s.set_status(&officer, &[&payee], KycStatus::Active, "kyc_refreshed")
        .unwrap();
    let resp = exec(
        &mut s,
        "payee",
        ExecuteMsg::ClaimHeld {
            asset: native,
            amount: None,
        },
    )
    .unwrap();
    assert_eq!(
        wasm_events(&resp, "escrow_held_released"),
        exact(
            "escrow_held_released",
            &[
                ("address", payee.as_str()),
                ("to", payee.as_str()),
                ("asset", DENOM),
                ("amount", "700"),
                ("by", payee.as_str())
            ]
        )
    );
    assert_eq!(s.native_balance(&payee, DENOM), 700);
}

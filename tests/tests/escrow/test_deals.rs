use cosmwasm_std::{to_json_binary, Coin, Empty, Uint128};
use cw_multi_test::Executor;
use farthing_royalty_escrow::ContractError;
use farthing_testing::cw20_base_contract;
use farthing_types::escrow::{AssetInfo, DealStatus, ExecuteMsg, ReceiveMsg};
use farthing_types::kyc::{DenialCode, KycStatus};

use super::*;

fn u(n: u128) -> Uint128 {
    Uint128::new(n)
}

#[test]
fn a_milestone_deal_pays_each_milestone_then_closes() {
    let mut s = suite();
    let t = terms(&s, &[100, 250, 650], true, 86_400);
    let id = create_cw20_deal(&mut s, 1_000, t).unwrap();
    let (payee, escrow) = (addr(&s, "payee"), s.escrow.clone());
    assert_eq!(s.balance(&escrow), 1_000);
    let d = deal(&s, id);
    assert_eq!(
        (d.deposited, d.status.clone(), d.asset.clone()),
        (u(1_000), DealStatus::Open, token_asset(&s))
    );

    let resp = exec(
        &mut s,
        "payer",
        ExecuteMsg::Release {
            deal_id: id,
            milestone: Some(1),
        },
    )
    .unwrap();
    assert_eq!(
        event_attr(&resp, "escrow_released", "to_payee").as_deref(),
        Some("250")
    );
    assert_eq!(s.balance(&payee), 250);
    // The arbiter may release too.
    exec(
        &mut s,
        "arbiter",
        ExecuteMsg::Release {
            deal_id: id,
            milestone: Some(0),
        },
    )
    .unwrap();
    assert_eq!(s.balance(&payee), 350);
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "payer",
                ExecuteMsg::Release {
                    deal_id: id,
                    milestone: Some(1),
                },
            )
        },
        ContractError::InvalidMilestone { index: 1 },
    );
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "payee",
                ExecuteMsg::Release {
                    deal_id: id,
                    milestone: None,
                },
            )
        },
        ContractError::NotAllowed {
            sender: payee.to_string(),
            deal_id: id,
        },
    );
    exec(
        &mut s,
        "payer",
        ExecuteMsg::Release {
            deal_id: id,
            milestone: None,
        },
    )
    .unwrap();
    assert_eq!((s.balance(&payee), s.balance(&escrow)), (1_000, 0));
    let d = deal(&s, id);
    assert_eq!(
        (d.status.clone(), d.to_payee, d.remaining()),
        (DealStatus::Closed, u(1_000), u(0))
    );
}

#[test]
fn create_deal_rejections_change_nothing() {
    let mut s = suite();
    let payer = addr(&s, "payer");
    let t = terms(&s, &[100, 200], false, 86_400);
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::CreateDeal(t),
                &[Coin::new(250u128, DENOM)],
            )
        },
        ContractError::MilestonesMismatch {
            sum: u(300),
            deposit: u(250),
        },
    );
    let mut past = terms(&s, &[], false, 0);
    past.expires_at = s.now();
    let expires_at = past.expires_at;
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::CreateDeal(past),
                &[Coin::new(250u128, DENOM)],
            )
        },
        ContractError::ExpiryInPast { expires_at },
    );
    let mut same = terms(&s, &[], false, 100);
    same.payee = payer.to_string();
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::CreateDeal(same),
                &[Coin::new(250u128, DENOM)],
            )
        },
        ContractError::SameParties,
    );
    let zero = terms(&s, &[250, 0], false, 100);
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::CreateDeal(zero),
                &[Coin::new(250u128, DENOM)],
            )
        },
        ContractError::ZeroAmount,
    );
    let none = terms(&s, &[], false, 100);
    assert_escrow_rejected(
        &mut s,
        |s| s.execute_escrow(&payer, &ExecuteMsg::CreateDeal(none), &[]),
        ContractError::Payment(cw_utils::PaymentError::NoFunds {}),
    );
}

#[test]
fn a_dispute_resolved_by_the_arbiter_splits_what_remains() {
    let mut s = suite();
    let t = terms(&s, &[400, 600], true, 86_400);
    let id = create_cw20_deal(&mut s, 1_000, t).unwrap();
    let payer = addr(&s, "payer");
    exec(
        &mut s,
        "payer",
        ExecuteMsg::Release {
            deal_id: id,
            milestone: Some(0),
        },
    )
    .unwrap();
    exec(&mut s, "payee", ExecuteMsg::OpenDispute { deal_id: id }).unwrap();
    let d = deal(&s, id);
    assert!(matches!(d.status, DealStatus::Disputed { .. }));
    // The clock is stopped: no refund, no release while disputed.
    s.advance_seconds(86_400 + 10);
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "anyone", ExecuteMsg::Refund { deal_id: id }),
        ContractError::WrongStatus {
            deal_id: id,
            status: "disputed".into(),
            needed: "open".into(),
        },
    );
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "payer",
                ExecuteMsg::Resolve {
                    deal_id: id,
                    to_payee: u(1),
                },
            )
        },
        ContractError::NotAllowed {
            sender: payer.to_string(),
            deal_id: id,
        },
    );
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "arbiter",
                ExecuteMsg::Resolve {
                    deal_id: id,
                    to_payee: u(601),
                },
            )
        },
        ContractError::SplitTooLarge {
            to_payee: u(601),
            remaining: u(600),
        },
    );
    let resp = exec(
        &mut s,
        "arbiter",
        ExecuteMsg::Resolve {
            deal_id: id,
            to_payee: u(420),
        },
    )
    .unwrap();
    assert_eq!(
        event_attr(&resp, "escrow_resolved", "to_payer").as_deref(),
        Some("180")
    );
    assert_eq!(s.balance(&addr(&s, "payee")), 400 + 420);
    assert_eq!(s.balance(&addr(&s, "payer")), 1_000_000 - 1_000 + 180);
    assert_eq!(s.balance(&s.escrow), 0);
    assert_eq!(deal(&s, id).status, DealStatus::Closed);
}

#[test]
fn an_expired_deal_is_refunded_by_anyone_to_the_payer_only() {
    let mut s = suite();
    let t = terms(&s, &[], false, 1_000);
    let id = create_native_deal(&mut s, 5_000, t).unwrap();
    let payer = addr(&s, "payer");
    assert_eq!(s.native_balance(&payer, DENOM), 995_000);
    let expires_at = deal(&s, id).expires_at;
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "anyone", ExecuteMsg::Refund { deal_id: id }),
        ContractError::NotExpired {
            deal_id: id,
            expires_at,
        },
    );
    s.advance_seconds(1_000);
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "payee", ExecuteMsg::OpenDispute { deal_id: id }),
        ContractError::Expired {
            deal_id: id,
            expires_at,
        },
    );
    let resp = exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: id }).unwrap();
    assert_eq!(
        event_attr(&resp, "escrow_refunded", "to_payer").as_deref(),
        Some("5000")
    );
    assert_eq!(s.native_balance(&payer, DENOM), 1_000_000);
    assert_eq!(s.native_balance(&addr(&s, "anyone"), DENOM), 0);
    assert_eq!(deal(&s, id).status, DealStatus::Closed);
}

#[test]
fn every_state_has_a_way_out() {
    // Open without arbiter, never touched: refund after expiry.
    let mut s = suite();
    let t = terms(&s, &[], false, 100);
    let open = create_native_deal(&mut s, 10, t).unwrap();
    // Disputed without arbiter, nobody agrees: refund at the dispute deadline.
    let t = terms(&s, &[], false, 100);
    let disputed = create_native_deal(&mut s, 20, t).unwrap();
    exec(
        &mut s,
        "payer",
        ExecuteMsg::OpenDispute { deal_id: disputed },
    )
    .unwrap();
    // Disputed with an arbiter who never rules: the same.
    let t = terms(&s, &[], true, 100);
    let silent = create_cw20_deal(&mut s, 30, t).unwrap();
    exec(&mut s, "payee", ExecuteMsg::OpenDispute { deal_id: silent }).unwrap();
    // Settled by agreement while open.
    let t = terms(&s, &[10, 30], false, 100);
    let settled = create_cw20_deal(&mut s, 40, t).unwrap();
    exec(
        &mut s,
        "payee",
        ExecuteMsg::ProposeSettlement {
            deal_id: settled,
            to_payee: u(25),
        },
    )
    .unwrap();
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "payee",
                ExecuteMsg::AcceptSettlement { deal_id: settled },
            )
        },
        ContractError::OwnProposal,
    );
    exec(
        &mut s,
        "payer",
        ExecuteMsg::AcceptSettlement { deal_id: settled },
    )
    .unwrap();

    s.advance_seconds(100);
    exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: open }).unwrap();
    let DealStatus::Disputed { deadline } = deal(&s, disputed).status else {
        panic!("disputed")
    };
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "anyone", ExecuteMsg::ExpireDispute { deal_id: disputed }),
        ContractError::DisputeRunning {
            deal_id: disputed,
            deadline,
        },
    );
    s.advance_seconds(86_400);
    exec(
        &mut s,
        "anyone",
        ExecuteMsg::ExpireDispute { deal_id: disputed },
    )
    .unwrap();
    exec(
        &mut s,
        "anyone",
        ExecuteMsg::ExpireDispute { deal_id: silent },
    )
    .unwrap();
    for id in [open, disputed, silent, settled] {
        let d = deal(&s, id);
        assert_eq!(
            (d.status.clone(), d.remaining()),
            (DealStatus::Closed, u(0)),
            "deal {id}"
        );
    }
    assert_eq!(s.native_balance(&s.escrow, DENOM), 0);
    assert_eq!(s.balance(&s.escrow), 0);
    assert_eq!(s.balance(&addr(&s, "payee")), 25);
    assert_eq!(s.native_balance(&addr(&s, "payer"), DENOM), 1_000_000);
    assert_eq!(s.balance(&addr(&s, "payer")), 1_000_000 - 25);
    // A closed deal refuses everything.
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "payer",
                ExecuteMsg::Release {
                    deal_id: open,
                    milestone: None,
                },
            )
        },
        ContractError::WrongStatus {
            deal_id: open,
            status: "closed".into(),
            needed: "open".into(),
        },
    );
}

#[test]
fn top_up_adds_a_milestone() {
    let mut s = suite();
    let t = terms(&s, &[], false, 1_000);
    let id = create_native_deal(&mut s, 100, t).unwrap();
    let payer = addr(&s, "payer");
    s.execute_escrow(
        &payer,
        &ExecuteMsg::TopUp { deal_id: id },
        &[Coin::new(50u128, DENOM)],
    )
    .unwrap();
    let d = deal(&s, id);
    assert_eq!((d.deposited, d.milestones.len()), (u(150), 2));
    let payee = addr(&s, "payee");
    s.fund_native(&payee, 5, DENOM);
    s.fund_native(&payer, 5, "other");
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payee,
                &ExecuteMsg::TopUp { deal_id: id },
                &[Coin::new(5u128, DENOM)],
            )
        },
        ContractError::NotAllowed {
            sender: payee.to_string(),
            deal_id: id,
        },
    );
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::TopUp { deal_id: id },
                &[Coin::new(5u128, "other")],
            )
        },
        ContractError::WrongAsset {
            expected: DENOM.into(),
            got: "other".into(),
        },
    );
}

#[test]
fn a_fake_cw20_cannot_open_or_fund_anything() {
    let mut s = suite();
    let payer = addr(&s, "payer");
    let code = s.app.store_code(cw20_base_contract());
    let fake = s
        .app
        .instantiate_contract(
            code,
            payer.clone(),
            &cw20_base::msg::InstantiateMsg {
                name: "Fake Euro".into(),
                symbol: "FEUR".into(),
                decimals: 6,
                initial_balances: vec![cw20::Cw20Coin {
                    address: payer.to_string(),
                    amount: u(1_000_000),
                }],
                mint: None,
                marketing: None,
            },
            &[],
            "fake",
            None,
        )
        .unwrap();
    let t = terms(&s, &[], false, 100);
    let before = super::state(&s);
    let err = s
        .app
        .execute_contract(
            payer.clone(),
            fake.clone(),
            &cw20::Cw20ExecuteMsg::Send {
                contract: s.escrow.to_string(),
                amount: u(1_000),
                msg: to_json_binary(&ReceiveMsg::CreateDeal(t)).unwrap(),
            },
            &[],
        )
        .unwrap_err();
    assert_eq!(
        err.downcast::<ContractError>().unwrap(),
        ContractError::TokenNotAccepted {
            address: fake.to_string()
        }
    );
    assert_eq!(super::state(&s), before);
    // Calling Receive directly, pretending to be the real token, fails the same way.
    let err = s
        .execute_escrow(
            &payer,
            &ExecuteMsg::Receive(cw20::Cw20ReceiveMsg {
                sender: payer.to_string(),
                amount: u(1_000),
                msg: to_json_binary(&ReceiveMsg::Pay { work_id: 1 }).unwrap(),
            }),
            &[],
        )
        .unwrap_err();
    assert_eq!(
        err.downcast::<ContractError>().unwrap(),
        ContractError::TokenNotAccepted {
            address: payer.to_string()
        }
    );
    let _ = Empty {};
}

#[test]
fn a_payee_whose_kyc_lapses_gets_the_release_held_until_compliant_again() {
    let mut s = suite();
    let t = terms(&s, &[300, 700], true, 86_400);
    let id = create_native_deal(&mut s, 1_000, t).unwrap();
    let (officer, payee) = (s.officer.clone(), addr(&s, "payee"));
    exec(
        &mut s,
        "payer",
        ExecuteMsg::Release {
            deal_id: id,
            milestone: Some(0),
        },
    )
    .unwrap();
    assert_eq!(s.native_balance(&payee, DENOM), 300);
    s.set_status(&officer, &[&payee], KycStatus::Suspended, "kyc_lapsed")
        .unwrap();
    let resp = exec(
        &mut s,
        "payer",
        ExecuteMsg::Release {
            deal_id: id,
            milestone: Some(1),
        },
    )
    .unwrap();
    assert_eq!(
        event_attr(&resp, "escrow_payout_held", "code").as_deref(),
        Some("suspended")
    );
    assert_eq!(s.native_balance(&payee, DENOM), 300);
    let native = AssetInfo::Native {
        denom: DENOM.into(),
    };
    assert_eq!(super::held(&s, &payee), vec![(native.clone(), 700)]);
    // The deal is done: held funds are the payee's, not the deal's.
    assert_eq!(deal(&s, id).status, DealStatus::Closed);
    let err = exec(
        &mut s,
        "payee",
        ExecuteMsg::ClaimHeld {
            asset: native.clone(),
            amount: None,
        },
    )
    .unwrap_err()
    .downcast::<ContractError>()
    .unwrap();
    assert!(matches!(err, ContractError::Denied(d) if d.code == DenialCode::Suspended));
    s.set_status(&officer, &[&payee], KycStatus::Active, "kyc_refreshed")
        .unwrap();
    exec(
        &mut s,
        "payee",
        ExecuteMsg::ClaimHeld {
            asset: native.clone(),
            amount: None,
        },
    )
    .unwrap();
    assert_eq!(s.native_balance(&payee, DENOM), 1_000);
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "payee",
                ExecuteMsg::ClaimHeld {
                    asset: native,
                    amount: None,
                },
            )
        },
        ContractError::NothingToClaim,
    );
}

#[test]
fn a_revoked_payer_refund_is_held_for_the_owner_compliance_process() {
    let mut s = suite();
    let t = terms(&s, &[], false, 100);
    let id = create_native_deal(&mut s, 2_000, t).unwrap();
    let (officer, payer, owner) = (s.officer.clone(), addr(&s, "payer"), s.owner.clone());
    s.set_status(&officer, &[&payer], KycStatus::Revoked, "sanctions_hit")
        .unwrap();
    s.advance_seconds(100);
    let resp = exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: id }).unwrap();
    assert_eq!(
        event_attr(&resp, "escrow_payout_held", "code").as_deref(),
        Some("revoked")
    );
    assert_eq!(s.native_balance(&payer, DENOM), 998_000);
    let native = AssetInfo::Native {
        denom: DENOM.into(),
    };
    let resolve = |to: &str, s: &Suite| ExecuteMsg::ResolveHeld {
        address: payer.to_string(),
        asset: native.clone(),
        to: s.addr(to).to_string(),
        reason: "court_order_9".into(),
    };
    let msg = resolve("arbiter", &s);
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "payee", msg),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    let msg = resolve("arbiter", &s);
    s.execute_escrow(&owner, &msg, &[]).unwrap();
    assert_eq!(s.native_balance(&addr(&s, "arbiter"), DENOM), 2_000);

    // An unlisted payer (not sanctioned) still gets a native refund.
    let t = terms(&s, &[], false, 100);
    s.set_status(&officer, &[&payer], KycStatus::Active, "cleared")
        .unwrap();
    let id = create_native_deal(&mut s, 1_000, t).unwrap();
    s.set_status(&officer, &[&payer], KycStatus::Suspended, "review")
        .unwrap();
    s.advance_seconds(100);
    exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: id }).unwrap();
    assert_eq!(s.native_balance(&payer, DENOM), 998_000);
}

//! Boundary tests (found by cargo-mutants): each limit is tested on both sides.

use cosmwasm_std::{Coin, Uint128};
use farthing_royalty_escrow::ContractError;
use farthing_types::escrow::{DealStatus, ExecuteMsg, MAX_MILESTONES};

use super::*;

fn u(n: u128) -> Uint128 {
    Uint128::new(n)
}

#[test]
fn the_arbiter_may_be_neither_the_payer_nor_the_payee() {
    let mut s = suite();
    let payer = addr(&s, "payer");
    for who in ["payer", "payee"] {
        let mut t = terms(&s, &[], true, 100);
        t.arbiter = Some(addr(&s, who).to_string());
        assert_escrow_rejected(
            &mut s,
            |s| {
                s.execute_escrow(
                    &payer,
                    &ExecuteMsg::CreateDeal(t),
                    &[Coin::new(10u128, DENOM)],
                )
            },
            ContractError::SameParties,
        );
    }
}

#[test]
fn a_deal_may_have_exactly_max_milestones() {
    let mut s = suite();
    let n = MAX_MILESTONES as u128;
    let t = terms(&s, &vec![1; MAX_MILESTONES], false, 100);
    let id = create_native_deal(&mut s, n, t).unwrap();
    assert_eq!(deal(&s, id).milestones.len(), MAX_MILESTONES);
    // ... and a top-up beyond it is refused.
    let payer = addr(&s, "payer");
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::TopUp { deal_id: id },
                &[Coin::new(1u128, DENOM)],
            )
        },
        ContractError::TooManyMilestones {
            count: MAX_MILESTONES + 1,
            max: MAX_MILESTONES,
        },
    );
}

#[test]
fn a_split_may_give_everything_that_remains_to_the_payee() {
    let mut s = suite();
    let t = terms(&s, &[400, 600], true, 86_400);
    let id = create_cw20_deal(&mut s, 1_000, t).unwrap();
    exec(
        &mut s,
        "payer",
        ExecuteMsg::Release {
            deal_id: id,
            milestone: Some(0),
        },
    )
    .unwrap();
    // A proposal of exactly what remains is valid; accepting it pays it all.
    exec(
        &mut s,
        "payee",
        ExecuteMsg::ProposeSettlement {
            deal_id: id,
            to_payee: u(600),
        },
    )
    .unwrap();
    exec(
        &mut s,
        "payer",
        ExecuteMsg::AcceptSettlement { deal_id: id },
    )
    .unwrap();
    let d = deal(&s, id);
    assert_eq!(
        (d.to_payee, d.to_payer, d.status),
        (u(1_000), u(0), DealStatus::Closed)
    );
    assert_eq!(s.balance(&addr(&s, "payee")), 1_000);
    // The same for a ruling.
    let t = terms(&s, &[], true, 86_400);
    let id = create_cw20_deal(&mut s, 300, t).unwrap();
    exec(&mut s, "payer", ExecuteMsg::OpenDispute { deal_id: id }).unwrap();
    exec(
        &mut s,
        "arbiter",
        ExecuteMsg::Resolve {
            deal_id: id,
            to_payee: u(300),
        },
    )
    .unwrap();
    assert_eq!(s.balance(&addr(&s, "payee")), 1_300);
}

#[test]
fn a_dispute_expires_exactly_at_its_deadline() {
    let mut s = suite();
    let t = terms(&s, &[], false, 86_400);
    let id = create_native_deal(&mut s, 100, t).unwrap();
    exec(&mut s, "payee", ExecuteMsg::OpenDispute { deal_id: id }).unwrap();
    let DealStatus::Disputed { deadline } = deal(&s, id).status else {
        panic!("disputed")
    };
    s.advance_seconds(86_400 - 1);
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "anyone", ExecuteMsg::ExpireDispute { deal_id: id }),
        ContractError::DisputeRunning {
            deal_id: id,
            deadline,
        },
    );
    s.advance_seconds(1);
    exec(&mut s, "anyone", ExecuteMsg::ExpireDispute { deal_id: id }).unwrap();
    assert_eq!(s.native_balance(&addr(&s, "payer"), DENOM), 1_000_000);
}

#[test]
fn a_work_name_may_have_exactly_max_work_name_bytes() {
    use farthing_types::escrow::{Share, WorkTerms, MAX_WORK_NAME};
    let mut s = suite();
    let payee = addr(&s, "payee");
    let work = |len: usize| WorkTerms {
        name: "n".repeat(len),
        recipients: vec![Share {
            address: payee.to_string(),
            bps: 10_000,
        }],
        accepted: vec![native_asset()],
    };
    let long = work(MAX_WORK_NAME + 1);
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "payee", ExecuteMsg::RegisterWork(long)),
        ContractError::InvalidName,
    );
    exec(
        &mut s,
        "payee",
        ExecuteMsg::RegisterWork(work(MAX_WORK_NAME)),
    )
    .unwrap();
}

#[test]
fn the_escrow_owner_can_hand_over_ownership() {
    let mut s = suite();
    let (owner, arbiter) = (s.owner.clone(), addr(&s, "arbiter"));
    s.execute_escrow(
        &owner,
        &ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
            new_owner: arbiter.to_string(),
            expiry: None,
        }),
        &[],
    )
    .unwrap();
    let resp = exec(
        &mut s,
        "arbiter",
        ExecuteMsg::UpdateOwnership(cw_ownable::Action::AcceptOwnership),
    )
    .unwrap();
    assert_eq!(
        event_attr_wasm(&resp, "owner").as_deref(),
        Some(arbiter.as_str())
    );
    let ownership: cw_ownable::Ownership<cosmwasm_std::Addr> =
        s.query_escrow(&farthing_types::escrow::QueryMsg::Ownership {});
    assert_eq!(ownership.owner, Some(arbiter.clone()));
    let token = addr(&s, "token9").to_string();
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &owner,
                &ExecuteMsg::AllowToken {
                    address: token.clone(),
                },
                &[],
            )
        },
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    exec(&mut s, "arbiter", ExecuteMsg::AllowToken { address: token }).unwrap();
}

/// An attribute of the response's plain `wasm` event.
fn event_attr_wasm(resp: &AppResponse, key: &str) -> Option<String> {
    resp.events
        .iter()
        .find(|e| e.ty == "wasm")
        .and_then(|e| e.attributes.iter().find(|a| a.key == key))
        .map(|a| a.value.clone())
}

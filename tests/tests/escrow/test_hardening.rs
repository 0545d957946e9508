//! Issue 9 (escrow part): payouts the asset refuses are held, the funder is screened,
//! held funds are resolved only for compliance, no stray coins, stale settlements are void,
//! bounded queries, created ids in `data`.

use cosmwasm_std::Coin;
use cw_utils::PaymentError;
use farthing_royalty_escrow::ContractError;
use farthing_testing::kyc_input;
use farthing_types::escrow::{DealStatus, DealTerms, ExecuteMsg, ReceiveMsg, Share, WorkTerms};
use farthing_types::kyc::{Denial, DenialCode, KycStatus, PartyRole, Policy, TravelRule};

use super::*;

fn token_error_unchanged(
    s: &mut Suite,
    run: impl FnOnce(&mut Suite) -> anyhow::Result<AppResponse>,
    expected: farthing_micropay_token::ContractError,
) {
    farthing_testing::assert_rejected_unchanged(s, state, run, expected);
}

fn held_event(s: &Suite, who: &str, asset: &AssetInfo, amount: u128, code: &str) -> [String; 4] {
    [
        s.addr(who).to_string(),
        asset.to_string(),
        amount.to_string(),
        code.to_string(),
    ]
}

fn hold_list(resp: &AppResponse) -> Vec<[String; 4]> {
    holds(resp)
        .into_iter()
        .map(|(a, b, c, d)| [a, b, c, d])
        .collect()
}

// ---------------------------------------------------------------- property 7

#[test]
fn a_release_to_a_token_frozen_payee_is_held_not_reverted() {
    let mut s = suite();
    let t = terms(&s, &[400, 600], false, 86_400);
    let id = create_cw20_deal(&mut s, 1_000, t).unwrap();
    let (payee, escrow, asset) = (addr(&s, "payee"), s.escrow.clone(), token_asset(&s));
    freeze(&mut s, &payee, true);

    let resp = release(&mut s, "payer", id, Some(0));
    assert_eq!(
        hold_list(&resp),
        vec![held_event(&s, "payee", &asset, 400, "transfer_refused")]
    );
    // The refused path costs exactly one extra contract call: the escrow's `reply`.
    assert_eq!(resp.events.iter().filter(|e| e.ty == "reply").count(), 1);
    let d = deal(&s, id);
    assert_eq!((d.to_payee, d.status), (u(400), DealStatus::Open));
    assert_eq!((s.balance(&payee), s.balance(&escrow)), (0, 1_000));
    assert_eq!(held(&s, &payee), vec![(asset.clone(), 400)]);

    // The last milestone closes the deal even though it is held too.
    release(&mut s, "payer", id, None);
    let d = deal(&s, id);
    assert_eq!(
        (d.to_payee, d.to_payer, d.status.clone(), d.remaining()),
        (u(1_000), u(0), DealStatus::Closed, u(0))
    );
    assert_eq!(held(&s, &payee), vec![(asset.clone(), 1_000)]);

    // Claiming is the payee's own (pull) action: it reverts while the token refuses.
    let a = asset.clone();
    token_error_unchanged(
        &mut s,
        |s| claim_held(s, "payee", a),
        farthing_micropay_token::ContractError::AccountFrozen {
            address: payee.to_string(),
        },
    );
    freeze(&mut s, &payee, false);
    claim_held(&mut s, "payee", asset).unwrap();
    assert_eq!((s.balance(&payee), s.balance(&escrow)), (1_000, 0));
    assert_eq!(held(&s, &payee), vec![]);
}

#[test]
fn a_token_frozen_payer_cannot_block_the_ruling_or_the_dispute_expiry() {
    let mut s = suite();
    let (payer, payee, asset) = (addr(&s, "payer"), addr(&s, "payee"), token_asset(&s));
    let t = terms(&s, &[], true, 86_400);
    let ruled = create_cw20_deal(&mut s, 1_000, t).unwrap();
    let t = terms(&s, &[], true, 86_400);
    let expired = create_cw20_deal(&mut s, 500, t).unwrap();
    for id in [ruled, expired] {
        exec(&mut s, "payee", ExecuteMsg::OpenDispute { deal_id: id }).unwrap();
    }
    freeze(&mut s, &payer, true);

    let resp = exec(
        &mut s,
        "arbiter",
        ExecuteMsg::Resolve {
            deal_id: ruled,
            to_payee: u(300),
        },
    )
    .unwrap();
    assert_eq!(
        hold_list(&resp),
        vec![held_event(&s, "payer", &asset, 700, "transfer_refused")]
    );
    assert_eq!(s.balance(&payee), 300);
    let d = deal(&s, ruled);
    assert_eq!(
        (d.to_payee, d.to_payer, d.status),
        (u(300), u(700), DealStatus::Closed)
    );

    s.advance_seconds(86_400);
    let resp = exec(
        &mut s,
        "anyone",
        ExecuteMsg::ExpireDispute { deal_id: expired },
    )
    .unwrap();
    assert_eq!(
        hold_list(&resp),
        vec![held_event(&s, "payer", &asset, 500, "transfer_refused")]
    );
    assert_eq!(deal(&s, expired).status, DealStatus::Closed);
    assert_eq!(held(&s, &payer), vec![(asset.clone(), 1_200)]);
    assert_eq!(s.balance(&s.escrow), 1_200);

    freeze(&mut s, &payer, false);
    claim_held(&mut s, "payer", asset).unwrap();
    assert_eq!(s.balance(&payer), 1_000_000 - 300);
    assert_eq!(s.balance(&s.escrow), 0);
}

#[test]
fn a_release_above_the_travel_rule_threshold_to_a_tier_1_payee_is_held() {
    let mut s = suite();
    let owner = s.owner.clone();
    s.update_policy(
        &owner,
        Policy {
            travel_rule: Some(TravelRule {
                threshold: u(500),
                min_tier: 2,
            }),
            ..Policy::default()
        },
    )
    .unwrap();
    let low = addr(&s, "anyone"); // tier 1
    let t = DealTerms {
        payee: low.to_string(),
        ..terms(&s, &[], false, 86_400)
    };
    let id = create_cw20_deal(&mut s, 1_000, t).unwrap();
    let asset = token_asset(&s);
    let resp = release(&mut s, "payer", id, None);
    assert_eq!(
        hold_list(&resp),
        vec![held_event(&s, "anyone", &asset, 1_000, "transfer_refused")]
    );
    assert_eq!(deal(&s, id).status, DealStatus::Closed);
    assert_eq!(held(&s, &low), vec![(asset.clone(), 1_000)]);
    // The payee collects once their KYC tier meets the travel rule.
    let officer = s.officer.clone();
    let now = s.now();
    s.upsert(&officer, vec![kyc_input(&low, 2, "NL", now)])
        .unwrap();
    claim_held(&mut s, "anyone", asset).unwrap();
    assert_eq!(s.balance(&low), 1_000);
}

#[test]
fn a_paused_token_holds_releases_refunds_and_rulings_until_claimed_after_unpause() {
    let mut s = suite();
    let (payer, payee, asset) = (addr(&s, "payer"), addr(&s, "payee"), token_asset(&s));
    let t = terms(&s, &[], false, 86_400);
    let released = create_cw20_deal(&mut s, 100, t).unwrap();
    let t = terms(&s, &[], false, 1_000);
    let refunded = create_cw20_deal(&mut s, 200, t).unwrap();
    let t = terms(&s, &[], true, 86_400);
    let ruled = create_cw20_deal(&mut s, 300, t).unwrap();
    exec(&mut s, "payer", ExecuteMsg::OpenDispute { deal_id: ruled }).unwrap();
    pause(&mut s, true);

    let resp = release(&mut s, "payer", released, None);
    assert_eq!(
        hold_list(&resp),
        vec![held_event(&s, "payee", &asset, 100, "transfer_refused")]
    );
    s.advance_seconds(1_000);
    let resp = exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: refunded }).unwrap();
    assert_eq!(
        hold_list(&resp),
        vec![held_event(&s, "payer", &asset, 200, "transfer_refused")]
    );
    let resp = exec(
        &mut s,
        "arbiter",
        ExecuteMsg::Resolve {
            deal_id: ruled,
            to_payee: u(120),
        },
    )
    .unwrap();
    assert_eq!(
        hold_list(&resp),
        vec![
            held_event(&s, "payee", &asset, 120, "transfer_refused"),
            held_event(&s, "payer", &asset, 180, "transfer_refused"),
        ]
    );
    for id in [released, refunded, ruled] {
        assert_eq!(deal(&s, id).status, DealStatus::Closed, "deal {id}");
    }
    assert_eq!(s.balance(&s.escrow), 600);
    let a = asset.clone();
    token_error_unchanged(
        &mut s,
        |s| claim_held(s, "payee", a),
        farthing_micropay_token::ContractError::Paused,
    );

    pause(&mut s, false);
    claim_held(&mut s, "payee", asset.clone()).unwrap();
    claim_held(&mut s, "payer", asset).unwrap();
    assert_eq!(s.balance(&payee), 220);
    assert_eq!(s.balance(&payer), 1_000_000 - 220);
    assert_eq!(s.balance(&s.escrow), 0);
}

#[test]
fn a_settlement_pays_the_compliant_party_when_the_token_refuses_the_other() {
    let mut s = suite();
    let (payer, payee, asset) = (addr(&s, "payer"), addr(&s, "payee"), token_asset(&s));
    let t = terms(&s, &[], false, 86_400);
    let id = create_cw20_deal(&mut s, 1_000, t).unwrap();
    exec(
        &mut s,
        "payer",
        ExecuteMsg::ProposeSettlement {
            deal_id: id,
            to_payee: u(650),
        },
    )
    .unwrap();
    freeze(&mut s, &payee, true);
    let resp = exec(
        &mut s,
        "payee",
        ExecuteMsg::AcceptSettlement { deal_id: id },
    )
    .unwrap();
    assert_eq!(
        hold_list(&resp),
        vec![held_event(&s, "payee", &asset, 650, "transfer_refused")]
    );
    assert_eq!(s.balance(&payer), 1_000_000 - 1_000 + 350);
    assert_eq!(held(&s, &payee), vec![(asset, 650)]);
    let d = deal(&s, id);
    assert_eq!(
        (d.to_payee, d.to_payer, d.status),
        (u(650), u(350), DealStatus::Closed)
    );
}

#[test]
fn a_successful_payout_costs_no_reply() {
    let mut s = suite();
    let t = terms(&s, &[], false, 86_400);
    let id = create_cw20_deal(&mut s, 1_000, t).unwrap();
    let resp = release(&mut s, "payer", id, None);
    assert!(holds(&resp).is_empty());
    assert!(
        !resp.events.iter().any(|e| e.ty == "reply"),
        "reply_on_error must not call back on success: {:?}",
        resp.events
    );
    assert_eq!(s.balance(&addr(&s, "payee")), 1_000);
}

// ---------------------------------------------------------------- property 9

fn revoked_sender(a: &cosmwasm_std::Addr) -> ContractError {
    ContractError::Denied(Denial::new(
        a,
        PartyRole::Sender,
        DenialCode::Revoked,
        format!("sender {a} has been revoked by compliance"),
    ))
}

#[test]
fn a_revoked_funder_can_neither_open_top_up_nor_pay_in_any_asset() {
    let mut s = suite();
    let (officer, payer, owner) = (s.officer.clone(), addr(&s, "payer"), s.owner.clone());
    let t = terms(&s, &[], false, 86_400);
    let native_deal = create_native_deal(&mut s, 100, t).unwrap();
    let t = terms(&s, &[], false, 86_400);
    let cw20_deal = create_cw20_deal(&mut s, 100, t).unwrap();
    let payee = addr(&s, "payee");
    s.execute_escrow(
        &payee,
        &ExecuteMsg::RegisterWork(WorkTerms {
            name: "song".into(),
            recipients: vec![Share {
                address: payee.to_string(),
                bps: 10_000,
            }],
            accepted: vec![native_asset(), token_asset(&s)],
        }),
        &[],
    )
    .unwrap();
    s.set_status(&officer, &[&payer], KycStatus::Revoked, "sanctions_hit")
        .unwrap();
    let expected = || revoked_sender(&payer);

    let t = terms(&s, &[], false, 86_400);
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::CreateDeal(t),
                &[Coin::new(10u128, DENOM)],
            )
        },
        expected(),
    );
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::TopUp {
                    deal_id: native_deal,
                },
                &[Coin::new(10u128, DENOM)],
            )
        },
        expected(),
    );
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::Pay { work_id: 1 },
                &[Coin::new(10u128, DENOM)],
            )
        },
        expected(),
    );
    // The cw20 paths: the escrow screens the funder itself, whatever the token does.
    let t = terms(&s, &[], false, 86_400);
    for msg in [
        ReceiveMsg::CreateDeal(t),
        ReceiveMsg::TopUp { deal_id: cw20_deal },
        ReceiveMsg::Pay { work_id: 1 },
    ] {
        assert_escrow_rejected(
            &mut s,
            |s| receive_as_token(s, "payer", 10, &msg),
            expected(),
        );
    }
    // An unlisted funder is refused too.
    let stranger = addr(&s, "stranger");
    s.fund_native(&stranger, 10, DENOM);
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &stranger,
                &ExecuteMsg::Pay { work_id: 1 },
                &[Coin::new(10u128, DENOM)],
            )
        },
        ContractError::Denied(Denial::new(
            &stranger,
            PartyRole::Sender,
            DenialCode::NotListed,
            format!("sender {stranger} is not listed in the KYC registry"),
        )),
    );
    let _ = owner;
}

// ---------------------------------------------------------------- property 11

#[test]
fn messages_that_take_no_funds_refuse_attached_coins() {
    let mut s = suite();
    let t = terms(&s, &[], true, 86_400);
    let id = create_native_deal(&mut s, 100, t).unwrap();
    let (payer, payee) = (addr(&s, "payer"), addr(&s, "payee"));
    let t = terms(&s, &[], false, 86_400);
    let msgs = vec![
        ExecuteMsg::Release {
            deal_id: id,
            milestone: None,
        },
        ExecuteMsg::Refund { deal_id: id },
        ExecuteMsg::OpenDispute { deal_id: id },
        ExecuteMsg::Resolve {
            deal_id: id,
            to_payee: u(1),
        },
        ExecuteMsg::ProposeSettlement {
            deal_id: id,
            to_payee: u(1),
        },
        ExecuteMsg::AcceptSettlement { deal_id: id },
        ExecuteMsg::ExpireDispute { deal_id: id },
        ExecuteMsg::RegisterWork(WorkTerms {
            name: "song".into(),
            recipients: vec![Share {
                address: payee.to_string(),
                bps: 10_000,
            }],
            accepted: vec![native_asset()],
        }),
        ExecuteMsg::UpdateSplit {
            work_id: 1,
            recipients: vec![],
        },
        ExecuteMsg::Claim {
            work_id: 1,
            epoch: None,
            asset: native_asset(),
            amount: None,
        },
        ExecuteMsg::ClaimHeld {
            asset: native_asset(),
            amount: None,
        },
        ExecuteMsg::ResolveHeld {
            address: payee.to_string(),
            asset: native_asset(),
            to: payer.to_string(),
            reason: "court_order".into(),
        },
        ExecuteMsg::AllowToken {
            address: payee.to_string(),
        },
        ExecuteMsg::DisallowToken {
            address: s.token.to_string(),
        },
        ExecuteMsg::SetRegistry { registry: None },
        ExecuteMsg::UpdateOwnership(cw_ownable::Action::RenounceOwnership),
        ExecuteMsg::Receive(cw20::Cw20ReceiveMsg {
            sender: payer.to_string(),
            amount: u(10),
            msg: cosmwasm_std::to_json_binary(&ReceiveMsg::CreateDeal(t)).unwrap(),
        }),
    ];
    for msg in msgs {
        assert_escrow_rejected(
            &mut s,
            |s| s.execute_escrow(&payer, &msg, &[Coin::new(5u128, DENOM)]),
            ContractError::Payment(PaymentError::NonPayable {}),
        );
    }
}

// ---------------------------------------------------------------- property 12

#[test]
fn a_settlement_offer_is_void_after_a_release() {
    let mut s = suite();
    let t = terms(&s, &[500, 500], false, 86_400);
    let id = create_cw20_deal(&mut s, 1_000, t).unwrap();
    // The payer offers 200 of the 1,000, then releases the first 500.
    exec(
        &mut s,
        "payer",
        ExecuteMsg::ProposeSettlement {
            deal_id: id,
            to_payee: u(200),
        },
    )
    .unwrap();
    let resp = release(&mut s, "payer", id, Some(0));
    assert_eq!(
        event_attr(&resp, "escrow_settlement_voided", "deal_id").as_deref(),
        Some("1")
    );
    assert_eq!(deal(&s, id).proposal, None);
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "payee", ExecuteMsg::AcceptSettlement { deal_id: id }),
        ContractError::NoProposal { deal_id: id },
    );
    assert_eq!(s.balance(&addr(&s, "payee")), 500);
}

#[test]
fn a_settlement_offer_is_void_after_a_top_up() {
    let mut s = suite();
    let t = terms(&s, &[], false, 86_400);
    let id = create_native_deal(&mut s, 1_000, t).unwrap();
    exec(
        &mut s,
        "payee",
        ExecuteMsg::ProposeSettlement {
            deal_id: id,
            to_payee: u(900),
        },
    )
    .unwrap();
    let payer = addr(&s, "payer");
    let resp = s
        .execute_escrow(
            &payer,
            &ExecuteMsg::TopUp { deal_id: id },
            &[Coin::new(1_000u128, DENOM)],
        )
        .unwrap();
    assert_eq!(
        event_attr(&resp, "escrow_settlement_voided", "by").as_deref(),
        Some(payer.as_str())
    );
    assert_eq!(deal(&s, id).proposal, None);
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "payer", ExecuteMsg::AcceptSettlement { deal_id: id }),
        ContractError::NoProposal { deal_id: id },
    );
}

// ---------------------------------------------------------------- property 10

fn resolve_msg(s: &Suite, from: &str, to: &str, asset: AssetInfo) -> ExecuteMsg {
    ExecuteMsg::ResolveHeld {
        address: s.addr(from).to_string(),
        asset,
        to: s.addr(to).to_string(),
        reason: "court_order_9".into(),
    }
}

fn not_resolvable(s: &Suite, who: &str, reason: &str) -> ContractError {
    ContractError::HeldNotResolvable {
        address: s.addr(who).to_string(),
        reason: reason.into(),
    }
}

#[test]
fn the_owner_resolves_held_funds_only_of_a_revoked_or_blocked_address() {
    let mut s = suite();
    let (officer, owner, payee) = (s.officer.clone(), s.owner.clone(), addr(&s, "payee"));
    let t = terms(&s, &[100, 200], false, 86_400);
    let id = create_native_deal(&mut s, 300, t).unwrap();
    s.set_status(&officer, &[&payee], KycStatus::Suspended, "kyc_lapsed")
        .unwrap();
    release(&mut s, "payer", id, Some(0));
    assert_eq!(held(&s, &payee), vec![(native_asset(), 100)]);

    // Suspended: the payout stays the payee's.
    let msg = resolve_msg(&s, "payee", "arbiter", native_asset());
    let expected = not_resolvable(&s, "payee", "suspended");
    assert_escrow_rejected(&mut s, |s| s.execute_escrow(&owner, &msg, &[]), expected);
    // Expired.
    let now = s.now();
    let mut rec = kyc_input(&payee, 3, "FR", now);
    rec.expires_at = now.plus_seconds(5);
    s.upsert(&officer, vec![rec]).unwrap();
    s.advance_seconds(5);
    let expected = not_resolvable(&s, "payee", "expired");
    assert_escrow_rejected(&mut s, |s| s.execute_escrow(&owner, &msg, &[]), expected);
    // Not listed.
    s.remove_records(&officer, &[&payee], "offboarded").unwrap();
    let expected = not_resolvable(&s, "payee", "not_listed");
    assert_escrow_rejected(&mut s, |s| s.execute_escrow(&owner, &msg, &[]), expected);
    // Compliant.
    let now = s.now();
    s.upsert(&officer, vec![kyc_input(&payee, 3, "FR", now)])
        .unwrap();
    let expected = not_resolvable(&s, "payee", "compliant");
    assert_escrow_rejected(&mut s, |s| s.execute_escrow(&owner, &msg, &[]), expected);
    // A compliant payee's payout held because the token refused it: the same.
    let t = terms(&s, &[], false, 86_400);
    let cw20_id = create_cw20_deal(&mut s, 50, t).unwrap();
    freeze(&mut s, &payee, true);
    release(&mut s, "payer", cw20_id, None);
    let msg20 = resolve_msg(&s, "payee", "arbiter", token_asset(&s));
    let expected = not_resolvable(&s, "payee", "compliant");
    assert_escrow_rejected(&mut s, |s| s.execute_escrow(&owner, &msg20, &[]), expected);
    freeze(&mut s, &payee, false);
    let asset = token_asset(&s);
    claim_held(&mut s, "payee", asset).unwrap();
    assert_eq!(s.balance(&payee), 50);

    // Revoked: the owner's compliance process may redirect it.
    s.set_status(&officer, &[&payee], KycStatus::Revoked, "sanctions_hit")
        .unwrap();
    s.execute_escrow(&owner, &msg, &[]).unwrap();
    assert_eq!(s.native_balance(&addr(&s, "arbiter"), DENOM), 100);
    assert_eq!(held(&s, &payee), vec![]);

    // Jurisdiction blocked: the same.
    s.set_status(&officer, &[&payee], KycStatus::Active, "cleared")
        .unwrap();
    s.update_policy(
        &owner,
        Policy {
            blocked_jurisdictions: vec!["FR".into()],
            ..Policy::default()
        },
    )
    .unwrap();
    release(&mut s, "payer", id, None);
    assert_eq!(held(&s, &payee), vec![(native_asset(), 200)]);
    s.execute_escrow(&owner, &msg, &[]).unwrap();
    assert_eq!(s.native_balance(&addr(&s, "arbiter"), DENOM), 300);
}

// ---------------------------------------------------------------- property 13

#[test]
fn held_payouts_and_accepted_tokens_are_paginated() {
    let mut s = suite();
    let (officer, owner, payer, payee) = (
        s.officer.clone(),
        s.owner.clone(),
        addr(&s, "payer"),
        addr(&s, "payee"),
    );
    s.set_status(&officer, &[&payee], KycStatus::Suspended, "kyc_lapsed")
        .unwrap();
    let denoms: Vec<String> = (0..31).map(|i| format!("d{i:02}")).collect();
    for d in &denoms {
        s.fund_native(&payer, 10, d);
        let t = terms(&s, &[], false, 86_400);
        s.execute_escrow(&payer, &ExecuteMsg::CreateDeal(t), &[Coin::new(7u128, d)])
            .unwrap();
        let id = last_deal(&s).id;
        release(&mut s, "payer", id, None);
    }
    let t = terms(&s, &[], false, 86_400);
    let id = create_cw20_deal(&mut s, 9, t).unwrap();
    release(&mut s, "payer", id, None);

    let native = |d: &str| AssetInfo::Native { denom: d.into() };
    let mut all: Vec<(AssetInfo, u128)> = vec![(token_asset(&s), 9)];
    all.extend(denoms.iter().map(|d| (native(d), 7)));
    assert_eq!(held_page(&s, &payee, None, None), all[..10].to_vec());
    assert_eq!(held_page(&s, &payee, None, Some(100)), all[..30].to_vec());
    assert_eq!(
        held_page(&s, &payee, Some(all[29].0.clone()), Some(100)),
        all[30..].to_vec()
    );
    assert_eq!(
        held_page(&s, &payee, Some(token_asset(&s)), Some(2)),
        all[1..3].to_vec()
    );
    assert_eq!(held(&s, &payee), all);

    let mut tokens = vec![s.token.clone()];
    for i in 0..31 {
        let t = s.addr(&format!("token{i}"));
        s.execute_escrow(
            &owner,
            &ExecuteMsg::AllowToken {
                address: t.to_string(),
            },
            &[],
        )
        .unwrap();
        tokens.push(t);
    }
    tokens.sort();
    let page = |s: &Suite, start_after: Option<&cosmwasm_std::Addr>, limit| {
        let r: farthing_types::escrow::AcceptedTokensResponse =
            s.query_escrow(&QueryMsg::AcceptedTokens {
                start_after: start_after.map(|a| a.to_string()),
                limit,
            });
        r.tokens
    };
    assert_eq!(page(&s, None, None), tokens[..10].to_vec());
    assert_eq!(page(&s, None, Some(1_000)), tokens[..30].to_vec());
    assert_eq!(page(&s, Some(&tokens[29]), None), tokens[30..].to_vec());
}

// ---------------------------------------------------------------- property 15

#[test]
fn created_ids_come_back_in_the_response_data() {
    use cosmwasm_std::to_json_binary;
    use farthing_types::escrow::{CreateDealResponse, RegisterWorkResponse};
    let mut s = suite();
    let payer = addr(&s, "payer");
    let t = terms(&s, &[], false, 86_400);
    let resp = s
        .execute_escrow(
            &payer,
            &ExecuteMsg::CreateDeal(t),
            &[Coin::new(10u128, DENOM)],
        )
        .unwrap();
    assert_eq!(
        resp.data,
        Some(to_json_binary(&CreateDealResponse { deal_id: 1 }).unwrap())
    );
    let t = terms(&s, &[], false, 86_400);
    let resp = receive_as_token(&mut s, "payer", 10, &ReceiveMsg::CreateDeal(t)).unwrap();
    assert_eq!(
        resp.data,
        Some(to_json_binary(&CreateDealResponse { deal_id: 2 }).unwrap())
    );
    // Through the token's `Send`, the escrow's data is not forwarded (as in cw20-base):
    // a caller reads the id from the `escrow_deal_created` event.
    let t = terms(&s, &[], false, 86_400);
    let resp = s
        .execute_token(
            &payer,
            &farthing_types::token::ExecuteMsg::Send {
                contract: s.escrow.to_string(),
                amount: u(10),
                msg: to_json_binary(&ReceiveMsg::CreateDeal(t)).unwrap(),
            },
        )
        .unwrap();
    assert_eq!(resp.data, None);
    assert_eq!(
        event_attr(&resp, "escrow_deal_created", "deal_id").as_deref(),
        Some("3")
    );
    let payee = addr(&s, "payee");
    let resp = exec(
        &mut s,
        "payee",
        ExecuteMsg::RegisterWork(WorkTerms {
            name: "song".into(),
            recipients: vec![Share {
                address: payee.to_string(),
                bps: 10_000,
            }],
            accepted: vec![native_asset()],
        }),
    )
    .unwrap();
    assert_eq!(
        resp.data,
        Some(to_json_binary(&RegisterWorkResponse { work_id: 1 }).unwrap())
    );
}

// ---------------------------------------------------------------- sweep

#[test]
fn sweep_an_escrow_suspended_by_the_registry_holds_push_payouts_instead_of_reverting() {
    // The token refuses every transfer from a suspended escrow; deadlines keep running,
    // so rulings, releases and refunds must still close deals.
    let mut s = suite();
    let (officer, escrow, asset) = (s.officer.clone(), s.escrow.clone(), token_asset(&s));
    let t = terms(&s, &[], true, 1_000);
    let ruled = create_cw20_deal(&mut s, 400, t).unwrap();
    exec(&mut s, "payee", ExecuteMsg::OpenDispute { deal_id: ruled }).unwrap();
    let t = terms(&s, &[], false, 1_000);
    let refunded = create_cw20_deal(&mut s, 100, t).unwrap();
    s.set_status(&officer, &[&escrow], KycStatus::Suspended, "review")
        .unwrap();
    let resp = exec(
        &mut s,
        "arbiter",
        ExecuteMsg::Resolve {
            deal_id: ruled,
            to_payee: u(250),
        },
    )
    .unwrap();
    assert_eq!(
        hold_list(&resp),
        vec![
            held_event(&s, "payee", &asset, 250, "transfer_refused"),
            held_event(&s, "payer", &asset, 150, "transfer_refused"),
        ]
    );
    s.advance_seconds(1_000);
    exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: refunded }).unwrap();
    assert_eq!(held(&s, &addr(&s, "payer")), vec![(asset.clone(), 250)]);
    s.set_status(&officer, &[&escrow], KycStatus::Active, "cleared")
        .unwrap();
    claim_held(&mut s, "payee", asset.clone()).unwrap();
    claim_held(&mut s, "payer", asset).unwrap();
    assert_eq!(s.balance(&addr(&s, "payee")), 250);
    assert_eq!(s.balance(&addr(&s, "payer")), 1_000_000 - 250);
    assert_eq!(s.balance(&escrow), 0);
}

#[test]
fn sweep_the_escrow_itself_can_be_neither_a_deal_party_nor_a_split_recipient() {
    // Funds paid to the escrow's own address would belong to nobody, forever.
    let mut s = suite();
    let (payer, escrow) = (addr(&s, "payer"), s.escrow.clone());
    let as_party = || ContractError::ContractAsParty {
        address: escrow.to_string(),
    };
    let t = DealTerms {
        payee: escrow.to_string(),
        ..terms(&s, &[], false, 100)
    };
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::CreateDeal(t),
                &[Coin::new(10u128, DENOM)],
            )
        },
        as_party(),
    );
    let t = DealTerms {
        arbiter: Some(escrow.to_string()),
        ..terms(&s, &[], false, 100)
    };
    assert_escrow_rejected(
        &mut s,
        |s| receive_as_token(s, "payer", 10, &ReceiveMsg::CreateDeal(t)),
        as_party(),
    );
    let recipients = vec![
        Share {
            address: addr(&s, "payee").to_string(),
            bps: 5_000,
        },
        Share {
            address: escrow.to_string(),
            bps: 5_000,
        },
    ];
    let work = WorkTerms {
        name: "song".into(),
        recipients: recipients.clone(),
        accepted: vec![native_asset()],
    };
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "payee", ExecuteMsg::RegisterWork(work)),
        as_party(),
    );
    let work = WorkTerms {
        name: "song".into(),
        recipients: recipients[..1]
            .iter()
            .map(|r| Share {
                bps: 10_000,
                ..r.clone()
            })
            .collect(),
        accepted: vec![native_asset()],
    };
    exec(&mut s, "payee", ExecuteMsg::RegisterWork(work)).unwrap();
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "payee",
                ExecuteMsg::UpdateSplit {
                    work_id: 1,
                    recipients,
                },
            )
        },
        as_party(),
    );
}

#[test]
fn sweep_a_work_accepts_a_bounded_number_of_assets() {
    // The Work query reports revenue for every accepted asset: the list must be bounded.
    let mut s = suite();
    let payee = addr(&s, "payee");
    let work = |n: usize| WorkTerms {
        name: "song".into(),
        recipients: vec![Share {
            address: payee.to_string(),
            bps: 10_000,
        }],
        accepted: (0..n)
            .map(|i| AssetInfo::Native {
                denom: format!("d{i}"),
            })
            .collect(),
    };
    let max = farthing_types::escrow::MAX_WORK_ASSETS;
    let w = work(max + 1);
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "payee", ExecuteMsg::RegisterWork(w)),
        ContractError::TooManyAssets {
            count: max + 1,
            max,
        },
    );
    exec(&mut s, "payee", ExecuteMsg::RegisterWork(work(max))).unwrap();
}

//! Adversarial review of the escrow hardening (holds on asset refusal, funder screen,
//! resolve_held rules, nonpayable, settlement voiding, bounded queries, ids in data).
//!
//! Each test names the guarantee it attacks. A test that fails is a hole in the change.

use cosmwasm_std::Coin;
use cw_utils::PaymentError;
use farthing_royalty_escrow::ContractError;
use farthing_testing::kyc_input;
use farthing_types::escrow::{DealStatus, ExecuteMsg, ReceiveMsg, Share, WorkTerms};
use farthing_types::kyc::{KycStatus, Policy, TravelRule};

use super::*;

fn resolve_held(
    s: &mut Suite,
    from: &Addr,
    to: &Addr,
    asset: AssetInfo,
) -> anyhow::Result<AppResponse> {
    let owner = s.owner.clone();
    s.execute_escrow(
        &owner,
        &ExecuteMsg::ResolveHeld {
            address: from.to_string(),
            asset,
            to: to.to_string(),
            reason: "court_order_7".into(),
        },
        &[],
    )
}

fn block(s: &mut Suite, jurisdictions: &[&str]) {
    let owner = s.owner.clone();
    s.update_policy(
        &owner,
        Policy {
            blocked_jurisdictions: jurisdictions.iter().map(|j| j.to_string()).collect(),
            ..Policy::default()
        },
    )
    .unwrap();
}

fn travel_rule(s: &mut Suite, threshold: u128, min_tier: u8) {
    let owner = s.owner.clone();
    s.update_policy(
        &owner,
        Policy {
            travel_rule: Some(TravelRule {
                threshold: u(threshold),
                min_tier,
            }),
            ..Policy::default()
        },
    )
    .unwrap();
}

fn codes(resp: &AppResponse) -> Vec<(String, String, String)> {
    holds(resp)
        .into_iter()
        .map(|(to, _, amount, code)| (to, amount, code))
        .collect()
}

// ======================================================================= holes

/// Guarantee 1 (registry refusals held before sending; a refund is held when the payer is
/// "revoked or in a blocked jurisdiction"). `pay` decides "sanctioned" from the FIRST
/// denial code the registry returns, and `check_party` reports status before
/// jurisdiction: a suspended payer in a blocked jurisdiction reads as `suspended`, so a
/// native refund is sent straight to a party in a blocked jurisdiction.
#[test]
fn review_native_refund_to_a_suspended_payer_in_a_blocked_jurisdiction_is_held() {
    let mut s = suite();
    let (officer, payer) = (s.officer.clone(), addr(&s, "payer"));
    let t = terms(&s, &[], false, 1_000);
    let id = create_native_deal(&mut s, 700, t).unwrap();
    // Control: an active payer in a blocked jurisdiction has its native refund held.
    let t = terms(&s, &[], false, 1_000);
    let control = create_native_deal(&mut s, 300, t).unwrap();
    block(&mut s, &["DE"]); // the payer's jurisdiction
    s.advance_seconds(1_000);
    let resp = exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: control }).unwrap();
    assert_eq!(
        codes(&resp),
        vec![(
            payer.to_string(),
            "300".into(),
            "jurisdiction_blocked".into()
        )]
    );
    assert_eq!(s.native_balance(&payer, DENOM), 1_000_000 - 1_000);

    // Same payer, same blocked jurisdiction, now also suspended.
    s.set_status(&officer, &[&payer], KycStatus::Suspended, "review")
        .unwrap();
    exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: id }).unwrap();
    assert_eq!(deal(&s, id).status, DealStatus::Closed);
    assert_eq!(
        s.native_balance(&payer, DENOM),
        1_000_000 - 1_000,
        "700 was sent to a payer in a blocked jurisdiction"
    );
    assert_eq!(held(&s, &payer), vec![(native_asset(), 1_000)]);
}

/// Guarantee 2: "the owner's resolve_held works ... when the held address is, at that
/// moment, revoked or in a blocked jurisdiction". A suspended address in a blocked
/// jurisdiction IS in a blocked jurisdiction, but `resolve_held` matches only on the
/// first denial code (`suspended`) and refuses; the address cannot claim either.
#[test]
fn review_resolve_held_of_a_suspended_address_in_a_blocked_jurisdiction() {
    let mut s = suite();
    let (officer, payee, arbiter) = (s.officer.clone(), addr(&s, "payee"), addr(&s, "arbiter"));
    let t = terms(&s, &[], false, 86_400);
    let id = create_native_deal(&mut s, 250, t).unwrap();
    s.set_status(&officer, &[&payee], KycStatus::Suspended, "review")
        .unwrap();
    release(&mut s, "payer", id, None);
    assert_eq!(held(&s, &payee), vec![(native_asset(), 250)]);
    block(&mut s, &["FR"]); // the payee's jurisdiction

    let r = resolve_held(&mut s, &payee, &arbiter, native_asset());
    assert!(
        r.is_ok(),
        "held funds of an address in a blocked jurisdiction must be resolvable: {:?}",
        r.err()
            .map(|e| e.downcast::<ContractError>().map(|e| e.to_string()))
    );
    assert_eq!(s.native_balance(&arbiter, DENOM), 250);
    assert_eq!(held(&s, &payee), vec![]);
}

/// Guarantee 8 (conservation) / 2: `resolve_held` checks `to` only against the registry.
/// The escrow is a listed, compliant contract, so the owner can "resolve" held funds to
/// the escrow itself: the funds stay in the escrow, owed to nobody, forever (the same
/// reason deal parties and split recipients may not be the escrow).
#[test]
fn review_resolve_held_to_the_escrow_itself_is_refused() {
    let mut s = suite();
    let (officer, payee, escrow) = (s.officer.clone(), addr(&s, "payee"), s.escrow.clone());
    let t = terms(&s, &[], false, 86_400);
    let id = create_native_deal(&mut s, 100, t).unwrap();
    let t = terms(&s, &[], false, 86_400);
    let id20 = create_cw20_deal(&mut s, 40, t).unwrap();
    s.set_status(&officer, &[&payee], KycStatus::Revoked, "sanctions_hit")
        .unwrap();
    release(&mut s, "payer", id, None);
    release(&mut s, "payer", id20, None);
    assert_eq!(
        held(&s, &payee),
        vec![(token_asset(&s), 40), (native_asset(), 100)]
    );
    let owner = s.owner.clone();
    let msg = ExecuteMsg::ResolveHeld {
        address: payee.to_string(),
        asset: native_asset(),
        to: escrow.to_string(),
        reason: "court_order_7".into(),
    };
    assert_escrow_rejected(
        &mut s,
        |s| s.execute_escrow(&owner, &msg, &[]),
        ContractError::ContractAsParty {
            address: escrow.to_string(),
        },
    );
    let msg = ExecuteMsg::ResolveHeld {
        address: payee.to_string(),
        asset: token_asset(&s),
        to: escrow.to_string(),
        reason: "court_order_7".into(),
    };
    assert_escrow_rejected(
        &mut s,
        |s| s.execute_escrow(&owner, &msg, &[]),
        ContractError::ContractAsParty {
            address: escrow.to_string(),
        },
    );
}

/// Guarantee 2: "every held payout has a claimant who can collect it once compliant".
/// Each release (400) is under the travel-rule threshold (500) and would have been paid,
/// but the token was paused, so both were held. `ClaimHeld` moves the whole 800 in one
/// transfer, which the travel rule refuses for a tier-1 payee; `ResolveHeld` refuses too
/// (the payee is compliant). The payee, fully compliant, can never collect.
#[test]
fn review_holds_summed_past_the_travel_rule_threshold_stay_claimable() {
    let mut s = suite();
    travel_rule(&mut s, 500, 2);
    let (low, asset) = (addr(&s, "anyone"), token_asset(&s)); // tier 1, active
    let t = DealTerms {
        payee: low.to_string(),
        ..terms(&s, &[400, 400, 400], false, 86_400)
    };
    let id = create_cw20_deal(&mut s, 1_200, t).unwrap();
    // Control: one 400 release goes through.
    release(&mut s, "payer", id, Some(0));
    assert_eq!(s.balance(&low), 400);

    pause(&mut s, true);
    release(&mut s, "payer", id, Some(1));
    release(&mut s, "payer", id, Some(2));
    pause(&mut s, false);
    assert_eq!(held(&s, &low), vec![(asset.clone(), 800)]);
    assert_eq!(deal(&s, id).status, DealStatus::Closed);
    // The owner has no way to move it either: the payee is compliant.
    let arbiter = addr(&s, "arbiter");
    let a = asset.clone();
    assert_escrow_rejected(
        &mut s,
        |s| resolve_held(s, &low, &arbiter, a),
        ContractError::HeldNotResolvable {
            address: low.to_string(),
            reason: "compliant".into(),
        },
    );

    // The whole 800 at once is over the threshold; the payee collects it in parts.
    let whole = claim_held(&mut s, "anyone", asset.clone()).unwrap_err();
    assert_eq!(
        farthing_types::errors::parse(&format!("{whole:#}"))
            .unwrap()
            .code,
        "travel_rule"
    );
    let part = |s: &mut Suite, n: u128| {
        exec(
            s,
            "anyone",
            ExecuteMsg::ClaimHeld {
                asset: token_asset(s),
                amount: Some(u(n)),
            },
        )
    };
    assert_escrow_rejected(
        &mut s,
        |s| part(s, 801),
        ContractError::ExceedsOwed {
            requested: u(801),
            owed: u(800),
        },
    );
    assert_escrow_rejected(&mut s, |s| part(s, 0), ContractError::ZeroAmount);
    part(&mut s, 400).unwrap();
    assert_eq!(held(&s, &low), vec![(asset.clone(), 400)]);
    part(&mut s, 400).unwrap();
    assert_eq!(held(&s, &low), vec![]);
    assert_eq!(s.balance(&low), 1_200);
}

/// Same root cause on the royalty side: each payment (400) is under the travel-rule
/// threshold, but `Claim` sends everything owed in one transfer, so a tier-1 recipient
/// who did not claim after every payment can never claim (no partial claim).
#[test]
fn review_royalty_owed_summed_past_the_travel_rule_threshold_stays_claimable() {
    let mut s = suite();
    travel_rule(&mut s, 500, 2);
    let (low, payer, asset) = (addr(&s, "anyone"), addr(&s, "payer"), token_asset(&s));
    exec(
        &mut s,
        "anyone",
        ExecuteMsg::RegisterWork(WorkTerms {
            name: "song".into(),
            recipients: vec![Share {
                address: low.to_string(),
                bps: 10_000,
            }],
            accepted: vec![asset.clone()],
        }),
    )
    .unwrap();
    for _ in 0..2 {
        let escrow = s.escrow.to_string();
        s.execute_token(
            &payer,
            &TokenMsg::Send {
                contract: escrow,
                amount: u(400),
                msg: to_json_binary(&ReceiveMsg::Pay { work_id: 1 }).unwrap(),
            },
        )
        .unwrap();
    }
    let claim = |s: &mut Suite, amount: Option<u128>| {
        exec(
            s,
            "anyone",
            ExecuteMsg::Claim {
                work_id: 1,
                epoch: None,
                asset: token_asset(s),
                amount: amount.map(u),
            },
        )
    };
    // All 800 at once is over the threshold; in parts it is not.
    assert!(claim(&mut s, None).is_err());
    assert_escrow_rejected(
        &mut s,
        |s| claim(s, Some(801)),
        ContractError::ExceedsOwed {
            requested: u(801),
            owed: u(800),
        },
    );
    assert_escrow_rejected(&mut s, |s| claim(s, Some(0)), ContractError::ZeroAmount);
    claim(&mut s, Some(400)).unwrap();
    claim(&mut s, Some(400)).unwrap();
    assert_eq!(s.balance(&low), 800);
    assert_escrow_rejected(&mut s, |s| claim(s, None), ContractError::NothingToClaim);
}

/// Guarantee 2 with the token's wallet recovery: the agent moves the payee's lost wallet
/// to a new one, and the token keeps the lost wallet frozen forever. Releases of an open
/// deal to the lost wallet are held for it; nobody can sign for it, the new wallet has
/// nothing to claim, and `ResolveHeld` refuses because the registry still lists the lost
/// wallet as active ("compliant"). The held funds have no claimant.
#[test]
fn review_a_recovered_payee_wallet_leaves_a_claimant_for_its_held_payouts() {
    let mut s = suite();
    let (officer, payee, asset) = (s.officer.clone(), addr(&s, "payee"), token_asset(&s));
    let fresh = addr(&s, "payee_new_wallet");
    let now = s.now();
    s.upsert(&officer, vec![kyc_input(&fresh, 3, "FR", now)])
        .unwrap();
    let t = terms(&s, &[300, 700], false, 86_400);
    let id = create_cw20_deal(&mut s, 1_000, t).unwrap();
    release(&mut s, "payer", id, Some(0));
    let agent = addr(&s, "agent");
    s.execute_token(
        &agent,
        &TokenMsg::Recover {
            lost: payee.to_string(),
            new_address: fresh.to_string(),
            reason: "lost_keys".into(),
        },
    )
    .unwrap();
    assert_eq!(s.balance(&fresh), 300);

    let resp = release(&mut s, "payer", id, None);
    assert_eq!(
        codes(&resp),
        vec![(payee.to_string(), "700".into(), "transfer_refused".into())]
    );
    // The new wallet has nothing to claim.
    assert!(claim_held(&mut s, "payee_new_wallet", asset.clone()).is_err());
    // While the registry lists the lost wallet as active, the owner may not move it.
    let a = asset.clone();
    assert_escrow_rejected(
        &mut s,
        |s| resolve_held(s, &payee, &fresh, a),
        ContractError::HeldNotResolvable {
            address: payee.to_string(),
            reason: "compliant".into(),
        },
    );
    // The documented way out: compliance revokes the lost wallet (nobody holds its key any
    // more), and the owner resolves its held payout to the new wallet.
    s.set_status(&officer, &[&payee], KycStatus::Revoked, "wallet_recovered")
        .unwrap();
    resolve_held(&mut s, &payee, &fresh, asset).unwrap();
    assert_eq!(s.balance(&fresh), 1_000);
}

/// Guarantee 1 ("every deal state keeps a terminal path"): `SetRegistry` accepts any
/// address. Pointing it at something that is not a registry (here the token) makes every
/// `check` query fail, so release / refund / ruling / dispute expiry all revert: no deal
/// can close until the owner notices. (Owner-only; low severity.)
#[test]
fn review_set_registry_refuses_an_address_that_is_not_a_registry() {
    let mut s = suite();
    let t = terms(&s, &[], false, 86_400);
    let id = create_native_deal(&mut s, 100, t).unwrap();
    exec(&mut s, "payee", ExecuteMsg::OpenDispute { deal_id: id }).unwrap();
    let owner = s.owner.clone();
    let token = s.token.to_string();
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &owner,
                &ExecuteMsg::SetRegistry {
                    registry: Some(token.clone()),
                },
                &[],
            )
        },
        ContractError::NotARegistry {
            address: token.clone(),
        },
    );
    s.advance_seconds(86_400);
    exec(&mut s, "anyone", ExecuteMsg::ExpireDispute { deal_id: id }).unwrap();
}

// ======================================================================= probes that hold

/// Guarantees 1 + 8 with a partial freeze of the escrow's own tokens: only the payout the
/// token refuses is held, once; the other is paid; the escrow holds exactly what it owes.
#[test]
fn review_partial_freeze_of_the_escrow_holds_only_the_refused_payout() {
    let mut s = suite();
    let (payee, escrow, asset) = (addr(&s, "payee"), s.escrow.clone(), token_asset(&s));
    let t = terms(&s, &[], false, 86_400);
    let a = create_cw20_deal(&mut s, 600, t).unwrap();
    let t = terms(&s, &[], false, 86_400);
    let b = create_cw20_deal(&mut s, 400, t).unwrap();
    let freezer = addr(&s, "freezer");
    s.execute_token(
        &freezer,
        &TokenMsg::FreezeTokens {
            address: escrow.to_string(),
            amount: u(500),
            reason: "court_order".into(),
        },
    )
    .unwrap();
    let resp = release(&mut s, "payer", a, None);
    assert_eq!(
        codes(&resp),
        vec![(payee.to_string(), "600".into(), "transfer_refused".into())]
    );
    let resp = release(&mut s, "payer", b, None);
    assert!(holds(&resp).is_empty());
    assert_eq!((s.balance(&payee), s.balance(&escrow)), (400, 600));
    assert_eq!(held(&s, &payee), vec![(asset.clone(), 600)]);
    s.execute_token(
        &freezer,
        &TokenMsg::UnfreezeTokens {
            address: escrow.to_string(),
            amount: u(500),
            reason: "court_order".into(),
        },
    )
    .unwrap();
    claim_held(&mut s, "payee", asset.clone()).unwrap();
    assert_eq!((s.balance(&payee), s.balance(&escrow)), (1_000, 0));
    // Replaying the claim finds nothing.
    assert_escrow_rejected(
        &mut s,
        |s| claim_held(s, "payee", asset),
        ContractError::NothingToClaim,
    );
}

/// Guarantee 2 after `DisallowToken`: a held payout in a token that is no longer accepted
/// is still claimable, and deals in it still close.
#[test]
fn review_claim_held_in_a_disallowed_token() {
    let mut s = suite();
    let (payer, payee, escrow, asset) = (
        addr(&s, "payer"),
        addr(&s, "payee"),
        s.escrow.clone(),
        token_asset(&s),
    );
    let t = terms(&s, &[], false, 86_400);
    let released = create_cw20_deal(&mut s, 300, t).unwrap();
    let t = terms(&s, &[], false, 1_000);
    let refunded = create_cw20_deal(&mut s, 200, t).unwrap();
    freeze(&mut s, &payee, true);
    release(&mut s, "payer", released, None);
    let owner = s.owner.clone();
    s.execute_escrow(
        &owner,
        &ExecuteMsg::DisallowToken {
            address: s.token.to_string(),
        },
        &[],
    )
    .unwrap();
    // A top-up in the disallowed token is refused; the open deal still refunds.
    let e = receive_as_token(&mut s, "payer", 5, &ReceiveMsg::TopUp { deal_id: refunded })
        .unwrap_err()
        .downcast::<ContractError>()
        .unwrap();
    assert_eq!(
        e,
        ContractError::TokenNotAccepted {
            address: s.token.to_string()
        }
    );
    s.advance_seconds(1_000);
    exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: refunded }).unwrap();
    freeze(&mut s, &payee, false);
    claim_held(&mut s, "payee", asset).unwrap();
    assert_eq!(s.balance(&payee), 300);
    assert_eq!(s.balance(&payer), 1_000_000 - 300);
    assert_eq!(s.balance(&escrow), 0);
}

/// Guarantees 5 + 8: a held partial release voids the standing offer, a new offer cannot
/// exceed what remains, and the settlement splits exactly what remains.
#[test]
fn review_settlement_after_a_held_partial_release_pays_only_what_remains() {
    let mut s = suite();
    let (payer, payee, escrow, asset) = (
        addr(&s, "payer"),
        addr(&s, "payee"),
        s.escrow.clone(),
        token_asset(&s),
    );
    let t = terms(&s, &[300, 700], false, 86_400);
    let id = create_cw20_deal(&mut s, 1_000, t).unwrap();
    exec(
        &mut s,
        "payee",
        ExecuteMsg::ProposeSettlement {
            deal_id: id,
            to_payee: u(900),
        },
    )
    .unwrap();
    freeze(&mut s, &payee, true);
    let resp = release(&mut s, "payer", id, Some(0));
    assert_eq!(
        event_attr(&resp, "escrow_settlement_voided", "deal_id").as_deref(),
        Some("1")
    );
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "payer", ExecuteMsg::AcceptSettlement { deal_id: id }),
        ContractError::NoProposal { deal_id: id },
    );
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "payer",
                ExecuteMsg::ProposeSettlement {
                    deal_id: id,
                    to_payee: u(701),
                },
            )
        },
        ContractError::SplitTooLarge {
            to_payee: u(701),
            remaining: u(700),
        },
    );
    exec(
        &mut s,
        "payer",
        ExecuteMsg::ProposeSettlement {
            deal_id: id,
            to_payee: u(500),
        },
    )
    .unwrap();
    exec(
        &mut s,
        "payee",
        ExecuteMsg::AcceptSettlement { deal_id: id },
    )
    .unwrap();
    let d = deal(&s, id);
    assert_eq!(
        (d.to_payee, d.to_payer, d.remaining(), d.status),
        (u(800), u(200), u(0), DealStatus::Closed)
    );
    assert_eq!(held(&s, &payee), vec![(asset, 800)]);
    assert_eq!(s.balance(&payer), 1_000_000 - 1_000 + 200);
    assert_eq!(s.balance(&escrow), 800);
}

/// Guarantee 8 (royalty side): claims before and after a split update pay out exactly
/// what was paid in, to the last unit; nothing can be claimed twice.
#[test]
fn review_royalty_claims_across_a_split_update_conserve_exactly() {
    let mut s = suite();
    let (payer, payee, arbiter, escrow) = (
        addr(&s, "payer"),
        addr(&s, "payee"),
        addr(&s, "arbiter"),
        s.escrow.clone(),
    );
    exec(
        &mut s,
        "payee",
        ExecuteMsg::RegisterWork(WorkTerms {
            name: "song".into(),
            recipients: vec![
                Share {
                    address: payee.to_string(),
                    bps: 3_333,
                },
                Share {
                    address: arbiter.to_string(),
                    bps: 6_667,
                },
            ],
            accepted: vec![native_asset()],
        }),
    )
    .unwrap();
    let pay = |s: &mut Suite, n: u128| {
        s.execute_escrow(
            &payer,
            &ExecuteMsg::Pay { work_id: 1 },
            &[Coin::new(n, DENOM)],
        )
        .unwrap();
    };
    let claim = |s: &mut Suite, who: &str, epoch: Option<u32>| {
        exec(
            s,
            who,
            ExecuteMsg::Claim {
                work_id: 1,
                epoch,
                asset: native_asset(),
                amount: None,
            },
        )
    };
    pay(&mut s, 1_001);
    claim(&mut s, "payee", None).unwrap();
    claim(&mut s, "arbiter", None).unwrap();
    assert_eq!(s.native_balance(&payee, DENOM), 333);
    assert_eq!(s.native_balance(&arbiter, DENOM), 667);
    exec(
        &mut s,
        "payee",
        ExecuteMsg::UpdateSplit {
            work_id: 1,
            recipients: vec![Share {
                address: arbiter.to_string(),
                bps: 10_000,
            }],
        },
    )
    .unwrap();
    pay(&mut s, 10);
    // The closed split's remainder (1) goes to its first recipient.
    claim(&mut s, "payee", Some(0)).unwrap();
    claim(&mut s, "arbiter", None).unwrap();
    assert_eq!(s.native_balance(&payee, DENOM), 334);
    assert_eq!(s.native_balance(&arbiter, DENOM), 677);
    assert_eq!(s.native_balance(&escrow, DENOM), 0);
    assert_escrow_rejected(
        &mut s,
        |s| claim(s, "arbiter", Some(0)),
        ContractError::NothingToClaim,
    );
    assert_escrow_rejected(
        &mut s,
        |s| claim(s, "payee", None),
        ContractError::NotARecipient {
            address: payee.to_string(),
            work_id: 1,
            epoch: 1,
        },
    );
}

/// Guarantee 4: native deposit messages take exactly one non-zero coin.
#[test]
fn review_native_deposits_take_exactly_one_coin() {
    let mut s = suite();
    let payer = addr(&s, "payer");
    s.app
        .init_modules(|router, _, storage| {
            router.bank.init_balance(
                storage,
                &payer,
                vec![Coin::new(1_000u128, DENOM), Coin::new(1_000u128, "uusd")],
            )
        })
        .unwrap();
    let t = terms(&s, &[], false, 86_400);
    let id = create_native_deal(&mut s, 10, t).unwrap();
    let t = terms(&s, &[], false, 86_400);
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::CreateDeal(t),
                &[Coin::new(5u128, DENOM), Coin::new(5u128, "uusd")],
            )
        },
        ContractError::Payment(PaymentError::MultipleDenoms {}),
    );
    assert_escrow_rejected(
        &mut s,
        |s| s.execute_escrow(&payer, &ExecuteMsg::TopUp { deal_id: id }, &[]),
        ContractError::Payment(PaymentError::NoFunds {}),
    );
    assert_escrow_rejected(
        &mut s,
        |s| s.execute_escrow(&payer, &ExecuteMsg::Pay { work_id: 1 }, &[]),
        ContractError::Payment(PaymentError::NoFunds {}),
    );
}

/// Guarantees 2 + 8: a cw20 refund to a revoked payer is held before sending, the owner
/// resolves it to a compliant address, and the escrow ends holding nothing.
#[test]
fn review_held_refund_then_resolution_conserves() {
    let mut s = suite();
    let (officer, payer, arbiter, escrow, asset) = (
        s.officer.clone(),
        addr(&s, "payer"),
        addr(&s, "arbiter"),
        s.escrow.clone(),
        token_asset(&s),
    );
    let t = terms(&s, &[200, 300], false, 1_000);
    let id = create_cw20_deal(&mut s, 500, t).unwrap();
    release(&mut s, "payer", id, Some(0));
    // Revoked, and its KYC expires at the deal's expiry too.
    let now = s.now();
    let mut rec = kyc_input(&payer, 3, "DE", now);
    rec.status = KycStatus::Revoked;
    rec.expires_at = now.plus_seconds(1_000);
    s.upsert(&officer, vec![rec]).unwrap();
    s.advance_seconds(1_000);
    let resp = exec(&mut s, "anyone", ExecuteMsg::Refund { deal_id: id }).unwrap();
    assert_eq!(
        codes(&resp),
        vec![(payer.to_string(), "300".into(), "revoked".into())]
    );
    assert_eq!(s.balance(&escrow), 300);
    // Revoked and also expired: still "revoked" (status is checked first), resolvable.
    resolve_held(&mut s, &payer, &arbiter, asset.clone()).unwrap();
    assert_eq!(s.balance(&arbiter), 300);
    assert_eq!(s.balance(&escrow), 0);
    assert_eq!(held(&s, &payer), vec![]);
    assert_escrow_rejected(
        &mut s,
        |s| resolve_held(s, &payer, &arbiter, asset),
        ContractError::NothingToClaim,
    );
}

/// Guarantee 2 with `SetRegistry None`: a revoked payee's payout, refused by the token's
/// gate, is held as `transfer_refused`; the escrow without a registry sees everyone as
/// compliant, so `ResolveHeld` refuses until the owner restores the registry. Not forever.
#[test]
fn review_set_registry_none_then_restored_keeps_held_funds_resolvable() {
    let mut s = suite();
    let (officer, owner, payee, arbiter, asset) = (
        s.officer.clone(),
        s.owner.clone(),
        addr(&s, "payee"),
        addr(&s, "arbiter"),
        token_asset(&s),
    );
    let t = terms(&s, &[], false, 86_400);
    let id = create_cw20_deal(&mut s, 90, t).unwrap();
    s.execute_escrow(&owner, &ExecuteMsg::SetRegistry { registry: None }, &[])
        .unwrap();
    s.set_status(&officer, &[&payee], KycStatus::Revoked, "sanctions_hit")
        .unwrap();
    let resp = release(&mut s, "payer", id, None);
    assert_eq!(
        codes(&resp),
        vec![(payee.to_string(), "90".into(), "transfer_refused".into())]
    );
    let a = asset.clone();
    assert_escrow_rejected(
        &mut s,
        |s| resolve_held(s, &payee, &arbiter, a),
        ContractError::HeldNotResolvable {
            address: payee.to_string(),
            reason: "compliant".into(),
        },
    );
    let registry = s.registry.to_string();
    s.execute_escrow(
        &owner,
        &ExecuteMsg::SetRegistry {
            registry: Some(registry),
        },
        &[],
    )
    .unwrap();
    resolve_held(&mut s, &payee, &arbiter, asset).unwrap();
    assert_eq!(s.balance(&arbiter), 90);
    assert_eq!(s.balance(&s.escrow), 0);
}

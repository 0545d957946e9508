//! Issue 10: funds sent to the escrow outside its messages (a plain cw20 transfer, a bank
//! send) are owed to nobody. The escrow keeps what it owes per asset (`Owed`), and the owner
//! sweeps only the rest (`SweepStray`), never what deals, royalties or held payouts own.
//! Found by the invariant run's liveness check ("no coin is locked with nobody able to move
//! it"), which failed on a plain transfer to the escrow before `SweepStray` existed.

use cosmwasm_std::Coin;
use cw_multi_test::Executor;
use farthing_royalty_escrow::ContractError;
use farthing_types::escrow::{ExecuteMsg, OwedResponse, QueryMsg};
use farthing_types::kyc::{Denial, DenialCode, KycStatus, PartyRole};

use super::*;

fn owed(s: &Suite, asset: AssetInfo) -> (u128, u128, u128) {
    let r: OwedResponse = s.query_escrow(&QueryMsg::Owed { asset });
    (r.owed.u128(), r.holdings.u128(), r.stray.u128())
}

fn sweep(s: &mut Suite, who: &str, asset: AssetInfo, to: &str) -> anyhow::Result<AppResponse> {
    let to = s.addr(to).to_string();
    exec(s, who, ExecuteMsg::SweepStray { asset, to })
}

/// A cw20 deal of 1,000 and a native deal of 500, then 77 tokens and 33 coins sent to the
/// escrow directly.
fn with_stray() -> Suite {
    let mut s = suite();
    let t = terms(&s, &[], true, 86_400);
    create_cw20_deal(&mut s, 1_000, t).unwrap();
    let t = terms(&s, &[], true, 86_400);
    create_native_deal(&mut s, 500, t).unwrap();
    let (payer, escrow) = (s.addr("payer"), s.escrow.clone());
    s.transfer(&payer, &escrow, 77).unwrap();
    s.app
        .send_tokens(payer, escrow, &[Coin::new(33u128, DENOM)])
        .unwrap();
    s
}

#[test]
fn the_owner_sweeps_exactly_the_stray_rest_of_each_asset() {
    let mut s = with_stray();
    assert_eq!(owed(&s, token_asset(&s)), (1_000, 1_077, 77));
    assert_eq!(owed(&s, native_asset()), (500, 533, 33));
    let anyone = s.addr("anyone");
    let (tokens, coins) = (s.balance(&anyone), s.native_balance(&anyone, DENOM));
    let asset = token_asset(&s);
    let resp = sweep(&mut s, "owner", asset, "anyone").unwrap();
    assert_eq!(
        event_attr(&resp, "escrow_stray_swept", "amount").as_deref(),
        Some("77")
    );
    sweep(&mut s, "owner", native_asset(), "anyone").unwrap();
    assert_eq!(s.balance(&anyone), tokens + 77);
    assert_eq!(s.native_balance(&anyone, DENOM), coins + 33);
    assert_eq!(owed(&s, token_asset(&s)), (1_000, 1_000, 0));
    assert_eq!(owed(&s, native_asset()), (500, 500, 0));
    // Nothing stray is left: the deals' funds cannot be swept.
    let asset = token_asset(&s);
    assert_escrow_rejected(
        &mut s,
        |s| sweep(s, "owner", asset.clone(), "anyone"),
        ContractError::NothingToSweep {
            asset: asset.to_string(),
            holdings: u(1_000),
            owed: u(1_000),
        },
    );
}

#[test]
fn only_the_owner_sweeps_and_only_to_a_compliant_recipient_other_than_the_escrow() {
    let mut s = with_stray();
    let asset = token_asset(&s);
    assert_escrow_rejected(
        &mut s,
        |s| sweep(s, "payer", asset.clone(), "payer"),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    let payee = s.addr("payee");
    let officer = s.officer.clone();
    s.set_status(&officer, &[&payee], KycStatus::Revoked, "sanctioned")
        .unwrap();
    let denial = Denial::new(
        &payee,
        PartyRole::Recipient,
        DenialCode::Revoked,
        format!("recipient {payee} has been revoked by compliance"),
    );
    assert_escrow_rejected(
        &mut s,
        |s| sweep(s, "owner", asset.clone(), "payee"),
        ContractError::Denied(denial),
    );
    let escrow = s.escrow.to_string();
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "owner",
                ExecuteMsg::SweepStray {
                    asset: asset.clone(),
                    to: escrow.clone(),
                },
            )
        },
        ContractError::ContractAsParty {
            address: escrow.clone(),
        },
    );
}

#[test]
fn what_the_escrow_owes_follows_releases_held_payouts_claims_and_royalties() {
    let mut s = suite();
    let t = terms(&s, &[600, 400], true, 86_400);
    let id = create_cw20_deal(&mut s, 1_000, t).unwrap();
    assert_eq!(owed(&s, token_asset(&s)), (1_000, 1_000, 0));
    // A release the token refuses (frozen payee) is held: still owed, not stray.
    let payee = s.addr("payee");
    freeze(&mut s, &payee, true);
    exec(
        &mut s,
        "payer",
        ExecuteMsg::Release {
            deal_id: id,
            milestone: Some(0),
        },
    )
    .unwrap();
    assert_eq!(owed(&s, token_asset(&s)), (1_000, 1_000, 0));
    freeze(&mut s, &payee, false);
    let asset = token_asset(&s);
    claim_held(&mut s, "payee", asset).unwrap();
    assert_eq!(owed(&s, token_asset(&s)), (400, 400, 0));
    // A paid release lowers it; a native royalty payment raises it until claimed.
    exec(
        &mut s,
        "payer",
        ExecuteMsg::Release {
            deal_id: id,
            milestone: Some(1),
        },
    )
    .unwrap();
    assert_eq!(owed(&s, token_asset(&s)), (0, 0, 0));
    let payer = s.addr("payer");
    let work = farthing_types::escrow::WorkTerms {
        name: "song".into(),
        recipients: vec![farthing_types::escrow::Share {
            address: payee.to_string(),
            bps: 10_000,
        }],
        accepted: vec![native_asset()],
    };
    s.execute_escrow(&payer, &ExecuteMsg::RegisterWork(work), &[])
        .unwrap();
    s.execute_escrow(
        &payer,
        &ExecuteMsg::Pay { work_id: 1 },
        &[Coin::new(250u128, DENOM)],
    )
    .unwrap();
    assert_eq!(owed(&s, native_asset()), (250, 250, 0));
    let claim = ExecuteMsg::Claim {
        work_id: 1,
        epoch: None,
        asset: native_asset(),
        amount: Some(u(100)),
    };
    exec(&mut s, "payee", claim).unwrap();
    assert_eq!(owed(&s, native_asset()), (150, 150, 0));
}

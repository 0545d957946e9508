//! Owner controls, queries, and the remaining errors of the royalty/escrow contract.

use cosmwasm_std::{to_json_binary, Coin, Uint128};
use farthing_royalty_escrow::ContractError;
use farthing_types::escrow::{
    AcceptedTokensResponse, AssetInfo, ConfigResponse, DealsBy, DealsResponse, ExecuteMsg,
    QueryMsg, ReceiveMsg, Share, WorkTerms,
};
use farthing_types::kyc::{DenialCode, PartyRole};
use farthing_types::token::ExecuteMsg as TokenMsg;

use super::*;

fn u(n: u128) -> Uint128 {
    Uint128::new(n)
}

#[test]
fn deals_page_by_party() {
    let mut s = suite();
    let mut ids = vec![];
    for arbiter in [true, false, true] {
        let t = terms(&s, &[], arbiter, 1_000);
        ids.push(create_native_deal(&mut s, 10, t).unwrap());
    }
    let by = |s: &Suite,
              by: Option<DealsBy>,
              start_after: Option<u64>,
              limit: Option<u32>|
     -> Vec<u64> {
        let r: DealsResponse = s.query_escrow(&QueryMsg::Deals {
            by,
            start_after,
            limit,
        });
        r.deals.into_iter().map(|d| d.id).collect()
    };
    let (payer, payee, arbiter) = (
        addr(&s, "payer").to_string(),
        addr(&s, "payee").to_string(),
        addr(&s, "arbiter").to_string(),
    );
    assert_eq!(by(&s, None, None, None), ids);
    assert_eq!(by(&s, Some(DealsBy::Payer(payer.clone())), None, None), ids);
    assert_eq!(
        by(&s, Some(DealsBy::Payee(payee)), Some(ids[0]), Some(1)),
        vec![ids[1]]
    );
    assert_eq!(
        by(&s, Some(DealsBy::Arbiter(arbiter)), None, None),
        vec![ids[0], ids[2]]
    );
    assert_eq!(
        by(&s, Some(DealsBy::Arbiter(payer)), None, None),
        Vec::<u64>::new()
    );
}

#[test]
fn unknown_ids_and_misuse_are_refused() {
    let mut s = suite();
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "payer", ExecuteMsg::Refund { deal_id: 9 }),
        ContractError::DealNotFound { deal_id: 9 },
    );
    let native = AssetInfo::Native {
        denom: DENOM.into(),
    };
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "payer",
                ExecuteMsg::Claim {
                    work_id: 4,
                    epoch: None,
                    asset: native.clone(),
                    amount: None,
                },
            )
        },
        ContractError::WorkNotFound { work_id: 4 },
    );
    let t = terms(&s, &[], true, 1_000);
    let id = create_native_deal(&mut s, 10, t).unwrap();
    let arbiter = addr(&s, "arbiter");
    assert_escrow_rejected(
        &mut s,
        |s| exec(s, "payee", ExecuteMsg::AcceptSettlement { deal_id: id }),
        ContractError::NoProposal { deal_id: id },
    );
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "arbiter",
                ExecuteMsg::ProposeSettlement {
                    deal_id: id,
                    to_payee: u(1),
                },
            )
        },
        ContractError::NotAllowed {
            sender: arbiter.to_string(),
            deal_id: id,
        },
    );
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "payee",
                ExecuteMsg::ProposeSettlement {
                    deal_id: id,
                    to_payee: u(11),
                },
            )
        },
        ContractError::SplitTooLarge {
            to_payee: u(11),
            remaining: u(10),
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
                    to_payee: u(1),
                },
            )
        },
        ContractError::WrongStatus {
            deal_id: id,
            status: "open".into(),
            needed: "disputed".into(),
        },
    );
    let many = terms(&s, &[1; 51], false, 1_000);
    let payer = addr(&s, "payer");
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::CreateDeal(many),
                &[Coin::new(51u128, DENOM)],
            )
        },
        ContractError::TooManyMilestones { count: 51, max: 50 },
    );
    // A work paid in an asset it does not accept.
    let owner = addr(&s, "payee");
    s.execute_escrow(
        &owner,
        &ExecuteMsg::RegisterWork(WorkTerms {
            name: "article".into(),
            recipients: vec![Share {
                address: owner.to_string(),
                bps: 10_000,
            }],
            accepted: vec![token_asset(&s)],
        }),
        &[],
    )
    .unwrap();
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &payer,
                &ExecuteMsg::Pay { work_id: 1 },
                &[Coin::new(5u128, DENOM)],
            )
        },
        ContractError::AssetNotAccepted {
            work_id: 1,
            asset: DENOM.into(),
        },
    );
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "payee",
                ExecuteMsg::Claim {
                    work_id: 1,
                    epoch: Some(3),
                    asset: native,
                    amount: None,
                },
            )
        },
        ContractError::EpochNotFound {
            work_id: 1,
            epoch: 3,
        },
    );
}

#[test]
fn the_owner_manages_the_token_allowlist_and_the_registry() {
    let mut s = suite();
    let owner = s.owner.clone();
    let token = s.token.to_string();
    let cfg: ConfigResponse = s.query_escrow(&QueryMsg::Config {});
    assert_eq!(
        (cfg.registry, cfg.dispute_timeout_seconds),
        (Some(s.registry.clone()), 86_400)
    );
    let tokens: AcceptedTokensResponse = s.query_escrow(&QueryMsg::AcceptedTokens {
        start_after: None,
        limit: None,
    });
    assert_eq!(tokens.tokens, vec![s.token.clone()]);
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
        ContractError::TokenAlreadyAccepted {
            address: token.clone(),
        },
    );
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "payer",
                ExecuteMsg::DisallowToken {
                    address: token.clone(),
                },
            )
        },
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    s.execute_escrow(
        &owner,
        &ExecuteMsg::DisallowToken {
            address: token.clone(),
        },
        &[],
    )
    .unwrap();
    let t = terms(&s, &[], false, 100);
    let err = create_cw20_deal(&mut s, 10, t).unwrap_err();
    assert_eq!(
        err.downcast::<ContractError>().unwrap(),
        ContractError::TokenNotAccepted {
            address: token.clone()
        }
    );
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &owner,
                &ExecuteMsg::DisallowToken {
                    address: token.clone(),
                },
                &[],
            )
        },
        ContractError::TokenNotAccepted {
            address: token.clone(),
        },
    );
    s.execute_escrow(&owner, &ExecuteMsg::AllowToken { address: token }, &[])
        .unwrap();
    s.execute_escrow(&owner, &ExecuteMsg::SetRegistry { registry: None }, &[])
        .unwrap();
    let cfg: ConfigResponse = s.query_escrow(&QueryMsg::Config {});
    assert_eq!(cfg.registry, None);
    let msg = ExecuteMsg::ResolveHeld {
        address: s.addr("payer").to_string(),
        asset: AssetInfo::Native {
            denom: DENOM.into(),
        },
        to: s.addr("payee").to_string(),
        reason: "no spaces allowed".into(),
    };
    assert_escrow_rejected(
        &mut s,
        |s| s.execute_escrow(&owner, &msg, &[]),
        ContractError::InvalidReason {
            reason: "no spaces allowed".into(),
        },
    );
}

#[test]
fn an_escrow_not_listed_in_the_registry_cannot_receive_the_token() {
    let mut s = suite();
    let (officer, escrow) = (s.officer.clone(), s.escrow.clone());
    s.remove_records(&officer, &[&escrow], "delisted").unwrap();
    let t = terms(&s, &[], false, 100);
    let payer = addr(&s, "payer");
    let before = state(&s);
    let err = s
        .execute_token(
            &payer,
            &TokenMsg::Send {
                contract: escrow.to_string(),
                amount: u(10),
                msg: to_json_binary(&ReceiveMsg::CreateDeal(t)).unwrap(),
            },
        )
        .unwrap_err()
        .downcast::<farthing_micropay_token::ContractError>()
        .unwrap();
    let farthing_micropay_token::ContractError::Denied(d) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (d.party, d.role, d.code),
        (escrow, PartyRole::Recipient, DenialCode::NotListed)
    );
    assert_eq!(state(&s), before);
}

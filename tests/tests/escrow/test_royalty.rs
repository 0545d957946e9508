use cosmwasm_std::{to_json_binary, Uint128};
use farthing_royalty_escrow::ContractError;
use farthing_testing::{Suite, SuiteBuilder};
use farthing_types::escrow::{
    AssetAmount, AssetInfo, ClaimableResponse, ExecuteMsg, QueryMsg, ReceiveMsg, Share,
    WorkResponse, WorkTerms,
};
use farthing_types::kyc::{DenialCode, KycStatus};
use farthing_types::token::ExecuteMsg as TokenMsg;

use super::{assert_escrow_rejected, exec};

fn u(n: u128) -> Uint128 {
    Uint128::new(n)
}

/// A registry, the token, the escrow; a listener funded with tokens; `n` listed creators.
fn suite_with_creators(n: usize) -> Suite {
    let mut b = SuiteBuilder::default()
        .with_funded("listener", 3, "DE", 10_000_000)
        .with_escrow();
    for i in 0..n {
        b = b.with_listed(&format!("creator{i}"), 2, "FR");
    }
    b.build()
}

/// Splits 10,000 bps over `n` recipients unevenly (so that rounding happens).
fn shares(s: &Suite, n: usize) -> Vec<Share> {
    let base = 10_000 / n as u16;
    (0..n)
        .map(|i| Share {
            address: s.addr(&format!("creator{i}")).to_string(),
            bps: if i == 0 {
                10_000 - base * (n as u16 - 1)
            } else {
                base
            },
        })
        .collect()
}

fn register(s: &mut Suite, n: usize) -> u64 {
    let terms = WorkTerms {
        name: "song: a quarter penny".into(),
        recipients: shares(s, n),
        accepted: vec![AssetInfo::Cw20 {
            address: s.token.clone(),
        }],
    };
    let owner = s.addr("creator0");
    s.execute_escrow(&owner, &ExecuteMsg::RegisterWork(terms), &[])
        .unwrap();
    1
}

fn pay(s: &mut Suite, work_id: u64, amount: u128) {
    let listener = s.addr("listener");
    let escrow = s.escrow.to_string();
    s.execute_token(
        &listener,
        &TokenMsg::Send {
            contract: escrow,
            amount: u(amount),
            msg: to_json_binary(&ReceiveMsg::Pay { work_id }).unwrap(),
        },
    )
    .unwrap();
}

fn claim_all(s: &mut Suite, work_id: u64, n: usize, epoch: Option<u32>) -> u128 {
    let asset = AssetInfo::Cw20 {
        address: s.token.clone(),
    };
    let mut total = 0;
    for i in 0..n {
        let who = s.addr(&format!("creator{i}"));
        let before = s.balance(&who);
        match s.execute_escrow(
            &who,
            &ExecuteMsg::Claim {
                work_id,
                epoch,
                asset: asset.clone(),
                amount: None,
            },
            &[],
        ) {
            Ok(_) => total += s.balance(&who) - before,
            Err(e) => assert_eq!(
                e.downcast::<ContractError>().unwrap(),
                ContractError::NothingToClaim
            ),
        }
    }
    total
}

fn royalty_run(n: usize, payments: u128, amount: u128) {
    let mut s = suite_with_creators(n);
    let work = register(&mut s, n);
    for _ in 0..payments {
        pay(&mut s, work, amount);
    }
    let received = payments * amount;
    assert_eq!(s.balance(&s.escrow), received);
    let r: WorkResponse = s.query_escrow(&QueryMsg::Work {
        work_id: work,
        epoch: None,
    });
    assert_eq!(
        r.revenue,
        vec![AssetAmount {
            asset: AssetInfo::Cw20 {
                address: s.token.clone()
            },
            amount: u(received)
        }]
    );

    // While the split is open, each recipient gets floor(total * bps / 10,000).
    let open_claims = claim_all(&mut s, work, n, None);
    let floors: u128 = shares(&s, n)
        .iter()
        .map(|sh| received * sh.bps as u128 / 10_000)
        .sum();
    assert_eq!(open_claims, floors);
    // Closing the split (an update) releases the remainder to the first recipient.
    let owner = s.addr("creator0");
    let new = shares(&s, n);
    s.execute_escrow(
        &owner,
        &ExecuteMsg::UpdateSplit {
            work_id: work,
            recipients: new,
        },
        &[],
    )
    .unwrap();
    let rest = claim_all(&mut s, work, n, Some(0));
    assert_eq!(
        open_claims + rest,
        received,
        "every unit received is paid out, to the last one"
    );
    assert_eq!(s.balance(&s.escrow), 0);
}

#[test]
fn three_recipients_and_a_thousand_tiny_payments_pay_out_exactly() {
    royalty_run(3, 1_000, 7);
}

#[test]
fn fifty_recipients_and_a_thousand_tiny_payments_pay_out_exactly() {
    royalty_run(50, 1_000, 3);
}

#[test]
fn a_split_update_only_affects_later_payments() {
    let mut s = suite_with_creators(3);
    let work = register(&mut s, 3);
    pay(&mut s, work, 1_000);
    let owner = s.addr("creator0");
    let only_c2 = vec![Share {
        address: s.addr("creator2").to_string(),
        bps: 10_000,
    }];
    s.execute_escrow(
        &owner,
        &ExecuteMsg::UpdateSplit {
            work_id: work,
            recipients: only_c2,
        },
        &[],
    )
    .unwrap();
    pay(&mut s, work, 500);
    let asset = AssetInfo::Cw20 {
        address: s.token.clone(),
    };
    let claimable = |s: &Suite, who: &str, epoch: u32| -> u128 {
        let r: ClaimableResponse = s.query_escrow(&QueryMsg::Claimable {
            work_id: work,
            epoch: Some(epoch),
            asset: asset.clone(),
            address: s.addr(who).to_string(),
        });
        r.amount.u128()
    };
    // Split 0: 3334 / 3333 / 3333 bps of 1,000 -> 333 + 333 + 333, remainder 1 to creator0.
    assert_eq!(
        (
            claimable(&s, "creator0", 0),
            claimable(&s, "creator1", 0),
            claimable(&s, "creator2", 0)
        ),
        (334, 333, 333)
    );
    assert_eq!(claimable(&s, "creator2", 1), 500);
    let c1 = s.addr("creator1");
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &c1,
                &ExecuteMsg::Claim {
                    work_id: work,
                    epoch: Some(1),
                    asset: asset.clone(),
                    amount: None,
                },
                &[],
            )
        },
        ContractError::NotARecipient {
            address: c1.to_string(),
            work_id: work,
            epoch: 1,
        },
    );
    let stranger = s.addr("creator1");
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &stranger,
                &ExecuteMsg::UpdateSplit {
                    work_id: work,
                    recipients: vec![Share {
                        address: stranger.to_string(),
                        bps: 10_000,
                    }],
                },
                &[],
            )
        },
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
}

#[test]
fn a_recipient_whose_kyc_lapses_does_not_block_the_others() {
    let mut s = suite_with_creators(3);
    let work = register(&mut s, 3);
    pay(&mut s, work, 999);
    let (officer, c1) = (s.officer.clone(), s.addr("creator1"));
    s.set_status(&officer, &[&c1], KycStatus::Suspended, "kyc_lapsed")
        .unwrap();
    let asset = AssetInfo::Cw20 {
        address: s.token.clone(),
    };
    let err = s
        .execute_escrow(
            &c1,
            &ExecuteMsg::Claim {
                work_id: work,
                epoch: None,
                asset: asset.clone(),
                amount: None,
            },
            &[],
        )
        .unwrap_err()
        .downcast::<ContractError>()
        .unwrap();
    assert!(matches!(err, ContractError::Denied(d) if d.code == DenialCode::Suspended));
    for who in ["creator0", "creator2"] {
        let a = s.addr(who);
        s.execute_escrow(
            &a,
            &ExecuteMsg::Claim {
                work_id: work,
                epoch: None,
                asset: asset.clone(),
                amount: None,
            },
            &[],
        )
        .unwrap();
    }
    pay(&mut s, work, 1);
    s.set_status(&officer, &[&c1], KycStatus::Active, "kyc_refreshed")
        .unwrap();
    s.execute_escrow(
        &c1,
        &ExecuteMsg::Claim {
            work_id: work,
            epoch: None,
            asset,
            amount: None,
        },
        &[],
    )
    .unwrap();
    assert_eq!(s.balance(&c1), 1_000 * 3_333 / 10_000);
}

#[test]
fn work_registration_rules() {
    let mut s = suite_with_creators(2);
    let owner = s.addr("creator0");
    let token = AssetInfo::Cw20 {
        address: s.token.clone(),
    };
    let base = WorkTerms {
        name: "article".into(),
        recipients: shares(&s, 2),
        accepted: vec![token.clone()],
    };
    let cases: Vec<(WorkTerms, ContractError)> = vec![
        (
            WorkTerms {
                recipients: vec![Share {
                    address: owner.to_string(),
                    bps: 9_999,
                }],
                ..base.clone()
            },
            ContractError::SharesNotWhole { sum: 9_999 },
        ),
        (
            WorkTerms {
                recipients: vec![
                    Share {
                        address: owner.to_string(),
                        bps: 5_000,
                    },
                    Share {
                        address: owner.to_string(),
                        bps: 5_000,
                    },
                ],
                ..base.clone()
            },
            ContractError::DuplicateRecipient {
                address: owner.to_string(),
            },
        ),
        (
            WorkTerms {
                recipients: vec![
                    Share {
                        address: owner.to_string(),
                        bps: 10_000,
                    },
                    Share {
                        address: s.addr("creator1").to_string(),
                        bps: 0,
                    },
                ],
                ..base.clone()
            },
            ContractError::ZeroShare {
                address: s.addr("creator1").to_string(),
            },
        ),
        (
            WorkTerms {
                recipients: vec![],
                ..base.clone()
            },
            ContractError::RecipientCount { count: 0, max: 50 },
        ),
        (
            WorkTerms {
                accepted: vec![],
                ..base.clone()
            },
            ContractError::NoAcceptedAsset,
        ),
        (
            WorkTerms {
                name: String::new(),
                ..base.clone()
            },
            ContractError::InvalidName,
        ),
        (
            WorkTerms {
                accepted: vec![AssetInfo::Cw20 {
                    address: s.addr("fake"),
                }],
                ..base.clone()
            },
            ContractError::TokenNotAccepted {
                address: s.addr("fake").to_string(),
            },
        ),
    ];
    for (terms, expected) in cases {
        assert_escrow_rejected(
            &mut s,
            |s| s.execute_escrow(&owner, &ExecuteMsg::RegisterWork(terms), &[]),
            expected,
        );
    }
    let too_many: Vec<Share> = (0..51)
        .map(|i| Share {
            address: s.addr(&format!("x{i}")).to_string(),
            bps: 1,
        })
        .collect();
    assert_escrow_rejected(
        &mut s,
        |s| {
            s.execute_escrow(
                &owner,
                &ExecuteMsg::RegisterWork(WorkTerms {
                    recipients: too_many,
                    ..base.clone()
                }),
                &[],
            )
        },
        ContractError::RecipientCount { count: 51, max: 50 },
    );
    s.execute_escrow(&owner, &ExecuteMsg::RegisterWork(base), &[])
        .unwrap();
    assert_escrow_rejected(
        &mut s,
        |s| {
            exec(
                s,
                "creator1",
                ExecuteMsg::Claim {
                    work_id: 1,
                    epoch: None,
                    asset: token,
                    amount: None,
                },
            )
        },
        ContractError::NothingToClaim,
    );
}

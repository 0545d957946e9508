//! Unit tests on mock dependencies: instantiate, migrate, and the property that royalty
//! claims pay out exactly what was received, to the last unit, over random splits,
//! payments and split updates.

use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi};
use cosmwasm_std::{coins, Addr, BankMsg, CosmosMsg, Uint128};
use farthing_types::escrow::{
    entitlement, AssetInfo, ExecuteMsg, InstantiateMsg, MigrateMsg, Share, SplitShare, WorkTerms,
};
use proptest::prelude::*;

use crate::contract::{execute, instantiate, migrate, reply};
use crate::{ContractError, CONTRACT_NAME, CONTRACT_VERSION};

fn addr(name: &str) -> Addr {
    MockApi::default().addr_make(name)
}

fn init(deps: cosmwasm_std::DepsMut) {
    instantiate(
        deps,
        mock_env(),
        message_info(&addr("owner"), &[]),
        InstantiateMsg {
            owner: None,
            registry: None,
            accepted_cw20: vec![],
            dispute_timeout_seconds: 86_400,
        },
    )
    .unwrap();
}

#[test]
fn instantiate_refuses_a_too_short_dispute_window() {
    let mut deps = mock_dependencies();
    let err = instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&addr("owner"), &[]),
        InstantiateMsg {
            owner: None,
            registry: None,
            accepted_cw20: vec![],
            dispute_timeout_seconds: 60,
        },
    )
    .unwrap_err();
    assert_eq!(err, ContractError::DisputeTimeoutTooShort { min: 3_600 });
    // Exactly the minimum is accepted.
    instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&addr("owner"), &[]),
        InstantiateMsg {
            owner: None,
            registry: None,
            accepted_cw20: vec![],
            dispute_timeout_seconds: 3_600,
        },
    )
    .unwrap();
}

#[test]
fn migrate_checks_name_and_version() {
    let mut deps = mock_dependencies();
    init(deps.as_mut());
    cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.0.1").unwrap();
    migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
    assert_eq!(
        cw2::get_contract_version(&deps.storage).unwrap().version,
        CONTRACT_VERSION
    );
    cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "9.0.0").unwrap();
    let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert_eq!(
        err,
        ContractError::NewerVersion {
            stored: "9.0.0".into(),
            current: CONTRACT_VERSION.into()
        }
    );
    assert_eq!(err.code(), "newer_version");
    cw2::set_contract_version(&mut deps.storage, "farthing-micropay-token", "0.0.1").unwrap();
    let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert_eq!(err.code(), "wrong_contract");
}

#[test]
fn entitlement_gives_the_remainder_of_a_closed_split_to_the_first_recipient() {
    let shares: Vec<SplitShare> = [3_334u16, 3_333, 3_333]
        .iter()
        .enumerate()
        .map(|(i, bps)| SplitShare {
            address: addr(&format!("r{i}")),
            bps: *bps,
        })
        .collect();
    let t = Uint128::new(1_000);
    let open: Vec<u128> = (0..3)
        .map(|i| entitlement(t, &shares, i, false).u128())
        .collect();
    assert_eq!(open, vec![333, 333, 333]);
    let closed: Vec<u128> = (0..3)
        .map(|i| entitlement(t, &shares, i, true).u128())
        .collect();
    assert_eq!(closed, vec![334, 333, 333]);
}

fn split() -> impl Strategy<Value = Vec<u16>> {
    // 1 to 50 recipients with positive bps summing to 10,000.
    (1usize..=50).prop_flat_map(|n| {
        proptest::collection::vec(1u16..1_000, n).prop_map(|mut w| {
            let sum: u32 = w.iter().map(|x| u32::from(*x)).sum();
            let mut bps: Vec<u16> = w
                .iter()
                .map(|x| (u32::from(*x) * 10_000 / sum).max(1) as u16)
                .collect();
            let total: i64 = bps.iter().map(|b| i64::from(*b)).sum();
            let diff = 10_000 - total;
            let i = bps
                .iter()
                .enumerate()
                .max_by_key(|(_, b)| **b)
                .map(|(i, _)| i)
                .unwrap_or(0);
            bps[i] = (i64::from(bps[i]) + diff) as u16;
            w.clear();
            bps
        })
    })
}

fn sent(resp: &cosmwasm_std::Response) -> u128 {
    resp.messages
        .iter()
        .map(|m| match &m.msg {
            CosmosMsg::Bank(BankMsg::Send { amount, .. }) => amount[0].amount.u128(),
            _ => 0,
        })
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    /// Sum of every claim ever paid == sum ever received, once every split is closed.
    #[test]
    fn claims_pay_out_exactly_what_was_received(
        splits in proptest::collection::vec(split(), 1..4),
        payments in proptest::collection::vec((0usize..4, 1u128..10_000), 1..60),
    ) {
        let mut deps = mock_dependencies();
        init(deps.as_mut());
        let owner = addr("creator");
        let to_shares = |bps: &Vec<u16>, epoch: usize| -> Vec<Share> {
            bps.iter().enumerate().map(|(i, b)| Share { address: addr(&format!("e{epoch}r{i}")).to_string(), bps: *b }).collect()
        };
        execute(deps.as_mut(), mock_env(), message_info(&owner, &[]), ExecuteMsg::RegisterWork(WorkTerms {
            name: "work".into(),
            recipients: to_shares(&splits[0], 0),
            accepted: vec![AssetInfo::Native { denom: "ueur".into() }],
        })).unwrap();
        let mut received = 0u128;
        let mut paid = 0u128;
        let mut epoch = 0usize;
        for (i, (update, amount)) in payments.iter().enumerate() {
            // Occasionally a recipient claims mid-way; occasionally the split changes.
            if *update == 0 && epoch + 1 < splits.len() {
                epoch += 1;
                execute(deps.as_mut(), mock_env(), message_info(&owner, &[]), ExecuteMsg::UpdateSplit {
                    work_id: 1, recipients: to_shares(&splits[epoch], epoch),
                }).unwrap();
            }
            execute(deps.as_mut(), mock_env(), message_info(&addr("fan"), &coins(*amount, "ueur")), ExecuteMsg::Pay { work_id: 1 }).unwrap();
            received += amount;
            if *update == 1 {
                let who = addr(&format!("e{epoch}r{}", i % splits[epoch].len()));
                if let Ok(resp) = execute(deps.as_mut(), mock_env(), message_info(&who, &[]), ExecuteMsg::Claim {
                    work_id: 1, epoch: Some(epoch as u32), asset: AssetInfo::Native { denom: "ueur".into() }, amount: None,
                }) {
                    paid += sent(&resp);
                }
            }
        }
        // Close the last split, then everyone claims everything.
        execute(deps.as_mut(), mock_env(), message_info(&owner, &[]), ExecuteMsg::UpdateSplit {
            work_id: 1, recipients: to_shares(&splits[0], 99),
        }).unwrap();
        for (e, bps) in splits.iter().enumerate().take(epoch + 1) {
            for i in 0..bps.len() {
                let who = addr(&format!("e{e}r{i}"));
                if let Ok(resp) = execute(deps.as_mut(), mock_env(), message_info(&who, &[]), ExecuteMsg::Claim {
                    work_id: 1, epoch: Some(e as u32), asset: AssetInfo::Native { denom: "ueur".into() }, amount: None,
                }) {
                    paid += sent(&resp);
                }
            }
        }
        prop_assert_eq!(paid, received);
    }
}

#[test]
fn reply_refuses_an_unknown_id_and_ignores_a_success() {
    use cosmwasm_std::{Binary, Reply, SubMsgResponse, SubMsgResult};
    let mut deps = mock_dependencies();
    init(deps.as_mut());
    #[allow(deprecated)]
    let ok = SubMsgResult::Ok(SubMsgResponse {
        events: vec![],
        data: None,
        msg_responses: vec![],
    });
    let msg = |id: u64, result: SubMsgResult| Reply {
        id,
        payload: Binary::default(),
        gas_used: 0,
        result,
    };
    let err = reply(deps.as_mut(), mock_env(), msg(7, ok.clone())).unwrap_err();
    assert_eq!(err, ContractError::UnknownReply { id: 7 });
    let resp = reply(deps.as_mut(), mock_env(), msg(1, ok)).unwrap();
    assert!(resp.messages.is_empty() && resp.events.is_empty());
    assert!(resp
        .attributes
        .iter()
        .any(|a| a.key == "action" && a.value == "payout_sent"));
    // An error reply without a payload cannot be attributed: it is refused, not guessed.
    let err = reply(
        deps.as_mut(),
        mock_env(),
        msg(1, SubMsgResult::Err("redacted".into())),
    )
    .unwrap_err();
    assert!(matches!(err, ContractError::Std(_)));
}

/// Instantiation bounds the dispute timeout only from below, and `OpenDispute` set the
/// deadline with `Timestamp::plus_seconds`, which overflowed (a panic) for a timeout
/// reaching past the year 2554. The deadline now saturates at the end of the timestamp
/// range: with such a timeout, a dispute waits for a ruling or a settlement.
#[test]
fn open_dispute_with_a_timeout_past_the_timestamp_range_does_not_panic() {
    use cosmwasm_std::Timestamp;
    use farthing_types::escrow::{DealStatus, DealTerms, QueryMsg};

    let mut deps = mock_dependencies();
    let env = mock_env();
    instantiate(
        deps.as_mut(),
        env.clone(),
        message_info(&addr("owner"), &[]),
        InstantiateMsg {
            owner: None,
            registry: None,
            accepted_cw20: vec![],
            dispute_timeout_seconds: u64::MAX,
        },
    )
    .unwrap();
    execute(
        deps.as_mut(),
        env.clone(),
        message_info(&addr("payer"), &coins(100, "ufar")),
        ExecuteMsg::CreateDeal(DealTerms {
            payee: addr("payee").to_string(),
            arbiter: None,
            milestones: vec![],
            expires_at: env.block.time.plus_seconds(3_600),
        }),
    )
    .unwrap();
    execute(
        deps.as_mut(),
        env.clone(),
        message_info(&addr("payer"), &[]),
        ExecuteMsg::OpenDispute { deal_id: 1 },
    )
    .unwrap();
    let deal: farthing_types::escrow::Deal = cosmwasm_std::from_json(
        crate::contract::query(deps.as_ref(), env, QueryMsg::Deal { deal_id: 1 }).unwrap(),
    )
    .unwrap();
    assert_eq!(
        deal.status,
        DealStatus::Disputed {
            deadline: Timestamp::from_nanos(u64::MAX)
        }
    );
}

//! Unit tests on mock dependencies: storage encoding, instantiate rules, migrate, and a
//! property test that the total supply always equals the sum of balances.

use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi};
use cosmwasm_std::{from_json, to_json_vec, Addr, Order, Uint128};
use cw20::{Cw20Coin, MinterResponse};
use farthing_types::token::{ExecuteMsg, InstantiateMsg, MigrateMsg};
use proptest::prelude::*;

use crate::contract::{execute, instantiate, migrate};
use crate::state::{Account, ACCOUNTS, TOKEN_INFO};
use crate::{ContractError, CONTRACT_NAME, CONTRACT_VERSION};

fn addr(name: &str) -> Addr {
    MockApi::default().addr_make(name)
}

fn msg(balances: &[(&str, u128)]) -> InstantiateMsg {
    InstantiateMsg {
        name: "Farthing Euro".into(),
        symbol: "FEUR".into(),
        decimals: 6,
        initial_balances: balances
            .iter()
            .map(|(n, a)| Cw20Coin {
                address: addr(n).to_string(),
                amount: Uint128::new(*a),
            })
            .collect(),
        mint: Some(MinterResponse {
            minter: addr("minter").to_string(),
            cap: None,
        }),
        marketing: None,
        owner: None,
        registry: None,
        roles: vec![],
    }
}

#[test]
fn accounts_are_stored_as_short_arrays() {
    let plain = Account {
        balance: Uint128::new(1000),
        ..Account::default()
    };
    assert_eq!(to_json_vec(&plain).unwrap(), b"[1000]");
    assert_eq!(to_json_vec(&Account::default()).unwrap(), b"[0]");
    let full = Account {
        balance: Uint128::new(u128::MAX),
        frozen_amount: Uint128::new(7),
        frozen: true,
        window_start: 1_700_000_000,
        window_used: Uint128::new(u128::MAX - 1),
        frozen_at: 1_700_000_100,
        frozen_seconds: 3_600,
    };
    let bytes = to_json_vec(&full).unwrap();
    assert_eq!(from_json::<Account>(&bytes).unwrap(), full);
    let windowed = Account {
        balance: Uint128::new(5),
        window_start: 9,
        ..Account::default()
    };
    assert_eq!(to_json_vec(&windowed).unwrap(), b"[5,0,0,9]");
    assert_eq!(from_json::<Account>(b"[5,0,0,9]").unwrap(), windowed);
    assert!(from_json::<Account>(b"[]").is_err());
    assert!(from_json::<Account>(b"[1,2,3,4,5,6,7,8]").is_err());
    assert!(from_json::<Account>(b"[1,0,1,0,0,18446744073709551616]").is_err());
    // An account stored before the freeze clock existed reads with the clock at zero.
    let old = from_json::<Account>(b"[5,0,1]").unwrap();
    assert_eq!(
        (old.frozen, old.frozen_at, old.frozen_seconds),
        (true, 0, 0)
    );
    assert!(from_json::<Account>(b"\"1000\"").is_err());
    let err = from_json::<Account>(b"[]").unwrap_err().to_string();
    assert!(
        err.contains("an array of 1 to 7 unsigned integers"),
        "{err}"
    );
}

#[test]
fn instantiate_validates_like_cw20_base() {
    type Mutation = Box<dyn Fn(&mut InstantiateMsg)>;
    let cases: Vec<(Mutation, ContractError)> = vec![
        (
            Box::new(|m| m.name = "ab".into()),
            ContractError::InvalidName {},
        ),
        (
            Box::new(|m| m.symbol = "F3UR".into()),
            ContractError::InvalidSymbol {},
        ),
        (
            Box::new(|m| m.symbol = "FE".into()),
            ContractError::InvalidSymbol {},
        ),
        (
            Box::new(|m| m.decimals = 19),
            ContractError::InvalidDecimals {},
        ),
        (
            Box::new(|m| m.initial_balances.push(m.initial_balances[0].clone())),
            ContractError::DuplicateInitialBalanceAddresses {},
        ),
        (
            Box::new(|m| m.mint.as_mut().unwrap().cap = Some(Uint128::new(10))),
            ContractError::InitialSupplyOverCap {},
        ),
        (
            Box::new(|m| m.initial_balances[0].amount = Uint128::zero()),
            ContractError::ZeroAmount,
        ),
    ];
    for (mutate, expected) in cases {
        let mut deps = mock_dependencies();
        let mut m = msg(&[("alice", 100)]);
        mutate(&mut m);
        let err = instantiate(
            deps.as_mut(),
            mock_env(),
            message_info(&addr("creator"), &[]),
            m,
        )
        .unwrap_err();
        assert_eq!(err, expected);
    }
    let mut deps = mock_dependencies();
    instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&addr("creator"), &[]),
        msg(&[("alice", 100)]),
    )
    .unwrap();
    assert_eq!(
        TOKEN_INFO.load(&deps.storage).unwrap().total_supply,
        Uint128::new(100)
    );
    assert_eq!(
        cw2::get_contract_version(&deps.storage).unwrap().contract,
        CONTRACT_NAME
    );
}

#[test]
fn the_config_read_by_every_transfer_stays_short() {
    let mut deps = mock_dependencies();
    instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&addr("creator"), &[]),
        msg(&[]),
    )
    .unwrap();
    // No pause clock on the wire until the token has been paused.
    let raw = cosmwasm_std::Storage::get(&deps.storage, b"c").unwrap();
    assert!(!String::from_utf8(raw).unwrap().contains("\"s\""));
}

#[test]
fn migrate_checks_name_and_version() {
    let mut deps = mock_dependencies();
    instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&addr("creator"), &[]),
        msg(&[]),
    )
    .unwrap();
    cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.0.9").unwrap();
    let resp = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
    assert!(resp
        .attributes
        .iter()
        .any(|a| a.key == "from_version" && a.value == "0.0.9"));
    assert_eq!(
        cw2::get_contract_version(&deps.storage).unwrap().version,
        CONTRACT_VERSION
    );
    cw2::set_contract_version(&mut deps.storage, "crates.io:cw20-base", "0.0.1").unwrap();
    let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert_eq!(
        err,
        ContractError::WrongContract {
            expected: CONTRACT_NAME.into(),
            stored: "crates.io:cw20-base".into()
        }
    );
    assert_eq!(err.code(), "wrong_contract");
    cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.10.0").unwrap();
    let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert_eq!(err.code(), "newer_version");
}

#[derive(Debug, Clone)]
enum Op {
    Transfer(usize, usize, u128),
    Mint(usize, u128),
    Burn(usize, u128),
    Batch(usize, Vec<(usize, u128)>),
    OpenChannel(usize, usize, u128),
    /// The payee of the n-th channel opened so far closes it.
    CloseChannel(usize),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (0..4usize, 0..4usize, 0..2_000u128).prop_map(|(a, b, x)| Op::Transfer(a, b, x)),
        (0..4usize, 0..2_000u128).prop_map(|(a, x)| Op::Mint(a, x)),
        (0..4usize, 0..2_000u128).prop_map(|(a, x)| Op::Burn(a, x)),
        (
            0..4usize,
            proptest::collection::vec((0..4usize, 0..500u128), 0..5)
        )
            .prop_map(|(a, v)| Op::Batch(a, v)),
        (0..4usize, 0..4usize, 0..2_000u128).prop_map(|(a, b, x)| Op::OpenChannel(a, b, x)),
        (0..8usize).prop_map(Op::CloseChannel),
    ]
}

proptest! {
    /// Whatever succeeds or fails, the supply equals the sum of balances plus what open
    /// channels hold, and no balance goes negative (checked arithmetic would abort).
    #[test]
    fn supply_always_equals_the_sum_of_balances(ops in proptest::collection::vec(op(), 1..40)) {
        let names = ["alice", "bob", "carol", "dave"];
        let mut deps = mock_dependencies();
        instantiate(deps.as_mut(), mock_env(), message_info(&addr("creator"), &[]), msg(&[("alice", 5_000), ("bob", 1_000)])).unwrap();
        for op in ops {
            let (sender, m) = match op {
                Op::Transfer(a, b, x) => (addr(names[a]), ExecuteMsg::Transfer { recipient: addr(names[b]).to_string(), amount: Uint128::new(x) }),
                Op::Mint(a, x) => (addr("minter"), ExecuteMsg::Mint { recipient: addr(names[a]).to_string(), amount: Uint128::new(x) }),
                Op::Burn(a, x) => (addr(names[a]), ExecuteMsg::Burn { amount: Uint128::new(x) }),
                Op::Batch(a, v) => (addr(names[a]), ExecuteMsg::BatchTransfer {
                    transfers: v.into_iter().map(|(b, x)| farthing_types::token::Payout { recipient: addr(names[b]).to_string(), amount: Uint128::new(x) }).collect(),
                }),
                Op::OpenChannel(a, b, x) => (addr(names[a]), ExecuteMsg::OpenChannel {
                    payee: addr(names[b]).to_string(),
                    amount: Uint128::new(x),
                    expires_at: mock_env().block.time.plus_seconds(1_000),
                    signer: farthing_voucher::public_key(farthing_voucher::KeyType::Ed25519, &[7u8; 32]).unwrap(),
                    travel_rule_ref: None,
                }),
                Op::CloseChannel(n) => {
                    let id = n as u64 + 1;
                    let payee = crate::state::channels().may_load(&deps.storage, id).unwrap().map(|c| c.payee);
                    (payee.unwrap_or_else(|| addr("nobody")), ExecuteMsg::CloseChannel { channel: id })
                }
            };
            // Failed messages write nothing on mock storage either: planning precedes every write.
            let _ = execute(deps.as_mut(), mock_env(), message_info(&sender, &[]), m);
            let balances: u128 = ACCOUNTS
                .range(&deps.storage, None, None, Order::Ascending)
                .map(|r| r.unwrap().1.balance.u128())
                .sum();
            let locked: u128 = crate::state::channels()
                .range(&deps.storage, None, None, Order::Ascending)
                .map(|r| r.unwrap().1)
                .filter(|c| !c.closed)
                .map(|c| (c.deposit - c.claimed).u128())
                .sum();
            prop_assert_eq!(TOKEN_INFO.load(&deps.storage).unwrap().total_supply.u128(), balances + locked);
        }
    }
}

/// Found by fuzzing (`token_query`): a registry policy may set any positive
/// `window_seconds`, and `CanTransfer` built the window's closing time with
/// `Timestamp::from_seconds`, which overflowed (a panic) past the year 2554. The closing
/// time now saturates at the end of the timestamp range.
#[test]
fn can_transfer_with_a_window_past_the_timestamp_range_does_not_panic() {
    use cosmwasm_std::testing::MockQuerier;
    use cosmwasm_std::{
        Binary, ContractResult as Answer, MemoryStorage, Storage, SystemError, SystemResult,
        Timestamp, WasmQuery,
    };
    use farthing_types::kyc::state::{POLICY, RECORDS};
    use farthing_types::kyc::{GateRecord, KycStatus, PartyKind, Policy, TierLimit};
    use farthing_types::token::{CanTransferResponse, QueryMsg};

    let env = mock_env();
    let registry = addr("registry");
    let mut kyc = MemoryStorage::new();
    let policy = Policy {
        tier_limits: vec![
            TierLimit {
                max_per_transfer: None,
                max_volume_per_window: Some(Uint128::new(1_000)),
                window_seconds: u64::MAX,
            };
            4
        ],
        ..Policy::default()
    };
    POLICY
        .save(&mut kyc, &farthing_types::kyc::StoredPolicy(policy))
        .unwrap();
    for name in ["alice", "bob"] {
        let rec = GateRecord {
            status: KycStatus::Active,
            tier: 1,
            kind: PartyKind::Individual,
            jurisdiction: "DE".into(),
            expires_at: env.block.time.seconds() + 86_400,
        };
        RECORDS.save(&mut kyc, &addr(name), &rec).unwrap();
    }
    let mut deps = mock_dependencies();
    deps.querier = MockQuerier::default();
    let registry_str = registry.to_string();
    deps.querier.update_wasm(move |q| match q {
        WasmQuery::Raw { contract_addr, key } if *contract_addr == registry_str => {
            let value = kyc.get(key.as_slice()).unwrap_or_default();
            SystemResult::Ok(Answer::Ok(Binary::from(value)))
        }
        _ => SystemResult::Err(SystemError::UnsupportedRequest {
            kind: "wasm".into(),
        }),
    });
    let mut m = msg(&[("alice", 500)]);
    m.registry = Some(registry.to_string());
    instantiate(
        deps.as_mut(),
        env.clone(),
        message_info(&addr("creator"), &[]),
        m,
    )
    .unwrap();
    // Alice's transfer opens her volume window.
    execute(
        deps.as_mut(),
        env.clone(),
        message_info(&addr("alice"), &[]),
        ExecuteMsg::Transfer {
            recipient: addr("bob").to_string(),
            amount: Uint128::new(100),
        },
    )
    .unwrap();
    let q = QueryMsg::CanTransfer {
        from: addr("alice").to_string(),
        to: addr("bob").to_string(),
        amount: Uint128::new(1),
    };
    let resp: CanTransferResponse =
        from_json(crate::contract::query(deps.as_ref(), env, q).unwrap()).unwrap();
    assert!(resp.verdict.allowed);
    assert_eq!(resp.remaining_in_window, Some(Uint128::new(900)));
    assert_eq!(resp.window_resets_at, Some(Timestamp::from_nanos(u64::MAX)));
}

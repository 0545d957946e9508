//! Unit tests on mock dependencies: instantiate, migrate, validation rules.
//! Message flows are tested on cw-multi-test in the workspace `tests/` crate.

use cosmwasm_std::testing::{message_info, mock_dependencies, mock_env, MockApi};
use cosmwasm_std::{Addr, Attribute, StdError, Uint128};
use farthing_types::kyc::{InstantiateMsg, MigrateMsg, Policy, TierLimit, TravelRule};

use crate::contract::{instantiate, migrate};
use crate::state::{OFFICERS, POLICY};
use crate::{validate, ContractError, CONTRACT_NAME, CONTRACT_VERSION};

fn addr(name: &str) -> Addr {
    MockApi::default().addr_make(name)
}

fn init_msg(officers: &[&Addr]) -> InstantiateMsg {
    InstantiateMsg {
        owner: None,
        officers: officers.iter().map(|a| a.to_string()).collect(),
        policy: Policy::default(),
    }
}

#[test]
fn instantiate_sets_owner_officers_policy_and_version() {
    let mut deps = mock_dependencies();
    let (owner, officer) = (addr("owner"), addr("officer"));
    let resp = instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&owner, &[]),
        init_msg(&[&officer]),
    )
    .unwrap();
    assert_eq!(
        resp.attributes,
        vec![
            Attribute::new("action", "instantiate"),
            Attribute::new("sender", owner.as_str()),
            Attribute::new("owner", owner.as_str()),
        ]
    );
    assert_eq!(resp.events.len(), 1);
    assert_eq!(resp.events[0].ty, "kyc_officer_added");
    assert!(OFFICERS.has(&deps.storage, &officer));
    assert_eq!(POLICY.load(&deps.storage).unwrap().0, Policy::default());
    let version = cw2::get_contract_version(&deps.storage).unwrap();
    assert_eq!(version.contract, CONTRACT_NAME);
    assert_eq!(version.version, CONTRACT_VERSION);
    let ownership = cw_ownable::get_ownership(&deps.storage).unwrap();
    assert_eq!(ownership.owner, Some(owner));
}

#[test]
fn instantiate_with_explicit_owner() {
    let mut deps = mock_dependencies();
    let mut msg = init_msg(&[]);
    msg.owner = Some(addr("council").to_string());
    instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&addr("deployer"), &[]),
        msg,
    )
    .unwrap();
    let ownership = cw_ownable::get_ownership(&deps.storage).unwrap();
    assert_eq!(ownership.owner, Some(addr("council")));
}

#[test]
fn instantiate_rejects_duplicate_officer_and_bad_policy() {
    let mut deps = mock_dependencies();
    let officer = addr("officer");
    let err = instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&addr("owner"), &[]),
        init_msg(&[&officer, &officer]),
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContractError::AlreadyOfficer {
            address: officer.to_string()
        }
    );

    let mut deps = mock_dependencies();
    let mut msg = init_msg(&[]);
    msg.policy.tier_limits.pop();
    let err = instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&addr("owner"), &[]),
        msg,
    )
    .unwrap_err();
    assert_eq!(
        err,
        ContractError::WrongTierLimitCount {
            count: 3,
            expected: 4
        }
    );
}

#[test]
fn instantiate_rejects_invalid_officer_address() {
    let mut deps = mock_dependencies();
    let mut msg = init_msg(&[]);
    msg.officers = vec!["not-an-address".to_string()];
    let err = instantiate(
        deps.as_mut(),
        mock_env(),
        message_info(&addr("owner"), &[]),
        msg,
    )
    .unwrap_err();
    assert!(matches!(
        err,
        ContractError::Std(StdError::GenericErr { .. })
    ));
}

#[test]
fn migrate_from_older_version_records_versions() {
    let mut deps = mock_dependencies();
    cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "0.0.1").unwrap();
    let resp = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap();
    assert_eq!(
        resp.attributes,
        vec![
            Attribute::new("action", "migrate"),
            Attribute::new("from_version", "0.0.1"),
            Attribute::new("to_version", CONTRACT_VERSION),
        ]
    );
    assert_eq!(
        cw2::get_contract_version(&deps.storage).unwrap().version,
        CONTRACT_VERSION
    );
}

#[test]
fn migrate_refuses_newer_version_and_other_contract() {
    let mut deps = mock_dependencies();
    cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "99.0.0").unwrap();
    let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert_eq!(
        err,
        ContractError::NewerVersion {
            stored: "99.0.0".into(),
            current: CONTRACT_VERSION.into()
        }
    );
    assert_eq!(err.code(), "newer_version");
    assert_eq!(
        cw2::get_contract_version(&deps.storage).unwrap().version,
        "99.0.0"
    );

    let mut deps = mock_dependencies();
    cw2::set_contract_version(&mut deps.storage, "crates.io:cw20-base", "0.0.1").unwrap();
    let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert_eq!(
        err,
        ContractError::WrongContract {
            expected: CONTRACT_NAME.into(),
            stored: "crates.io:cw20-base".into()
        }
    );
    assert!(err.to_string().starts_with("[code=wrong_contract] "));

    let mut deps = mock_dependencies();
    cw2::set_contract_version(&mut deps.storage, CONTRACT_NAME, "latest").unwrap();
    let err = migrate(deps.as_mut(), mock_env(), MigrateMsg {}).unwrap_err();
    assert_eq!(
        err,
        ContractError::InvalidVersion {
            version: "latest".into()
        }
    );
}

#[test]
fn reason_codes() {
    for ok in ["kyc_refresh", "AML-2024:case.17", &"a".repeat(64)] {
        assert_eq!(validate::reason(ok), Ok(()), "{ok}");
    }
    for bad in ["", "has space", "émigré", &"a".repeat(65), "semi;colon"] {
        assert_eq!(
            validate::reason(bad),
            Err(ContractError::InvalidReason {
                reason: bad.to_string()
            })
        );
    }
}

#[test]
fn jurisdiction_codes() {
    for ok in ["DE", "US", "KP"] {
        assert!(validate::is_jurisdiction(ok));
    }
    for bad in ["de", "D", "DEU", "D1", "", "ÄÖ"] {
        assert!(!validate::is_jurisdiction(bad), "{bad}");
    }
}

#[test]
fn policy_rules() {
    assert_eq!(validate::policy(&Policy::default()), Ok(()));

    let mut p = Policy::default();
    p.tier_limits[2] = TierLimit {
        max_per_transfer: None,
        max_volume_per_window: Some(Uint128::new(5)),
        window_seconds: 0,
    };
    assert_eq!(
        validate::policy(&p),
        Err(ContractError::MissingWindow { tier: 2 })
    );

    let p = Policy {
        blocked_jurisdictions: vec!["KP".into(), "ir".into()],
        ..Policy::default()
    };
    assert_eq!(
        validate::policy(&p),
        Err(ContractError::InvalidBlockedJurisdiction { value: "ir".into() })
    );

    let p = Policy {
        blocked_jurisdictions: vec!["KP".into(), "KP".into()],
        ..Policy::default()
    };
    assert_eq!(
        validate::policy(&p),
        Err(ContractError::DuplicateJurisdiction { value: "KP".into() })
    );

    let p = Policy {
        blocked_jurisdictions: (0..250u32)
            .map(|i| {
                let a = b'A' + (i / 26) as u8;
                let b = b'A' + (i % 26) as u8;
                String::from_utf8(vec![a, b]).unwrap()
            })
            .collect(),
        ..Policy::default()
    };
    assert_eq!(
        validate::policy(&p),
        Err(ContractError::TooManyBlockedJurisdictions {
            count: 250,
            max: 249
        })
    );

    let p = Policy {
        travel_rule: Some(TravelRule {
            threshold: Uint128::new(1000),
            min_tier: 4,
        }),
        ..Policy::default()
    };
    assert_eq!(
        validate::policy(&p),
        Err(ContractError::InvalidTravelRuleTier { tier: 4 })
    );

    let p = Policy {
        travel_rule: Some(TravelRule {
            threshold: Uint128::zero(),
            min_tier: 2,
        }),
        ..Policy::default()
    };
    assert_eq!(
        validate::policy(&p),
        Err(ContractError::ZeroTravelRuleThreshold)
    );

    let mut p = Policy::default();
    p.tier_limits.push(TierLimit::default());
    assert_eq!(
        validate::policy(&p),
        Err(ContractError::WrongTierLimitCount {
            count: 5,
            expected: 4
        })
    );
}

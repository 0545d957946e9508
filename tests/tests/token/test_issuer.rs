//! Issuer controls: roles separate from the owner, each with its own message and event.

use cosmwasm_std::{Addr, Event, Uint128};
use cw_ownable::OwnershipError;
use farthing_micropay_token::ContractError;
use farthing_testing::{wasm_events, Suite, SuiteBuilder};
use farthing_types::kyc::KycStatus;
use farthing_types::token::{ExecuteMsg, QueryMsg, Role, RolesResponse};

use super::assert_token_rejected;

fn suite() -> Suite {
    SuiteBuilder::default()
        .with_funded("alice", 3, "DE", 1_000)
        .with_funded("bob", 2, "FR", 100)
        .with_listed("carol", 2, "FR")
        .with_listed("newwallet", 2, "DE")
        .build()
}

fn u(n: u128) -> Uint128 {
    Uint128::new(n)
}

#[test]
fn pause_and_unpause_emit_events_and_need_the_pauser() {
    let mut s = suite();
    let (pauser, owner, alice) = (s.addr("pauser"), s.owner.clone(), s.addr("alice"));
    for sender in [&owner, &alice] {
        assert_token_rejected(
            &mut s,
            |s| s.execute_token(sender, &ExecuteMsg::Pause { reason: "x".into() }),
            ContractError::MissingRole {
                sender: sender.to_string(),
                role: "pauser".into(),
            },
        );
    }
    let resp = s
        .execute_token(
            &pauser,
            &ExecuteMsg::Pause {
                reason: "incident_7".into(),
            },
        )
        .unwrap();
    assert_eq!(
        wasm_events(&resp, "token_paused"),
        vec![Event::new("token_paused")
            .add_attributes([("by", pauser.as_str()), ("reason", "incident_7")])]
    );
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &pauser,
                &ExecuteMsg::Pause {
                    reason: "again".into(),
                },
            )
        },
        ContractError::Paused,
    );
    let resp = s
        .execute_token(
            &pauser,
            &ExecuteMsg::Unpause {
                reason: "fixed".into(),
            },
        )
        .unwrap();
    assert_eq!(wasm_events(&resp, "token_unpaused").len(), 1);
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &pauser,
                &ExecuteMsg::Unpause {
                    reason: "again".into(),
                },
            )
        },
        ContractError::NotPaused,
    );
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &pauser,
                &ExecuteMsg::Pause {
                    reason: "bad reason".into(),
                },
            )
        },
        ContractError::InvalidReason {
            reason: "bad reason".into(),
        },
    );
}

#[test]
fn freeze_and_unfreeze_an_address() {
    let mut s = suite();
    let (freezer, alice, bob) = (s.addr("freezer"), s.addr("alice"), s.addr("bob"));
    let resp = s
        .execute_token(
            &freezer,
            &ExecuteMsg::Freeze {
                address: alice.to_string(),
                reason: "court_order".into(),
            },
        )
        .unwrap();
    assert_eq!(
        wasm_events(&resp, "token_frozen"),
        vec![Event::new("token_frozen").add_attributes([
            ("address", alice.as_str()),
            ("by", freezer.as_str()),
            ("reason", "court_order"),
        ])]
    );
    let acc = s.account(&alice);
    assert!(acc.frozen);
    assert_eq!((acc.balance, acc.available), (u(1_000), u(0)));
    assert_token_rejected(
        &mut s,
        |s| s.transfer(&alice, &bob, 1),
        ContractError::AccountFrozen {
            address: alice.to_string(),
        },
    );
    assert_token_rejected(
        &mut s,
        |s| s.transfer(&bob, &alice, 1),
        ContractError::AccountFrozen {
            address: alice.to_string(),
        },
    );
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &freezer,
                &ExecuteMsg::Freeze {
                    address: alice.to_string(),
                    reason: "again".into(),
                },
            )
        },
        ContractError::AccountFrozen {
            address: alice.to_string(),
        },
    );
    let resp = s
        .execute_token(
            &freezer,
            &ExecuteMsg::Unfreeze {
                address: alice.to_string(),
                reason: "released".into(),
            },
        )
        .unwrap();
    assert_eq!(wasm_events(&resp, "token_unfrozen").len(), 1);
    s.transfer(&alice, &bob, 1).unwrap();
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &freezer,
                &ExecuteMsg::Unfreeze {
                    address: alice.to_string(),
                    reason: "again".into(),
                },
            )
        },
        ContractError::NotFrozen {
            address: alice.to_string(),
        },
    );
    let agent = s.addr("agent");
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &agent,
                &ExecuteMsg::Freeze {
                    address: bob.to_string(),
                    reason: "x".into(),
                },
            )
        },
        ContractError::MissingRole {
            sender: agent.to_string(),
            role: "freezer".into(),
        },
    );
}

#[test]
fn freeze_part_of_a_balance() {
    let mut s = suite();
    let (freezer, alice, bob) = (s.addr("freezer"), s.addr("alice"), s.addr("bob"));
    let freeze = |amount: u128| ExecuteMsg::FreezeTokens {
        address: alice.to_string(),
        amount: u(amount),
        reason: "lien".into(),
    };
    let unfreeze = |amount: u128| ExecuteMsg::UnfreezeTokens {
        address: alice.to_string(),
        amount: u(amount),
        reason: "lien_lifted".into(),
    };
    let resp = s.execute_token(&freezer, &freeze(600)).unwrap();
    assert_eq!(
        wasm_events(&resp, "token_tokens_frozen"),
        vec![Event::new("token_tokens_frozen").add_attributes([
            ("address", alice.as_str()),
            ("amount", "600"),
            ("frozen_amount", "600"),
            ("by", freezer.as_str()),
            ("reason", "lien"),
        ])]
    );
    assert_eq!(s.account(&alice).available, u(400));
    assert_token_rejected(
        &mut s,
        |s| s.transfer(&alice, &bob, 401),
        ContractError::InsufficientFunds {
            address: alice.to_string(),
            available: u(400),
            needed: u(401),
        },
    );
    s.transfer(&alice, &bob, 400).unwrap();
    // Cannot freeze more than the unfrozen balance.
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&freezer, &freeze(1)),
        ContractError::InsufficientFunds {
            address: alice.to_string(),
            available: u(0),
            needed: u(1),
        },
    );
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&freezer, &unfreeze(601)),
        ContractError::UnfreezeTooMuch {
            address: alice.to_string(),
            amount: u(601),
            frozen: u(600),
        },
    );
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&freezer, &freeze(0)),
        ContractError::ZeroAmount,
    );
    let resp = s.execute_token(&freezer, &unfreeze(100)).unwrap();
    assert_eq!(
        wasm_events(&resp, "token_tokens_unfrozen")[0].attributes[2].value,
        "500"
    );
    s.transfer(&alice, &bob, 100).unwrap();
    assert_eq!(s.account(&alice).balance, u(500));
}

#[test]
fn forced_transfer_respects_frozen_funds_unless_the_agent_unfreezes() {
    let mut s = suite();
    let (agent, freezer, alice, bob) = (
        s.addr("agent"),
        s.addr("freezer"),
        s.addr("alice"),
        s.addr("bob"),
    );
    s.execute_token(
        &freezer,
        &ExecuteMsg::FreezeTokens {
            address: alice.to_string(),
            amount: u(900),
            reason: "lien".into(),
        },
    )
    .unwrap();
    let forced = |amount: u128, unfreeze: bool| ExecuteMsg::ForcedTransfer {
        from: alice.to_string(),
        to: bob.to_string(),
        amount: u(amount),
        reason: "court_order_17".into(),
        unfreeze,
    };
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&agent, &forced(300, false)),
        ContractError::InsufficientFunds {
            address: alice.to_string(),
            available: u(100),
            needed: u(300),
        },
    );
    let resp = s.execute_token(&agent, &forced(300, true)).unwrap();
    assert_eq!(
        wasm_events(&resp, "token_forced_transfer"),
        vec![Event::new("token_forced_transfer").add_attributes([
            ("from", alice.as_str()),
            ("to", bob.as_str()),
            ("amount", "300"),
            ("unfrozen", "200"),
            ("agent", agent.as_str()),
            ("reason", "court_order_17"),
        ])]
    );
    let acc = s.account(&alice);
    assert_eq!((acc.balance, acc.frozen_amount), (u(700), u(700)));
    assert_eq!(s.balance(&bob), 400);
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&agent, &forced(701, true)),
        ContractError::InsufficientFunds {
            address: alice.to_string(),
            available: u(700),
            needed: u(701),
        },
    );
    // The sender's compliance is skipped: a revoked sender's funds can be moved.
    let officer = s.officer.clone();
    s.set_status(&officer, &[&alice], KycStatus::Revoked, "sanctions")
        .unwrap();
    s.execute_token(&agent, &forced(100, true)).unwrap();
    // The recipient's is not.
    s.set_status(&officer, &[&bob], KycStatus::Suspended, "review")
        .unwrap();
    let err = s
        .execute_token(&agent, &forced(100, true))
        .unwrap_err()
        .downcast::<ContractError>()
        .unwrap();
    assert!(matches!(err, ContractError::Denied(d) if d.party == bob));
    let freezer_err = s
        .execute_token(&freezer, &forced(1, true))
        .unwrap_err()
        .downcast::<ContractError>()
        .unwrap();
    assert_eq!(
        freezer_err,
        ContractError::MissingRole {
            sender: freezer.to_string(),
            role: "agent".into()
        }
    );
}

#[test]
fn recovery_moves_balance_and_frozen_state_to_a_new_wallet() {
    let mut s = suite();
    let (agent, freezer) = (s.addr("agent"), s.addr("freezer"));
    let (alice, bob, fresh) = (s.addr("alice"), s.addr("bob"), s.addr("newwallet"));
    s.execute_token(
        &freezer,
        &ExecuteMsg::FreezeTokens {
            address: alice.to_string(),
            amount: u(250),
            reason: "lien".into(),
        },
    )
    .unwrap();
    let recover = |to: &Addr| ExecuteMsg::Recover {
        lost: alice.to_string(),
        new_address: to.to_string(),
        reason: "lost_key".into(),
    };
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&agent, &recover(&bob)),
        ContractError::RecoveryTargetNotEmpty {
            address: bob.to_string(),
        },
    );
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&agent, &recover(&alice)),
        ContractError::RecoverToSelf,
    );
    let resp = s.execute_token(&agent, &recover(&fresh)).unwrap();
    assert_eq!(
        wasm_events(&resp, "token_recovered"),
        vec![Event::new("token_recovered").add_attributes([
            ("lost", alice.as_str()),
            ("new_address", fresh.as_str()),
            ("amount", "1000"),
            ("frozen_amount", "250"),
            ("agent", agent.as_str()),
            ("reason", "lost_key"),
        ])]
    );
    let new = s.account(&fresh);
    assert_eq!(
        (new.balance, new.frozen_amount, new.available),
        (u(1_000), u(250), u(750))
    );
    let old = s.account(&alice);
    assert_eq!((old.balance, old.frozen), (u(0), true));
    assert_eq!(s.total_supply(), 1_100);
    // Nothing can be sent to the lost wallet by mistake.
    assert_token_rejected(
        &mut s,
        |s| s.transfer(&bob, &alice, 1),
        ContractError::AccountFrozen {
            address: alice.to_string(),
        },
    );
}

#[test]
fn the_owner_grants_and_revokes_roles() {
    let mut s = suite();
    let (owner, carol, alice) = (s.owner.clone(), s.addr("carol"), s.addr("alice"));
    let resp = s
        .execute_token(
            &owner,
            &ExecuteMsg::GrantRole {
                role: Role::Pauser,
                address: carol.to_string(),
            },
        )
        .unwrap();
    assert_eq!(
        wasm_events(&resp, "token_role_granted"),
        vec![Event::new("token_role_granted").add_attributes([
            ("role", "pauser"),
            ("address", carol.as_str()),
            ("owner", owner.as_str())
        ])]
    );
    let roles: RolesResponse = s.query_token(&QueryMsg::Roles {
        role: Role::Pauser,
        start_after: None,
        limit: None,
    });
    let mut expected = vec![s.addr("pauser"), carol.clone()];
    expected.sort();
    assert_eq!(roles.addresses, expected);
    s.execute_token(
        &carol,
        &ExecuteMsg::Pause {
            reason: "drill".into(),
        },
    )
    .unwrap();
    s.execute_token(
        &carol,
        &ExecuteMsg::Unpause {
            reason: "drill".into(),
        },
    )
    .unwrap();
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &owner,
                &ExecuteMsg::GrantRole {
                    role: Role::Pauser,
                    address: carol.to_string(),
                },
            )
        },
        ContractError::RoleAlreadyGranted {
            address: carol.to_string(),
            role: "pauser".into(),
        },
    );
    let resp = s
        .execute_token(
            &owner,
            &ExecuteMsg::RevokeRole {
                role: Role::Pauser,
                address: carol.to_string(),
            },
        )
        .unwrap();
    assert_eq!(wasm_events(&resp, "token_role_revoked").len(), 1);
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &owner,
                &ExecuteMsg::RevokeRole {
                    role: Role::Pauser,
                    address: carol.to_string(),
                },
            )
        },
        ContractError::RoleNotGranted {
            address: carol.to_string(),
            role: "pauser".into(),
        },
    );
    assert_token_rejected(
        &mut s,
        |s| {
            s.execute_token(
                &alice,
                &ExecuteMsg::GrantRole {
                    role: Role::Agent,
                    address: alice.to_string(),
                },
            )
        },
        ContractError::Ownership(OwnershipError::NotOwner),
    );
}

#[test]
fn the_owner_can_switch_compliance_off_and_on() {
    let mut s = suite();
    let (owner, alice) = (s.owner.clone(), s.addr("alice"));
    let stranger = s.addr("stranger");
    assert_token_rejected(
        &mut s,
        |s| s.transfer(&alice, &stranger, 1),
        ContractError::Denied(farthing_types::kyc::Denial::new(
            &stranger,
            farthing_types::kyc::PartyRole::Recipient,
            farthing_types::kyc::DenialCode::NotListed,
            format!("recipient {stranger} is not listed in the KYC registry"),
        )),
    );
    let resp = s
        .execute_token(&owner, &ExecuteMsg::SetRegistry { registry: None })
        .unwrap();
    assert_eq!(
        wasm_events(&resp, "token_registry_set")[0].attributes[0].value,
        "none"
    );
    s.transfer(&alice, &stranger, 1).unwrap();
    let registry = s.registry.to_string();
    s.execute_token(
        &owner,
        &ExecuteMsg::SetRegistry {
            registry: Some(registry),
        },
    )
    .unwrap();
    assert!(s.transfer(&alice, &stranger, 1).is_err());
    assert_token_rejected(
        &mut s,
        |s| s.execute_token(&alice, &ExecuteMsg::SetRegistry { registry: None }),
        ContractError::Ownership(OwnershipError::NotOwner),
    );
}

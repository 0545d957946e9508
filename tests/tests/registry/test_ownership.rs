use cosmwasm_std::Event;
use cw_ownable::{Action, OwnershipError};
use farthing_kyc_registry::ContractError;
use farthing_types::kyc::AuditAction;

use super::{assert_rejected, suite, wasm_events};

#[test]
fn two_step_transfer_is_audited() {
    let mut suite = suite();
    let owner = suite.owner.clone();
    let council = suite.addr("council");
    let resp = suite
        .update_ownership(
            &owner,
            Action::TransferOwnership {
                new_owner: council.to_string(),
                expiry: None,
            },
        )
        .unwrap();
    assert_eq!(
        wasm_events(&resp, "kyc_ownership_updated"),
        vec![Event::new("kyc_ownership_updated").add_attributes([
            ("actor", owner.as_str()),
            ("owner", owner.as_str()),
            ("pending_owner", council.as_str()),
            ("seq", "4"),
        ])]
    );

    // The old owner keeps control until the new one accepts.
    suite.update_policy(&owner, suite.policy()).unwrap();
    suite
        .update_ownership(&council, Action::AcceptOwnership)
        .unwrap();
    assert_rejected(
        &mut suite,
        |s| {
            let p = s.policy();
            s.update_policy(&owner, p)
        },
        ContractError::Ownership(OwnershipError::NotOwner),
    );
    suite.update_policy(&council, suite.policy()).unwrap();

    let entries: Vec<_> = suite
        .full_audit_log()
        .into_iter()
        .filter(|e| e.action == AuditAction::OwnershipUpdated)
        .map(|e| (e.actor, e.subject))
        .collect();
    assert_eq!(
        entries,
        vec![
            (owner, Some(council.clone())),
            (council.clone(), Some(council))
        ]
    );
}

#[test]
fn only_the_pending_owner_can_accept() {
    let mut suite = suite();
    let owner = suite.owner.clone();
    let (council, mallory) = (suite.addr("council"), suite.addr("mallory"));
    suite
        .update_ownership(
            &owner,
            Action::TransferOwnership {
                new_owner: council.to_string(),
                expiry: None,
            },
        )
        .unwrap();
    assert_rejected(
        &mut suite,
        |s| s.update_ownership(&mallory, Action::AcceptOwnership),
        ContractError::Ownership(OwnershipError::NotPendingOwner),
    );
    assert_rejected(
        &mut suite,
        |s| {
            s.update_ownership(
                &mallory,
                Action::TransferOwnership {
                    new_owner: mallory.to_string(),
                    expiry: None,
                },
            )
        },
        ContractError::Ownership(OwnershipError::NotOwner),
    );
}

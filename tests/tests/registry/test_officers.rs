use cosmwasm_std::Event;
use farthing_kyc_registry::ContractError;
use farthing_testing::{kyc_input, SuiteBuilder};

use super::{assert_rejected, attr, not_officer, suite, wasm_events};

#[test]
fn owner_adds_and_removes_officers() {
    let mut suite = suite();
    let owner = suite.owner.clone();
    let carol = suite.addr("carol");
    let resp = suite.add_officer(&owner, &carol).unwrap();
    assert_eq!(attr(&resp, "action"), Some("add_officer"));
    assert_eq!(
        wasm_events(&resp, "kyc_officer_added"),
        vec![Event::new("kyc_officer_added").add_attributes([
            ("officer", carol.as_str()),
            ("owner", owner.as_str()),
            ("seq", "4"),
        ])]
    );
    let mut expected = vec![suite.officer.clone(), carol.clone()];
    expected.sort();
    assert_eq!(suite.officers(), expected);

    // The new officer can write records.
    let dave = suite.addr("dave");
    suite
        .upsert(&carol, vec![kyc_input(&dave, 0, "ES", suite.now())])
        .unwrap();

    let resp = suite.remove_officer(&owner, &carol).unwrap();
    assert_eq!(attr(&resp, "action"), Some("remove_officer"));
    assert_eq!(
        wasm_events(&resp, "kyc_officer_removed"),
        vec![Event::new("kyc_officer_removed").add_attributes([
            ("officer", carol.as_str()),
            ("owner", owner.as_str()),
            ("seq", "6"),
        ])]
    );
    assert_eq!(suite.officers(), vec![suite.officer.clone()]);

    // A removed officer can no longer write.
    let input = kyc_input(&dave, 1, "ES", suite.now());
    assert_rejected(
        &mut suite,
        |s| s.upsert(&carol, vec![input]),
        not_officer(&carol),
    );
}

#[test]
fn officer_management_rejections() {
    let mut suite = suite();
    let (owner, officer) = (suite.owner.clone(), suite.officer.clone());
    let carol = suite.addr("carol");
    assert_rejected(
        &mut suite,
        |s| s.add_officer(&owner, &officer),
        ContractError::AlreadyOfficer {
            address: officer.to_string(),
        },
    );
    assert_rejected(
        &mut suite,
        |s| s.remove_officer(&owner, &carol),
        ContractError::NotAnOfficer {
            address: carol.to_string(),
        },
    );
    // Officers cannot manage officers.
    assert_rejected(
        &mut suite,
        |s| s.add_officer(&officer, &carol),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
    assert_rejected(
        &mut suite,
        |s| s.remove_officer(&officer, &officer),
        ContractError::Ownership(cw_ownable::OwnershipError::NotOwner),
    );
}

#[test]
fn the_owner_is_not_an_officer() {
    let mut suite = SuiteBuilder::default()
        .with_officers(&["compliance"])
        .build();
    let owner = suite.owner.clone();
    let input = kyc_input(&suite.addr("carol"), 1, "DE", suite.now());
    assert_rejected(
        &mut suite,
        |s| s.upsert(&owner, vec![input]),
        not_officer(&owner),
    );
}

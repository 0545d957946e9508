use cosmwasm_std::{Addr, Event, HexBinary, Timestamp};
use farthing_kyc_registry::ContractError;
use farthing_testing::{kyc_input, SuiteBuilder, ATTESTATION, ONE_YEAR};
use farthing_types::kyc::{KycStatus, PartyKind, RecordInput, MAX_BATCH};

use super::{assert_rejected, attr, not_officer, suite, wasm_events};

fn input(suite: &farthing_testing::Suite, name: &str) -> RecordInput {
    kyc_input(&suite.addr(name), 1, "NL", suite.now())
}

#[test]
fn upsert_creates_records_with_events_and_metadata() {
    let mut suite = SuiteBuilder::default().build();
    let officer = suite.officer.clone();
    let carol = suite.addr("carol");
    let mut rec = input(&suite, "carol");
    rec.kind = PartyKind::Business;
    rec.tier = 3;
    let resp = suite.upsert(&officer, vec![rec.clone()]).unwrap();

    assert_eq!(attr(&resp, "action"), Some("upsert_records"));
    assert_eq!(attr(&resp, "sender"), Some(officer.as_str()));
    assert_eq!(attr(&resp, "count"), Some("1"));
    let expires = rec.expires_at.seconds().to_string();
    assert_eq!(
        wasm_events(&resp, "kyc_record_updated"),
        vec![Event::new("kyc_record_updated").add_attributes([
            ("address", carol.as_str()),
            ("status", "active"),
            ("tier", "3"),
            ("kind", "business"),
            ("jurisdiction", "NL"),
            ("expires_at", expires.as_str()),
            (
                "attestation",
                &HexBinary::from(ATTESTATION.to_vec()).to_hex()
            ),
            ("reason", "kyc_onboarding"),
            ("officer", officer.as_str()),
            ("seq", "2"),
        ])]
    );

    let view = suite.record(&carol).unwrap();
    assert_eq!(view.address, carol);
    assert_eq!(view.status, KycStatus::Active);
    assert_eq!(view.tier, 3);
    assert_eq!(view.kind, PartyKind::Business);
    assert_eq!(view.jurisdiction, "NL");
    // Stored to the second.
    assert_eq!(
        view.expires_at,
        Timestamp::from_seconds(rec.expires_at.seconds())
    );
    assert_ne!(
        rec.expires_at.subsec_nanos(),
        0,
        "the test block time has nanoseconds"
    );
    assert_eq!(view.attestation.as_slice(), &ATTESTATION);
    assert_eq!(view.updated_at, suite.now());
    assert_eq!(view.updated_by, officer);
    assert_eq!(view.reason, "kyc_onboarding");
}

#[test]
fn upsert_replaces_an_existing_record_and_its_index_entries() {
    let mut suite = suite();
    let officer = suite.officer.clone();
    let alice = suite.addr("alice");
    let mut rec = kyc_input(&alice, 3, "PT", suite.now());
    rec.reason = "kyc_refresh".into();
    suite.upsert(&officer, vec![rec]).unwrap();

    let view = suite.record(&alice).unwrap();
    assert_eq!((view.tier, view.jurisdiction.as_str()), (3, "PT"));
    assert_eq!(view.reason, "kyc_refresh");
    assert!(suite.records(None, Some("DE"), None, None).is_empty());
    assert_eq!(
        suite
            .records(None, Some("PT"), None, None)
            .into_iter()
            .map(|r| r.address)
            .collect::<Vec<_>>(),
        vec![alice]
    );
}

#[test]
fn upsert_accepts_the_maximum_batch() {
    let mut suite = SuiteBuilder::default().build();
    let officer = suite.officer.clone();
    let batch: Vec<_> = (0..MAX_BATCH)
        .map(|i| input(&suite, &format!("user{i}")))
        .collect();
    let resp = suite.upsert(&officer, batch).unwrap();
    assert_eq!(wasm_events(&resp, "kyc_record_updated").len(), MAX_BATCH);
    assert_eq!(suite.all_records().len(), MAX_BATCH);
}

#[test]
fn upsert_rejects_bad_batches_without_writing_anything() {
    let mut suite = suite();
    let officer = suite.officer.clone();
    let stranger = suite.addr("stranger");

    let batch: Vec<_> = (0..=MAX_BATCH)
        .map(|i| input(&suite, &format!("user{i}")))
        .collect();
    assert_rejected(
        &mut suite,
        |s| s.upsert(&officer, batch),
        ContractError::BatchTooLarge {
            size: MAX_BATCH + 1,
            max: MAX_BATCH,
        },
    );
    assert_rejected(
        &mut suite,
        |s| s.upsert(&officer, vec![]),
        ContractError::EmptyBatch,
    );

    let dave = suite.addr("dave");
    let (a, b) = (input(&suite, "dave"), input(&suite, "dave"));
    assert_rejected(
        &mut suite,
        |s| s.upsert(&officer, vec![a, b]),
        ContractError::DuplicateAddress {
            address: dave.to_string(),
        },
    );

    let good = input(&suite, "carol");
    assert_rejected(
        &mut suite,
        |s| s.upsert(&stranger, vec![good]),
        not_officer(&stranger),
    );
}

#[test]
fn upsert_rejects_each_invalid_field_and_the_whole_batch_with_it() {
    let mut suite = suite();
    let officer = suite.officer.clone();
    let dave = suite.addr("dave");
    let now = suite.now();
    let good = input(&suite, "carol");

    type Case = (fn(&mut RecordInput), ContractError);
    let d = dave.to_string();
    let cases: Vec<Case> = vec![
        (
            |r| r.tier = 4,
            ContractError::InvalidTier {
                address: String::new(),
                tier: 4,
            },
        ),
        (
            |r| r.jurisdiction = "de".into(),
            ContractError::InvalidRecordJurisdiction {
                address: String::new(),
                value: "de".into(),
            },
        ),
        (
            |r| r.jurisdiction = "DEU".into(),
            ContractError::InvalidRecordJurisdiction {
                address: String::new(),
                value: "DEU".into(),
            },
        ),
        (
            |r| r.attestation = HexBinary::from(vec![1u8; 31]),
            ContractError::InvalidAttestation {
                address: String::new(),
                length: 31,
            },
        ),
        (
            |r| r.reason = "no spaces please".into(),
            ContractError::InvalidReason {
                reason: "no spaces please".into(),
            },
        ),
    ];
    for (mutate, expected) in cases {
        let mut bad = input(&suite, "dave");
        mutate(&mut bad);
        let expected = match expected {
            ContractError::InvalidTier { tier, .. } => ContractError::InvalidTier {
                address: d.clone(),
                tier,
            },
            ContractError::InvalidRecordJurisdiction { value, .. } => {
                ContractError::InvalidRecordJurisdiction {
                    address: d.clone(),
                    value,
                }
            }
            ContractError::InvalidAttestation { length, .. } => ContractError::InvalidAttestation {
                address: d.clone(),
                length,
            },
            other => other,
        };
        let batch = vec![good.clone(), bad];
        assert_rejected(&mut suite, |s| s.upsert(&officer, batch), expected);
    }

    // `now + 1 ns` is stored as the current second, which is not in the future.
    for expires_at in [now, now.minus_seconds(1), now.plus_nanos(1)] {
        let mut bad = input(&suite, "dave");
        bad.expires_at = expires_at;
        let expires_at = Timestamp::from_seconds(expires_at.seconds());
        let batch = vec![good.clone(), bad];
        assert_rejected(
            &mut suite,
            |s| s.upsert(&officer, batch),
            ContractError::ExpiryNotInFuture {
                address: d.clone(),
                expires_at,
                now,
            },
        );
    }

    let mut bad = input(&suite, "dave");
    bad.address = "not-bech32".into();
    let before = suite.registry_snapshot();
    let err = suite.upsert(&officer, vec![good, bad]).unwrap_err();
    assert!(matches!(
        err.downcast::<ContractError>().unwrap(),
        ContractError::Std(_)
    ));
    assert_eq!(suite.registry_snapshot(), before);
    assert!(suite.record(&suite.addr("carol")).is_none());
}

#[test]
fn set_status_changes_existing_records_with_events() {
    let mut suite = suite();
    let officer = suite.officer.clone();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    suite.advance_seconds(60);
    let resp = suite
        .set_status(
            &officer,
            &[&alice, &bob],
            KycStatus::Suspended,
            "aml_review",
        )
        .unwrap();
    assert_eq!(attr(&resp, "action"), Some("set_status"));
    assert_eq!(attr(&resp, "count"), Some("2"));
    let ev = |a: &Addr, seq: &str| {
        Event::new("kyc_status_changed").add_attributes([
            ("address", a.as_str()),
            ("previous_status", "active"),
            ("status", "suspended"),
            ("reason", "aml_review"),
            ("officer", officer.as_str()),
            ("seq", seq),
        ])
    };
    assert_eq!(
        wasm_events(&resp, "kyc_status_changed"),
        vec![ev(&alice, "4"), ev(&bob, "5")]
    );
    let view = suite.record(&alice).unwrap();
    assert_eq!(view.status, KycStatus::Suspended);
    assert_eq!(view.reason, "aml_review");
    assert_eq!(view.updated_at, suite.now());
    assert_eq!(view.tier, 2, "other fields untouched");

    suite
        .set_status(&officer, &[&alice], KycStatus::Active, "aml_cleared")
        .unwrap();
    assert_eq!(suite.record(&alice).unwrap().status, KycStatus::Active);
}

#[test]
fn set_status_rejections_leave_state_unchanged() {
    let mut suite = suite();
    let officer = suite.officer.clone();
    let (alice, carol, stranger) = (
        suite.addr("alice"),
        suite.addr("carol"),
        suite.addr("stranger"),
    );
    assert_rejected(
        &mut suite,
        |s| s.set_status(&officer, &[&alice, &carol], KycStatus::Revoked, "sanctions"),
        ContractError::RecordNotFound {
            address: carol.to_string(),
        },
    );
    assert_rejected(
        &mut suite,
        |s| s.set_status(&officer, &[&alice, &alice], KycStatus::Revoked, "sanctions"),
        ContractError::DuplicateAddress {
            address: alice.to_string(),
        },
    );
    assert_rejected(
        &mut suite,
        |s| s.set_status(&officer, &[], KycStatus::Revoked, "sanctions"),
        ContractError::EmptyBatch,
    );
    assert_rejected(
        &mut suite,
        |s| s.set_status(&officer, &[&alice], KycStatus::Revoked, ""),
        ContractError::InvalidReason { reason: "".into() },
    );
    assert_rejected(
        &mut suite,
        |s| s.set_status(&stranger, &[&alice], KycStatus::Revoked, "sanctions"),
        not_officer(&stranger),
    );
    let many: Vec<Addr> = (0..=MAX_BATCH)
        .map(|i| suite.addr(&format!("u{i}")))
        .collect();
    assert_rejected(
        &mut suite,
        |s| {
            s.set_status(
                &officer,
                &many.iter().collect::<Vec<_>>(),
                KycStatus::Revoked,
                "x",
            )
        },
        ContractError::BatchTooLarge {
            size: MAX_BATCH + 1,
            max: MAX_BATCH,
        },
    );
}

#[test]
fn remove_records_deletes_records_but_keeps_history() {
    let mut suite = suite();
    let officer = suite.officer.clone();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    let resp = suite
        .remove_records(&officer, &[&alice], "offboarded")
        .unwrap();
    assert_eq!(attr(&resp, "action"), Some("remove_records"));
    assert_eq!(
        wasm_events(&resp, "kyc_record_removed"),
        vec![Event::new("kyc_record_removed").add_attributes([
            ("address", alice.as_str()),
            ("reason", "offboarded"),
            ("officer", officer.as_str()),
            ("seq", "4"),
        ])]
    );
    assert!(suite.record(&alice).is_none());
    assert!(suite.record(&bob).is_some());
    assert!(suite
        .records(Some(KycStatus::Active), Some("DE"), None, None)
        .is_empty());
    let history = suite.audit_log(Some(&alice), None, None, false);
    assert_eq!(history.len(), 2, "upsert and removal stay in the log");

    // A removed address can be listed again.
    let again = kyc_input(&alice, 1, "DE", suite.now());
    suite.upsert(&officer, vec![again]).unwrap();
    assert_eq!(suite.record(&alice).unwrap().tier, 1);
}

#[test]
fn remove_records_rejections_leave_state_unchanged() {
    let mut suite = suite();
    let officer = suite.officer.clone();
    let (alice, carol, stranger) = (
        suite.addr("alice"),
        suite.addr("carol"),
        suite.addr("stranger"),
    );
    assert_rejected(
        &mut suite,
        |s| s.remove_records(&officer, &[&alice, &carol], "offboarded"),
        ContractError::RecordNotFound {
            address: carol.to_string(),
        },
    );
    assert_rejected(
        &mut suite,
        |s| s.remove_records(&officer, &[&alice], "bad reason!"),
        ContractError::InvalidReason {
            reason: "bad reason!".into(),
        },
    );
    assert_rejected(
        &mut suite,
        |s| s.remove_records(&officer, &[], "offboarded"),
        ContractError::EmptyBatch,
    );
    assert_rejected(
        &mut suite,
        |s| s.remove_records(&officer, &[&alice, &alice], "offboarded"),
        ContractError::DuplicateAddress {
            address: alice.to_string(),
        },
    );
    assert_rejected(
        &mut suite,
        |s| s.remove_records(&stranger, &[&alice], "offboarded"),
        not_officer(&stranger),
    );
}

#[test]
fn expiry_written_one_year_ahead_is_accepted() {
    let mut suite = SuiteBuilder::default().build();
    let officer = suite.officer.clone();
    let mut rec = input(&suite, "carol");
    rec.expires_at = Timestamp::from_seconds(suite.now().seconds() + ONE_YEAR * 3);
    suite.upsert(&officer, vec![rec.clone()]).unwrap();
    assert_eq!(
        suite.record(&suite.addr("carol")).unwrap().expires_at,
        rec.expires_at
    );
}

use farthing_types::kyc::{AuditAction, KycStatus};

use super::suite;

#[test]
fn every_change_is_logged_with_actor_time_and_height() {
    let mut suite = suite();
    let (owner, officer) = (suite.owner.clone(), suite.officer.clone());
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    let start = suite.now();
    let start_height = suite.app.block_info().height;
    suite.advance_seconds(100);
    suite
        .set_status(&officer, &[&bob], KycStatus::Revoked, "sanctions_hit")
        .unwrap();
    suite
        .remove_records(&officer, &[&alice], "offboarded")
        .unwrap();
    suite.update_policy(&owner, suite.policy()).unwrap();

    let log = suite.full_audit_log();
    let summary: Vec<_> = log
        .iter()
        .map(|e| {
            (
                e.seq,
                e.actor.clone(),
                e.action,
                e.subject.clone(),
                e.reason.clone(),
                e.status,
            )
        })
        .collect();
    let s = |x: &str| Some(x.to_string());
    assert_eq!(
        summary,
        vec![
            (
                1,
                owner.clone(),
                AuditAction::OfficerAdded,
                Some(officer.clone()),
                None,
                None
            ),
            (
                2,
                officer.clone(),
                AuditAction::RecordUpserted,
                Some(alice.clone()),
                s("kyc_onboarding"),
                Some(KycStatus::Active)
            ),
            (
                3,
                officer.clone(),
                AuditAction::RecordUpserted,
                Some(bob.clone()),
                s("kyc_onboarding"),
                Some(KycStatus::Active)
            ),
            (
                4,
                officer.clone(),
                AuditAction::StatusChanged,
                Some(bob.clone()),
                s("sanctions_hit"),
                Some(KycStatus::Revoked)
            ),
            (
                5,
                officer.clone(),
                AuditAction::RecordRemoved,
                Some(alice.clone()),
                s("offboarded"),
                None
            ),
            (
                6,
                owner.clone(),
                AuditAction::PolicyUpdated,
                None,
                None,
                None
            ),
        ]
    );
    assert_eq!(log[1].time, start);
    assert_eq!(log[1].height, start_height);
    assert_eq!(log[3].time, start.plus_seconds(100));
    assert!(log[3].height > start_height);
}

#[test]
fn audit_log_pages_globally_and_by_subject_in_both_orders() {
    let mut suite = suite();
    let officer = suite.officer.clone();
    let (alice, bob) = (suite.addr("alice"), suite.addr("bob"));
    for status in [
        KycStatus::Suspended,
        KycStatus::Active,
        KycStatus::Suspended,
    ] {
        suite
            .set_status(&officer, &[&alice], status, "review")
            .unwrap();
    }
    let seqs =
        |v: Vec<farthing_types::kyc::AuditEntry>| v.into_iter().map(|e| e.seq).collect::<Vec<_>>();

    assert_eq!(
        seqs(suite.audit_log(None, None, Some(2), false)),
        vec![1, 2]
    );
    assert_eq!(
        seqs(suite.audit_log(None, Some(2), Some(2), false)),
        vec![3, 4]
    );
    assert_eq!(seqs(suite.audit_log(None, None, Some(2), true)), vec![6, 5]);
    assert_eq!(
        seqs(suite.audit_log(None, Some(5), Some(2), true)),
        vec![4, 3]
    );

    assert_eq!(
        seqs(suite.audit_log(Some(&alice), None, None, false)),
        vec![2, 4, 5, 6]
    );
    assert_eq!(
        seqs(suite.audit_log(Some(&alice), Some(4), Some(2), false)),
        vec![5, 6]
    );
    assert_eq!(
        seqs(suite.audit_log(Some(&alice), None, Some(3), true)),
        vec![6, 5, 4]
    );
    assert_eq!(
        seqs(suite.audit_log(Some(&alice), Some(4), None, true)),
        vec![2]
    );
    assert_eq!(
        seqs(suite.audit_log(Some(&bob), None, None, false)),
        vec![3]
    );
    assert_eq!(
        seqs(suite.audit_log(Some(&suite.addr("nobody")), None, None, false)),
        Vec::<u64>::new()
    );
}

use farthing_testing::{kyc_input, Suite, SuiteBuilder};
use farthing_types::kyc::KycStatus;

use super::test_policy::strict_policy;

/// alice tier 2 DE, bob tier 1 FR, kim tier 3 KP (blocked), tess tier 0 US,
/// exp tier 3 US expiring in 100 s, sus suspended, rev revoked; strict policy (grace 3600 s).
pub fn gate_suite_with_statuses() -> Suite {
    let mut suite = SuiteBuilder::default()
        .with_policy(strict_policy())
        .with_listed("alice", 2, "DE")
        .with_listed("bob", 1, "FR")
        .with_listed("kim", 3, "KP")
        .with_listed("tess", 0, "US")
        .with_listed("sus", 3, "DE")
        .with_listed("rev", 3, "DE")
        .build();
    let officer = suite.officer.clone();
    let mut exp = kyc_input(&suite.addr("exp"), 3, "US", suite.now());
    exp.expires_at = suite.now().plus_seconds(100);
    suite.upsert(&officer, vec![exp]).unwrap();
    let (sus, rev) = (suite.addr("sus"), suite.addr("rev"));
    suite
        .set_status(&officer, &[&sus], KycStatus::Suspended, "review")
        .unwrap();
    suite
        .set_status(&officer, &[&rev], KycStatus::Revoked, "sanctions")
        .unwrap();
    suite
}

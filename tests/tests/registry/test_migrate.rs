use cw_multi_test::Executor;
use farthing_kyc_registry::{CONTRACT_NAME, CONTRACT_VERSION};
use farthing_testing::kyc_registry_contract;
use farthing_types::kyc::MigrateMsg;

use super::suite;

#[test]
fn migrate_keeps_every_record_policy_officer_and_audit_entry() {
    let mut suite = suite();
    let before = suite.registry_snapshot();
    let new_code = suite.app.store_code(kyc_registry_contract());
    let owner = suite.owner.clone();
    let registry = suite.registry.clone();
    let resp = suite
        .app
        .migrate_contract(owner, registry.clone(), &MigrateMsg {}, new_code)
        .unwrap();
    let attrs: Vec<_> = resp
        .events
        .iter()
        .filter(|e| e.ty == "wasm")
        .flat_map(|e| e.attributes.iter())
        .map(|a| (a.key.as_str(), a.value.as_str()))
        .collect();
    assert!(attrs.contains(&("from_version", CONTRACT_VERSION)));
    assert!(attrs.contains(&("to_version", CONTRACT_VERSION)));
    assert_eq!(suite.registry_snapshot(), before);
    let info = cw2::query_contract_info(&suite.app.wrap(), registry).unwrap();
    assert_eq!(
        (info.contract.as_str(), info.version.as_str()),
        (CONTRACT_NAME, CONTRACT_VERSION)
    );
}

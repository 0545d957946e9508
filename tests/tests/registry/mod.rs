//! KYC registry, driven on cw-multi-test through `farthing-testing`'s `SuiteBuilder`.

mod test_audit;
mod test_migrate;
mod test_officers;
mod test_ownership;
mod test_policy;
mod test_queries;
mod test_queries_support;
mod test_raw_client;
mod test_records;

use cosmwasm_std::Addr;
use cw_multi_test::AppResponse;
use farthing_kyc_registry::ContractError;
use farthing_testing::{Suite, SuiteBuilder};

/// Owner, officer "officer", and alice (tier 2, DE), bob (tier 1, FR) listed.
pub fn suite() -> Suite {
    SuiteBuilder::default()
        .with_listed("alice", 2, "DE")
        .with_listed("bob", 1, "FR")
        .build()
}

/// Runs a message that must fail, checks the typed error, and checks that the
/// registry's records, policy, officers, audit log and ownership are unchanged.
pub fn assert_rejected(
    suite: &mut Suite,
    run: impl FnOnce(&mut Suite) -> anyhow::Result<AppResponse>,
    expected: ContractError,
) {
    farthing_testing::assert_rejected_unchanged(suite, Suite::registry_snapshot, run, expected);
}

pub use farthing_testing::wasm_events;

pub fn attr<'a>(resp: &'a AppResponse, key: &str) -> Option<&'a str> {
    resp.events
        .iter()
        .filter(|e| e.ty == "wasm")
        .flat_map(|e| e.attributes.iter())
        .find(|a| a.key == key)
        .map(|a| a.value.as_str())
}

pub fn not_officer(sender: &Addr) -> ContractError {
    ContractError::NotOfficer {
        sender: sender.to_string(),
    }
}

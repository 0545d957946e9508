//! Test helpers shared by every Farthing test suite and the demo.
//!
//! `SuiteBuilder::default().with_listed("alice", 2, "DE").build()` gives an `App`
//! with a KYC registry, an owner, a compliance officer and listed accounts.

mod contracts;
mod suite;

pub use contracts::{
    cw20_base_contract, cw20_receiver_contract, kyc_registry_contract, micropay_token_contract,
    royalty_escrow_contract,
};
pub use suite::{
    kyc_input, RegistrySnapshot, Suite, SuiteBuilder, TokenSnapshot, ATTESTATION, ONE_YEAR,
};

use cosmwasm_std::Event;
use cw_multi_test::AppResponse;

/// Runs a message that must fail, checks its typed error (by `downcast`, not by string), and
/// checks that `snapshot` of the suite is the same before and after.
pub fn assert_rejected_unchanged<E, S>(
    suite: &mut Suite,
    snapshot: impl Fn(&Suite) -> S,
    run: impl FnOnce(&mut Suite) -> anyhow::Result<AppResponse>,
    expected: E,
) where
    E: std::fmt::Display + std::fmt::Debug + PartialEq + Send + Sync + 'static,
    S: PartialEq + std::fmt::Debug,
{
    let before = snapshot(suite);
    let err = run(suite).expect_err("message must be rejected");
    let err = err
        .downcast::<E>()
        .unwrap_or_else(|e| panic!("not the contract's error type: {e:?}"));
    assert_eq!(err, expected);
    assert_eq!(snapshot(suite), before, "state changed on {expected:?}");
}

/// The `wasm-<ty>` events of a response, renamed `<ty>` and without `_contract_address`.
pub fn wasm_events(resp: &AppResponse, ty: &str) -> Vec<Event> {
    let full = format!("wasm-{ty}");
    resp.events
        .iter()
        .filter(|e| e.ty == full)
        .map(|e| {
            let mut e = e.clone();
            e.ty = ty.to_string();
            e.attributes.retain(|a| a.key != "_contract_address");
            e
        })
        .collect()
}

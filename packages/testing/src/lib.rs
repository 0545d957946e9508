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

//! Test helpers shared by every Farthing test suite and the demo.
//!
//! `SuiteBuilder::default().with_listed("alice", 2, "DE").build()` gives an `App`
//! with a KYC registry, an owner, a compliance officer and listed accounts.

mod contracts;
mod suite;

pub use contracts::kyc_registry_contract;
pub use suite::{kyc_input, RegistrySnapshot, Suite, SuiteBuilder, ATTESTATION, ONE_YEAR};

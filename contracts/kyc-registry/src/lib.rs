//! Farthing KYC/AML registry.
//!
//! One compliance record per address (no personal data), the policy every Farthing
//! contract applies, compliance-officer roles, and an append-only on-chain audit log.
//! Other contracts read records and policy with raw queries through
//! `farthing_types::kyc::KycRegistry`.

pub mod contract;
mod error;
mod execute;
mod migrate;
mod query;
pub mod state;
mod validate;

#[cfg(test)]
mod tests;

pub use error::{ContractError, ContractResult};

pub const CONTRACT_NAME: &str = env!("CARGO_PKG_NAME");
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

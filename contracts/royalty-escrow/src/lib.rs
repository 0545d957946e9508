//! Farthing royalty/escrow.
//!
//! Escrow deals (arbiter, milestones, disputes, refunds after expiry) and royalty splits
//! (basis points, exact remainder rule, pull claims). Every payout goes through
//! `payout::pay`, which consults the KYC registry first and holds what it may not send.

pub mod contract;
mod error;
mod execute;
mod migrate;
mod migrations;
mod payout;
mod query;
pub mod state;

#[cfg(test)]
mod tests;

pub use error::{ContractError, ContractResult};

pub const CONTRACT_NAME: &str = env!("CARGO_PKG_NAME");
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

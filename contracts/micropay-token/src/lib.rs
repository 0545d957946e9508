//! Farthing micropayment token.
//!
//! A cw20-compatible token (cw20-base 2.0's messages and responses) in which every
//! balance change is planned and committed by one function, `ledger::apply`, which
//! runs the compliance gate first. No other code writes a balance.

pub mod contract;
mod error;
mod execute;
mod ledger;
mod migrate;
mod migrations;
mod query;
pub mod state;

#[cfg(test)]
mod tests;

pub use error::{ContractError, ContractResult};

pub const CONTRACT_NAME: &str = env!("CARGO_PKG_NAME");
pub const CONTRACT_VERSION: &str = env!("CARGO_PKG_VERSION");

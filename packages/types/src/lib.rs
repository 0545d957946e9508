//! Shared types of the Farthing contract suite.
//!
//! Every contract's messages, responses and events live here, together with the
//! typed clients and the storage layout that other contracts read directly.
//! No contract crate depends on another contract crate; they all depend on this one.

pub mod errors;
pub mod escrow;
pub mod kyc;
pub mod migrate;
pub mod token;

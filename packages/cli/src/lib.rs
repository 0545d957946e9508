//! `farthing`, the operators' CLI (see the README's "Operators' CLI" section).
pub mod cli;
pub mod config;
pub mod deploy;
pub mod kyc;
pub mod node;
pub mod signer;

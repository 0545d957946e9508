//! `farthing`, the operators' CLI (see the README's "Operators' CLI" section).
pub mod kyc;

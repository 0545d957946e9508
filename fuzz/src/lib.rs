//! Harnesses of the Farthing fuzz targets (`fuzz_targets/*.rs` call one function each).
//!
//! Contract targets read their input in one of two ways, chosen by the first byte:
//! - a printable ASCII first byte: the whole input is the JSON of one message, given to
//!   the entry point as the chain would (deserialized, then dispatched), from each of a few
//!   senders in turn, on a contract already set up with some of everything;
//! - otherwise: the rest drives the `arbitrary` crate to build well-typed messages (mirror
//!   types converted to the real ones, with addresses from a small pool, amounts and times
//!   near what the state holds) and a short sequence of steps: messages from the pool's
//!   senders, block time advancing, registry records and policy changing. About one
//!   `execute` run in eight starts from an arbitrary instantiation instead.
//!
//! Nothing may panic: every failure must come back as a typed error.

pub mod account;
pub mod common;
pub mod escrow;
pub mod registry;
pub mod token;
pub mod voucher;

/// Every seed of the committed corpus: (target, file name, bytes).
pub fn seeds() -> Vec<(&'static str, String, Vec<u8>)> {
    let mut out = registry::seeds();
    out.extend(token::seeds());
    out.extend(escrow::seeds());
    out.extend(voucher::seeds());
    out.extend(account::seeds());
    out
}

#[cfg(test)]
mod tests;

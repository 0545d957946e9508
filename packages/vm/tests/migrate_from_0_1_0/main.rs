//! Release 0.1.0 -> the current build, on the real VM (cosmwasm-vm 2.3.5).
//!
//! Each test instantiates the released wasm (tests/fixtures/release-0.1.0), builds rich
//! state with real 0.1.0 messages, asks the 0.1.0 code every question it answers about
//! that state, migrates the same storage to the current optimized wasm (artifacts/, built
//! by `bash scripts/build-wasm.sh`), asks the new code the same questions and compares,
//! compares the raw storage key by key, and then uses the migrated state.

mod common;
mod escrow;
mod refusals;
mod registry;
mod staged;
mod token;

//! The workspace's one integration-test binary.

mod docs;
mod escrow;
mod invariants;
mod registry;
mod token;

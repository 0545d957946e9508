//! The workspace's one integration-test binary.

mod escrow;
mod registry;
mod token;

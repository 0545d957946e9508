//! The workspace's one integration-test binary.

mod docs;
mod escrow;
mod registry;
mod token;

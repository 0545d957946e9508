//! The workspace's one integration-test binary.

mod registry;
mod token;

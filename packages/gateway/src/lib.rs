//! `farthing-gateway`: a reverse proxy that charges any HTTP API per request through
//! Farthing payment channels, in x402's shapes. A voucher per request, verified off chain
//! with the token's own code, persisted before the request is forwarded, and settled on
//! chain in batches. The wire protocol and the design: `DESIGN.md`.
pub mod client;
pub mod config;
pub mod ledger;
pub mod metrics;
pub mod protocol;
pub mod server;
pub mod settler;
pub mod store;
#[cfg(feature = "testnet")]
pub mod testnet;

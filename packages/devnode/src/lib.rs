//! `farthing-devnode`: a one-process wasmd-like chain that speaks the CometBFT 0.38
//! JSON-RPC a Cosmos client uses, and runs the real optimized wasm on cosmwasm-vm
//! ([`farthing_vm`]). The `farthing` CLI runs against it in CI exactly as against a wasmd
//! node: the same protobuf messages, SIGN_MODE_DIRECT signatures, simulation, broadcast,
//! transaction lookup and queries.
//!
//! ```no_run
//! # async fn run() -> anyhow::Result<()> {
//! use farthing_devnode::{DevNode, DevNodeConfig};
//! let config = DevNodeConfig {
//!     genesis: vec![("wasm1...".into(), 1_000_000_000)],
//!     ..DevNodeConfig::default()
//! };
//! let node = DevNode::spawn(config, "127.0.0.1:0".parse()?).await?;
//! let client = cosmrs::rpc::HttpClient::new(node.url().as_str())?;
//! // ... sign and broadcast with cosmrs, query with abci_query ...
//! node.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! What it answers (see [`rpc`] and [`query`]): `status`, `health`, `abci_info`,
//! `abci_query` (the auth `Account`, bank `Balance` and `AllBalances`, tx `Simulate`, and
//! wasm `SmartContractState`, `RawContractState`, `ContractInfo`, `Code`, `CodeInfo`,
//! `Codes`, `ContractsByCode` gRPC methods), `broadcast_tx_sync` (and `_async`,
//! `_commit`), `tx`, plus `dev_advance` {seconds} and `dev_fund` {address, amount} for
//! scripts, by JSON-RPC over POST or by URI (`GET /status`, `GET /tx?hash=0x...`). Every
//! transaction that passes CheckTx is delivered at once as its own block.

pub mod chain;
pub mod errors;
mod exec;
pub mod gas;
pub mod msgs;
pub mod query;
pub mod rpc;
pub mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::chain::Chain;
use crate::rpc::{lock, Shared};

/// The chain a [`DevNode`] runs.
#[derive(Clone, Debug, PartialEq)]
pub struct DevNodeConfig {
    pub chain_id: String,
    /// The bech32 prefix of accounts and contracts (`wasm` on wasmd).
    pub prefix: String,
    /// The fee denom (and the denom [`DevNode::fund`] mints).
    pub denom: String,
    /// The minimum gas price: CheckTx refuses a fee below `ceil(gas_limit * price)` of
    /// `denom` (0 to accept any fee).
    pub min_gas_price: f64,
    /// Accounts funded at genesis (bech32 address, amount of `denom`), numbered in order.
    pub genesis: Vec<(String, u128)>,
    /// Seconds between two blocks (each transaction is a block).
    pub block_seconds: u64,
}

impl Default for DevNodeConfig {
    fn default() -> Self {
        DevNodeConfig {
            chain_id: "farthing-local".into(),
            prefix: "wasm".into(),
            denom: "ustake".into(),
            min_gas_price: 0.025,
            genesis: vec![],
            block_seconds: 5,
        }
    }
}

/// A running node: its JSON-RPC server on a local address, and the chain behind it.
pub struct DevNode {
    url: String,
    chain: Shared,
    stop: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

impl DevNode {
    /// Starts the chain (height 1 at the wall clock, the genesis accounts funded) and its
    /// JSON-RPC server on `listen` (`127.0.0.1:0` picks a free port).
    pub async fn spawn(config: DevNodeConfig, listen: SocketAddr) -> anyhow::Result<DevNode> {
        let chain = tokio::task::spawn_blocking(move || Chain::new(config)).await??;
        DevNode::serve(chain, listen).await
    }

    /// [`DevNode::spawn`] printing every transaction (its block, hash, code, gas, log) to
    /// stderr: what the binary runs.
    pub async fn spawn_verbose(
        config: DevNodeConfig,
        listen: SocketAddr,
    ) -> anyhow::Result<DevNode> {
        let mut chain = tokio::task::spawn_blocking(move || Chain::new(config)).await??;
        chain.verbose = true;
        DevNode::serve(chain, listen).await
    }

    async fn serve(chain: Chain, listen: SocketAddr) -> anyhow::Result<DevNode> {
        let chain: Shared = Arc::new(Mutex::new(chain));
        let listener = tokio::net::TcpListener::bind(listen).await?;
        let address = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel::<()>();
        let app = rpc::router(chain.clone());
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async move {
                let _ = stopped.await;
            });
            if let Err(e) = serve.await {
                eprintln!("farthing-devnode: the server stopped: {e}");
            }
        });
        Ok(DevNode {
            url: format!("http://{address}"),
            chain,
            stop: Some(stop),
            server: Some(server),
        })
    }

    /// The JSON-RPC endpoint, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// Moves the block clock forward by `s` seconds (the height by the blocks that takes,
    /// at least one): later transactions and queries see the new time.
    pub fn advance_seconds(&self, s: u64) {
        lock(&self.chain).advance_seconds(s);
    }

    /// Mints `amount` of the fee denom to `address`, creating its account.
    ///
    /// # Panics
    ///
    /// When `address` is not a bech32 address with the chain's prefix (a test's mistake).
    pub fn fund(&self, address: &str, amount: u128) {
        if let Err(e) = lock(&self.chain).fund(address, amount) {
            panic!("DevNode::fund: {e}");
        }
    }

    /// The latest block height.
    pub fn height(&self) -> u64 {
        lock(&self.chain).height
    }

    /// Stops the server (open connections are given a second to finish).
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(1), server)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for DevNode {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

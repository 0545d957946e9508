//! A chain to try the gateway on: a devnode (the in-process wasmd chain on the real VM)
//! with the suite deployed by the operators' CLI, a payer and a publisher listed in the
//! KYC registry, and the payer funded. For the tests, the benchmark and the story.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use cosmwasm_std::{HexBinary, Timestamp, Uint128};
use farthing_cli::cli::Context;
use farthing_cli::config::{ChainConfig, Config as CliConfig};
use farthing_cli::deploy::{execute_msg, Contract, Deployment};
use farthing_cli::node::{Node, TxOutcome};
use farthing_cli::signer::Signer;
use farthing_devnode::{DevNode, DevNodeConfig};
use farthing_types::kyc::{KycStatus, PartyKind, RecordInput};
use serde::Serialize;

use crate::config::{Config, GatewayConfig, PaymentConfig, RouteConfig, SettleConfig};
use crate::store::Durability;

/// The well-known test mnemonic ("abandon ... about"): never a real key.
pub const MNEMONIC: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
/// Deploys, lists and mints.
pub const OPERATOR: &str = "m/44'/118'/0'/0/0";
/// The publisher: the gateway is paid as this key.
pub const PUBLISHER: &str = "m/44'/118'/0'/0/1";
/// Payers.
pub const PAYER: &str = "m/44'/118'/0'/0/2";
pub const PAYER_2: &str = "m/44'/118'/0'/0/3";

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn signer(path: &str) -> Signer {
    // The mnemonic and paths are constants: a failure is a programming error.
    #[allow(clippy::expect_used)]
    Signer::from_mnemonic(MNEMONIC, path, "wasm").expect("test key")
}

pub fn address(path: &str) -> String {
    signer(path).address.to_string()
}

pub struct Testnet {
    pub devnode: DevNode,
    pub dir: tempfile::TempDir,
    pub chain: ChainConfig,
    pub token: String,
    pub registry: String,
}

impl Testnet {
    /// A fresh chain; the suite deployed from `artifacts/`; the publisher and both payers
    /// listed (tier 3, no limits); each payer minted `mint` tokens.
    pub async fn start(mint: u128) -> Result<Testnet> {
        let keys = [OPERATOR, PUBLISHER, PAYER, PAYER_2];
        let devnode = DevNode::spawn(
            DevNodeConfig {
                genesis: keys
                    .iter()
                    .map(|k| (address(k), 1_000_000_000_000))
                    .collect(),
                block_seconds: 1,
                ..DevNodeConfig::default()
            },
            "127.0.0.1:0".parse::<SocketAddr>()?,
        )
        .await?;
        let dir = tempfile::tempdir()?;
        let samples = workspace().join("packages/cli/samples");
        for entry in std::fs::read_dir(&samples)? {
            let path = entry?.path();
            if let Some(name) = path.file_name() {
                std::fs::copy(&path, dir.path().join(name))?;
            }
        }
        let toml_path = dir.path().join("farthing.toml");
        let toml = std::fs::read_to_string(&toml_path)?;
        std::fs::write(
            &toml_path,
            toml.replace("http://127.0.0.1:26657", &devnode.url()),
        )?;
        let config = CliConfig::load(&toml_path, &Default::default())?;
        let ctx = Context::with_signer(config.clone(), Some(signer(OPERATOR)))?;
        ctx.deploy(&workspace().join("artifacts"), false, &mut std::io::sink())
            .await
            .context("deploying the suite on the devnode")?;
        let deployment = Deployment::load(&config.deployment_path())?
            .context("no deployment file after deploy")?;
        let token = deployment
            .address(Contract::Token)
            .context("no token")?
            .to_string();
        let registry = deployment
            .address(Contract::Registry)
            .context("no registry")?
            .to_string();
        let net = Testnet {
            devnode,
            dir,
            chain: config.chain.clone(),
            token,
            registry,
        };
        let records = [PUBLISHER, PAYER, PAYER_2]
            .iter()
            .map(|k| RecordInput {
                address: address(k),
                status: KycStatus::Active,
                tier: 3,
                kind: PartyKind::Individual,
                jurisdiction: "CH".into(),
                expires_at: Timestamp::from_seconds(4_000_000_000),
                attestation: HexBinary::from(vec![7; 32]),
                reason: "onboarding".into(),
            })
            .collect();
        net.execute(
            OPERATOR,
            &net.registry.clone(),
            &farthing_types::kyc::ExecuteMsg::UpsertRecords { records },
        )
        .await?;
        for payer in [PAYER, PAYER_2] {
            net.execute(
                OPERATOR,
                &net.token.clone(),
                &farthing_types::token::ExecuteMsg::Mint {
                    recipient: address(payer),
                    amount: Uint128::new(mint),
                },
            )
            .await?;
        }
        Ok(net)
    }

    /// A chain client signing as `path`.
    pub fn node(&self, path: &str) -> Result<Node> {
        let mut node = Node::connect(&self.cli_config(), Some(signer(path)))?;
        node.set_poll_interval(std::time::Duration::from_millis(20));
        Ok(node)
    }

    pub fn cli_config(&self) -> CliConfig {
        CliConfig {
            chain: self.chain.clone(),
            deploy: None,
            kyc: Default::default(),
            dir: self.dir.path().to_path_buf(),
        }
    }

    /// Executes `msg` on `contract` as `path`.
    pub async fn execute(
        &self,
        path: &str,
        contract: &str,
        msg: &impl Serialize,
    ) -> Result<TxOutcome> {
        let node = self.node(path)?;
        let planned = execute_msg(&node.sender()?, contract, msg)?;
        node.send(&[planned.any], "", |_| Ok(())).await
    }

    /// The token balance of `address`.
    pub async fn balance(&self, address: &str) -> Result<u128> {
        let node = Node::connect(&self.cli_config(), None)?;
        let b: cw20::BalanceResponse = node
            .smart(
                &self.token,
                &farthing_types::token::QueryMsg::Balance {
                    address: address.to_string(),
                },
            )
            .await?;
        Ok(b.balance.u128())
    }

    /// A gateway config for this chain, proxying `upstream`, one route `GET /paid/{*rest}`
    /// at `price`, its database in `db`.
    pub fn gateway_config(&self, upstream: &str, price: u128, db: &Path) -> Config {
        Config {
            gateway: GatewayConfig {
                listen: "127.0.0.1:0".into(),
                admin_listen: "127.0.0.1:0".into(),
                upstream: upstream.to_string(),
                token: self.token.clone(),
                database: db.to_path_buf(),
                durability: Durability::Normal,
                upstream_timeout_seconds: 5,
                free_unlisted: false,
            },
            chain: self.chain.clone(),
            payment: PaymentConfig {
                min_deposit: Uint128::new(1_000),
                min_expiry_seconds: 7_200,
                cache_seconds: 10,
            },
            settle: SettleConfig {
                interval_seconds: 3_600,
                threshold: Uint128::new(u128::MAX),
                claim_before_seconds: 1_800,
                tick_seconds: 1,
            },
            routes: vec![RouteConfig {
                method: "*".into(),
                path: "/paid/{*rest}".into(),
                price: Uint128::new(price),
                description: "a paid resource".into(),
                mime_type: "text/plain".into(),
            }],
            dir: self.dir.path().to_path_buf(),
        }
    }
}

//! Where the CLI talks to, and as whom: a TOML file (`farthing.toml`, or `--config`)
//! overlaid by the environment (`FARTHING_*`) and then by flags. The signer's mnemonic
//! is never read from a file: only from `FARTHING_MNEMONIC` (see [`crate::signer`]).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use serde::Deserialize;

/// The `[chain]` table: everything needed to reach and pay a wasmd chain.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChainConfig {
    /// The chain id signed into every transaction (`FARTHING_CHAIN_ID`).
    pub chain_id: String,
    /// CometBFT RPC endpoint, e.g. `http://127.0.0.1:26657` (`FARTHING_RPC`).
    pub rpc: String,
    /// Bech32 prefix of accounts and contracts, e.g. `wasm` (`FARTHING_PREFIX`).
    pub prefix: String,
    /// Gas price with its denom, e.g. `0.025ustake` (`FARTHING_GAS_PRICE`).
    pub gas_price: String,
    /// Simulated gas is multiplied by this before it becomes the gas limit
    /// (`FARTHING_GAS_ADJUSTMENT`).
    #[serde(default = "default_adjustment")]
    pub gas_adjustment: f64,
    /// BIP-44 path of the signing key (`FARTHING_HD_PATH`).
    #[serde(default = "default_hd_path")]
    pub hd_path: String,
    /// How long to wait for a broadcast transaction to be included, in seconds.
    #[serde(default = "default_timeout")]
    pub tx_timeout_seconds: u64,
}

fn default_adjustment() -> f64 {
    1.3
}
fn default_hd_path() -> String {
    "m/44'/118'/0'/0/0".into()
}
fn default_timeout() -> u64 {
    60
}

/// One contract of the deployment: its label and its instantiate message.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ContractConfig {
    pub label: String,
    /// A JSON file holding the instantiate message, relative to the config file.
    /// Strings `$registry`, `$token`, `$escrow` and `$signer` are replaced by addresses.
    pub msg_file: PathBuf,
}

/// The escrow's own record in the registry: a contract must be listed to hold tokens.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EscrowRecordConfig {
    pub tier: u8,
    pub jurisdiction: String,
    /// RFC 3339 time, e.g. `2030-01-01T00:00:00Z`.
    pub expires_at: String,
    /// 64 hex characters.
    pub attestation: String,
    pub reason: String,
}

/// The `[deploy]` table.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct DeployConfig {
    /// The instantiate2 salt prefix: contract `x` gets the salt `<salt>/x`, so its address
    /// is known before it exists (and a re-run finds it).
    pub salt: String,
    /// The wasm admin that may migrate: `self` (the signer), `none`, or an address.
    #[serde(default = "default_admin")]
    pub admin: String,
    pub registry: ContractConfig,
    pub token: ContractConfig,
    pub escrow: ContractConfig,
    pub escrow_record: EscrowRecordConfig,
}

fn default_admin() -> String {
    "self".into()
}

/// The `[kyc]` table: which registry the allowlist commands work on, when no deployment
/// file names it.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct KycConfig {
    pub registry: Option<String>,
}

/// The whole file.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub chain: ChainConfig,
    pub deploy: Option<DeployConfig>,
    #[serde(default)]
    pub kyc: KycConfig,
    /// The folder of the config file (message files are relative to it).
    #[serde(skip)]
    pub dir: PathBuf,
}

/// A gas price: `0.025ustake` is 0.025 of `ustake` per unit of gas.
#[derive(Clone, Debug, PartialEq)]
pub struct GasPrice {
    pub amount: f64,
    pub denom: String,
}

impl GasPrice {
    pub fn parse(text: &str) -> Result<GasPrice> {
        let text = text.trim();
        let split = text
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| anyhow!("gas price {text:?} has no denom (e.g. 0.025ustake)"))?;
        let (amount, denom) = text.split_at(split);
        let amount: f64 = amount
            .parse()
            .map_err(|_| anyhow!("gas price {text:?}: {amount:?} is not a number"))?;
        if !amount.is_finite() || amount < 0.0 {
            bail!("gas price {text:?} must be a non-negative number");
        }
        let valid_denom = denom.len() >= 2
            && denom.starts_with(|c: char| c.is_ascii_alphabetic())
            && denom
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/:._-".contains(c));
        if !valid_denom {
            bail!("gas price {text:?}: {denom:?} is not a denom");
        }
        Ok(GasPrice {
            amount,
            denom: denom.to_string(),
        })
    }

    /// The fee for `gas`, rounded up as the chain's minimum-fee check rounds.
    pub fn fee(&self, gas: u64) -> u128 {
        (gas as f64 * self.amount).ceil() as u128
    }
}

/// Values that override the file (the environment, then flags; clap reads both).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub chain_id: Option<String>,
    pub rpc: Option<String>,
    pub prefix: Option<String>,
    pub gas_price: Option<String>,
    pub gas_adjustment: Option<f64>,
}

impl Config {
    pub fn parse(text: &str, dir: &Path) -> Result<Config> {
        let mut config: Config = toml::from_str(text)?;
        config.dir = dir.to_path_buf();
        Ok(config)
    }

    /// Reads `path`, then applies `overrides`. A missing file is allowed when the
    /// overrides name the chain completely (chain id, RPC, prefix, gas price).
    pub fn load(path: &Path, overrides: &Overrides) -> Result<Config> {
        let mut config = match std::fs::read_to_string(path) {
            Ok(text) => {
                let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
                Config::parse(&text, &dir).with_context(|| format!("{}", path.display()))?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let missing = |what: &str, var: &str| {
                    anyhow!(
                        "{} not found, and no {what} given ({var}): write the config file or set the environment",
                        path.display()
                    )
                };
                Config {
                    chain: ChainConfig {
                        chain_id: overrides
                            .chain_id
                            .clone()
                            .ok_or_else(|| missing("chain id", "FARTHING_CHAIN_ID"))?,
                        rpc: overrides
                            .rpc
                            .clone()
                            .ok_or_else(|| missing("RPC endpoint", "FARTHING_RPC"))?,
                        prefix: overrides
                            .prefix
                            .clone()
                            .ok_or_else(|| missing("bech32 prefix", "FARTHING_PREFIX"))?,
                        gas_price: overrides
                            .gas_price
                            .clone()
                            .ok_or_else(|| missing("gas price", "FARTHING_GAS_PRICE"))?,
                        gas_adjustment: default_adjustment(),
                        hd_path: default_hd_path(),
                        tx_timeout_seconds: default_timeout(),
                    },
                    deploy: None,
                    kyc: KycConfig::default(),
                    dir: PathBuf::from("."),
                }
            }
            Err(e) => return Err(e).with_context(|| format!("{}", path.display())),
        };
        config.apply(overrides);
        config.check()?;
        Ok(config)
    }

    pub fn apply(&mut self, o: &Overrides) {
        let c = &mut self.chain;
        if let Some(v) = &o.chain_id {
            c.chain_id = v.clone();
        }
        if let Some(v) = &o.rpc {
            c.rpc = v.clone();
        }
        if let Some(v) = &o.prefix {
            c.prefix = v.clone();
        }
        if let Some(v) = &o.gas_price {
            c.gas_price = v.clone();
        }
        if let Some(v) = o.gas_adjustment {
            c.gas_adjustment = v;
        }
    }

    pub fn check(&self) -> Result<()> {
        let c = &self.chain;
        if c.chain_id.trim().is_empty() {
            bail!("chain_id is empty");
        }
        if !(c.rpc.starts_with("http://") || c.rpc.starts_with("https://")) {
            bail!("rpc {:?} must be an http:// or https:// URL", c.rpc);
        }
        if c.prefix.is_empty() || !c.prefix.chars().all(|ch| ch.is_ascii_lowercase()) {
            bail!("prefix {:?} must be lowercase letters", c.prefix);
        }
        GasPrice::parse(&c.gas_price)?;
        if !(c.gas_adjustment.is_finite() && c.gas_adjustment >= 1.0) {
            bail!("gas_adjustment {} must be at least 1.0", c.gas_adjustment);
        }
        Ok(())
    }

    pub fn gas_price(&self) -> Result<GasPrice> {
        GasPrice::parse(&self.chain.gas_price)
    }

    /// `deployments/<chain-id>.json`, beside the config file.
    pub fn deployment_path(&self) -> PathBuf {
        self.dir
            .join("deployments")
            .join(format!("{}.json", self.chain.chain_id))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = r#"
[chain]
chain_id = "farthing-1"
rpc = "http://127.0.0.1:26657"
prefix = "wasm"
gas_price = "0.025ustake"
"#;

    #[test]
    fn file_then_overrides() {
        let mut c = Config::parse(FILE, Path::new("/x")).unwrap();
        assert_eq!(c.chain.gas_adjustment, 1.3);
        assert_eq!(c.chain.hd_path, "m/44'/118'/0'/0/0");
        c.apply(&Overrides {
            rpc: Some("https://rpc.example:443".into()),
            gas_adjustment: Some(1.5),
            ..Overrides::default()
        });
        assert_eq!(c.chain.rpc, "https://rpc.example:443");
        assert_eq!(c.chain.chain_id, "farthing-1");
        assert_eq!(c.chain.gas_adjustment, 1.5);
        c.check().unwrap();
        assert_eq!(
            c.deployment_path(),
            PathBuf::from("/x/deployments/farthing-1.json")
        );
    }

    #[test]
    fn a_mnemonic_in_the_file_is_refused() {
        let text = format!("{FILE}mnemonic = \"abandon abandon\"\n");
        let err = Config::parse(&text, Path::new(".")).unwrap_err();
        assert!(
            err.to_string().contains("unknown field `mnemonic`"),
            "{err}"
        );
    }

    #[test]
    fn gas_prices() {
        let p = GasPrice::parse("0.025ustake").unwrap();
        assert_eq!(
            p,
            GasPrice {
                amount: 0.025,
                denom: "ustake".into()
            }
        );
        assert_eq!(p.fee(200_000), 5_000);
        assert_eq!(p.fee(200_001), 5_001);
        assert_eq!(
            GasPrice::parse("1ibc/27394FB092D2ECCD56123C74F36E4C1F926001CE")
                .unwrap()
                .denom,
            "ibc/27394FB092D2ECCD56123C74F36E4C1F926001CE"
        );
        for bad in ["0.025", "ustake", "-1ustake", "0.1u", "1 ustake"] {
            assert!(GasPrice::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bad_chain_values_are_named() {
        let mut c = Config::parse(FILE, Path::new(".")).unwrap();
        c.chain.rpc = "127.0.0.1:26657".into();
        assert!(c.check().unwrap_err().to_string().contains("http://"));
        let mut c = Config::parse(FILE, Path::new(".")).unwrap();
        c.chain.gas_adjustment = 0.9;
        assert!(c.check().unwrap_err().to_string().contains("at least 1.0"));
    }
}

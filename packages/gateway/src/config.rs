//! `gateway.toml`: where to listen, what to proxy, what each route costs, how to settle.
//! The `[chain]` table is the operators' CLI's own (`farthing.toml`); the payee's
//! mnemonic comes only from `FARTHING_MNEMONIC`.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _, Result};
use cosmwasm_std::Uint128;
use farthing_cli::config::{ChainConfig, Config as CliConfig};
use serde::Deserialize;

use crate::store::Durability;

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub gateway: GatewayConfig,
    pub chain: ChainConfig,
    #[serde(default)]
    pub payment: PaymentConfig,
    #[serde(default)]
    pub settle: SettleConfig,
    #[serde(default, rename = "route")]
    pub routes: Vec<RouteConfig>,
    /// The folder of the config file (the database path is relative to it).
    #[serde(skip)]
    pub dir: PathBuf,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct GatewayConfig {
    /// Where paying clients connect, e.g. `0.0.0.0:8402`.
    pub listen: String,
    /// `/metrics` (Prometheus) and `/healthz`, e.g. `127.0.0.1:9402`.
    pub admin_listen: String,
    /// The API charged for, e.g. `http://127.0.0.1:8080`.
    pub upstream: String,
    /// The token contract paid in.
    pub token: String,
    /// SQLite file of the books (relative to the config file).
    #[serde(default = "default_database")]
    pub database: PathBuf,
    #[serde(default)]
    pub durability: Durability,
    /// How long the upstream may take to answer, in seconds.
    #[serde(default = "default_upstream_timeout")]
    pub upstream_timeout_seconds: u64,
    /// Forward routes the price table does not list, free (otherwise they get 404).
    #[serde(default)]
    pub free_unlisted: bool,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PaymentConfig {
    /// The smallest deposit of a channel this gateway accepts vouchers on.
    #[serde(default = "default_min_deposit")]
    pub min_deposit: Uint128,
    /// A channel's expiry must be at least this far ahead of a request.
    #[serde(default = "default_min_expiry")]
    pub min_expiry_seconds: u64,
    /// How long a channel read from the chain is trusted.
    #[serde(default = "default_cache")]
    pub cache_seconds: u64,
}

impl Default for PaymentConfig {
    fn default() -> Self {
        PaymentConfig {
            min_deposit: default_min_deposit(),
            min_expiry_seconds: default_min_expiry(),
            cache_seconds: default_cache(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SettleConfig {
    /// Claim everything unsettled at least this often.
    #[serde(default = "default_interval")]
    pub interval_seconds: u64,
    /// Claim as soon as this much is unsettled (all channels).
    #[serde(default = "default_threshold")]
    pub threshold: Uint128,
    /// Claim a channel when its expiry (or the end of its settle period) is this close.
    #[serde(default = "default_claim_before")]
    pub claim_before_seconds: u64,
    /// How often the settler looks.
    #[serde(default = "default_tick")]
    pub tick_seconds: u64,
}

impl Default for SettleConfig {
    fn default() -> Self {
        SettleConfig {
            interval_seconds: default_interval(),
            threshold: default_threshold(),
            claim_before_seconds: default_claim_before(),
            tick_seconds: default_tick(),
        }
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct RouteConfig {
    /// `GET`, `POST`, ... or `*` for any.
    pub method: String,
    /// A path pattern: `/v1/quote/{symbol}`, `/files/{*rest}`.
    pub path: String,
    /// In the token's smallest unit.
    pub price: Uint128,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub mime_type: String,
}

fn default_database() -> PathBuf {
    "gateway.sqlite".into()
}
fn default_upstream_timeout() -> u64 {
    30
}
fn default_min_deposit() -> Uint128 {
    Uint128::new(1_000_000)
}
fn default_min_expiry() -> u64 {
    7_200
}
fn default_cache() -> u64 {
    10
}
fn default_interval() -> u64 {
    3_600
}
fn default_threshold() -> Uint128 {
    Uint128::new(10_000_000)
}
fn default_claim_before() -> u64 {
    1_800
}
fn default_tick() -> u64 {
    5
}

impl Config {
    pub fn parse(text: &str, dir: &Path) -> Result<Config> {
        let mut c: Config = toml::from_str(text)?;
        c.dir = dir.to_path_buf();
        c.validate()?;
        Ok(c)
    }

    pub fn load(path: &Path) -> Result<Config> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("gateway config {}", path.display()))?;
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        Config::parse(&text, &dir).with_context(|| format!("gateway config {}", path.display()))
    }

    fn validate(&self) -> Result<()> {
        if self.routes.is_empty() && !self.gateway.free_unlisted {
            bail!("no [[route]]: nothing would be served");
        }
        if self.settle.claim_before_seconds >= self.payment.min_expiry_seconds {
            bail!(
                "settle.claim_before_seconds ({}) must be below payment.min_expiry_seconds ({}): the settler would claim channels the gateway still accepts vouchers on",
                self.settle.claim_before_seconds,
                self.payment.min_expiry_seconds
            );
        }
        if self.settle.tick_seconds == 0 {
            bail!("settle.tick_seconds must be at least 1");
        }
        for r in &self.routes {
            if r.method != "*" && r.method.parse::<axum::http::Method>().is_err() {
                bail!("route {}: {:?} is not an HTTP method", r.path, r.method);
            }
        }
        Ok(())
    }

    pub fn database(&self) -> PathBuf {
        self.dir.join(&self.gateway.database)
    }

    /// The CLI's config over the same `[chain]`, for its chain client.
    pub fn cli(&self) -> CliConfig {
        CliConfig {
            chain: self.chain.clone(),
            deploy: None,
            kyc: Default::default(),
            dir: self.dir.clone(),
        }
    }
}

/// The price table: method and path pattern to price.
pub struct Prices {
    by_method: Vec<(String, matchit::Router<usize>)>,
    routes: Vec<RouteConfig>,
}

impl Prices {
    pub fn new(routes: &[RouteConfig]) -> Result<Prices> {
        let mut by_method: Vec<(String, matchit::Router<usize>)> = vec![];
        for (i, r) in routes.iter().enumerate() {
            let method = r.method.to_ascii_uppercase();
            let pos = match by_method.iter().position(|(m, _)| *m == method) {
                Some(p) => p,
                None => {
                    by_method.push((method, matchit::Router::new()));
                    by_method.len() - 1
                }
            };
            by_method[pos]
                .1
                .insert(r.path.clone(), i)
                .map_err(|e| anyhow!("route {} {}: {e}", r.method, r.path))?;
        }
        Ok(Prices {
            by_method,
            routes: routes.to_vec(),
        })
    }

    /// The route a request falls under: its own method first, then `*`.
    pub fn at(&self, method: &str, path: &str) -> Option<&RouteConfig> {
        for want in [method, "*"] {
            if let Some((_, router)) = self.by_method.iter().find(|(m, _)| m == want) {
                if let Ok(found) = router.at(path) {
                    return self.routes.get(*found.value);
                }
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = include_str!("../samples/gateway.toml");

    #[test]
    fn the_sample_parses_and_prices_by_method_and_pattern() {
        let c = Config::parse(SAMPLE, Path::new("/srv")).expect("sample");
        assert_eq!(c.database(), PathBuf::from("/srv/gateway.sqlite"));
        let p = Prices::new(&c.routes).expect("prices");
        assert_eq!(
            p.at("GET", "/v1/quote/ATOM").map(|r| r.price.u128()),
            Some(1_000)
        );
        assert_eq!(
            p.at("POST", "/v1/summarize").map(|r| r.price.u128()),
            Some(25_000)
        );
        assert_eq!(p.at("GET", "/v1/summarize").map(|r| r.price.u128()), None);
        assert_eq!(
            p.at("DELETE", "/files/a/b.txt").map(|r| r.price.u128()),
            Some(10)
        );
        assert!(p.at("GET", "/nope").is_none());
    }

    #[test]
    fn a_claim_margin_at_or_above_the_expiry_margin_is_refused() {
        let text = SAMPLE.replace("claim_before_seconds = 1800", "claim_before_seconds = 7200");
        let e = Config::parse(&text, Path::new(".")).unwrap_err();
        assert!(e.to_string().contains("claim_before_seconds"), "{e}");
        let text = SAMPLE.replace("[chain]", "mnemonic = \"x\"\n[chain]");
        assert!(Config::parse(&text, Path::new(".")).is_err());
    }
}

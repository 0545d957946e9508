//! The commands, as functions (the binary parses flags and calls these; the tests call
//! them too, and run the binary).

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context as _, Result};

use crate::config::{Config, Overrides};
use crate::deploy::{self, Contract, Deployment, Out};
use crate::kyc::audit_csv::{audit_csv, parse_since, Since};
use crate::kyc::diff::Diff;
use crate::kyc::roster::{parse_roster, Roster};
use crate::kyc::sync::{self, Multisig};
use crate::node::Node;
use crate::signer::{Signer, MNEMONIC_VAR};

/// How far past the chain's latest block time a sheet's expiries must be, at least (the
/// config's `tx_timeout_seconds` when longer): a row expiring sooner would be refused by
/// the registry in the block the transaction lands in.
pub const EXPIRY_MARGIN_SECONDS: u64 = 60;

/// Bad input: the command sent nothing. The binary exits with status 2.
#[derive(Debug)]
pub struct Invalid(pub String);

impl std::fmt::Display for Invalid {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Invalid {}

/// Where `--unsigned` writes, and for whom.
pub struct Unsigned {
    pub path: PathBuf,
    pub multisig: Option<String>,
    pub cw3: Option<String>,
    pub proposer: Option<String>,
}

/// A loaded config and a client for its chain.
pub struct Context {
    pub config: Config,
    pub node: Node,
}

impl Context {
    /// The config, and a signer when `FARTHING_MNEMONIC` is set.
    pub fn load(path: &Path, overrides: &Overrides) -> Result<Context> {
        let config = Config::load(path, overrides)?;
        let signer = match std::env::var(MNEMONIC_VAR) {
            Ok(m) => Some(Signer::from_mnemonic(
                &m,
                &config.chain.hd_path,
                &config.chain.prefix,
            )?),
            Err(_) => None,
        };
        Context::with_signer(config, signer)
    }

    pub fn with_signer(config: Config, signer: Option<Signer>) -> Result<Context> {
        let node = Node::connect(&config, signer)?;
        Ok(Context { config, node })
    }

    pub async fn deploy(&self, artifacts: &Path, dry_run: bool, out: Out<'_>) -> Result<()> {
        deploy::deploy(&self.node, &self.config, artifacts, dry_run, out).await?;
        Ok(())
    }

    pub async fn migrate(&self, artifacts: &Path, dry_run: bool, out: Out<'_>) -> Result<()> {
        deploy::migrate(&self.node, &self.config, artifacts, dry_run, out).await?;
        Ok(())
    }

    /// The registry to work on: the flag, else the deployment file's, else the config's.
    pub fn registry(&self, flag: Option<String>) -> Result<String> {
        if let Some(r) = flag {
            return Ok(r);
        }
        let path = self.config.deployment_path();
        if let Some(d) = Deployment::load(&path)? {
            if let Some(a) = d.address(Contract::Registry) {
                return Ok(a.to_string());
            }
        }
        self.config.kyc.registry.clone().ok_or_else(|| {
            anyhow!(
                "which registry? pass --registry, deploy first ({}), or set [kyc] registry in the config",
                path.display()
            )
        })
    }

    /// The deployment's contracts (from its file), which a sync never removes from the
    /// registry: the escrow must stay listed to hold tokens.
    pub fn protected(&self) -> Result<Vec<String>> {
        let Some(d) = Deployment::load(&self.config.deployment_path())? else {
            return Ok(vec![]);
        };
        Ok(Contract::ALL
            .iter()
            .filter_map(|c| d.address(*c).map(str::to_string))
            .collect())
    }

    /// The sheet against the registry, the deployment's contracts protected.
    async fn diff(&self, registry: &str, sheet: &Roster, remove_missing: bool) -> Result<Diff> {
        sync::diff_with_chain(
            &self.node,
            registry,
            sheet,
            remove_missing,
            &self.protected()?,
        )
        .await
    }

    /// Reads and checks the sheet against the chain's clock. Every bad row is reported,
    /// with its line, and nothing is sent.
    pub async fn roster(&self, path: &Path) -> Result<Roster> {
        let text = std::fs::read_to_string(path).with_context(|| format!("{}", path.display()))?;
        // An expiry must outlive the block the change lands in, not only the latest one:
        // the registry checks it against the time of its own block.
        let margin = self
            .config
            .chain
            .tx_timeout_seconds
            .max(EXPIRY_MARGIN_SECONDS);
        let not_before = self.node.block_time().await?.plus_seconds(margin);
        parse_roster(
            &path.display().to_string(),
            &text,
            &self.node.prefix,
            not_before,
        )
        .map_err(|e| {
            let n = e.errors.len();
            Invalid(format!(
                "{e}\n{n} error{} in {}: nothing was sent",
                if n == 1 { "" } else { "s" },
                path.display()
            ))
            .into()
        })
    }

    pub async fn kyc_diff(
        &self,
        roster: &Path,
        registry: Option<String>,
        remove_missing: bool,
        verbose: bool,
        out: Out<'_>,
    ) -> Result<()> {
        let registry = self.registry(registry)?;
        let sheet = self.roster(roster).await?;
        let d = self.diff(&registry, &sheet, remove_missing).await?;
        let text = crate::kyc::diff::render(&d, verbose);
        write!(out, "{text}")?;
        if !text.ends_with('\n') {
            writeln!(out)?;
        }
        Ok(())
    }

    pub async fn kyc_sync(
        &self,
        roster: &Path,
        registry: Option<String>,
        remove_missing: bool,
        batch_size: usize,
        unsigned: Option<Unsigned>,
        out: Out<'_>,
    ) -> Result<()> {
        let registry = self.registry(registry)?;
        let sheet = self.roster(roster).await?;
        let Some(unsigned) = unsigned else {
            sync::sync(
                &self.node,
                &registry,
                &sheet,
                remove_missing,
                &self.protected()?,
                batch_size,
                out,
            )
            .await?;
            return Ok(());
        };
        let signer = match (unsigned.multisig, unsigned.cw3, unsigned.proposer) {
            (Some(address), None, None) => Multisig::Account { address },
            (None, Some(contract), Some(proposer)) => Multisig::Cw3 { contract, proposer },
            _ => bail!(Invalid(
                "--unsigned needs --multisig <account>, or --cw3 <contract> --proposer <voter>"
                    .into()
            )),
        };
        let d = self.diff(&registry, &sheet, remove_missing).await?;
        writeln!(out, "{}", d.summary())?;
        let todo = d
            .batches(batch_size, crate::kyc::diff::DEFAULT_REMOVAL_REASON)
            .map_err(Invalid)?;
        if todo.is_empty() {
            writeln!(
                out,
                "The registry already matches the sheet: nothing to write."
            )?;
            return Ok(());
        }
        let tx = sync::unsigned_tx(
            &self.node,
            &registry,
            &todo,
            &signer,
            &format!("farthing kyc sync of {}", roster.display()),
        )?;
        let mut text = serde_json::to_string_pretty(&tx)?;
        text.push('\n');
        std::fs::write(&unsigned.path, text)
            .with_context(|| format!("{}", unsigned.path.display()))?;
        writeln!(
            out,
            "Wrote the unsigned transaction ({} messages, gas limit {}) to {}",
            todo.len(),
            tx["auth_info"]["fee"]["gas_limit"].as_str().unwrap_or("?"),
            unsigned.path.display()
        )?;
        match signer {
            Multisig::Account { address } => writeln!(
                out,
                "Each member signs: wasmd tx sign {} --multisig {address} --from <member> --chain-id {} --output-document <member>.json\nthen: wasmd tx multisign {} <multisig key> <member>.json ... > signed.json && wasmd tx broadcast signed.json",
                unsigned.path.display(),
                self.node.chain_id,
                unsigned.path.display()
            )?,
            Multisig::Cw3 { contract, proposer } => writeln!(
                out,
                "{proposer} signs and broadcasts it ({} proposals on {contract}); the voters then vote and execute",
                todo.len()
            )?,
        }
        Ok(())
    }

    pub async fn kyc_audit(
        &self,
        registry: Option<String>,
        since: Option<&str>,
        json: bool,
        output: Option<&Path>,
        out: Out<'_>,
    ) -> Result<()> {
        let registry = self.registry(registry)?;
        let since = since
            .map(parse_since)
            .transpose()
            .map_err(|e| Invalid(format!("--since: {e}")))?;
        let (start_after, time) = match since {
            None => (None, None),
            Some(Since::Seq(n)) => (Some(n), None),
            Some(Since::Time(t)) => (None, Some(t)),
        };
        let entries = sync::fetch_audit(&self.node, &registry, start_after, time).await?;
        let text = if json {
            let mut t = serde_json::to_string_pretty(&entries)?;
            t.push('\n');
            t
        } else {
            audit_csv(&entries)
        };
        match output {
            Some(path) => {
                std::fs::write(path, &text).with_context(|| format!("{}", path.display()))?;
                writeln!(
                    out,
                    "{} entries written to {}",
                    entries.len(),
                    path.display()
                )?;
            }
            None => {
                write!(out, "{text}")?;
                if !text.is_empty() && !text.ends_with('\n') {
                    writeln!(out)?;
                }
            }
        }
        Ok(())
    }
}

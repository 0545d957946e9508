//! `farthing deploy` and `farthing migrate`.
//!
//! Deploy uploads the three artifacts (one transaction each, gzip-compressed as wasmd
//! accepts), checks each stored code's checksum against `checksums.txt`, then
//! instantiates registry, token and escrow with instantiate2 and lists the escrow in the
//! registry, all in one transaction. instantiate2 makes every address known before it
//! exists: the messages can name each other, and a re-run finds what a failed run made.
//! Every step is recorded in `deployments/<chain-id>.json`; a transaction's hash is
//! recorded before it is broadcast, so a run that dies after a broadcast picks the
//! transaction up again instead of sending it twice.
//!
//! Migrate stores the new build and migrates every instance in one transaction. Before
//! anything is written it checks the checksums, the instance's cw2 name, the admin, and
//! asks the chain to simulate the store and the migration: a migration the contract
//! would refuse (another contract's storage, a newer stored version) is refused then.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use cosmrs::proto::cosmwasm::wasm::v1::{
    MsgExecuteContract, MsgInstantiateContract2, MsgMigrateContract, MsgStoreCode,
};
use cosmrs::{AccountId, Any};
use cosmwasm_std::{instantiate2_address, CanonicalAddr, HexBinary, Timestamp};
use farthing_types::kyc::{self, KycStatus, PartyKind, RecordInput};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::config::{Config, DeployConfig};
use crate::node::{Estimate, Node, TxError, TxOutcome};

/// The three contracts, in the order they are deployed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Contract {
    Registry,
    Token,
    Escrow,
}

impl Contract {
    pub const ALL: [Contract; 3] = [Contract::Registry, Contract::Token, Contract::Escrow];

    /// The artifact's file stem, and the key in the deployment file.
    pub fn artifact(self) -> &'static str {
        match self {
            Contract::Registry => "kyc_registry",
            Contract::Token => "micropay_token",
            Contract::Escrow => "royalty_escrow",
        }
    }

    /// The cw2 name the contract stores (its crate name).
    pub fn cw2_name(self) -> &'static str {
        match self {
            Contract::Registry => "farthing-kyc-registry",
            Contract::Token => "farthing-micropay-token",
            Contract::Escrow => "farthing-royalty-escrow",
        }
    }

    /// The placeholder other messages name it by.
    pub fn placeholder(self) -> &'static str {
        match self {
            Contract::Registry => "$registry",
            Contract::Token => "$token",
            Contract::Escrow => "$escrow",
        }
    }
}

// ---- artifacts ----

/// One checked artifact.
#[derive(Debug)]
pub struct Artifact {
    pub contract: Contract,
    pub path: PathBuf,
    pub wasm: Vec<u8>,
    /// Lowercase hex sha256, equal to the line of `checksums.txt`.
    pub checksum: String,
}

/// The artifacts of a build folder, each checked against the folder's `checksums.txt`
/// before anything is sent.
pub fn load_artifacts(dir: &Path) -> Result<Vec<Artifact>> {
    let sums_path = dir.join("checksums.txt");
    let sums = std::fs::read_to_string(&sums_path)
        .with_context(|| format!("{}: the build's checksums are needed", sums_path.display()))?;
    let mut listed = BTreeMap::new();
    for (n, line) in sums.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.split_whitespace();
        match (parts.next(), parts.next(), parts.next()) {
            (Some(sum), Some(file), None) if sum.len() == 64 => {
                listed.insert(file.trim_start_matches('*').to_string(), sum.to_lowercase());
            }
            _ => bail!("{}:{}: not `<sha256>  <file>`", sums_path.display(), n + 1),
        }
    }
    Contract::ALL
        .iter()
        .map(|&contract| {
            let file = format!("{}.wasm", contract.artifact());
            let path = dir.join(&file);
            let wasm =
                std::fs::read(&path).with_context(|| format!("{}", path.display()))?;
            let checksum = cosmwasm_std::Checksum::generate(&wasm).to_hex();
            let expected = listed
                .get(&file)
                .ok_or_else(|| anyhow!("{} does not list {file}", sums_path.display()))?;
            if *expected != checksum {
                bail!(
                    "checksum mismatch: {} is {checksum}, {} says {expected}: refusing to send a build that is not the one checked",
                    path.display(),
                    sums_path.display()
                );
            }
            Ok(Artifact {
                contract,
                path,
                wasm,
                checksum,
            })
        })
        .collect()
}

fn gzip(wasm: &[u8]) -> Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(wasm)?;
    Ok(encoder.finish()?)
}

// ---- the deployment file ----

/// What is deployed of one contract.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Deployed {
    pub code_id: Option<u64>,
    pub checksum: String,
    pub store_tx: Option<String>,
    pub address: Option<String>,
    pub label: Option<String>,
    pub salt: Option<String>,
    pub instantiate_tx: Option<String>,
}

/// A migration that happened.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Migration {
    pub contract: String,
    pub from_code_id: u64,
    pub to_code_id: u64,
    pub checksum: String,
    pub tx: String,
    pub height: u64,
}

/// A transaction broadcast but not yet seen in a block.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq)]
pub struct Pending {
    pub step: String,
    pub tx: String,
}

/// `deployments/<chain-id>.json`.
#[derive(Clone, Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Deployment {
    pub chain_id: String,
    pub deployer: String,
    pub contracts: BTreeMap<String, Deployed>,
    pub escrow_record_tx: Option<String>,
    #[serde(default)]
    pub migrations: Vec<Migration>,
    /// Every code this tool uploaded, by checksum: a re-run reuses an upload instead of
    /// sending it again.
    #[serde(default)]
    pub uploads: BTreeMap<String, u64>,
    pub pending: Option<Pending>,
}

impl Deployment {
    pub fn load(path: &Path) -> Result<Option<Deployment>> {
        match std::fs::read(path) {
            Ok(bytes) => Ok(Some(
                serde_json::from_slice(&bytes).with_context(|| format!("{}", path.display()))?,
            )),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e).with_context(|| format!("{}", path.display())),
        }
    }

    /// Writes the file atomically (a temporary file renamed over it).
    pub fn save(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = path.with_extension("json.tmp");
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(&tmp, text)?;
        std::fs::rename(&tmp, path).with_context(|| format!("{}", path.display()))
    }

    pub fn get(&self, c: Contract) -> Option<&Deployed> {
        self.contracts.get(c.artifact())
    }

    pub fn address(&self, c: Contract) -> Option<&str> {
        self.get(c).and_then(|d| d.address.as_deref())
    }

    fn entry(&mut self, c: Contract) -> &mut Deployed {
        self.contracts.entry(c.artifact().to_string()).or_default()
    }
}

// ---- messages ----

/// A message of the plan, with the JSON a dry run prints.
pub struct Planned {
    pub any: Any,
    pub shown: Value,
}

fn any<M: cosmrs::proto::prost::Name>(msg: &M) -> Result<Any> {
    Any::from_msg(msg).map_err(|e| anyhow!("encoding {}: {e}", M::full_name()))
}

fn store_msg(sender: &str, artifact: &Artifact) -> Result<Planned> {
    let gz = gzip(&artifact.wasm)?;
    let shown = json!({"@type": "/cosmwasm.wasm.v1.MsgStoreCode", "sender": sender,
        "wasm_byte_code": format!("<{} bytes: gzip of {} ({} bytes, sha256 {})>",
            gz.len(), artifact.path.display(), artifact.wasm.len(), artifact.checksum),
        "instantiate_permission": null});
    let msg = MsgStoreCode {
        sender: sender.to_string(),
        wasm_byte_code: gz,
        instantiate_permission: None,
    };
    Ok(Planned {
        any: any(&msg)?,
        shown,
    })
}

fn instantiate2_msg(
    sender: &str,
    admin: &str,
    code_id: u64,
    label: &str,
    msg: &Value,
    salt: &str,
) -> Result<Planned> {
    let shown = json!({"@type": "/cosmwasm.wasm.v1.MsgInstantiateContract2", "sender": sender,
        "admin": admin, "code_id": code_id.to_string(), "label": label, "msg": msg,
        "funds": [], "salt": cosmwasm_std::Binary::from(salt.as_bytes()).to_base64(), "fix_msg": false});
    let m = MsgInstantiateContract2 {
        sender: sender.to_string(),
        admin: admin.to_string(),
        code_id,
        label: label.to_string(),
        msg: serde_json::to_vec(msg)?,
        funds: vec![],
        salt: salt.as_bytes().to_vec(),
        fix_msg: false,
    };
    Ok(Planned {
        any: any(&m)?,
        shown,
    })
}

/// A `MsgExecuteContract` of `msg` on `contract`.
pub fn execute_msg(sender: &str, contract: &str, msg: &impl Serialize) -> Result<Planned> {
    let value = serde_json::to_value(msg)?;
    let shown = json!({"@type": "/cosmwasm.wasm.v1.MsgExecuteContract", "sender": sender,
        "contract": contract, "msg": value, "funds": []});
    let m = MsgExecuteContract {
        sender: sender.to_string(),
        contract: contract.to_string(),
        msg: serde_json::to_vec(&value)?,
        funds: vec![],
    };
    Ok(Planned {
        any: any(&m)?,
        shown,
    })
}

fn migrate_msg(sender: &str, contract: &str, code_id: u64) -> Result<Planned> {
    let shown = json!({"@type": "/cosmwasm.wasm.v1.MsgMigrateContract", "sender": sender,
        "contract": contract, "code_id": code_id.to_string(), "msg": {}});
    let m = MsgMigrateContract {
        sender: sender.to_string(),
        contract: contract.to_string(),
        code_id,
        msg: b"{}".to_vec(),
    };
    Ok(Planned {
        any: any(&m)?,
        shown,
    })
}

/// The instantiate2 address of `checksum` instantiated by `creator` with `salt`, as
/// wasmd computes it.
pub fn predicted_address(
    creator: &str,
    checksum_hex: &str,
    salt: &str,
    prefix: &str,
) -> Result<String> {
    let creator: AccountId = creator
        .parse()
        .map_err(|e| anyhow!("creator {creator}: {e}"))?;
    let checksum =
        HexBinary::from_hex(checksum_hex).map_err(|e| anyhow!("checksum {checksum_hex}: {e}"))?;
    let canonical = CanonicalAddr::from(creator.to_bytes());
    let address = instantiate2_address(&checksum, &canonical, salt.as_bytes())
        .map_err(|e| anyhow!("instantiate2 address: {e}"))?;
    Ok(AccountId::new(prefix, address.as_slice())
        .map_err(|e| anyhow!("{e}"))?
        .to_string())
}

/// Replaces the placeholder strings (`$registry`, `$token`, `$escrow`, `$signer`)
/// anywhere in `msg`.
pub fn substitute(msg: &Value, names: &BTreeMap<&str, String>) -> Result<Value> {
    Ok(match msg {
        Value::String(s) if s.starts_with('$') => Value::String(
            names
                .get(s.as_str())
                .cloned()
                .ok_or_else(|| anyhow!("unknown placeholder {s:?} (known: {:?})", names.keys()))?,
        ),
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| substitute(v, names))
                .collect::<Result<_>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| Ok((k.clone(), substitute(v, names)?)))
                .collect::<Result<_>>()?,
        ),
        other => other.clone(),
    })
}

/// The instantiate message of `c` from its file, placeholders replaced, checked against
/// the message type of this release (a typo fails here, not on chain).
fn instantiate_message(
    config: &Config,
    deploy: &DeployConfig,
    c: Contract,
    names: &BTreeMap<&str, String>,
) -> Result<Value> {
    let file = match c {
        Contract::Registry => &deploy.registry.msg_file,
        Contract::Token => &deploy.token.msg_file,
        Contract::Escrow => &deploy.escrow.msg_file,
    };
    let path = config.dir.join(file);
    let text = std::fs::read_to_string(&path).with_context(|| format!("{}", path.display()))?;
    let raw: Value =
        serde_json::from_str(&text).with_context(|| format!("{}: not JSON", path.display()))?;
    let msg = substitute(&raw, names).with_context(|| format!("{}", path.display()))?;
    let checked = match c {
        Contract::Registry => {
            serde_json::from_value::<kyc::InstantiateMsg>(msg.clone()).map(|_| ())
        }
        Contract::Token => {
            serde_json::from_value::<farthing_types::token::InstantiateMsg>(msg.clone()).map(|_| ())
        }
        Contract::Escrow => {
            serde_json::from_value::<farthing_types::escrow::InstantiateMsg>(msg.clone())
                .map(|_| ())
        }
    };
    checked.with_context(|| {
        format!(
            "{}: not a {} instantiate message",
            path.display(),
            c.cw2_name()
        )
    })?;
    Ok(msg)
}

fn label(deploy: &DeployConfig, c: Contract) -> &str {
    match c {
        Contract::Registry => &deploy.registry.label,
        Contract::Token => &deploy.token.label,
        Contract::Escrow => &deploy.escrow.label,
    }
}

fn escrow_record(deploy: &DeployConfig, escrow: &str) -> Result<RecordInput> {
    let r = &deploy.escrow_record;
    let expires = time_rfc3339(&r.expires_at)?;
    let attestation = cosmwasm_std::HexBinary::from_hex(r.attestation.trim_start_matches("0x"))
        .map_err(|e| anyhow!("escrow_record.attestation: {e}"))?;
    Ok(RecordInput {
        address: escrow.to_string(),
        status: KycStatus::Active,
        tier: r.tier,
        kind: PartyKind::Contract,
        jurisdiction: r.jurisdiction.clone(),
        expires_at: expires,
        attestation,
        reason: r.reason.clone(),
    })
}

fn time_rfc3339(text: &str) -> Result<Timestamp> {
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|e| anyhow!("{text:?} is not an RFC 3339 time: {e}"))?;
    let secs = u64::try_from(t.unix_timestamp()).map_err(|_| anyhow!("{text:?} is before 1970"))?;
    Ok(Timestamp::from_seconds(secs))
}

// ---- output ----

/// Where progress goes (stdout in the binary, a buffer in tests).
pub type Out<'a> = &'a mut dyn std::io::Write;

fn show_estimate(out: Out, estimate: &Result<Estimate>, denom: &str) -> Result<()> {
    match estimate {
        Ok(e) => writeln!(
            out,
            "    gas: {} simulated, limit {}; fee {} {denom}",
            e.simulated, e.gas_limit, e.fee
        )?,
        Err(e) => writeln!(out, "    gas: not simulated ({e:#})")?,
    }
    Ok(())
}

fn show_messages(out: Out, msgs: &[Planned]) -> Result<()> {
    for m in msgs {
        writeln!(out, "    {}", serde_json::to_string(&m.shown)?)?;
    }
    Ok(())
}

// ---- deploy ----

/// What a deploy did (or, in a dry run, would do).
#[derive(Debug, Default)]
pub struct DeployReport {
    pub sent: Vec<TxOutcome>,
    pub skipped: Vec<String>,
    pub deployment: Deployment,
}

struct Deployer<'a> {
    node: &'a Node,
    path: PathBuf,
    record: Deployment,
    dry_run: bool,
}

impl Deployer<'_> {
    fn save(&self) -> Result<()> {
        if self.dry_run {
            return Ok(());
        }
        self.record.save(&self.path)
    }

    /// Uploads `artifact` (its `MsgStoreCode` is `msg`) as the step `step`, checks the
    /// checksum the chain stored, and records the upload; the caller saves the file.
    async fn upload(
        &mut self,
        step: &str,
        msg: Planned,
        artifact: &Artifact,
        out: Out<'_>,
    ) -> Result<(TxOutcome, u64)> {
        let outcome = self.send(step, &[msg], out).await?;
        let code_id: u64 = outcome
            .attribute("store_code", "code_id")
            .ok_or_else(|| anyhow!("tx {} has no store_code event", outcome.hash))?
            .parse()
            .context("store_code.code_id")?;
        verify_code(self.node, code_id, &artifact.checksum).await?;
        self.record
            .uploads
            .insert(artifact.checksum.clone(), code_id);
        Ok((outcome, code_id))
    }

    /// Sends `msgs` as the step `step`, recording the hash first; or, when a previous run
    /// recorded this step's transaction, picks its outcome up.
    async fn send(&mut self, step: &str, msgs: &[Planned], out: Out<'_>) -> Result<TxOutcome> {
        if let Some(p) = self.record.pending.clone().filter(|p| p.step == step) {
            writeln!(out, "  {step}: looking for tx {} of a previous run", p.tx)?;
            match self.node.find_tx(&p.tx).await? {
                Some(Ok(done)) => {
                    writeln!(out, "  {step}: found in block {}", done.height)?;
                    return Ok(done);
                }
                Some(Err(e)) => writeln!(out, "  {step}: it failed ({e}); sending again")?,
                None => writeln!(out, "  {step}: the chain does not know it; sending again")?,
            }
        }
        let anys: Vec<Any> = msgs.iter().map(|m| m.any.clone()).collect();
        let path = self.path.clone();
        let record = &mut self.record;
        let outcome = self
            .node
            .send(&anys, &format!("farthing {step}"), |hash| {
                record.pending = Some(Pending {
                    step: step.to_string(),
                    tx: hash.to_string(),
                });
                record.save(&path)
            })
            .await
            .with_context(|| format!("step {step:?}"))?;
        self.record.pending = None;
        writeln!(
            out,
            "  {step}: tx {} in block {}, gas {} of {}",
            outcome.hash, outcome.height, outcome.gas_used, outcome.gas_wanted
        )?;
        Ok(outcome)
    }
}

/// Deploys (or resumes a deployment of) the artifacts in `artifacts_dir`.
pub async fn deploy(
    node: &Node,
    config: &Config,
    artifacts_dir: &Path,
    dry_run: bool,
    out: Out<'_>,
) -> Result<DeployReport> {
    let deploy = config
        .deploy
        .as_ref()
        .ok_or_else(|| anyhow!("the config has no [deploy] table"))?;
    let artifacts = load_artifacts(artifacts_dir)?;
    let sender = node.sender()?;
    let path = config.deployment_path();
    let record = Deployment::load(&path)?.unwrap_or_else(|| Deployment {
        chain_id: node.chain_id.clone(),
        deployer: sender.clone(),
        ..Deployment::default()
    });
    if record.chain_id != node.chain_id {
        bail!(
            "{} is for chain {}, not {}",
            path.display(),
            record.chain_id,
            node.chain_id
        );
    }
    let admin = match deploy.admin.as_str() {
        "self" => sender.clone(),
        "none" => String::new(),
        address => address.to_string(),
    };
    writeln!(
        out,
        "{} {} on {} as {sender} ({})",
        if dry_run {
            "Dry run: would deploy"
        } else {
            "Deploying"
        },
        artifacts_dir.display(),
        node.chain_id,
        path.display()
    )?;
    let mut d = Deployer {
        node,
        path,
        record,
        dry_run,
    };
    let mut report = DeployReport::default();

    // 1-2. Upload, and check what the chain stored.
    let mut next_code_id = node.last_code_id().await? + 1;
    let mut store_estimates = 0u64;
    let mut planned_codes = BTreeMap::new();
    for a in &artifacts {
        let c = a.contract;
        let step = format!("store {}", c.artifact());
        if let Some(done) = d.record.get(c).filter(|x| x.code_id.is_some()) {
            if done.checksum != a.checksum {
                bail!(
                    "{} is deployed from another build ({}), not {}: use `farthing migrate`",
                    c.artifact(),
                    done.checksum,
                    a.checksum
                );
            }
            let code_id = done.code_id.unwrap_or_default();
            verify_code(node, code_id, &a.checksum).await?;
            writeln!(out, "  {step}: done (code {code_id}, checksum verified)")?;
            report.skipped.push(step);
            planned_codes.insert(c, code_id);
            continue;
        }
        let msg = store_msg(&sender, a)?;
        if dry_run {
            writeln!(
                out,
                "  {step}: would send (code id {next_code_id} if nobody uploads first)"
            )?;
            show_messages(out, std::slice::from_ref(&msg))?;
            let estimate = node.simulate(std::slice::from_ref(&msg.any), "").await;
            if let Ok(e) = &estimate {
                store_estimates += e.simulated;
            }
            show_estimate(out, &estimate, &node.gas_price.denom)?;
            planned_codes.insert(c, next_code_id);
            next_code_id += 1;
            continue;
        }
        let (outcome, code_id) = d.upload(&step, msg, a, out).await?;
        writeln!(
            out,
            "  {step}: code {code_id}, checksum {} verified",
            &a.checksum[..16]
        )?;
        let entry = d.record.entry(c);
        entry.code_id = Some(code_id);
        entry.checksum = a.checksum.clone();
        entry.store_tx = Some(outcome.hash.clone());
        d.save()?;
        planned_codes.insert(c, code_id);
        report.sent.push(outcome);
    }

    // 3. Instantiate what is missing, and list the escrow, in one transaction. A contract
    // the deployment file records is that contract, whatever the build or the config says
    // now (a migration changes its code, not its address): only a contract not recorded
    // gets the instantiate2 address of this signer, this build and the config's salt.
    let mut names: BTreeMap<&str, String> = BTreeMap::new();
    names.insert("$signer", sender.clone());
    for a in &artifacts {
        let c = a.contract;
        let config_salt = format!("{}/{}", deploy.salt, c.artifact());
        let address = match d.record.get(c).and_then(|x| x.address.clone()) {
            Some(recorded) => {
                let salt = d
                    .record
                    .get(c)
                    .and_then(|x| x.salt.clone())
                    .unwrap_or_default();
                if salt != config_salt {
                    bail!(
                        "{} was deployed with the salt {salt:?}, the config now says {config_salt:?}: {} records that deployment; deploying a second suite needs its own deployment file (another config folder)",
                        c.artifact(),
                        d.path.display()
                    );
                }
                recorded
            }
            None => predicted_address(&sender, &a.checksum, &config_salt, &node.prefix)?,
        };
        names.insert(c.placeholder(), address);
    }
    let mut msgs = vec![];
    for a in &artifacts {
        let c = a.contract;
        let address = names[c.placeholder()].clone();
        let salt = format!("{}/{}", deploy.salt, c.artifact());
        let code_id = planned_codes[&c];
        match node.contract_info(&address).await? {
            Some(info) => {
                let recorded = d.record.get(c).and_then(|x| x.address.as_deref()) == Some(&address);
                if !recorded && info.code_id != code_id {
                    bail!(
                        "{address} (the instantiate2 address of {} with salt {salt:?}) runs code {}, not {code_id}",
                        c.artifact(),
                        info.code_id
                    );
                }
                writeln!(out, "  instantiate {}: done ({address})", c.artifact())?;
                report.skipped.push(format!("instantiate {}", c.artifact()));
                let entry = d.record.entry(c);
                entry.address = Some(address);
                entry.label = Some(info.label);
                entry.salt = Some(salt);
            }
            None if d.record.address(c).is_some() => bail!(
                "{} records {} at {address}, but {} has no contract there",
                d.path.display(),
                c.artifact(),
                node.chain_id
            ),
            None => {
                let msg = instantiate_message(config, deploy, c, &names)?;
                msgs.push((
                    c,
                    instantiate2_msg(&sender, &admin, code_id, label(deploy, c), &msg, &salt)?,
                ));
            }
        }
    }
    if !msgs.is_empty() && d.record.deployer != sender {
        bail!(
            "{} was deployed by {}; {sender} may not instantiate the rest of it (instantiate2 addresses depend on the signer): nothing was sent",
            d.path.display(),
            d.record.deployer
        );
    }
    let escrow = names[Contract::Escrow.placeholder()].clone();
    let registry = names[Contract::Registry.placeholder()].clone();
    let wanted = escrow_record(deploy, &escrow)?;
    let listed = if msgs.iter().any(|(c, _)| *c == Contract::Registry) {
        false
    } else {
        let current: kyc::RecordResponse = node
            .smart(
                &registry,
                &kyc::QueryMsg::Record {
                    address: escrow.clone(),
                },
            )
            .await?;
        current.record.is_some_and(|r| {
            r.status == wanted.status
                && r.tier == wanted.tier
                && r.kind == wanted.kind
                && r.jurisdiction == wanted.jurisdiction
                && r.expires_at.seconds() == wanted.expires_at.seconds()
                && r.attestation == wanted.attestation
        })
    };
    let mut all: Vec<Planned> = msgs.into_iter().map(|(_, m)| m).collect();
    if listed {
        writeln!(out, "  list the escrow in the registry: done")?;
        report.skipped.push("list escrow".into());
    } else {
        all.push(execute_msg(
            &sender,
            &registry,
            &kyc::ExecuteMsg::UpsertRecords {
                records: vec![wanted],
            },
        )?);
    }
    d.save()?;
    if !all.is_empty() {
        let step = "instantiate";
        if dry_run {
            writeln!(
                out,
                "  {step}: would send {} messages in one transaction",
                all.len()
            )?;
            show_messages(out, &all)?;
            // The codes may not be on chain yet: simulate the uploads with it, and take
            // the uploads' own gas off.
            let mut with_stores = vec![];
            for a in &artifacts {
                if d.record.get(a.contract).and_then(|x| x.code_id).is_none() {
                    with_stores.push(store_msg(&sender, a)?.any);
                }
            }
            with_stores.extend(all.iter().map(|m| m.any.clone()));
            let estimate = node.simulate(&with_stores, "").await.map_err(|e| {
                if e.downcast_ref::<TxError>().is_some() {
                    e
                } else {
                    anyhow!(
                        "it needs the uploads above in the same simulation, and together they exceed what the node takes in one request ({e:#}); on the devnode the sample deployment's instantiate transaction uses about 553,000 gas"
                    )
                }
            });
            let estimate =
                estimate.map(|e| node.estimate(e.simulated.saturating_sub(store_estimates)));
            show_estimate(out, &estimate, &node.gas_price.denom)?;
        } else {
            let outcome = d.send(step, &all, out).await?;
            let made = outcome.attributes("instantiate", "_contract_address");
            for a in &artifacts {
                let c = a.contract;
                let address = names[c.placeholder()].clone();
                if made.contains(&address.as_str()) {
                    let entry = d.record.entry(c);
                    entry.address = Some(address);
                    entry.label = Some(label(deploy, c).to_string());
                    entry.salt = Some(format!("{}/{}", deploy.salt, c.artifact()));
                    entry.instantiate_tx = Some(outcome.hash.clone());
                }
            }
            if !listed {
                d.record.escrow_record_tx = Some(outcome.hash.clone());
            }
            d.save()?;
            report.sent.push(outcome);
        }
    }
    if !dry_run {
        for a in &artifacts {
            if d.record.address(a.contract).is_none() {
                bail!("{} was not instantiated", a.contract.artifact());
            }
        }
        writeln!(out, "Deployed on {}:", node.chain_id)?;
        for a in &artifacts {
            let x = d.record.get(a.contract).cloned().unwrap_or_default();
            writeln!(
                out,
                "  {:<15} code {:>4}  {}  {}",
                a.contract.artifact(),
                x.code_id.unwrap_or_default(),
                &x.checksum[..16],
                x.address.unwrap_or_default()
            )?;
        }
        writeln!(out, "Recorded in {}", d.path.display())?;
    } else {
        writeln!(out, "Dry run: nothing was sent and nothing was written.")?;
    }
    report.deployment = d.record;
    Ok(report)
}

/// Checks that code `code_id` on the chain is the build with `checksum`.
async fn verify_code(node: &Node, code_id: u64, checksum: &str) -> Result<()> {
    let info = node
        .code_info(code_id)
        .await?
        .ok_or_else(|| anyhow!("code {code_id} is not on {}", node.chain_id))?;
    if info.checksum != checksum {
        bail!(
            "checksum mismatch: code {code_id} on {} is {}, the artifact is {checksum}",
            node.chain_id,
            info.checksum
        );
    }
    Ok(())
}

// ---- migrate ----

/// cw2's record of a contract (`contract_info` in its storage).
#[derive(Debug, Deserialize)]
struct Cw2 {
    contract: String,
    version: String,
}

/// Migrates every deployed instance to the build in `artifacts_dir`.
pub async fn migrate(
    node: &Node,
    config: &Config,
    artifacts_dir: &Path,
    dry_run: bool,
    out: Out<'_>,
) -> Result<Vec<TxOutcome>> {
    let artifacts = load_artifacts(artifacts_dir)?;
    let sender = node.sender()?;
    let path = config.deployment_path();
    let mut record = Deployment::load(&path)?
        .ok_or_else(|| anyhow!("{} not found: deploy first", path.display()))?;
    let mut learned = false;
    writeln!(
        out,
        "{} {} on {} as {sender}",
        if dry_run {
            "Dry run: would migrate to"
        } else {
            "Migrating to"
        },
        artifacts_dir.display(),
        node.chain_id
    )?;
    // Checks, before anything is written: which instances change, their cw2 name, the
    // admin, and the chain's own simulation of the upload and the migration.
    let mut todo = vec![];
    let last_code_id = node.last_code_id().await?;
    let mut next_code_id = last_code_id + 1;
    for a in &artifacts {
        let c = a.contract;
        let deployed = record
            .get(c)
            .filter(|x| x.address.is_some())
            .ok_or_else(|| anyhow!("{} is not deployed on {}", c.artifact(), node.chain_id))?;
        let address = deployed.address.clone().unwrap_or_default();
        let info = node
            .contract_info(&address)
            .await?
            .ok_or_else(|| anyhow!("{address} ({}) is not on {}", c.artifact(), node.chain_id))?;
        let current = node
            .code_info(info.code_id)
            .await?
            .ok_or_else(|| anyhow!("code {} is not on {}", info.code_id, node.chain_id))?;
        if current.checksum == a.checksum {
            writeln!(
                out,
                "  {}: already runs {} (code {})",
                c.artifact(),
                &a.checksum[..16],
                info.code_id
            )?;
            // Migrated outside this run (by hand, or by a run that died after its
            // migration): the file learns it, or deploy and migrate would disagree with
            // the chain from then on.
            let entry = record
                .contracts
                .entry(c.artifact().to_string())
                .or_default();
            if entry.code_id != Some(info.code_id) || entry.checksum != a.checksum {
                entry.code_id = Some(info.code_id);
                entry.checksum = a.checksum.clone();
                learned = true;
            }
            continue;
        }
        let cw2: Cw2 = node
            .raw(&address, b"contract_info")
            .await?
            .map(|raw| serde_json::from_slice(&raw))
            .transpose()?
            .ok_or_else(|| anyhow!("{address} has no cw2 contract_info"))?;
        if cw2.contract != c.cw2_name() {
            bail!(
                "refused: {address} holds {} storage, not {}: nothing was sent",
                cw2.contract,
                c.cw2_name()
            );
        }
        if info.admin != sender {
            bail!(
                "refused: only the admin of {address} ({}) may migrate it, not {sender}: nothing was sent",
                if info.admin.is_empty() { "none" } else { &info.admin }
            );
        }
        // Each simulation stands alone: the upload in it gets the id after the chain's
        // newest, whatever the uploads before it in this run will get.
        let store = store_msg(&sender, a)?;
        let simulated_id = last_code_id + 1;
        let probe = migrate_msg(&sender, &address, simulated_id)?;
        let estimate = node
            .simulate(&[store.any.clone(), probe.any.clone()], "")
            .await;
        let migrate = migrate_msg(&sender, &address, next_code_id)?;
        if let Err(e) = &estimate {
            if let Some(t) = e.downcast_ref::<TxError>() {
                bail!(
                    "refused: the chain's simulation of migrating {} ({} {}) to {} fails: {}: nothing was sent",
                    c.artifact(),
                    cw2.contract,
                    cw2.version,
                    a.path.display(),
                    t.log
                );
            }
        }
        writeln!(
            out,
            "  {}: {} {} (code {}) -> {} (code {next_code_id} if nobody uploads first)",
            c.artifact(),
            cw2.contract,
            cw2.version,
            info.code_id,
            &a.checksum[..16]
        )?;
        if dry_run {
            show_messages(out, &[store, migrate])?;
            show_estimate(out, &estimate, &node.gas_price.denom)?;
        }
        todo.push((a, address, info.code_id));
        next_code_id += 1;
    }
    if dry_run {
        writeln!(out, "Dry run: nothing was sent and nothing was written.")?;
        return Ok(vec![]);
    }
    if learned {
        record.pending = None;
        record.save(&path)?;
    }
    if todo.is_empty() {
        writeln!(out, "Nothing to migrate.")?;
        return Ok(vec![]);
    }
    let mut d = Deployer {
        node,
        path,
        record,
        dry_run,
    };
    let mut sent = vec![];
    let mut migrations = vec![];
    for (a, address, from) in &todo {
        let step = format!("store {} {}", a.contract.artifact(), &a.checksum[..16]);
        if let Some(&code_id) = d.record.uploads.get(&a.checksum) {
            if verify_code(node, code_id, &a.checksum).await.is_ok() {
                writeln!(out, "  {step}: uploaded by an earlier run (code {code_id})")?;
                migrations.push((a, address.clone(), *from, code_id));
                continue;
            }
        }
        let (outcome, code_id) = d.upload(&step, store_msg(&sender, a)?, a, out).await?;
        d.save()?;
        sent.push(outcome);
        migrations.push((a, address.clone(), *from, code_id));
    }
    let msgs = migrations
        .iter()
        .map(|(_, address, _, code_id)| migrate_msg(&sender, address, *code_id))
        .collect::<Result<Vec<_>>>()?;
    let outcome = d.send("migrate", &msgs, out).await?;
    for (a, address, from, code_id) in migrations {
        let now = node
            .contract_info(&address)
            .await?
            .ok_or_else(|| anyhow!("{address} vanished"))?;
        if now.code_id != code_id {
            bail!(
                "{address} runs code {} after the migration, not {code_id}",
                now.code_id
            );
        }
        let entry = d.record.entry(a.contract);
        entry.code_id = Some(code_id);
        entry.checksum = a.checksum.clone();
        d.record.migrations.push(Migration {
            contract: a.contract.artifact().to_string(),
            from_code_id: from,
            to_code_id: code_id,
            checksum: a.checksum.clone(),
            tx: outcome.hash.clone(),
            height: outcome.height,
        });
    }
    d.save()?;
    writeln!(
        out,
        "Migrated in tx {} (block {}); recorded in {}",
        outcome.hash,
        outcome.height,
        d.path.display()
    )?;
    sent.push(outcome);
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_replaced_everywhere() {
        let mut names = BTreeMap::new();
        names.insert("$registry", "wasm1reg".to_string());
        names.insert("$signer", "wasm1me".to_string());
        let msg = json!({"registry": "$registry", "officers": ["$signer"], "n": 3, "s": "x$"});
        assert_eq!(
            substitute(&msg, &names).unwrap(),
            json!({"registry": "wasm1reg", "officers": ["wasm1me"], "n": 3, "s": "x$"})
        );
        let err = substitute(&json!({"a": "$tokn"}), &names).unwrap_err();
        assert!(
            err.to_string().contains("unknown placeholder \"$tokn\""),
            "{err}"
        );
    }

    #[test]
    fn instantiate2_addresses_match_cosmwasm() {
        // cosmwasm-std 2.3's own vector (addresses.rs, "No msg"): checksum 13a1..., creator
        // 9999999999aaaaaaaaaabbbbbbbbbbcccccccccc, salt "a" (0x61).
        let creator_bytes = [
            0x99, 0x99, 0x99, 0x99, 0x99, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xbb, 0xbb, 0xbb, 0xbb,
            0xbb, 0xcc, 0xcc, 0xcc, 0xcc, 0xcc,
        ];
        let creator = AccountId::new("purple", &creator_bytes)
            .unwrap()
            .to_string();
        let checksum = "13a1fc994cc6d1c81b746ee0c0ff6f90043875e0bf1d9be6b7d779fc978dc2a5";
        let a = predicted_address(&creator, checksum, "a", "purple").unwrap();
        let id: AccountId = a.parse().unwrap();
        assert_eq!(
            HexBinary::from(id.to_bytes()).to_hex(),
            "5e865d3e45ad3e961f77fd77d46543417ced44d924dc3e079b5415ff6775f847"
        );
        assert_ne!(
            a,
            predicted_address(&creator, checksum, "b", "purple").unwrap()
        );
    }

    #[test]
    fn a_tampered_artifact_is_refused_before_anything_is_sent() {
        let dir = tempfile::tempdir().unwrap();
        let mut sums = String::new();
        for c in Contract::ALL {
            let bytes = format!("wasm of {}", c.artifact());
            std::fs::write(dir.path().join(format!("{}.wasm", c.artifact())), &bytes).unwrap();
            sums += &format!(
                "{}  {}.wasm\n",
                cosmwasm_std::Checksum::generate(bytes.as_bytes()).to_hex(),
                c.artifact()
            );
        }
        std::fs::write(dir.path().join("checksums.txt"), &sums).unwrap();
        assert_eq!(load_artifacts(dir.path()).unwrap().len(), 3);
        std::fs::write(dir.path().join("micropay_token.wasm"), "tampered").unwrap();
        let err = load_artifacts(dir.path()).unwrap_err().to_string();
        assert!(err.starts_with("checksum mismatch:"), "{err}");
        assert!(err.contains("micropay_token.wasm"), "{err}");
    }
}

//! The one chain client: CometBFT RPC (`tendermint-rpc`'s HTTP client) for queries,
//! simulation and broadcast, and cosmrs for the protobuf messages, SIGN_MODE_DIRECT
//! signing and the transaction bytes. It talks to a real wasmd node and to the in-process
//! chain of the tests (`farthing-devnode`) through the same calls: nothing here knows
//! which one it is.

use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use cosmrs::proto::cosmos::auth::v1beta1::{
    BaseAccount, QueryAccountRequest, QueryAccountResponse,
};
use cosmrs::proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use cosmrs::proto::cosmos::base::query::v1beta1::PageRequest;
use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use cosmrs::proto::cosmwasm::wasm::v1::{
    CodeInfoResponse, QueryCodesRequest, QueryCodesResponse, QueryContractInfoRequest,
    QueryContractInfoResponse, QueryRawContractStateRequest, QueryRawContractStateResponse,
    QuerySmartContractStateRequest, QuerySmartContractStateResponse,
};
use cosmrs::proto::prost::Message;
use cosmrs::rpc::{Client, HttpClient};
use cosmrs::tendermint::Hash;
use cosmrs::tx::{Body, Fee, SignDoc, SignerInfo};
use cosmrs::{Any, Coin, Denom};
use serde::de::DeserializeOwned;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::{Config, GasPrice};
use crate::signer::Signer;

/// The gas limit (and so the fee) a simulated transaction carries: of the size of real
/// ones, so that the simulation pays the fee transfer and counts the fee's bytes.
pub const SIMULATION_GAS_LIMIT: u64 = 1_000_000;

/// Added to every adjusted gas limit: the signed transaction's fee and gas limit may be a
/// few bytes longer than the simulated one's (10 gas a byte); with `gas_adjustment = 1.0`
/// the limit must still cover them.
pub const GAS_ALLOWANCE: u64 = 2_000;

/// A transaction the chain refused (at check or at delivery) or could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TxError {
    /// The tx hash, when it was broadcast.
    pub hash: Option<String>,
    pub codespace: String,
    pub code: u32,
    pub log: String,
}

impl TxError {
    /// The Farthing error code in the log (`[code=jurisdiction_blocked] ...`), if a
    /// Farthing contract refused.
    pub fn contract_code(&self) -> Option<&str> {
        contract_code(&self.log)
    }
}

/// The `[code=...]` tag of a Farthing contract error inside a wasmd log.
pub fn contract_code(log: &str) -> Option<&str> {
    let start = log.find("[code=")? + "[code=".len();
    let len = log[start..].find(']')?;
    Some(&log[start..start + len])
}

/// The contract's own error inside a wasmd log, without the node's wrapping
/// ("rpc error: ... message index: 0: <this>: execute wasm contract failed ..."); the
/// whole log when it holds no Farthing error.
pub fn contract_error(log: &str) -> &str {
    let Some(start) = log.find("[code=") else {
        return log;
    };
    let rest = &log[start..];
    let end = [
        ": execute wasm contract failed",
        ": instantiate wasm contract failed",
        ": migrate wasm contract failed",
        ": query wasm contract failed",
        " With gas wanted",
    ]
    .iter()
    .filter_map(|m| rest.find(m))
    .min()
    .unwrap_or(rest.len());
    &rest[..end]
}

impl std::fmt::Display for TxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.hash {
            Some(h) => write!(f, "tx {h} failed ")?,
            None => write!(f, "refused ")?,
        }
        write!(f, "({} code {}): {}", self.codespace, self.code, self.log)
    }
}

impl std::error::Error for TxError {}

/// A query the chain answered with an error (contract refusal, unknown contract).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    pub path: String,
    pub code: u32,
    pub log: String,
}

impl std::fmt::Display for QueryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "query {} failed (code {}): {}",
            self.path, self.code, self.log
        )
    }
}

impl std::error::Error for QueryError {}

/// An event of a delivered transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TxEvent {
    pub kind: String,
    pub attributes: Vec<(String, String)>,
}

/// A transaction the chain included and ran successfully.
#[derive(Debug, Clone, Serialize)]
pub struct TxOutcome {
    pub hash: String,
    pub height: u64,
    pub gas_wanted: u64,
    pub gas_used: u64,
    pub fee: u128,
    pub events: Vec<TxEvent>,
}

impl TxOutcome {
    /// The value of `key` in the first event of type `kind` (`store_code`/`code_id`).
    pub fn attribute(&self, kind: &str, key: &str) -> Option<&str> {
        self.events
            .iter()
            .filter(|e| e.kind == kind)
            .flat_map(|e| e.attributes.iter())
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `key` in events of type `kind`, in order.
    pub fn attributes(&self, kind: &str, key: &str) -> Vec<&str> {
        self.events
            .iter()
            .filter(|e| e.kind == kind)
            .flat_map(|e| e.attributes.iter())
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

/// The gas and fee a transaction would take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Estimate {
    /// What the simulation used.
    pub simulated: u64,
    /// The gas limit that will be signed (simulated x adjustment, rounded up).
    pub gas_limit: u64,
    /// The fee in the gas price's denom.
    pub fee: u128,
}

/// A stored code, as the chain describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeInfo {
    pub code_id: u64,
    pub creator: String,
    /// Lowercase hex sha256 of the (uncompressed) wasm.
    pub checksum: String,
}

/// A contract instance, as the chain describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractInfo {
    pub address: String,
    pub code_id: u64,
    pub creator: String,
    pub admin: String,
    pub label: String,
}

/// The one client. `signer` is `None` for read-only commands (diff, audit, dry runs of
/// unsigned transactions).
pub struct Node {
    rpc: HttpClient,
    url: String,
    pub chain_id: String,
    pub prefix: String,
    pub gas_price: GasPrice,
    pub gas_adjustment: f64,
    pub signer: Option<Signer>,
    timeout: Duration,
    poll: Duration,
}

/// A transport error in one line: tendermint-rpc's errors carry an eyre trace (with a
/// backtrace when RUST_BACKTRACE is set) that an operator does not need.
fn rpc_err(url: &str, what: &str, e: cosmrs::rpc::Error) -> anyhow::Error {
    anyhow!("{what} at {url}: {}", one_line(&e.to_string()))
}

/// An eyre report's message and causes, without its location and backtrace.
fn one_line(report: &str) -> String {
    let head = report.split("\nLocation:").next().unwrap_or(report);
    let mut parts: Vec<&str> = vec![];
    for line in head.lines().map(str::trim) {
        if line.is_empty() || line == "Caused by:" {
            continue;
        }
        // eyre numbers multiple causes ("0: ...").
        let line = line
            .split_once(": ")
            .filter(|(n, _)| n.chars().all(|c| c.is_ascii_digit()))
            .map_or(line, |(_, rest)| rest);
        if parts.last() != Some(&line) {
            parts.push(line);
        }
    }
    parts.join(": ")
}

fn from_proto_err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("malformed answer from the node: {e}")
}

impl Node {
    pub fn connect(config: &Config, signer: Option<Signer>) -> Result<Node> {
        let rpc = HttpClient::new(config.chain.rpc.as_str())
            .map_err(|e| rpc_err(&config.chain.rpc, "RPC endpoint", e))?;
        Ok(Node {
            rpc,
            url: config.chain.rpc.clone(),
            chain_id: config.chain.chain_id.clone(),
            prefix: config.chain.prefix.clone(),
            gas_price: config.gas_price()?,
            gas_adjustment: config.chain.gas_adjustment,
            signer,
            timeout: Duration::from_secs(config.chain.tx_timeout_seconds),
            poll: Duration::from_millis(250),
        })
    }

    /// How often to ask whether a broadcast transaction is in a block.
    pub fn set_poll_interval(&mut self, poll: Duration) {
        self.poll = poll;
    }

    pub fn signer(&self) -> Result<&Signer> {
        self.signer.as_ref().ok_or_else(|| {
            anyhow!(
                "this command signs: set {} (never a file)",
                crate::signer::MNEMONIC_VAR
            )
        })
    }

    pub fn sender(&self) -> Result<String> {
        Ok(self.signer()?.address.to_string())
    }

    // ---- queries ----

    /// A gRPC query over ABCI: `path` such as `/cosmwasm.wasm.v1.Query/ContractInfo`.
    pub async fn query<Req: Message, Resp: Message + Default>(
        &self,
        path: &str,
        request: &Req,
    ) -> Result<Resp> {
        let answer = self
            .rpc
            .abci_query(Some(path.to_string()), request.encode_to_vec(), None, false)
            .await
            .map_err(|e| rpc_err(&self.url, &format!("abci_query {path}"), e))?;
        if answer.code.is_err() {
            return Err(QueryError {
                path: path.to_string(),
                code: answer.code.value(),
                log: answer.log,
            }
            .into());
        }
        Resp::decode(answer.value.as_slice()).map_err(from_proto_err)
    }

    /// A smart query of a contract, answered as `T`.
    pub async fn smart<T: DeserializeOwned>(
        &self,
        contract: &str,
        msg: &impl Serialize,
    ) -> Result<T> {
        let answer: QuerySmartContractStateResponse = self
            .query(
                "/cosmwasm.wasm.v1.Query/SmartContractState",
                &QuerySmartContractStateRequest {
                    address: contract.to_string(),
                    query_data: serde_json::to_vec(msg)?,
                },
            )
            .await?;
        serde_json::from_slice(&answer.data).with_context(|| {
            format!(
                "answer of {contract}: {}",
                String::from_utf8_lossy(&answer.data)
            )
        })
    }

    /// A raw storage read of a contract (`None`: no such key).
    pub async fn raw(&self, contract: &str, key: &[u8]) -> Result<Option<Vec<u8>>> {
        let answer: QueryRawContractStateResponse = self
            .query(
                "/cosmwasm.wasm.v1.Query/RawContractState",
                &QueryRawContractStateRequest {
                    address: contract.to_string(),
                    query_data: key.to_vec(),
                },
            )
            .await?;
        Ok((!answer.data.is_empty()).then_some(answer.data))
    }

    /// The contract at `address`, or `None` when there is none.
    pub async fn contract_info(&self, address: &str) -> Result<Option<ContractInfo>> {
        let answer: Result<QueryContractInfoResponse> = self
            .query(
                "/cosmwasm.wasm.v1.Query/ContractInfo",
                &QueryContractInfoRequest {
                    address: address.to_string(),
                },
            )
            .await;
        match answer {
            Ok(a) => {
                let info = a
                    .contract_info
                    .ok_or_else(|| anyhow!("ContractInfo answer without contract_info"))?;
                Ok(Some(ContractInfo {
                    address: a.address,
                    code_id: info.code_id,
                    creator: info.creator,
                    admin: info.admin,
                    label: info.label,
                }))
            }
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn codes(&self, page: PageRequest) -> Result<Vec<CodeInfoResponse>> {
        let answer: QueryCodesResponse = self
            .query(
                "/cosmwasm.wasm.v1.Query/Codes",
                &QueryCodesRequest {
                    pagination: Some(page),
                },
            )
            .await?;
        Ok(answer.code_infos)
    }

    /// The stored code `code_id`, or `None`. Asks for one entry of the code list at
    /// offset `code_id - 1` (not `Code`, which would send the whole wasm back).
    pub async fn code_info(&self, code_id: u64) -> Result<Option<CodeInfo>> {
        let page = PageRequest {
            key: vec![],
            offset: code_id.saturating_sub(1),
            limit: 1,
            count_total: false,
            reverse: false,
        };
        let found = self
            .codes(page)
            .await?
            .into_iter()
            .find(|c| c.code_id == code_id);
        Ok(found.map(|c| CodeInfo {
            code_id: c.code_id,
            creator: c.creator,
            checksum: cosmwasm_std::HexBinary::from(c.data_hash).to_hex(),
        }))
    }

    /// The newest code id on the chain (0 when none): the next upload gets the one after
    /// it, unless someone else uploads first.
    pub async fn last_code_id(&self) -> Result<u64> {
        let page = PageRequest {
            key: vec![],
            offset: 0,
            limit: 1,
            count_total: false,
            reverse: true,
        };
        Ok(self.codes(page).await?.first().map_or(0, |c| c.code_id))
    }

    /// (account number, sequence) of `address`; an account the chain has never seen
    /// cannot sign.
    pub async fn account(&self, address: &str) -> Result<(u64, u64)> {
        let answer: Result<QueryAccountResponse> = self
            .query(
                "/cosmos.auth.v1beta1.Query/Account",
                &QueryAccountRequest {
                    address: address.to_string(),
                },
            )
            .await;
        let answer = match answer {
            Err(e) if is_not_found(&e) => bail!(
                "account {address} does not exist on {}: send it some {} first",
                self.chain_id,
                self.gas_price.denom
            ),
            other => other?,
        };
        let any = answer
            .account
            .ok_or_else(|| anyhow!("Account answer without account"))?;
        let account = BaseAccount::decode(any.value.as_slice()).map_err(from_proto_err)?;
        Ok((account.account_number, account.sequence))
    }

    /// The time of the latest block: what the registry compares expiries with.
    pub async fn block_time(&self) -> Result<cosmwasm_std::Timestamp> {
        let status = self
            .rpc
            .status()
            .await
            .map_err(|e| rpc_err(&self.url, "status", e))?;
        let t = status.sync_info.latest_block_time;
        let nanos = t.unix_timestamp_nanos();
        let nanos = u64::try_from(nanos).map_err(|_| anyhow!("block time {t} is before 1970"))?;
        Ok(cosmwasm_std::Timestamp::from_nanos(nanos))
    }

    pub async fn balance(&self, address: &str, denom: &str) -> Result<u128> {
        let answer: QueryBalanceResponse = self
            .query(
                "/cosmos.bank.v1beta1.Query/Balance",
                &QueryBalanceRequest {
                    address: address.to_string(),
                    denom: denom.to_string(),
                },
            )
            .await?;
        Ok(answer
            .balance
            .map(|c| c.amount.parse::<u128>())
            .transpose()
            .map_err(from_proto_err)?
            .unwrap_or(0))
    }

    // ---- transactions ----

    fn fee(&self, gas_limit: u64) -> Result<Fee> {
        let denom: Denom = self
            .gas_price
            .denom
            .parse()
            .map_err(|e| anyhow!("denom {}: {e}", self.gas_price.denom))?;
        Ok(Fee::from_amount_and_gas(
            Coin {
                denom,
                amount: self.gas_price.fee(gas_limit),
            },
            gas_limit,
        ))
    }

    /// The signed bytes of a transaction carrying `msgs`.
    fn tx_bytes(
        &self,
        msgs: &[Any],
        memo: &str,
        account: (u64, u64),
        gas_limit: u64,
        sign: bool,
    ) -> Result<Vec<u8>> {
        let signer = self.signer()?;
        let body = Body::new(msgs.to_vec(), memo, 0u32);
        let auth = SignerInfo::single_direct(Some(signer.public_key()), account.1)
            .auth_info(self.fee(gas_limit)?);
        let chain_id = self
            .chain_id
            .parse()
            .map_err(|e| anyhow!("chain id {}: {e}", self.chain_id))?;
        let doc = SignDoc::new(&body, &auth, &chain_id, account.0)
            .map_err(|e| anyhow!("sign doc: {e}"))?;
        let signature = if sign {
            signer.sign(&doc.clone().into_bytes().map_err(|e| anyhow!("{e}"))?)?
        } else {
            // Simulation: the SDK skips signature checks, and a zeroed signature keeps
            // the size (and so the size gas) of the real one.
            vec![0; 64]
        };
        let raw = cosmrs::proto::cosmos::tx::v1beta1::TxRaw {
            body_bytes: doc.body_bytes,
            auth_info_bytes: doc.auth_info_bytes,
            signatures: vec![signature],
        };
        Ok(raw.encode_to_vec())
    }

    /// What `msgs` would cost, from the chain's own simulation. A refusal (a contract
    /// error, a wrong message) is a [`TxError`] without hash.
    pub async fn simulate(&self, msgs: &[Any], memo: &str) -> Result<Estimate> {
        let address = self.sender()?;
        let account = self.account(&address).await?;
        self.simulate_with(msgs, memo, account).await
    }

    async fn simulate_with(
        &self,
        msgs: &[Any],
        memo: &str,
        account: (u64, u64),
    ) -> Result<Estimate> {
        // With a fee, as the signed transaction will carry one: the SDK skips the fee's
        // transfer to the fee collector (about 12,000 gas) when a simulation's fee is zero.
        let tx_bytes = self.tx_bytes(msgs, memo, account, SIMULATION_GAS_LIMIT, false)?;
        #[allow(deprecated)]
        let request = SimulateRequest { tx: None, tx_bytes };
        let answer: Result<SimulateResponse> = self
            .query("/cosmos.tx.v1beta1.Service/Simulate", &request)
            .await;
        let answer = answer.map_err(|e| match e.downcast::<QueryError>() {
            Ok(q) => TxError {
                hash: None,
                codespace: codespace_of(&q.log),
                code: q.code,
                log: q.log,
            }
            .into(),
            Err(e) => e,
        })?;
        let simulated = answer
            .gas_info
            .ok_or_else(|| anyhow!("Simulate answer without gas_info"))?
            .gas_used;
        Ok(self.estimate(simulated))
    }

    /// The gas limit and fee of a transaction whose simulation used `simulated`.
    pub fn estimate(&self, simulated: u64) -> Estimate {
        let gas_limit = (simulated as f64 * self.gas_adjustment).ceil() as u64 + GAS_ALLOWANCE;
        Estimate {
            simulated,
            gas_limit,
            fee: self.gas_price.fee(gas_limit),
        }
    }

    /// Simulates, signs and broadcasts `msgs` in one transaction, then waits for its
    /// block. `journal` is called with the hash before the broadcast, so that a caller
    /// that dies meanwhile can find the transaction again ([`Node::wait_tx`]).
    pub async fn send(
        &self,
        msgs: &[Any],
        memo: &str,
        journal: impl FnOnce(&str) -> Result<()>,
    ) -> Result<TxOutcome> {
        let address = self.sender()?;
        let account = self.account(&address).await?;
        let estimate = self.simulate_with(msgs, memo, account).await?;
        let tx = self.tx_bytes(msgs, memo, account, estimate.gas_limit, true)?;
        let hash = cosmwasm_std::HexBinary::from(&Sha256::digest(&tx)[..])
            .to_hex()
            .to_uppercase();
        journal(&hash)?;
        let checked = self
            .rpc
            .broadcast_tx_sync(tx)
            .await
            .map_err(|e| rpc_err(&self.url, "broadcast_tx_sync", e))?;
        if checked.code.is_err() {
            return Err(TxError {
                hash: Some(hash),
                codespace: checked.codespace,
                code: checked.code.value(),
                log: checked.log,
            }
            .into());
        }
        let mut outcome = self.wait_tx(&hash).await?;
        outcome.fee = estimate.fee;
        Ok(outcome)
    }

    /// The result of the transaction `hash` once it is in a block: waits up to the
    /// configured time-out. A failed transaction is a [`TxError`].
    pub async fn wait_tx(&self, hash: &str) -> Result<TxOutcome> {
        let started = Instant::now();
        loop {
            match self.find_tx(hash).await? {
                Some(found) => return found,
                None if started.elapsed() >= self.timeout => bail!(
                    "tx {hash} was broadcast but is not in a block after {}s: re-run the command to pick it up",
                    self.timeout.as_secs()
                ),
                None => tokio::time::sleep(self.poll).await,
            }
        }
    }

    /// The transaction `hash`: `None` when the chain does not know it (yet).
    pub async fn find_tx(&self, hash: &str) -> Result<Option<Result<TxOutcome>>> {
        let parsed: Hash = Hash::from_hex_upper(cosmrs::tendermint::hash::Algorithm::Sha256, hash)
            .map_err(|e| anyhow!("tx hash {hash}: {e}"))?;
        let found = match self.rpc.tx(parsed, false).await {
            Ok(found) => found,
            Err(e) if e.to_string().contains("not found") => return Ok(None),
            Err(e) => return Err(rpc_err(&self.url, "tx", e)),
        };
        let result = found.tx_result;
        if result.code.is_err() {
            return Ok(Some(Err(TxError {
                hash: Some(hash.to_string()),
                codespace: result.codespace,
                code: result.code.value(),
                log: result.log,
            }
            .into())));
        }
        let events = result
            .events
            .into_iter()
            .map(|e| TxEvent {
                kind: e.kind,
                attributes: e
                    .attributes
                    .iter()
                    .map(|a| {
                        (
                            a.key_str().unwrap_or_default().to_string(),
                            a.value_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect(),
            })
            .collect();
        Ok(Some(Ok(TxOutcome {
            hash: hash.to_string(),
            height: found.height.value(),
            gas_wanted: u64::try_from(result.gas_wanted).unwrap_or(0),
            gas_used: u64::try_from(result.gas_used).unwrap_or(0),
            fee: 0,
            events,
        })))
    }
}

/// Whether a query failed because the thing does not exist.
pub fn is_not_found(e: &anyhow::Error) -> bool {
    e.downcast_ref::<QueryError>()
        .is_some_and(|q| q.log.contains("not found") || q.log.contains("no such contract"))
}

fn codespace_of(log: &str) -> String {
    if log.contains("wasm contract failed") || log.contains("[code=") {
        "wasm".into()
    } else {
        "sdk".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_contract_code_is_read_from_a_wasmd_log() {
        let log = "failed to execute message; message index: 0: [code=jurisdiction_blocked] \
                   jurisdiction KP is blocked: execute wasm contract failed";
        assert_eq!(contract_code(log), Some("jurisdiction_blocked"));
        assert_eq!(contract_code("out of gas"), None);
        assert_eq!(contract_code("[code=unterminated"), None);
        let sim = "rpc error: code = Unknown desc = failed to execute message; message index: 0: \
                   [code=not_officer] wasm1x is not a compliance officer of this registry: \
                   execute wasm contract failed With gas wanted: '1' and gas used: '2' : unknown request";
        assert_eq!(
            contract_error(sim),
            "[code=not_officer] wasm1x is not a compliance officer of this registry"
        );
        assert_eq!(contract_error("out of gas"), "out of gas");
    }

    #[test]
    fn transport_errors_fit_on_one_line() {
        let report = "HTTP error\n\nCaused by:\n    error sending request: tcp connect error: \
                      Connection refused (os error 111)\n\nLocation:\n    /x/eyre.rs:10:9\n\n\
                      Stack backtrace:\n   0: eyre::DefaultHandler::default_with\n";
        assert_eq!(
            one_line(report),
            "HTTP error: error sending request: tcp connect error: Connection refused (os error 111)"
        );
    }

    #[test]
    fn outcome_attributes() {
        let o = TxOutcome {
            hash: "H".into(),
            height: 3,
            gas_wanted: 1,
            gas_used: 1,
            fee: 0,
            events: vec![
                TxEvent {
                    kind: "store_code".into(),
                    attributes: vec![("code_id".into(), "7".into())],
                },
                TxEvent {
                    kind: "store_code".into(),
                    attributes: vec![("code_id".into(), "8".into())],
                },
            ],
        };
        assert_eq!(o.attribute("store_code", "code_id"), Some("7"));
        assert_eq!(o.attributes("store_code", "code_id"), vec!["7", "8"]);
        assert_eq!(o.attribute("instantiate", "code_id"), None);
    }
}

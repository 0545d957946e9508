//! The CometBFT 0.38 JSON-RPC server (HTTP POST, JSON-RPC 2.0, params by name), its
//! answers built from tendermint-rpc's own response types where they can be built.

use std::sync::{Arc, Mutex, PoisonError};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine;
use cosmrs::rpc::endpoint::{abci_query, broadcast, tx};
use cosmrs::tendermint::abci::{self, Code};
use cosmrs::tendermint::{block, Hash};
use serde_json::{json, Value};

use crate::chain::Chain;
use crate::errors::Failure;
use crate::query;
use crate::state::{TxRecord, TxResult};

pub type Shared = Arc<Mutex<Chain>>;

/// CometBFT's default `max_body_bytes` (config.toml `[rpc]`).
pub const MAX_BODY_BYTES: usize = 1_000_000;
/// CometBFT's default `max_tx_bytes` (config.toml `[mempool]`).
pub const MAX_TX_BYTES: usize = 1_048_576;

/// The node's version as the status reports it.
const COMETBFT_VERSION: &str = "0.38.17";

pub fn lock(chain: &Shared) -> std::sync::MutexGuard<'_, Chain> {
    chain.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The router: every path answers JSON-RPC over POST (CometBFT serves it on `/`).
pub fn router(chain: Shared) -> Router {
    Router::new()
        .fallback(handle)
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(chain)
}

/// A JSON-RPC error as CometBFT's server writes it.
struct RpcError {
    code: i64,
    message: &'static str,
    data: String,
}

impl RpcError {
    fn invalid_params(data: impl std::fmt::Display) -> RpcError {
        RpcError {
            code: -32602,
            message: "Invalid params",
            data: data.to_string(),
        }
    }

    fn internal(data: impl std::fmt::Display) -> RpcError {
        RpcError {
            code: -32603,
            message: "Internal error",
            data: data.to_string(),
        }
    }
}

fn reply(body: Value) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// A request by URI (`GET /status`, `GET /tx?hash=0x...`), as CometBFT also serves them:
/// the method is the path, the parameters the query string (strings may be quoted).
async fn handle_uri(chain: Shared, uri: Uri) -> Response {
    let method = uri.path().trim_start_matches('/').to_string();
    if method.is_empty() {
        let routes = "Available endpoints (JSON-RPC over POST, or by URI):\n/abci_info\n\
                      /abci_query?path=_&data=_&height=_&prove=_\n/broadcast_tx_async?tx=_\n\
                      /broadcast_tx_commit?tx=_\n/broadcast_tx_sync?tx=_\n/health\n/status\n\
                      /tx?hash=_&prove=_\n/dev_advance?seconds=_\n/dev_fund?address=_&amount=_\n";
        return (StatusCode::OK, routes).into_response();
    }
    let params = query_params(uri.query().unwrap_or_default());
    let answer =
        tokio::task::spawn_blocking(move || dispatch(&chain, &method, &params, true)).await;
    let answer = answer.unwrap_or_else(|e| Err(RpcError::internal(e)));
    reply(envelope(json!(-1), answer))
}

/// The parameters of a URI request's query string (`%XX` escapes and `+` decoded by
/// `form_urlencoded`), each a JSON string; CometBFT lets strings be quoted.
fn query_params(query: &str) -> Value {
    let params = form_urlencoded::parse(query.as_bytes())
        .map(|(key, value)| {
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .map_or_else(|| value.to_string(), str::to_string);
            (key.into_owned(), Value::String(value))
        })
        .collect();
    Value::Object(params)
}

fn envelope(id: Value, answer: Result<Value, RpcError>) -> Value {
    match answer {
        Ok(result) => json!({"jsonrpc": "2.0", "id": id, "result": result}),
        Err(e) => json!({
            "jsonrpc": "2.0",
            "id": id,
            "error": {"code": e.code, "message": e.message, "data": e.data},
        }),
    }
}

async fn handle(
    State(chain): State<Shared>,
    method: axum::http::Method,
    uri: Uri,
    body: Body,
) -> Response {
    if method == axum::http::Method::GET {
        return handle_uri(chain, uri).await;
    }
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        // CometBFT's `http.MaxBytesReader`: 400 and a parse error.
        let error = json!({
            "jsonrpc": "2.0",
            "id": -1,
            "error": {"code": -32700, "message": "Parse error",
                "data": "error reading request body: http: request body too large"},
        });
        let mut response = reply(error);
        *response.status_mut() = StatusCode::BAD_REQUEST;
        return response;
    };
    let request: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return reply(json!({
                "jsonrpc": "2.0",
                "id": -1,
                "error": {"code": -32700, "message": "Parse error", "data": e.to_string()},
            }))
        }
    };
    let id = request.get("id").cloned().unwrap_or(json!(-1));
    let method = request
        .get("method")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let params = request.get("params").cloned().unwrap_or(json!({}));
    let answer =
        tokio::task::spawn_blocking(move || dispatch(&chain, &method, &params, false)).await;
    let answer = answer.unwrap_or_else(|e| Err(RpcError::internal(e)));
    reply(envelope(id, answer))
}

/// A parameter by name (CometBFT also reads them by position, in the method's order).
fn param<'a>(params: &'a Value, name: &str, position: usize) -> Option<&'a Value> {
    match params {
        Value::Object(map) => map.get(name),
        Value::Array(items) => items.get(position),
        _ => None,
    }
    .filter(|v| !v.is_null())
}

fn string_param(params: &Value, name: &str, position: usize) -> Result<String, RpcError> {
    match param(params, name, position) {
        Some(Value::String(s)) => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        Some(other) => Err(RpcError::invalid_params(format!(
            "error converting json params to arguments: {name}: {other} is not a string"
        ))),
        None => Ok(String::new()),
    }
}

fn u64_param(params: &Value, name: &str, position: usize) -> Result<u64, RpcError> {
    let text = string_param(params, name, position)?;
    if text.is_empty() {
        return Ok(0);
    }
    text.parse().map_err(|e| {
        RpcError::invalid_params(format!(
            "error converting json params to arguments: {name}: {e}"
        ))
    })
}

fn base64_param(params: &Value, name: &str, position: usize) -> Result<Vec<u8>, RpcError> {
    let text = string_param(params, name, position)?;
    base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .map_err(|e| {
            RpcError::invalid_params(format!(
                "error converting json params to arguments: {name}: {e}"
            ))
        })
}

/// The `tx` parameter: base64 in JSON-RPC, `0x` hex in a URI.
fn tx_param(params: &Value, by_uri: bool) -> Result<Vec<u8>, RpcError> {
    if by_uri {
        let text = string_param(params, "tx", 0)?;
        return hex::decode(text.trim_start_matches("0x")).map_err(|e| {
            RpcError::invalid_params(format!(
                "error converting http params to arguments: tx: {e}"
            ))
        });
    }
    base64_param(params, "tx", 0)
}

fn to_value(value: impl serde::Serialize) -> Result<Value, RpcError> {
    serde_json::to_value(value).map_err(RpcError::internal)
}

/// Runs one method. `by_uri`: the parameters came in a URI, where bytes are `0x` hex (a
/// transaction too) rather than base64.
fn dispatch(chain: &Shared, method: &str, params: &Value, by_uri: bool) -> Result<Value, RpcError> {
    match method {
        "health" => Ok(json!({})),
        "status" => Ok(status(&lock(chain))),
        "abci_info" => {
            let chain = lock(chain);
            Ok(json!({"response": {
                "data": "farthing-devnode",
                "version": env!("CARGO_PKG_VERSION"),
                "app_version": "1",
                "last_block_height": chain.height.to_string(),
                "last_block_app_hash": base64::engine::general_purpose::STANDARD
                    .encode(chain.block_hash(chain.height)),
            }}))
        }
        "abci_query" => {
            let path = string_param(params, "path", 0)?;
            let data = string_param(params, "data", 1)?;
            let data = hex::decode(data.trim_start_matches("0x")).map_err(|e| {
                RpcError::invalid_params(format!(
                    "error converting json params to arguments: data: {e}"
                ))
            })?;
            let height = u64_param(params, "height", 2)?;
            abci_query(&mut lock(chain), &path, &data, height)
        }
        "broadcast_tx_sync" | "broadcast_tx_async" => {
            let tx = tx_param(params, by_uri)?;
            let done = broadcast_new(chain, &tx)?;
            let (codespace, code, log) = match &done.check {
                Ok(_) => (String::new(), 0, String::new()),
                Err((f, _, _)) => (f.codespace.clone(), f.code, f.log.clone()),
            };
            to_value(broadcast::tx_sync::Response {
                codespace,
                code: Code::from(code),
                data: Default::default(),
                log,
                hash: Hash::Sha256(done.hash),
            })
        }
        "broadcast_tx_commit" => {
            let tx = tx_param(params, by_uri)?;
            let done = broadcast_new(chain, &tx)?;
            let check = match &done.check {
                Ok(gas_wanted) => abci::response::CheckTx {
                    gas_wanted: *gas_wanted as i64,
                    ..Default::default()
                },
                Err((f, gas_wanted, gas_used)) => abci::response::CheckTx {
                    code: Code::from(f.code),
                    log: f.log.clone(),
                    codespace: f.codespace.clone(),
                    gas_wanted: *gas_wanted as i64,
                    gas_used: *gas_used as i64,
                    ..Default::default()
                },
            };
            let (tx_result, height) = match &done.delivered {
                Some(record) => (exec_tx_result(&record.result), record.height),
                None => (abci::types::ExecTxResult::default(), 0),
            };
            let mut value = to_value(broadcast::tx_commit::Response {
                check_tx: check,
                tx_result,
                hash: Hash::Sha256(done.hash),
                height: height_of(height)?,
            })?;
            let data = done.delivered.map(|r| r.result.data).unwrap_or_default();
            base64_data(&mut value["tx_result"], &data);
            base64_data(&mut value["check_tx"], &[]);
            Ok(value)
        }
        "tx" => {
            let text = string_param(params, "hash", 0)?;
            let hash = tx_hash(&text).ok_or_else(|| {
                RpcError::invalid_params(format!(
                    "error converting json params to arguments: hash: {text:?} is not a \
                     transaction hash"
                ))
            })?;
            let chain = lock(chain);
            let Some(record) = chain.txs.get(&hash) else {
                return Err(RpcError::internal(format!(
                    "tx ({}) not found",
                    hex::encode_upper(hash)
                )));
            };
            tx_response(hash, record)
        }
        "dev_advance" => {
            let seconds = u64_param(params, "seconds", 0)?;
            let mut chain = lock(chain);
            chain.advance_seconds(seconds);
            Ok(json!({
                "height": chain.height.to_string(),
                "time": tm_time(chain.time)?,
            }))
        }
        "dev_fund" => {
            let address = string_param(params, "address", 0)?;
            let amount = string_param(params, "amount", 1)?;
            let amount: u128 = amount.parse().map_err(|e| {
                RpcError::invalid_params(format!(
                    "error converting json params to arguments: amount: {e}"
                ))
            })?;
            lock(chain)
                .fund(&address, amount)
                .map_err(RpcError::invalid_params)?;
            Ok(json!({}))
        }
        _ => Err(RpcError {
            code: -32601,
            message: "Method not found",
            data: String::new(),
        }),
    }
}

/// Broadcasts a transaction the node has not delivered yet: CometBFT's mempool cache
/// refuses one it has seen.
fn broadcast_new(chain: &Shared, tx: &[u8]) -> Result<crate::chain::Broadcast, RpcError> {
    use sha2::{Digest, Sha256};
    if tx.len() > MAX_TX_BYTES {
        return Err(RpcError::internal(format!(
            "tx too large. Max size is {MAX_TX_BYTES}, but got {}",
            tx.len()
        )));
    }
    let hash: [u8; 32] = Sha256::digest(tx).into();
    let mut chain = lock(chain);
    if chain.txs.contains_key(&hash) {
        return Err(RpcError::internal("tx already exists in cache"));
    }
    Ok(chain.broadcast(tx))
}

/// A transaction hash as a client sends it: base64 (tendermint-rpc, CometBFT's JSON
/// encoding of bytes) or hex (with or without `0x`).
fn tx_hash(text: &str) -> Option<[u8; 32]> {
    let from_base64 = base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .ok()
        .filter(|b| b.len() == 32);
    let bytes = from_base64.or_else(|| hex::decode(text.trim_start_matches("0x")).ok())?;
    bytes.try_into().ok()
}

fn height_of(height: u64) -> Result<block::Height, RpcError> {
    block::Height::try_from(height).map_err(RpcError::internal)
}

fn tm_time(time: cosmwasm_std::Timestamp) -> Result<Value, RpcError> {
    let t = cosmrs::tendermint::Time::from_unix_timestamp(
        time.seconds() as i64,
        time.subsec_nanos() as u32,
    )
    .map_err(RpcError::internal)?;
    to_value(t)
}

fn abci_query(chain: &mut Chain, path: &str, data: &[u8], height: u64) -> Result<Value, RpcError> {
    let latest = chain.height;
    let answer = if height > latest {
        Err(Failure::sdk(
            26,
            format!(
                "cannot query with height in the future; please provide a valid height \
                 (latest height: {latest})"
            ),
        ))
    } else if height != 0 && height < latest {
        Err(Failure::sdk(
            18,
            format!(
                "failed to load state at height {height}; farthing-devnode keeps only the \
                 latest state (latest height: {latest})"
            ),
        ))
    } else {
        query::query(chain, path, data)
    };
    let mut response = abci_query::AbciQuery {
        height: height_of(latest)?,
        ..Default::default()
    };
    match answer {
        Ok(value) => response.value = value,
        Err(f) => {
            response.code = Code::from(f.code);
            response.codespace = f.codespace;
            response.log = f.log;
        }
    }
    to_value(abci_query::Response { response })
}

fn exec_tx_result(result: &TxResult) -> abci::types::ExecTxResult {
    abci::types::ExecTxResult {
        code: Code::from(result.code),
        data: result.data.clone().into(),
        log: result.log.clone(),
        info: String::new(),
        gas_wanted: result.gas_wanted as i64,
        gas_used: result.gas_used as i64,
        events: result.events.iter().map(tm_event).collect(),
        codespace: result.codespace.clone(),
    }
}

fn tm_event(e: &cosmwasm_std::Event) -> abci::Event {
    abci::Event {
        kind: e.ty.clone(),
        attributes: e
            .attributes
            .iter()
            .map(|a| {
                abci::EventAttribute::V037(abci::v0_37::EventAttribute {
                    key: a.key.clone(),
                    value: a.value.clone(),
                    index: true,
                })
            })
            .collect(),
    }
}

fn tx_response(hash: [u8; 32], record: &TxRecord) -> Result<Value, RpcError> {
    let mut value = to_value(tx::Response {
        hash: Hash::Sha256(hash),
        height: height_of(record.height)?,
        index: record.index,
        tx_result: exec_tx_result(&record.result),
        tx: record.tx.clone(),
        proof: None,
    })?;
    base64_data(&mut value["tx_result"], &record.result.data);
    Ok(value)
}

/// An ABCI result's `data` as CometBFT writes it: base64 (null when empty).
/// tendermint-rpc's types serialize `Bytes` as an array of numbers, and read a string as
/// its characters: a client of a real node gets the base64 text in `tx_result.data`, and
/// so it does here.
fn base64_data(result: &mut Value, data: &[u8]) {
    if let Some(object) = result.as_object_mut() {
        let data = if data.is_empty() {
            Value::Null
        } else {
            Value::String(base64::engine::general_purpose::STANDARD.encode(data))
        };
        object.insert("data".into(), data);
    }
}

fn status(chain: &Chain) -> Value {
    let time = |t| tm_time(t).unwrap_or(Value::Null);
    let node_id = hex::encode(sha2_20(chain.config.chain_id.as_bytes()));
    let validator = hex::encode_upper(sha2_20(b"farthing-devnode validator"));
    let key = base64::engine::general_purpose::STANDARD.encode([7u8; 32]);
    json!({
        "node_info": {
            "protocol_version": {"p2p": "8", "block": "11", "app": "0"},
            "id": node_id,
            "listen_addr": "tcp://127.0.0.1:26656",
            "network": chain.config.chain_id,
            "version": COMETBFT_VERSION,
            "channels": "40202122233038606100",
            "moniker": "farthing-devnode",
            "other": {"tx_index": "on", "rpc_address": "tcp://127.0.0.1:26657"},
        },
        "sync_info": {
            "latest_block_hash": hex::encode_upper(chain.block_hash(chain.height)),
            "latest_app_hash": hex::encode_upper(chain.block_hash(chain.height + 1)),
            "latest_block_height": chain.height.to_string(),
            "latest_block_time": time(chain.time),
            "earliest_block_hash": hex::encode_upper(chain.block_hash(1)),
            "earliest_app_hash": hex::encode_upper(chain.block_hash(2)),
            "earliest_block_height": "1",
            "earliest_block_time": time(chain.genesis_time),
            "catching_up": false,
        },
        "validator_info": {
            "address": validator,
            "pub_key": {"type": "tendermint/PubKeyEd25519", "value": key},
            "voting_power": "10",
        },
    })
}

fn sha2_20(data: &[u8]) -> Vec<u8> {
    use sha2::{Digest, Sha256};
    Sha256::digest(data)[..20].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_parameters_are_percent_decoded() {
        let q = |query: &str| query_params(query)["a"].as_str().unwrap().to_string();
        assert_eq!(q("a=x%22abc%22"), "x\"abc\"");
        assert_eq!(q("a=a+b%2Fc"), "a b/c");
        assert_eq!(q("a=100%"), "100%");
        assert_eq!(q("a=%zz"), "%zz");
        // A quoted string (decoded quotes included) is unquoted, as CometBFT does.
        assert_eq!(q("a=%22abc%22"), "abc");
        assert_eq!(q("a=\"0xAB\""), "0xAB");
    }

    #[test]
    fn hashes_come_in_base64_or_hex() {
        let hash = [0xabu8; 32];
        let b64 = base64::engine::general_purpose::STANDARD.encode(hash);
        assert_eq!(tx_hash(&b64), Some(hash));
        assert_eq!(tx_hash(&hex::encode_upper(hash)), Some(hash));
        assert_eq!(tx_hash(&format!("0x{}", hex::encode(hash))), Some(hash));
        assert_eq!(tx_hash("abcd"), None);
    }
}

//! A client of the dev node as the `farthing` CLI is one: cosmrs to build and sign
//! transactions (SIGN_MODE_DIRECT), tendermint-rpc's `HttpClient` to talk to the node.
#![allow(dead_code)] // each test file uses part of it

use std::io::Write;

use cosmrs::bip32::XPrv;
use cosmrs::crypto::secp256k1::SigningKey;
use cosmrs::proto::cosmos::auth::v1beta1::{
    BaseAccount, QueryAccountRequest, QueryAccountResponse,
};
use cosmrs::proto::cosmos::bank::v1beta1::{QueryBalanceRequest, QueryBalanceResponse};
use cosmrs::proto::cosmos::tx::v1beta1::{SimulateRequest, SimulateResponse};
use cosmrs::proto::cosmwasm::wasm::v1::{
    QuerySmartContractStateRequest, QuerySmartContractStateResponse,
};
use cosmrs::proto::prost::{Message, Name};
use cosmrs::rpc::endpoint::{broadcast::tx_sync, tx};
use cosmrs::rpc::{Client, HttpClient};
use cosmrs::tendermint::abci::Event;
use cosmrs::tx::{Body, Fee, SignDoc, SignerInfo};
use cosmrs::{AccountId, Any, Coin};
use farthing_devnode::{DevNode, DevNodeConfig};
use serde::de::DeserializeOwned;

pub const DENOM: &str = "ustake";
pub const CHAIN_ID: &str = "farthing-local";
/// What every test account gets at genesis.
pub const FUNDS: u128 = 1_000_000_000_000;

/// A key derived as a wallet derives it (BIP-44 m/44'/118'/0'/0/0) from a seed.
pub struct Key {
    pub signing: SigningKey,
    pub address: String,
}

impl Key {
    pub fn new(seed_byte: u8) -> Key {
        let seed = [seed_byte; 64];
        let path = "m/44'/118'/0'/0/0".parse().unwrap();
        let xprv = XPrv::derive_from_path(seed, &path).unwrap();
        let signing = SigningKey::from_slice(&xprv.private_key().to_bytes()).unwrap();
        let address = signing.public_key().account_id("wasm").unwrap().to_string();
        Key { signing, address }
    }

    pub fn account_id(&self) -> AccountId {
        self.address.parse().unwrap()
    }
}

/// A node with `keys` funded at genesis, and a client.
pub async fn start(keys: &[&Key]) -> (DevNode, HttpClient) {
    let config = DevNodeConfig {
        genesis: keys.iter().map(|k| (k.address.clone(), FUNDS)).collect(),
        ..DevNodeConfig::default()
    };
    let node = DevNode::spawn(config, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let client = HttpClient::new(node.url().as_str()).unwrap();
    (node, client)
}

pub fn any<M: Message + Name>(msg: &M) -> Any {
    Any {
        type_url: M::type_url(),
        value: msg.encode_to_vec(),
    }
}

/// An `abci_query`: the response value, or (code, codespace, log).
pub async fn query(
    client: &HttpClient,
    path: &str,
    request: impl Message,
) -> Result<Vec<u8>, (u32, String, String)> {
    let answer = client
        .abci_query(Some(path.into()), request.encode_to_vec(), None, false)
        .await
        .unwrap();
    if answer.code.is_err() {
        return Err((answer.code.value(), answer.codespace, answer.log));
    }
    Ok(answer.value)
}

/// (account number, sequence), or the query's failure.
pub async fn account(
    client: &HttpClient,
    address: &str,
) -> Result<(u64, u64), (u32, String, String)> {
    let value = query(
        client,
        "/cosmos.auth.v1beta1.Query/Account",
        QueryAccountRequest {
            address: address.into(),
        },
    )
    .await?;
    let any = QueryAccountResponse::decode(value.as_slice())
        .unwrap()
        .account
        .unwrap();
    assert_eq!(any.type_url, "/cosmos.auth.v1beta1.BaseAccount");
    let account = BaseAccount::decode(any.value.as_slice()).unwrap();
    assert_eq!(account.address, address);
    Ok((account.account_number, account.sequence))
}

pub async fn balance(client: &HttpClient, address: &str) -> u128 {
    let value = query(
        client,
        "/cosmos.bank.v1beta1.Query/Balance",
        QueryBalanceRequest {
            address: address.into(),
            denom: DENOM.into(),
        },
    )
    .await
    .unwrap();
    let coin = QueryBalanceResponse::decode(value.as_slice())
        .unwrap()
        .balance
        .unwrap();
    assert_eq!(coin.denom, DENOM);
    coin.amount.parse().unwrap()
}

/// The fee the node asks for `gas` at its default minimum gas price (0.025).
pub fn min_fee(gas: u64) -> u128 {
    (u128::from(gas) * 25).div_ceil(1000)
}

/// A signed transaction (SIGN_MODE_DIRECT, the key's public key in the signer info).
pub fn sign(key: &Key, number: u64, sequence: u64, msgs: Vec<Any>, gas: u64, fee: u128) -> Vec<u8> {
    let body = Body::new(msgs, "", 0u32);
    let info = SignerInfo::single_direct(Some(key.signing.public_key()), sequence);
    let fee = Fee::from_amount_and_gas(
        Coin {
            denom: DENOM.parse().unwrap(),
            amount: fee,
        },
        gas,
    );
    let auth = info.auth_info(fee);
    let doc = SignDoc::new(&body, &auth, &CHAIN_ID.parse().unwrap(), number).unwrap();
    doc.sign(&key.signing).unwrap().to_bytes().unwrap()
}

/// A transaction unsigned, as a client simulates it: an empty signature, no gas limit, a
/// fee of `fee` (a simulation with a fee pays the fee's transfer, as delivery will; one
/// without does not, as on a chain).
pub fn unsigned(key: &Key, sequence: u64, msgs: Vec<Any>, fee: u128) -> Vec<u8> {
    use cosmrs::proto::cosmos::tx::v1beta1::TxRaw;
    let body = Body::new(msgs, "", 0u32);
    let info = SignerInfo::single_direct(Some(key.signing.public_key()), sequence);
    let fee = Fee::from_amount_and_gas(
        Coin {
            denom: DENOM.parse().unwrap(),
            amount: fee,
        },
        0u64,
    );
    let auth = info.auth_info(fee);
    TxRaw {
        body_bytes: body.into_bytes().unwrap(),
        auth_info_bytes: auth.into_bytes().unwrap(),
        signatures: vec![vec![]],
    }
    .encode_to_vec()
}

pub async fn broadcast(client: &HttpClient, tx: Vec<u8>) -> tx_sync::Response {
    client.broadcast_tx_sync(tx).await.unwrap()
}

/// Signs `msgs` with the account's current number and sequence and the minimum fee,
/// broadcasts them, checks CheckTx passed, and returns the delivered result.
pub async fn deliver(client: &HttpClient, key: &Key, msgs: Vec<Any>, gas: u64) -> tx::Response {
    let (number, sequence) = account(client, &key.address).await.unwrap();
    let tx = sign(key, number, sequence, msgs, gas, min_fee(gas));
    let sent = broadcast(client, tx).await;
    assert!(sent.code.is_ok(), "CheckTx refused: {}", sent.log);
    client.tx(sent.hash, false).await.unwrap()
}

/// Delivers and asserts the transaction succeeded.
pub async fn deliver_ok(client: &HttpClient, key: &Key, msgs: Vec<Any>, gas: u64) -> tx::Response {
    let done = deliver(client, key, msgs, gas).await;
    assert!(
        done.tx_result.code.is_ok(),
        "the transaction failed: {} {}",
        done.tx_result.codespace,
        done.tx_result.log
    );
    done
}

pub async fn simulate(
    client: &HttpClient,
    tx: Vec<u8>,
) -> Result<SimulateResponse, (u32, String, String)> {
    let value = query(
        client,
        "/cosmos.tx.v1beta1.Service/Simulate",
        SimulateRequest {
            tx_bytes: tx,
            ..SimulateRequest::default()
        },
    )
    .await?;
    Ok(SimulateResponse::decode(value.as_slice()).unwrap())
}

/// A smart query: the answer, or (code, codespace, log).
pub async fn smart<T: DeserializeOwned>(
    client: &HttpClient,
    contract: &str,
    msg: &serde_json::Value,
) -> Result<T, (u32, String, String)> {
    let value = query(
        client,
        "/cosmwasm.wasm.v1.Query/SmartContractState",
        QuerySmartContractStateRequest {
            address: contract.into(),
            query_data: serde_json::to_vec(msg).unwrap(),
        },
    )
    .await?;
    let data = QuerySmartContractStateResponse::decode(value.as_slice())
        .unwrap()
        .data;
    Ok(serde_json::from_slice(&data).unwrap())
}

/// The values of attribute `key` of every event of type `ty`.
pub fn attrs(events: &[Event], ty: &str, key: &str) -> Vec<String> {
    events
        .iter()
        .filter(|e| e.kind == ty)
        .flat_map(|e| e.attributes.iter())
        .filter(|a| a.key_str().unwrap() == key)
        .map(|a| a.value_str().unwrap().to_string())
        .collect()
}

/// An artifact's wasm.
pub fn wasm(name: &str) -> Vec<u8> {
    std::fs::read(farthing_vm::artifact(name).unwrap()).unwrap()
}

/// gzip, as a deployer compresses wasm for `MsgStoreCode`.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// `tx_result.data` as tendermint-rpc reads CometBFT's JSON: the characters of its base64
/// text (a real node's answer reads the same); decoded here.
pub fn base64_text(data: &[u8]) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("tx_result.data is base64 text")
}

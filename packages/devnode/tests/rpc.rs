//! The CometBFT JSON-RPC and the ante handler, through tendermint-rpc's `HttpClient`:
//! status, accounts, bank sends, and the refusals of CheckTx (fee, sequence, signature)
//! and of delivery (out of gas).

mod common;

use common::*;
use cosmrs::proto::cosmos::bank::v1beta1::MsgSend;
use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::proto::cosmwasm::wasm::v1::MsgStoreCode;
use cosmrs::rpc::{Client, HttpClient};
use cosmrs::tendermint::Hash;

fn send(from: &Key, to: &str, amount: u128) -> cosmrs::Any {
    any(&MsgSend {
        from_address: from.address.clone(),
        to_address: to.into(),
        amount: vec![ProtoCoin {
            denom: DENOM.into(),
            amount: amount.to_string(),
        }],
    })
}

#[tokio::test]
async fn status_names_the_chain_and_its_latest_block() {
    let (node, client) = start(&[]).await;
    let status = client.status().await.unwrap();
    assert_eq!(status.node_info.network.as_str(), CHAIN_ID);
    assert_eq!(status.sync_info.latest_block_height.value(), 1);
    assert!(!status.sync_info.catching_up);
    let before = status.sync_info.latest_block_time;
    node.advance_seconds(3_600);
    let status = client.status().await.unwrap();
    assert!(status.sync_info.latest_block_height.value() > 1);
    let moved = status
        .sync_info
        .latest_block_time
        .duration_since(before)
        .unwrap();
    assert_eq!(moved.as_secs(), 3_600);
    assert_eq!(node.height(), status.sync_info.latest_block_height.value());
    let info = client.abci_info().await.unwrap();
    assert_eq!(info.last_block_height.value(), node.height());
    client.health().await.unwrap();
    node.shutdown().await;
}

#[tokio::test]
async fn a_bank_send_moves_coins_and_charges_the_fee() {
    let alice = Key::new(1);
    let bob = Key::new(2);
    let (node, client) = start(&[&alice]).await;
    assert_eq!(account(&client, &alice.address).await.unwrap(), (0, 0));
    let gas = 200_000;
    let done = deliver_ok(
        &client,
        &alice,
        vec![send(&alice, &bob.address, 12_345)],
        gas,
    )
    .await;
    assert_eq!(done.height.value(), 2);
    assert_eq!(node.height(), 2);
    assert_eq!(balance(&client, &bob.address).await, 12_345);
    assert_eq!(
        balance(&client, &alice.address).await,
        FUNDS - 12_345 - min_fee(gas)
    );
    // The sequence moved; bob got an account with the next number.
    assert_eq!(account(&client, &alice.address).await.unwrap(), (0, 1));
    assert_eq!(account(&client, &bob.address).await.unwrap(), (1, 0));
    let events = &done.tx_result.events;
    assert_eq!(
        attrs(events, "tx", "acc_seq"),
        [format!("{}/0", alice.address)]
    );
    assert_eq!(attrs(events, "tx", "fee_payer"), [alice.address.as_str()]);
    assert_eq!(
        attrs(events, "message", "action"),
        ["/cosmos.bank.v1beta1.MsgSend"]
    );
    assert_eq!(attrs(events, "message", "module"), ["bank"]);
    assert_eq!(
        attrs(events, "transfer", "amount"),
        [format!("{}{DENOM}", min_fee(gas)), format!("12345{DENOM}")]
    );
    // Gas: the transaction's bytes, the signature, the stores; below the limit.
    let used = done.tx_result.gas_used as u64;
    assert!(used > done.tx.len() as u64 * 10 + 1_000);
    assert!(used < 100_000, "{used}");
    assert_eq!(done.tx_result.gas_wanted as u64, gas);
    // Sending more than one has: insufficient funds, the fee still paid.
    let done = deliver(
        &client,
        &bob,
        vec![send(&bob, &alice.address, 100_000)],
        100_000,
    )
    .await;
    let r = &done.tx_result;
    assert_eq!((r.code.value(), r.codespace.as_str()), (5, "sdk"));
    assert_eq!(
        r.log,
        format!(
            "failed to execute message; message index: 0: spendable balance {}{DENOM} is \
             smaller than 100000{DENOM}: insufficient funds",
            12_345 - min_fee(100_000)
        )
    );
    assert_eq!(
        balance(&client, &bob.address).await,
        12_345 - min_fee(100_000)
    );
    node.shutdown().await;
}

#[tokio::test]
async fn transactions_are_found_by_hash_and_unknown_hashes_are_errors() {
    let alice = Key::new(1);
    let (node, client) = start(&[&alice]).await;
    let (number, sequence) = account(&client, &alice.address).await.unwrap();
    let tx = sign(
        &alice,
        number,
        sequence,
        vec![send(&alice, &alice.address, 5)],
        100_000,
        2_500,
    );
    let sent = broadcast(&client, tx.clone()).await;
    assert!(sent.code.is_ok(), "{}", sent.log);
    use sha2::{Digest, Sha256};
    assert_eq!(sent.hash, Hash::Sha256(Sha256::digest(&tx).into()));
    let found = client.tx(sent.hash, false).await.unwrap();
    assert_eq!(found.hash, sent.hash);
    assert_eq!(found.tx, tx);
    assert_eq!(found.index, 0);
    assert!(found.tx_result.code.is_ok());
    // The same bytes again: CometBFT's mempool cache refuses them.
    let again = client.broadcast_tx_sync(tx).await.unwrap_err();
    assert!(
        again.to_string().contains("tx already exists in cache"),
        "{again}"
    );
    // broadcast_tx_commit answers CheckTx and the delivery at once.
    let tx = sign(
        &alice,
        number,
        sequence + 1,
        vec![send(&alice, &alice.address, 6)],
        100_000,
        2_500,
    );
    let committed = client.broadcast_tx_commit(tx).await.unwrap();
    assert!(committed.check_tx.code.is_ok());
    assert!(
        committed.tx_result.code.is_ok(),
        "{}",
        committed.tx_result.log
    );
    assert_eq!(committed.height.value(), node.height());
    assert_eq!(committed.tx_result.gas_wanted, 100_000);
    let stale = sign(
        &alice,
        number,
        sequence,
        vec![send(&alice, &alice.address, 7)],
        100_000,
        2_500,
    );
    let refused = client.broadcast_tx_commit(stale).await.unwrap();
    assert_eq!(refused.check_tx.code.value(), 32);
    assert_eq!(refused.height.value(), 0);
    let unknown = Hash::Sha256([9u8; 32]);
    let err = client.tx(unknown, false).await.unwrap_err();
    assert!(
        err.to_string()
            .contains(&format!("tx ({}) not found", hex::encode_upper([9u8; 32]))),
        "{err}"
    );
    node.shutdown().await;
}

#[tokio::test]
async fn an_unknown_account_is_not_found() {
    let (node, client) = start(&[]).await;
    let nobody = Key::new(9);
    let err = account(&client, &nobody.address).await.unwrap_err();
    assert_eq!(
        err,
        (
            38,
            "sdk".into(),
            format!(
                "rpc error: code = NotFound desc = account {} not found: key not found",
                nobody.address
            )
        )
    );
    // Its balance is zero; a transaction from it has no fee payer.
    assert_eq!(balance(&client, &nobody.address).await, 0);
    let tx = sign(
        &nobody,
        0,
        0,
        vec![send(&nobody, &nobody.address, 1)],
        100_000,
        2_500,
    );
    let sent = broadcast(&client, tx).await;
    assert_eq!((sent.code.value(), sent.codespace.as_str()), (9, "sdk"));
    assert_eq!(
        sent.log,
        format!(
            "fee payer address: {} does not exist: unknown address",
            nobody.address
        )
    );
    node.shutdown().await;
}

/// What CheckTx refuses is not delivered: no block, no fee, the same sequence.
async fn refused(
    client: &HttpClient,
    node: &farthing_devnode::DevNode,
    key: &Key,
    tx: Vec<u8>,
) -> (u32, String, String) {
    let height = node.height();
    let balance_before = balance(client, &key.address).await;
    let account_before = account(client, &key.address).await.unwrap();
    let sent = broadcast(client, tx).await;
    assert!(sent.code.is_err());
    assert_eq!(node.height(), height);
    assert_eq!(balance(client, &key.address).await, balance_before);
    assert_eq!(account(client, &key.address).await.unwrap(), account_before);
    assert!(client.tx(sent.hash, false).await.is_err());
    (sent.code.value(), sent.codespace, sent.log)
}

#[tokio::test]
async fn check_tx_refuses_a_wrong_sequence_a_low_fee_and_a_bad_signature() {
    let alice = Key::new(1);
    let mallory = Key::new(2);
    let (node, client) = start(&[&alice, &mallory]).await;
    deliver_ok(
        &client,
        &alice,
        vec![send(&alice, &mallory.address, 1)],
        100_000,
    )
    .await;
    let msgs = || vec![send(&alice, &mallory.address, 2)];

    let stale = sign(&alice, 0, 0, msgs(), 100_000, 2_500);
    assert_eq!(
        refused(&client, &node, &alice, stale).await,
        (
            32,
            "sdk".into(),
            "account sequence mismatch, expected 1, got 0: incorrect account sequence".into()
        )
    );
    let cheap = sign(&alice, 0, 1, msgs(), 100_000, 2_499);
    assert_eq!(
        refused(&client, &node, &alice, cheap).await,
        (
            13,
            "sdk".into(),
            format!("insufficient fees; got: 2499{DENOM} required: 2500{DENOM}: insufficient fee")
        )
    );
    // Signed for another account number (or chain): the signature does not verify.
    let wrong_number = sign(&alice, 7, 1, msgs(), 100_000, 2_500);
    assert_eq!(
        refused(&client, &node, &alice, wrong_number).await,
        (
            4,
            "sdk".into(),
            "signature verification failed; please verify account number (0), sequence (1) \
             and chain-id (farthing-local): unauthorized"
                .into()
        )
    );
    // Mallory signs a transaction whose message is alice's.
    let forged = sign(&mallory, 1, 0, msgs(), 100_000, 2_500);
    let (code, _, log) = refused(&client, &node, &alice, forged).await;
    assert_eq!(code, 8, "{log}");
    assert!(
        log.starts_with("pubKey does not match signer address"),
        "{log}"
    );
    // A gas limit below the transaction's own bytes.
    let tiny = sign(&alice, 0, 1, msgs(), 1_000, 25);
    let (code, _, log) = refused(&client, &node, &alice, tiny).await;
    assert_eq!(code, 11);
    assert!(
        log.starts_with("out of gas in location: txSize; gasWanted: 1000"),
        "{log}"
    );
    // Garbage is a decoding error.
    let sent = broadcast(&client, b"not a transaction".to_vec()).await;
    assert_eq!((sent.code.value(), sent.codespace.as_str()), (2, "sdk"));
    // Still fine with the right sequence and fee.
    deliver_ok(&client, &alice, msgs(), 100_000).await;
    node.shutdown().await;
}

#[tokio::test]
async fn out_of_gas_keeps_the_fee_and_the_sequence_and_undoes_the_messages() {
    let alice = Key::new(1);
    let (node, client) = start(&[&alice]).await;
    // Enough for the transaction's bytes (10 per byte of the gzipped wasm), not for the
    // compilation of the registry (3 per byte of the wasm).
    let gas = 2_000_000;
    let store = any(&MsgStoreCode {
        sender: alice.address.clone(),
        wasm_byte_code: gzip(&wasm("kyc_registry")),
        instantiate_permission: None,
    });
    let (number, sequence) = account(&client, &alice.address).await.unwrap();
    let tx = sign(&alice, number, sequence, vec![store], gas, min_fee(gas));
    let sent = broadcast(&client, tx).await;
    assert!(sent.code.is_ok(), "CheckTx passes: {}", sent.log);
    let done = client.tx(sent.hash, false).await.unwrap();
    let r = &done.tx_result;
    assert_eq!((r.code.value(), r.codespace.as_str()), (11, "sdk"));
    assert!(
        r.log.starts_with(&format!(
            "out of gas in location: wasm contract; gasWanted: {gas}, gasUsed: "
        )),
        "{}",
        r.log
    );
    assert!(r.log.ends_with(": out of gas"));
    assert!(r.gas_used as u64 > gas);
    assert_eq!(balance(&client, &alice.address).await, FUNDS - min_fee(gas));
    assert_eq!(
        account(&client, &alice.address).await.unwrap(),
        (number, sequence + 1)
    );
    // No code was stored.
    let codes = query(
        &client,
        "/cosmwasm.wasm.v1.Query/Codes",
        cosmrs::proto::cosmwasm::wasm::v1::QueryCodesRequest { pagination: None },
    )
    .await
    .unwrap();
    use cosmrs::proto::prost::Message;
    let codes =
        cosmrs::proto::cosmwasm::wasm::v1::QueryCodesResponse::decode(codes.as_slice()).unwrap();
    assert!(codes.code_infos.is_empty());
    node.shutdown().await;
}

/// A raw HTTP/1.1 request (one per connection), as a script sends it: the body of a 200.
async fn http(url: &str, line: &str, body: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let host = url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let request = format!(
        "{line} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body.to_string()
}

/// A raw JSON-RPC POST.
async fn post(url: &str, body: String) -> String {
    http(url, "POST /", &body).await
}

#[tokio::test]
async fn dev_advance_and_dev_fund_serve_scripts() {
    let (node, _client) = start(&[]).await;
    let nobody = Key::new(3);
    let body = |method: &str, params: serde_json::Value| {
        serde_json::json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params})
            .to_string()
    };
    let url = node.url();
    let height = node.height();
    let answer = post(
        &url,
        body("dev_advance", serde_json::json!({"seconds": "60"})),
    )
    .await;
    let answer: serde_json::Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(answer["result"]["height"], (height + 12).to_string());
    assert_eq!(node.height(), height + 12);
    let answer = post(
        &url,
        body(
            "dev_fund",
            serde_json::json!({"address": nobody.address, "amount": "77"}),
        ),
    )
    .await;
    assert!(answer.contains("\"result\""), "{answer}");
    let client = HttpClient::new(node.url().as_str()).unwrap();
    assert_eq!(balance(&client, &nobody.address).await, 77);
    let unknown = post(&url, body("no_such_method", serde_json::json!({}))).await;
    assert!(unknown.contains("-32601"), "{unknown}");

    // By URI, as `curl $NODE/status` asks.
    let status: serde_json::Value =
        serde_json::from_str(&http(&url, "GET /status", "").await).unwrap();
    assert_eq!(status["result"]["node_info"]["network"], CHAIN_ID);
    let advanced: serde_json::Value =
        serde_json::from_str(&http(&url, "GET /dev_advance?seconds=%225%22", "").await).unwrap();
    assert_eq!(advanced["result"]["height"], (height + 13).to_string());
    let missing = http(&url, &format!("GET /tx?hash=0x{}", "AB".repeat(32)), "").await;
    assert!(
        missing.contains(&format!("tx ({}) not found", "AB".repeat(32))),
        "{missing}"
    );
    node.shutdown().await;
}

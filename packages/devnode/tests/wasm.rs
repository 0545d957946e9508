//! The wasm module over RPC: the three optimized contracts stored, instantiated (classic
//! and instantiate2), executed, refused, migrated, queried, as the `farthing` CLI drives
//! a wasmd chain.

mod common;

use common::*;
use cosmrs::proto::cosmos::base::abci::v1beta1::TxMsgData;
use cosmrs::proto::cosmos::base::v1beta1::Coin as ProtoCoin;
use cosmrs::proto::cosmwasm::wasm::v1::{
    MsgExecuteContract, MsgInstantiateContract, MsgInstantiateContract2, MsgMigrateContract,
    MsgStoreCode, MsgStoreCodeResponse, MsgUpdateAdmin, QueryCodeRequest, QueryCodeResponse,
    QueryCodesRequest, QueryCodesResponse, QueryContractInfoRequest, QueryContractInfoResponse,
    QueryContractsByCodeRequest, QueryContractsByCodeResponse, QueryRawContractStateRequest,
    QueryRawContractStateResponse,
};
use cosmrs::proto::prost::Message;
use cosmrs::rpc::HttpClient;
use cosmwasm_std::{HexBinary, Timestamp};
use farthing_types::kyc::{
    self, KycStatus, OfficersResponse, PartyKind, Policy, RecordInput, RecordResponse, TierLimit,
};
use serde_json::json;
use sha2::{Digest, Sha256};

const SALT: &[u8] = b"farthing-kyc-registry";

fn policy() -> Policy {
    let none = TierLimit {
        max_per_transfer: None,
        max_volume_per_window: None,
        window_seconds: 0,
    };
    Policy {
        blocked_jurisdictions: vec!["KP".into()],
        tier_limits: vec![none.clone(), none.clone(), none.clone(), none],
        travel_rule: None,
        expiry_grace_seconds: 86_400,
    }
}

fn store_msg(key: &Key, wasm: Vec<u8>) -> cosmrs::Any {
    any(&MsgStoreCode {
        sender: key.address.clone(),
        wasm_byte_code: wasm,
        instantiate_permission: None,
    })
}

fn execute_msg(key: &Key, contract: &str, msg: &impl serde::Serialize) -> cosmrs::Any {
    any(&MsgExecuteContract {
        sender: key.address.clone(),
        contract: contract.into(),
        msg: serde_json::to_vec(msg).unwrap(),
        funds: vec![],
    })
}

fn instantiate2_msg(key: &Key, code_id: u64, officer: &Key) -> cosmrs::Any {
    any(&MsgInstantiateContract2 {
        sender: key.address.clone(),
        admin: key.address.clone(),
        code_id,
        label: "farthing kyc registry".into(),
        msg: serde_json::to_vec(&kyc::InstantiateMsg {
            owner: None,
            officers: vec![officer.address.clone()],
            policy: policy(),
        })
        .unwrap(),
        funds: vec![],
        salt: SALT.to_vec(),
        fix_msg: false,
    })
}

fn record(address: &str, now: Timestamp) -> RecordInput {
    RecordInput {
        address: address.into(),
        status: KycStatus::Active,
        tier: 1,
        kind: PartyKind::Individual,
        jurisdiction: "FR".into(),
        expires_at: now.plus_days(365),
        attestation: HexBinary::from(vec![7u8; 32]),
        reason: "onboarding".into(),
    }
}

async fn block_time(client: &HttpClient) -> Timestamp {
    use cosmrs::rpc::Client;
    let status = client.status().await.unwrap();
    let t = status.sync_info.latest_block_time;
    Timestamp::from_nanos(t.unix_timestamp_nanos() as u64)
}

/// The three artifacts stored (gzipped, as a deployer sends them) in one transaction:
/// code ids 1, 2, 3.
async fn store_all(client: &HttpClient, owner: &Key) -> cosmrs::rpc::endpoint::tx::Response {
    let msgs = ["kyc_registry", "micropay_token", "royalty_escrow"]
        .iter()
        .map(|n| store_msg(owner, gzip(&wasm(n))))
        .collect();
    deliver_ok(client, owner, msgs, 30_000_000).await
}

/// The registry instantiated with instantiate2 from code 1; its address.
async fn registry(client: &HttpClient, owner: &Key, officer: &Key) -> String {
    let done = deliver_ok(
        client,
        owner,
        vec![instantiate2_msg(owner, 1, officer)],
        2_000_000,
    )
    .await;
    attrs(&done.tx_result.events, "instantiate", "_contract_address")[0].clone()
}

#[tokio::test]
async fn three_codes_stored_in_one_transaction() {
    let owner = Key::new(1);
    let (node, client) = start(&[&owner]).await;
    let done = store_all(&client, &owner).await;
    let r = &done.tx_result;
    let checksums: Vec<String> = ["kyc_registry", "micropay_token", "royalty_escrow"]
        .iter()
        .map(|n| hex::encode(Sha256::digest(wasm(n))))
        .collect();
    assert_eq!(attrs(&r.events, "store_code", "code_id"), ["1", "2", "3"]);
    assert_eq!(attrs(&r.events, "store_code", "code_checksum"), checksums);
    assert!(attrs(&r.events, "store_code", "required_capability").contains(&"cosmwasm_2_0".into()));
    assert_eq!(
        attrs(&r.events, "message", "action"),
        ["/cosmwasm.wasm.v1.MsgStoreCode"; 3]
    );
    assert_eq!(attrs(&r.events, "message", "module"), ["wasm"; 3]);
    // The ante handler's fee transfer has its own `message` event, without an action.
    assert_eq!(
        attrs(&r.events, "message", "sender"),
        [owner.address.as_str(); 4]
    );
    // The data: the messages' responses, as a client reads the code ids from them.
    let data = TxMsgData::decode(base64_text(&r.data).as_slice()).unwrap();
    let ids: Vec<u64> = data
        .msg_responses
        .iter()
        .map(|a| {
            assert_eq!(a.type_url, "/cosmwasm.wasm.v1.MsgStoreCodeResponse");
            MsgStoreCodeResponse::decode(a.value.as_slice())
                .unwrap()
                .code_id
        })
        .collect();
    assert_eq!(ids, [1, 2, 3]);
    // Gas: the transaction's bytes (10 each), the uncompression (0.15 per gzip byte) and
    // the compilation (3 per wasm byte), then the stores' bookkeeping.
    let (wasm_bytes, gzip_gas): (u64, u64) = ["kyc_registry", "micropay_token", "royalty_escrow"]
        .iter()
        .map(|n| {
            let w = wasm(n);
            (w.len() as u64, gzip(&w).len() as u64 * 15 / 100)
        })
        .fold((0, 0), |(a, b), (c, d)| (a + c, b + d));
    let floor = done.tx.len() as u64 * 10 + gzip_gas + 3 * wasm_bytes;
    let used = r.gas_used as u64;
    assert!(used > floor && used < floor + 100_000, "{used} vs {floor}");

    // The Codes and Code queries.
    let value = query(
        &client,
        "/cosmwasm.wasm.v1.Query/Codes",
        QueryCodesRequest { pagination: None },
    )
    .await
    .unwrap();
    let codes = QueryCodesResponse::decode(value.as_slice()).unwrap();
    assert_eq!(codes.code_infos.len(), 3);
    for (info, sum) in codes.code_infos.iter().zip(&checksums) {
        assert_eq!(&hex::encode(&info.data_hash), sum);
        assert_eq!(info.creator, owner.address);
    }
    assert_eq!(codes.pagination.unwrap().total, 3);
    let value = query(
        &client,
        "/cosmwasm.wasm.v1.Query/Code",
        QueryCodeRequest { code_id: 2 },
    )
    .await
    .unwrap();
    let code = QueryCodeResponse::decode(value.as_slice()).unwrap();
    assert_eq!(code.data, wasm("micropay_token"));
    assert_eq!(code.code_info.unwrap().code_id, 2);
    let missing = query(
        &client,
        "/cosmwasm.wasm.v1.Query/Code",
        QueryCodeRequest { code_id: 9 },
    )
    .await
    .unwrap_err();
    assert_eq!(
        missing,
        (
            6,
            "sdk".into(),
            "code id 9: no such code: unknown request".into()
        )
    );
    node.shutdown().await;
}

#[tokio::test]
async fn instantiate2_lands_at_the_predicted_address_and_executes() {
    let owner = Key::new(1);
    let officer = Key::new(2);
    let (node, client) = start(&[&owner, &officer]).await;
    store_all(&client, &owner).await;

    // The address a client predicts: checksum, canonical creator, salt.
    let checksum = Sha256::digest(wasm("kyc_registry"));
    let creator = owner.account_id().to_bytes();
    let canonical =
        cosmwasm_std::instantiate2_address(&checksum, &creator.clone().into(), SALT).unwrap();
    let predicted = cosmrs::AccountId::new("wasm", canonical.as_slice())
        .unwrap()
        .to_string();

    let done = deliver_ok(
        &client,
        &owner,
        vec![instantiate2_msg(&owner, 1, &officer)],
        2_000_000,
    )
    .await;
    let events = &done.tx_result.events;
    assert_eq!(
        attrs(events, "instantiate", "_contract_address"),
        [predicted.as_str()]
    );
    assert_eq!(attrs(events, "instantiate", "code_id"), ["1"]);
    assert_eq!(
        attrs(events, "message", "action"),
        ["/cosmwasm.wasm.v1.MsgInstantiateContract2"]
    );
    let value = query(
        &client,
        "/cosmwasm.wasm.v1.Query/ContractInfo",
        QueryContractInfoRequest {
            address: predicted.clone(),
        },
    )
    .await
    .unwrap();
    let info = QueryContractInfoResponse::decode(value.as_slice()).unwrap();
    assert_eq!(info.address, predicted);
    let info = info.contract_info.unwrap();
    assert_eq!(
        (
            info.code_id,
            info.creator.as_str(),
            info.admin.as_str(),
            info.label.as_str()
        ),
        (
            1,
            owner.address.as_str(),
            owner.address.as_str(),
            "farthing kyc registry"
        )
    );
    let by_code = query(
        &client,
        "/cosmwasm.wasm.v1.Query/ContractsByCode",
        QueryContractsByCodeRequest {
            code_id: 1,
            pagination: None,
        },
    )
    .await
    .unwrap();
    let by_code = QueryContractsByCodeResponse::decode(by_code.as_slice()).unwrap();
    assert_eq!(by_code.contracts, [predicted.as_str()]);

    // The same salt again: wasmd's duplicate error, and nothing else happens.
    let again = deliver(
        &client,
        &owner,
        vec![instantiate2_msg(&owner, 1, &officer)],
        2_000_000,
    )
    .await;
    assert_eq!(again.tx_result.code.value(), 15);
    assert_eq!(again.tx_result.codespace, "wasm");
    assert!(again.tx_result.log.starts_with(
        "failed to execute message; message index: 0: contract address already exists"
    ));

    // Execute: the officer lists a record; the smart query sees it.
    let subject = Key::new(3);
    let now = block_time(&client).await;
    let upsert = kyc::ExecuteMsg::UpsertRecords {
        records: vec![record(&subject.address, now)],
    };
    let done = deliver_ok(
        &client,
        &officer,
        vec![execute_msg(&officer, &predicted, &upsert)],
        1_000_000,
    )
    .await;
    let events = &done.tx_result.events;
    assert_eq!(
        attrs(events, "execute", "_contract_address"),
        [predicted.as_str()]
    );
    assert_eq!(attrs(events, "wasm", "_contract_address").len(), 1);
    assert!(events.iter().any(|e| e.kind.starts_with("wasm-")));
    assert_eq!(attrs(events, "message", "msg_index"), ["0"]);
    let found: RecordResponse = smart(
        &client,
        &predicted,
        &json!({"record": {"address": subject.address}}),
    )
    .await
    .unwrap();
    let view = found.record.unwrap();
    assert_eq!(view.tier, 1);
    assert_eq!(view.updated_by.as_str(), officer.address);
    // The raw store answers too (cw-ownable's owner key).
    let raw = query(
        &client,
        "/cosmwasm.wasm.v1.Query/RawContractState",
        QueryRawContractStateRequest {
            address: predicted.clone(),
            query_data: b"contract_info".to_vec(),
        },
    )
    .await
    .unwrap();
    let raw = QueryRawContractStateResponse::decode(raw.as_slice()).unwrap();
    assert!(String::from_utf8(raw.data).unwrap().contains("farthing"));
    node.shutdown().await;
}

#[tokio::test]
async fn classic_instantiation_uses_wasmd_s_addresses() {
    let owner = Key::new(1);
    let (node, client) = start(&[&owner]).await;
    store_all(&client, &owner).await;
    let msg = any(&MsgInstantiateContract {
        sender: owner.address.clone(),
        admin: String::new(),
        code_id: 1,
        label: "registry".into(),
        msg: serde_json::to_vec(&kyc::InstantiateMsg {
            owner: None,
            officers: vec![],
            policy: policy(),
        })
        .unwrap(),
        funds: vec![],
    });
    let done = deliver_ok(&client, &owner, vec![msg], 2_000_000).await;
    // BuildContractAddressClassic(code 1, instance 1): the first contract of every wasmd
    // chain with the `wasm` prefix.
    assert_eq!(
        attrs(&done.tx_result.events, "instantiate", "_contract_address"),
        ["wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d"]
    );
    // A contract has an account (the next number after the genesis account).
    let (number, sequence) = account(
        &client,
        "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d",
    )
    .await
    .unwrap();
    assert_eq!((number, sequence), (1, 0));
    node.shutdown().await;
}

#[tokio::test]
async fn a_contract_refusal_reports_its_code_and_changes_nothing_but_the_fee() {
    let owner = Key::new(1);
    let officer = Key::new(2);
    let stranger = Key::new(4);
    let (node, client) = start(&[&owner, &officer, &stranger]).await;
    store_all(&client, &owner).await;
    let contract = registry(&client, &owner, &officer).await;
    let officers = json!({"officers": {}});
    let before: OfficersResponse = smart(&client, &contract, &officers).await.unwrap();
    let balance_before = balance(&client, &stranger.address).await;
    let (_, sequence_before) = account(&client, &stranger.address).await.unwrap();

    let upsert = kyc::ExecuteMsg::UpsertRecords {
        records: vec![record(&stranger.address, block_time(&client).await)],
    };
    let gas = 1_000_000;
    let done = deliver(
        &client,
        &stranger,
        vec![execute_msg(&stranger, &contract, &upsert)],
        gas,
    )
    .await;
    let r = &done.tx_result;
    assert_eq!((r.code.value(), r.codespace.as_str()), (5, "wasm"));
    assert_eq!(
        r.log,
        format!(
            "failed to execute message; message index: 0: [code=not_officer] {} is not a \
             compliance officer of this registry: execute wasm contract failed",
            stranger.address
        )
    );
    assert!(r.gas_used > 0 && (r.gas_used as u64) < gas);
    // Only the ante handler's events: the fee and the signature.
    assert!(attrs(&r.events, "execute", "_contract_address").is_empty());
    assert_eq!(
        attrs(&r.events, "tx", "fee"),
        [format!("{}{DENOM}", min_fee(gas))]
    );
    assert!(r.data.is_empty());
    // Nothing changed but the fee and the sequence.
    let record: RecordResponse = smart(
        &client,
        &contract,
        &json!({"record": {"address": stranger.address}}),
    )
    .await
    .unwrap();
    assert!(record.record.is_none());
    let after: OfficersResponse = smart(&client, &contract, &officers).await.unwrap();
    assert_eq!(after, before);
    assert_eq!(
        balance(&client, &stranger.address).await,
        balance_before - min_fee(gas)
    );
    let (_, sequence) = account(&client, &stranger.address).await.unwrap();
    assert_eq!(sequence, sequence_before + 1);

    // A query the contract refuses: wasmd's query error, through the gRPC gateway.
    let bad =
        smart::<serde_json::Value>(&client, &contract, &json!({"record": {"address": "nope"}}))
            .await
            .unwrap_err();
    assert_eq!((bad.0, bad.1.as_str()), (6, "sdk"));
    assert!(
        bad.2
            .ends_with(": query wasm contract failed: unknown request"),
        "{}",
        bad.2
    );
    // A query of no contract.
    let none = smart::<serde_json::Value>(&client, &stranger.address, &officers)
        .await
        .unwrap_err();
    assert_eq!(
        none.2,
        format!(
            "address {}: no such contract: unknown request",
            stranger.address
        )
    );
    node.shutdown().await;
}

#[tokio::test]
async fn a_failing_second_message_undoes_the_first() {
    let owner = Key::new(1);
    let officer = Key::new(2);
    let (node, client) = start(&[&owner, &officer]).await;
    store_all(&client, &owner).await;
    let contract = registry(&client, &owner, &officer).await;
    let newcomer = Key::new(5);
    let add = kyc::ExecuteMsg::AddOfficer {
        address: newcomer.address.clone(),
    };
    // The owner is no officer: the second message is refused.
    let upsert = kyc::ExecuteMsg::UpsertRecords {
        records: vec![record(&newcomer.address, block_time(&client).await)],
    };
    // The first message also pays the contract: the payment is undone with it.
    let mut paying = MsgExecuteContract {
        sender: owner.address.clone(),
        contract: contract.clone(),
        msg: serde_json::to_vec(&add).unwrap(),
        funds: vec![ProtoCoin {
            denom: DENOM.into(),
            amount: "500".into(),
        }],
    };
    let msgs = vec![any(&paying), execute_msg(&owner, &contract, &upsert)];
    let done = deliver(&client, &owner, msgs, 2_000_000).await;
    let r = &done.tx_result;
    assert_eq!((r.code.value(), r.codespace.as_str()), (5, "wasm"));
    assert!(
        r.log
            .starts_with("failed to execute message; message index: 1: [code=not_officer]"),
        "{}",
        r.log
    );
    let officers: OfficersResponse = smart(&client, &contract, &json!({"officers": {}}))
        .await
        .unwrap();
    assert_eq!(
        officers.officers.len(),
        1,
        "the first message's officer stayed"
    );
    assert_eq!(balance(&client, &contract).await, 0, "the payment stayed");

    // Paying more than one has: the bank's error.
    paying.funds[0].amount = (FUNDS * 2).to_string();
    let done = deliver(&client, &owner, vec![any(&paying)], 2_000_000).await;
    assert_eq!(done.tx_result.code.value(), 5);
    assert!(
        done.tx_result.log.contains(&format!(
            "is smaller than {}{DENOM}: insufficient funds",
            FUNDS * 2
        )),
        "{}",
        done.tx_result.log
    );
    paying.funds[0].amount = "500".into();
    deliver_ok(&client, &owner, vec![any(&paying)], 2_000_000).await;
    assert_eq!(balance(&client, &contract).await, 500);
    let remove = kyc::ExecuteMsg::RemoveOfficer {
        address: newcomer.address.clone(),
    };
    deliver_ok(
        &client,
        &owner,
        vec![execute_msg(&owner, &contract, &remove)],
        2_000_000,
    )
    .await;

    // Both messages succeed when both are allowed: the second sees the first.
    let msgs = vec![
        execute_msg(&owner, &contract, &add),
        execute_msg(
            &owner,
            &contract,
            &kyc::ExecuteMsg::RemoveOfficer {
                address: newcomer.address.clone(),
            },
        ),
    ];
    let done = deliver_ok(&client, &owner, msgs, 2_000_000).await;
    assert_eq!(
        attrs(&done.tx_result.events, "message", "msg_index"),
        ["0", "1"]
    );
    let data = TxMsgData::decode(base64_text(&done.tx_result.data).as_slice()).unwrap();
    assert_eq!(data.msg_responses.len(), 2);
    node.shutdown().await;
}

#[tokio::test]
async fn only_the_admin_migrates_and_updates_the_admin() {
    let owner = Key::new(1);
    let officer = Key::new(2);
    let (node, client) = start(&[&owner, &officer]).await;
    store_all(&client, &owner).await;
    let contract = registry(&client, &owner, &officer).await;
    let migrate = |sender: &Key, code_id: u64| {
        any(&MsgMigrateContract {
            sender: sender.address.clone(),
            contract: contract.clone(),
            code_id,
            msg: b"{}".to_vec(),
        })
    };
    let refused = deliver(&client, &officer, vec![migrate(&officer, 1)], 1_000_000).await;
    let r = &refused.tx_result;
    assert_eq!((r.code.value(), r.codespace.as_str()), (4, "sdk"));
    assert_eq!(
        r.log,
        "failed to execute message; message index: 0: can not migrate: unauthorized"
    );
    // The admin migrates to another contract's code: the code refuses the storage.
    let wrong = deliver(&client, &owner, vec![migrate(&owner, 2)], 2_000_000).await;
    let r = &wrong.tx_result;
    assert_eq!((r.code.value(), r.codespace.as_str()), (11, "wasm"));
    assert!(r.log.contains("[code=wrong_contract]"), "{}", r.log);
    assert!(
        r.log.ends_with(": migrate wasm contract failed"),
        "{}",
        r.log
    );
    // To its own code (the same release): accepted, with wasmd's migrate event.
    let done = deliver_ok(&client, &owner, vec![migrate(&owner, 1)], 2_000_000).await;
    assert_eq!(attrs(&done.tx_result.events, "migrate", "code_id"), ["1"]);
    assert_eq!(
        attrs(&done.tx_result.events, "migrate", "_contract_address"),
        [contract.as_str()]
    );

    // The admin hands the contract to the officer; the owner can no longer migrate.
    let update = any(&MsgUpdateAdmin {
        sender: owner.address.clone(),
        new_admin: officer.address.clone(),
        contract: contract.clone(),
    });
    let done = deliver_ok(&client, &owner, vec![update], 500_000).await;
    assert_eq!(
        attrs(
            &done.tx_result.events,
            "update_contract_admin",
            "new_admin_address"
        ),
        [officer.address.as_str()]
    );
    let value = query(
        &client,
        "/cosmwasm.wasm.v1.Query/ContractInfo",
        QueryContractInfoRequest {
            address: contract.clone(),
        },
    )
    .await
    .unwrap();
    let info = QueryContractInfoResponse::decode(value.as_slice()).unwrap();
    assert_eq!(info.contract_info.unwrap().admin, officer.address);
    let refused = deliver(&client, &owner, vec![migrate(&owner, 1)], 1_000_000).await;
    assert_eq!(refused.tx_result.code.value(), 4);
    node.shutdown().await;
}

#[tokio::test]
async fn simulation_estimates_the_delivered_gas_and_changes_nothing() {
    let owner = Key::new(1);
    let officer = Key::new(2);
    let (node, client) = start(&[&owner, &officer]).await;
    store_all(&client, &owner).await;
    let contract = registry(&client, &owner, &officer).await;
    let subject = Key::new(6);
    let upsert = kyc::ExecuteMsg::UpsertRecords {
        records: vec![record(&subject.address, block_time(&client).await)],
    };
    let msgs = vec![execute_msg(&officer, &contract, &upsert)];
    let (number, sequence) = account(&client, &officer.address).await.unwrap();
    let height = node.height();
    let balance_before = balance(&client, &officer.address).await;

    let simulated = simulate(&client, unsigned(&officer, sequence, msgs.clone(), 5_000))
        .await
        .unwrap();
    let estimate = simulated.gas_info.unwrap().gas_used;
    let result = simulated.result.unwrap();
    assert!(result.events.iter().any(|e| e.r#type == "execute"));
    assert_eq!(result.msg_responses.len(), 1);
    // Nothing changed: no record, no new block, no fee, the same sequence.
    let found: RecordResponse = smart(
        &client,
        &contract,
        &json!({"record": {"address": subject.address}}),
    )
    .await
    .unwrap();
    assert!(found.record.is_none());
    assert_eq!(node.height(), height);
    assert_eq!(balance(&client, &officer.address).await, balance_before);
    assert_eq!(
        account(&client, &officer.address).await.unwrap(),
        (number, sequence)
    );

    // Delivered with the estimate plus a margin, it uses what the estimate said.
    let gas = estimate * 13 / 10;
    let tx = sign(&officer, number, sequence, msgs.clone(), gas, min_fee(gas));
    let sent = broadcast(&client, tx).await;
    assert!(sent.code.is_ok(), "{}", sent.log);
    let done = cosmrs::rpc::Client::tx(&client, sent.hash, false)
        .await
        .unwrap();
    assert!(done.tx_result.code.is_ok(), "{}", done.tx_result.log);
    let used = done.tx_result.gas_used as u64;
    let diff = estimate.abs_diff(used) as f64 / used as f64;
    assert!(diff < 0.03, "simulated {estimate}, delivered {used}");

    // A simulation that fails answers the delivery's error, through the gRPC gateway.
    let stranger = Key::new(7);
    node.fund(&stranger.address, 1_000);
    let msgs = vec![execute_msg(&stranger, &contract, &upsert)];
    let failed = simulate(&client, unsigned(&stranger, 0, msgs, 0))
        .await
        .unwrap_err();
    assert_eq!((failed.0, failed.1.as_str()), (6, "sdk"));
    assert!(
        failed.2.starts_with(
            "rpc error: code = Unknown desc = failed to execute message; message index: 0: \
         [code=not_officer]"
        ),
        "{}",
        failed.2
    );
    assert!(failed.2.ends_with(": unknown request"));
    // Simulating with a stale sequence fails as delivery would.
    let stale = simulate(
        &client,
        unsigned(
            &officer,
            sequence,
            vec![execute_msg(&officer, &contract, &upsert)],
            0,
        ),
    )
    .await
    .unwrap_err();
    assert!(
        stale.2.contains("account sequence mismatch, expected"),
        "{}",
        stale.2
    );
    node.shutdown().await;
}

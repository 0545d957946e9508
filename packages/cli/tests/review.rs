//! Review: failing tests, each showing a defect of the `farthing` CLI or of the devnode
//! against the guarantees the CLI claims. Every test here is expected to FAIL until the
//! defect it names is fixed.

mod support;

use cosmrs::proto::cosmwasm::wasm::v1::{
    AccessConfig, MsgInstantiateContract2, MsgMigrateContract, MsgStoreCode,
};
use cosmrs::Any;
use cosmwasm_std::Timestamp;
use farthing_cli::deploy::Deployment;
use farthing_cli::kyc::roster::{format_time, parse_roster};
use support::*;

const NAMES: [&str; 3] = ["kyc_registry", "micropay_token", "royalty_escrow"];
const HEADER: &str = "address,status,tier,kind,jurisdiction,expiry,attestation,reason";

fn deployment(chain: &Chain) -> Deployment {
    Deployment::load(&chain.path("deployments/farthing-local.json"))
        .expect("readable")
        .expect("written")
}

fn addresses(d: &Deployment) -> Vec<Option<String>> {
    NAMES
        .iter()
        .map(|n| d.contracts.get(*n).and_then(|c| c.address.clone()))
        .collect()
}

fn dir(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8")
}

fn edit(chain: &Chain, name: &str, from: &str, to: &str) {
    let path = chain.path(name);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{from} not in {name}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

fn checksum_of(dir: &std::path::Path, file: &str) -> String {
    std::fs::read_to_string(dir.join("checksums.txt"))
        .expect("sums")
        .lines()
        .find(|l| l.ends_with(file))
        .and_then(|l| l.split_whitespace().next())
        .expect("listed")
        .to_string()
}

fn any<M: cosmrs::proto::prost::Name>(m: &M) -> Any {
    Any::from_msg(m).expect("encode")
}

// ---------------------------------------------------------------------------------------
// deploy: "idempotent (a re-run sends nothing) ... never instantiates twice"
// ---------------------------------------------------------------------------------------

/// After `farthing migrate`, the deployment file records the new checksum; a re-run of
/// `farthing deploy` with the same (new) build then predicts instantiate2 addresses from the
/// NEW checksum, finds no contract there, and instantiates a second registry, token and
/// escrow, overwriting the addresses in the deployment file (so every later `kyc` command
/// silently works on an empty registry).
#[tokio::test(flavor = "multi_thread")]
async fn review_deploy_rerun_after_migrate_instantiates_a_second_suite() {
    let chain = Chain::start().await;
    use_release_0_1_0_messages(chain.dir.path());
    let old = release_0_1_0();
    let new = artifacts();
    chain
        .farthing(&["deploy", "--artifacts", dir(&old)])
        .await
        .ok();
    chain
        .farthing(&["migrate", "--artifacts", dir(&new)])
        .await
        .ok();
    let before = deployment(&chain);
    let height = chain.node.height();

    let run = chain.farthing(&["deploy", "--artifacts", dir(&new)]).await;
    let after = deployment(&chain);
    assert_eq!(
        chain.node.height(),
        height,
        "a deploy re-run after a migration sent a transaction:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(
        addresses(&after),
        addresses(&before),
        "the deployment file now names other contracts:\n{}",
        run.stdout
    );
}

/// The `[deploy] salt` changed in the config after a deployment: the deploy re-run
/// ignores the addresses the deployment file records and instantiates a whole second
/// suite under the new salt (the claim: "never instantiates twice").
#[tokio::test(flavor = "multi_thread")]
async fn review_deploy_rerun_after_salt_change_instantiates_again() {
    let chain = Chain::start().await;
    let art = artifacts();
    chain
        .farthing(&["deploy", "--artifacts", dir(&art)])
        .await
        .ok();
    let before = deployment(&chain);
    let height = chain.node.height();

    edit(
        &chain,
        "farthing.toml",
        "salt = \"farthing-v1\"",
        "salt = \"farthing-v2\"",
    );
    let run = chain.farthing(&["deploy", "--artifacts", dir(&art)]).await;
    let after = deployment(&chain);
    assert_eq!(
        chain.node.height(),
        height,
        "the re-run instantiated the suite a second time:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(addresses(&after), addresses(&before));
}

/// A deploy re-run by another key (the deployment file's `deployer` is the officer): the
/// CLI reuses the recorded code ids, predicts addresses for the new signer, and
/// instantiates a second suite, overwriting the officer's addresses in the file.
#[tokio::test(flavor = "multi_thread")]
async fn review_deploy_rerun_by_another_signer_instantiates_again() {
    let chain = Chain::start().await;
    let art = artifacts();
    chain
        .farthing(&["deploy", "--artifacts", dir(&art)])
        .await
        .ok();
    let before = deployment(&chain);
    let height = chain.node.height();

    let run = chain
        .farthing_as(Some(OTHER_PATH), &["deploy", "--artifacts", dir(&art)])
        .await;
    let after = deployment(&chain);
    assert_eq!(
        chain.node.height(),
        height,
        "another signer's re-run instantiated a second suite:\n{}\n{}",
        run.stdout,
        run.stderr
    );
    assert_eq!(addresses(&after), addresses(&before));
}

// ---------------------------------------------------------------------------------------
// migrate: one of three instances already migrated
// ---------------------------------------------------------------------------------------

/// The registry already runs the new build (migrated by hand, or by a `farthing migrate`
/// that died after its transaction): `farthing migrate` says "already runs" and skips it,
/// but never records it, so the deployment file keeps the old code id and checksum for
/// the registry forever (and `farthing deploy` then refuses: "deployed from another
/// build").
#[tokio::test(flavor = "multi_thread")]
async fn review_migrate_leaves_an_already_migrated_instance_stale_in_the_deployment_file() {
    let chain = Chain::start().await;
    use_release_0_1_0_messages(chain.dir.path());
    let old = release_0_1_0();
    let new = artifacts();
    chain
        .farthing(&["deploy", "--artifacts", dir(&old)])
        .await
        .ok();
    let registry = deployment(&chain).contracts["kyc_registry"]
        .address
        .clone()
        .expect("registry");

    // The registry alone is migrated to the new build, outside the CLI's `migrate`.
    let ctx = chain.context(OFFICER_PATH);
    let wasm = std::fs::read(new.join("kyc_registry.wasm")).expect("wasm");
    let stored = ctx
        .node
        .send(
            &[any(&MsgStoreCode {
                sender: chain.officer.clone(),
                wasm_byte_code: wasm,
                instantiate_permission: None,
            })],
            "",
            |_| Ok(()),
        )
        .await
        .expect("store");
    let code_id: u64 = stored
        .attribute("store_code", "code_id")
        .expect("code id")
        .parse()
        .expect("number");
    ctx.node
        .send(
            &[any(&MsgMigrateContract {
                sender: chain.officer.clone(),
                contract: registry.clone(),
                code_id,
                msg: b"{}".to_vec(),
            })],
            "",
            |_| Ok(()),
        )
        .await
        .expect("migrate");

    let run = chain
        .farthing(&["migrate", "--artifacts", dir(&new)])
        .await
        .ok();
    assert!(run.stdout.contains("already runs"), "{}", run.stdout);
    let d = deployment(&chain);
    let rec = &d.contracts["kyc_registry"];
    assert_eq!(
        (rec.code_id, rec.checksum.as_str()),
        (
            Some(code_id),
            checksum_of(&new, "kyc_registry.wasm").as_str()
        ),
        "the deployment file still records the registry's old build"
    );
}

// ---------------------------------------------------------------------------------------
// gas: "gas estimate too low for the signed tx"
// ---------------------------------------------------------------------------------------

/// The CLI simulates with a zero fee and a zero gas limit, so the estimate misses what
/// the signed transaction costs more: the fee's transfer to the fee collector (the SDK
/// skips it for a zero fee, and so does the devnode) and the bytes of the real fee and
/// gas limit. With `gas_adjustment = 1.0`, which the config accepts ("must be at least
/// 1.0"), every transaction runs out of gas on chain and the fee is lost.
#[tokio::test(flavor = "multi_thread")]
async fn review_gas_adjustment_one_runs_out_of_gas_because_the_fee_is_not_simulated() {
    let chain = Chain::start().await;
    let art = artifacts();
    chain
        .farthing(&["deploy", "--artifacts", dir(&art)])
        .await
        .ok();
    let run = chain
        .farthing(&["--gas-adjustment", "1.0", "kyc", "sync", "roster.csv"])
        .await;
    assert_eq!(
        run.code, 0,
        "the signed transaction needed more gas than its estimate:\n{}\n{}",
        run.stdout, run.stderr
    );
}

// ---------------------------------------------------------------------------------------
// roster: "expiry not in the future vs chain block time ... NOTHING is sent"
// ---------------------------------------------------------------------------------------

/// The sheet is checked against the LATEST block's time, but the registry checks the
/// expiry against the time of the block the transaction lands in, which is later. A row
/// expiring 2 s after the latest block passes the CLI's check and its simulation (run at
/// the latest block's time), is broadcast, and is refused on chain: a fee is paid and a
/// failed transaction is on chain instead of a line-numbered error with exit status 2.
#[tokio::test(flavor = "multi_thread")]
async fn review_expiry_between_latest_block_and_next_block_is_sent_and_refused_on_chain() {
    let chain = Chain::start().await;
    let art = artifacts();
    chain
        .farthing(&["deploy", "--artifacts", dir(&art)])
        .await
        .ok();
    let ctx = chain.context(OFFICER_PATH);
    let now = ctx.node.block_time().await.expect("block time");
    let expiry = format_time(Timestamp::from_seconds(now.seconds() + 2));
    let sheet = format!(
        "{HEADER}\nwasm190vqdjtlpcq27xslcveglfmr4ynfwg7g28fzec,active,1,individual,DE,{expiry},{},onboarding\n",
        "ab".repeat(32)
    );
    std::fs::write(chain.path("soon.csv"), sheet).expect("write");
    let height = chain.node.height();
    let balance = ctx
        .node
        .balance(&chain.officer, "ustake")
        .await
        .expect("balance");

    let run = chain.farthing(&["kyc", "sync", "soon.csv"]).await;
    let after = ctx
        .node
        .balance(&chain.officer, "ustake")
        .await
        .expect("balance");
    assert_eq!(
        (run.code, chain.node.height(), after),
        (2, height, balance),
        "the row was sent, refused on chain, and its fee paid:\n{}\n{}",
        run.stdout,
        run.stderr
    );
}

/// Line numbers of a sheet saved with classic Mac line ends (CR only, as Excel for Mac's
/// "CSV (Macintosh)" writes it): the csv reader splits the rows on CR, but `line_at`
/// counts only LF, so every error is reported on line 1.
#[test]
fn review_errors_of_a_cr_only_sheet_name_the_right_line() {
    let good = format!(
        "wasm190vqdjtlpcq27xslcveglfmr4ynfwg7g28fzec,active,1,individual,DE,2027-06-30,{},onboarding",
        "ab".repeat(32)
    );
    let bad = good
        .replace(
            "wasm190vqdjtlpcq27xslcveglfmr4ynfwg7g28fzec",
            "wasm1sxmr0k8u6trd5c6eu6trzyapzux7090ymq9c5c",
        )
        .replace(",1,individual", ",9,individual");
    let text = format!("{HEADER}\r{good}\r{bad}\r");
    let err = parse_roster(
        "roster.csv",
        &text,
        "wasm",
        Timestamp::from_seconds(1_700_000_000),
    )
    .expect_err("tier 9 is refused");
    assert_eq!(err.errors.len(), 1, "{err}");
    assert_eq!(err.errors[0].line, 3, "{err}");
}

// ---------------------------------------------------------------------------------------
// devnode: "behaves like wasmd where a client can observe it"
// ---------------------------------------------------------------------------------------

/// wasmd refuses to instantiate a code whose `instantiate_permission` does not allow the
/// sender (`ErrUnauthorized`, "can not instantiate"), in simulation and in delivery. The
/// devnode stores the permission and never checks it: a code stored with `Nobody` is
/// instantiated by anyone.
#[tokio::test(flavor = "multi_thread")]
async fn review_devnode_ignores_the_instantiate_permission_of_a_code() {
    let chain = Chain::start().await;
    let ctx = chain.context(OFFICER_PATH);
    let wasm = std::fs::read(artifacts().join("kyc_registry.wasm")).expect("wasm");
    let stored = ctx
        .node
        .send(
            &[any(&MsgStoreCode {
                sender: chain.officer.clone(),
                wasm_byte_code: wasm,
                // wasmd's ACCESS_TYPE_NOBODY
                instantiate_permission: Some(AccessConfig {
                    permission: 1,
                    addresses: vec![],
                }),
            })],
            "",
            |_| Ok(()),
        )
        .await
        .expect("store");
    let code_id: u64 = stored
        .attribute("store_code", "code_id")
        .expect("code id")
        .parse()
        .expect("number");
    let msg = std::fs::read_to_string(chain.path("registry.json"))
        .expect("msg")
        .replace("$signer", &chain.officer);
    let instantiated = ctx
        .node
        .send(
            &[any(&MsgInstantiateContract2 {
                sender: chain.officer.clone(),
                admin: chain.officer.clone(),
                code_id,
                label: "nobody may instantiate this".into(),
                msg: msg.into_bytes(),
                funds: vec![],
                salt: b"review".to_vec(),
                fix_msg: false,
            })],
            "",
            |_| Ok(()),
        )
        .await;
    let err = instantiated
        .map(|o| o.hash)
        .expect_err("wasmd refuses: can not instantiate: unauthorized");
    assert!(err.to_string().contains("unauthorized"), "{err:#}");
}

// ---------------------------------------------------------------------------------------
// --unsigned: the transaction a multisig signs must be able to run
// ---------------------------------------------------------------------------------------

/// `kyc sync --unsigned` cannot simulate, so it sets the gas limit from `batch_gas(n)`
/// (200,000 + 20,000 per record, x the adjustment). An upsert costs far more per record
/// (the sample's 13 rows take ~835,000 gas; 200 rows over 11 million), so the unsigned
/// transaction, signed exactly as written (here by the one key standing for the multisig,
/// which needs less gas than a real multisig), runs out of gas on chain: the fee is lost
/// and the multisig's members must sign again.
#[tokio::test(flavor = "multi_thread")]
async fn review_unsigned_sync_transaction_runs_out_of_gas_as_written() {
    use cosmrs::proto::cosmos::tx::v1beta1::TxRaw;
    use cosmrs::proto::prost::Message;
    use cosmrs::rpc::Client;
    use cosmrs::tx::{Body, Fee, SignDoc, SignerInfo};
    use farthing_cli::kyc::sync::{anys, unsigned_messages};
    use serde_json::Value;

    let chain = Chain::start().await;
    let art = artifacts();
    chain
        .farthing(&["deploy", "--artifacts", dir(&art)])
        .await
        .ok();
    chain
        .farthing_as(
            None,
            &[
                "kyc",
                "sync",
                "roster.csv",
                "--unsigned",
                "tx.json",
                "--multisig",
                &chain.officer,
            ],
        )
        .await
        .ok();
    let tx: Value =
        serde_json::from_str(&std::fs::read_to_string(chain.path("tx.json")).expect("tx"))
            .expect("json");
    let gas_limit: u64 = tx["auth_info"]["fee"]["gas_limit"]
        .as_str()
        .expect("gas limit")
        .parse()
        .expect("number");
    let fee: u128 = tx["auth_info"]["fee"]["amount"][0]["amount"]
        .as_str()
        .expect("fee")
        .parse()
        .expect("number");
    let memo = tx["body"]["memo"].as_str().expect("memo");
    let msgs = anys(&unsigned_messages(&tx).expect("messages"));

    // Signed as `wasmd tx sign` would sign it: the file's messages, memo, fee, gas limit.
    let ctx = chain.context(OFFICER_PATH);
    let key = signer(OFFICER_PATH);
    let (number, sequence) = ctx.node.account(&chain.officer).await.expect("account");
    let body = Body::new(msgs, memo, 0u32);
    let auth = SignerInfo::single_direct(Some(key.public_key()), sequence).auth_info(
        Fee::from_amount_and_gas(
            cosmrs::Coin {
                denom: "ustake".parse().expect("denom"),
                amount: fee,
            },
            gas_limit,
        ),
    );
    let doc = SignDoc::new(&body, &auth, &"farthing-local".parse().expect("id"), number)
        .expect("sign doc");
    let signature = key
        .sign(&doc.clone().into_bytes().expect("bytes"))
        .expect("sign");
    let raw = TxRaw {
        body_bytes: doc.body_bytes,
        auth_info_bytes: doc.auth_info_bytes,
        signatures: vec![signature],
    }
    .encode_to_vec();
    let client = cosmrs::rpc::HttpClient::new(chain.node.url().as_str()).expect("client");
    let sent = client.broadcast_tx_sync(raw).await.expect("broadcast");
    assert!(sent.code.is_ok(), "CheckTx: {}", sent.log);
    let done = ctx.node.wait_tx(&sent.hash.to_string()).await;
    assert!(
        done.is_ok(),
        "the unsigned transaction (gas limit {gas_limit}) failed as written: {:#}",
        done.err().map(|e| e.to_string()).unwrap_or_default()
    );
}

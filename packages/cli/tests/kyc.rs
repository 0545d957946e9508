//! `farthing kyc diff / sync / audit`, end to end: the binary against the devnode, on a
//! registry the binary deployed.

mod support;

use farthing_cli::deploy::Deployment;
use farthing_cli::kyc::sync::{anys, fetch_records, unsigned_messages, BatchFailed};
use farthing_types::kyc::{KycStatus, QueryMsg, RecordResponse};
use serde_json::Value;
use support::*;

const SHEET_ROWS: usize = 13;

async fn deployed() -> (Chain, String) {
    let chain = Chain::start().await;
    let art = artifacts();
    chain
        .farthing(&["deploy", "--artifacts", art.to_str().expect("utf-8")])
        .await
        .ok();
    let d = Deployment::load(&chain.path("deployments/farthing-local.json"))
        .expect("read")
        .expect("written");
    let registry = d.contracts["kyc_registry"]
        .address
        .clone()
        .expect("registry");
    (chain, registry)
}

fn edit(chain: &Chain, name: &str, from: &str, to: &str) {
    let path = chain.path(name);
    let text = std::fs::read_to_string(&path).expect("read");
    assert!(text.contains(from), "{from} not in {name}");
    std::fs::write(&path, text.replacen(from, to, 1)).expect("write");
}

#[tokio::test(flavor = "multi_thread")]
async fn diff_sync_resync_change_remove_and_export() {
    let (chain, registry) = deployed().await;
    let ctx = chain.context(OFFICER_PATH);
    // The deploy listed the escrow: one record on chain, not in the sheet.
    assert_eq!(
        fetch_records(&ctx.node, &registry)
            .await
            .expect("records")
            .len(),
        1
    );

    let start = chain.node.height();
    let diff = chain.farthing(&["kyc", "diff", "roster.csv"]).await.ok();
    assert_eq!(chain.node.height(), start, "diff sent something");
    assert!(
        diff.stdout.contains(&format!(
            "{SHEET_ROWS} added, 0 changed, 0 unchanged, 0 removed"
        )),
        "{}",
        diff.stdout
    );
    assert_eq!(
        diff.stdout.matches("\n+ ").count() + diff.stdout.starts_with("+ ") as usize,
        SHEET_ROWS,
        "{}",
        diff.stdout
    );

    // Sync in batches of 5: three transactions, each named with its sheet lines.
    let sync = chain
        .farthing(&["kyc", "sync", "roster.csv", "--batch-size", "5"])
        .await
        .ok();
    assert_eq!(chain.node.height(), start + 3, "{}", sync.stdout);
    assert!(
        sync.stdout.contains("batch 1/3 (5 records, lines 19-23)"),
        "{}",
        sync.stdout
    );
    assert!(
        sync.stdout
            .contains("batch 3/3 (3 records, lines 33-34, 37)"),
        "{}",
        sync.stdout
    );
    let records = fetch_records(&ctx.node, &registry).await.expect("records");
    assert_eq!(records.len(), SHEET_ROWS + 1);

    // Re-sync: nothing left to send.
    let height = chain.node.height();
    let again = chain.farthing(&["kyc", "sync", "roster.csv"]).await.ok();
    assert_eq!(chain.node.height(), height);
    assert!(
        again
            .stdout
            .contains("0 added, 0 changed, 13 unchanged, 0 removed"),
        "{}",
        again.stdout
    );
    assert!(again.stdout.contains("nothing to send"), "{}", again.stdout);

    // One row changes tier and expiry; one row leaves the sheet.
    edit(
        &chain,
        "roster.csv",
        "wasm1txd6yksd037kwxlwjvtjeflzwt7g0uxqymg6rf,active,1,individual,US,2027-08-01",
        "wasm1txd6yksd037kwxlwjvtjeflzwt7g0uxqymg6rf,active,2,individual,US,2028-08-01",
    );
    edit(
        &chain,
        "roster.csv",
        "wasm1vld2ax8dp3sjs4a8zcsz733n2mlu7xspnzh6pp,revoked",
        "# wasm1vld2ax8dp3sjs4a8zcsz733n2mlu7xspnzh6pp,revoked",
    );
    let diff = chain
        .farthing(&["kyc", "diff", "roster.csv", "--remove-missing"])
        .await
        .ok();
    assert!(
        diff.stdout.contains(
            "~ wasm1txd6yksd037kwxlwjvtjeflzwt7g0uxqymg6rf (line 24): tier 1 -> 2, expiry 2027-08-01T00:00:00Z -> 2028-08-01T00:00:00Z"
        ),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout
            .contains("- wasm1vld2ax8dp3sjs4a8zcsz733n2mlu7xspnzh6pp"),
        "{}",
        diff.stdout
    );
    // The escrow (listed by the deploy, absent from the sheet) is the deployment's own
    // contract: kept, not removed (it must stay listed to hold tokens).
    assert!(
        diff.stdout
            .contains("0 added, 1 changed, 11 unchanged, 1 removed"),
        "{}",
        diff.stdout
    );
    assert!(
        diff.stdout
            .contains("1 record on chain absent from the sheet, kept"),
        "{}",
        diff.stdout
    );
    // Without --remove-missing nothing is removed.
    let height = chain.node.height();
    chain.farthing(&["kyc", "sync", "roster.csv"]).await.ok();
    assert_eq!(chain.node.height(), height + 1);
    let changed: RecordResponse = ctx
        .node
        .smart(
            &registry,
            &QueryMsg::Record {
                address: "wasm1txd6yksd037kwxlwjvtjeflzwt7g0uxqymg6rf".into(),
            },
        )
        .await
        .expect("record");
    assert_eq!(changed.record.expect("listed").tier, 2);
    assert_eq!(
        fetch_records(&ctx.node, &registry)
            .await
            .expect("records")
            .len(),
        SHEET_ROWS + 1
    );

    // The audit log, as CSV, from sequence 1 on.
    let audit = chain
        .farthing(&["kyc", "audit", "--since", "seq:0", "--output", "audit.csv"])
        .await
        .ok();
    let csv = std::fs::read_to_string(chain.path("audit.csv")).expect("csv");
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "seq,time,height,action,actor,subject,status,reason"
    );
    let upserts = lines
        .iter()
        .filter(|l| l.contains(",record_upserted,"))
        .count();
    // The escrow, 13 rows, then the one change.
    assert_eq!(upserts, 1 + SHEET_ROWS + 1, "{csv}");
    assert!(
        audit
            .stdout
            .contains(&format!("{} entries written", lines.len() - 1)),
        "{}",
        audit.stdout
    );
    let last = lines.last().expect("an entry");
    assert!(
        last.contains("wasm1txd6yksd037kwxlwjvtjeflzwt7g0uxqymg6rf,active,onboarding"),
        "{last}"
    );
    let tail = chain
        .farthing(&[
            "kyc",
            "audit",
            "--since",
            &format!("seq:{}", lines.len() - 2),
            "--format",
            "json",
        ])
        .await
        .ok();
    let entries: Value = serde_json::from_str(&tail.stdout).expect("json");
    assert_eq!(
        entries.as_array().expect("array").len(),
        1,
        "{}",
        tail.stdout
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_bad_sheet_is_refused_line_by_line_and_nothing_is_sent() {
    let (chain, _) = deployed().await;
    edit(&chain, "roster.csv", ",DE,2027-06-30,", ",ZZ,2027-06-30,");
    edit(
        &chain,
        "roster.csv",
        "wasm1sxmr0k8u6trd5c6eu6trzyapzux7090ymq9c5c,active,0",
        "cosmos1sxmr0k8u6trd5c6eu6trzyapzux7090ymq9c5c,active,0",
    );
    edit(
        &chain,
        "roster.csv",
        "active,3,individual,CH,2028-01-31T00:00:00Z",
        "active,4,individual,CH,2020-01-31T00:00:00Z",
    );
    let start = chain.node.height();
    for cmd in ["diff", "sync"] {
        let run = chain.farthing(&["kyc", cmd, "roster.csv"]).await;
        assert_eq!(run.code, 2, "{run:?}");
        assert!(
            run.stderr.contains("roster.csv:19: jurisdiction:"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("roster.csv:20: address:"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("roster.csv:22: tier:"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("roster.csv:22: expiry:"),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr
                .contains("4 errors in roster.csv: nothing was sent"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(chain.node.height(), start);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_batch_is_named_with_its_rows_and_a_rerun_sends_the_rest() {
    let (chain, registry) = deployed().await;
    // Not an officer: the registry refuses the first batch; the error names the batch,
    // its sheet lines, and the registry's reason.
    let other = chain.context(OTHER_PATH);
    let sheet = other
        .roster(&chain.path("roster.csv"))
        .await
        .expect("valid sheet");
    let mut out = vec![];
    let err =
        farthing_cli::kyc::sync::sync(&other.node, &registry, &sheet, false, &[], 5, &mut out)
            .await
            .expect_err("not an officer");
    let failed = err.downcast_ref::<BatchFailed>().expect("a BatchFailed");
    assert_eq!((failed.index, failed.of), (1, 3));
    assert_eq!(failed.rows, "lines 19-23");
    let text = err.to_string();
    assert!(
        text.starts_with("batch 1 of 3 (lines 19-23) failed:"),
        "{text}"
    );
    assert!(text.contains("[code=not_officer]"), "{text}");
    // Each row, simulated alone, is refused for the same reason, given without the
    // node's wrapping.
    assert_eq!(failed.culprits.len(), 5, "{text}");
    assert_eq!(
        failed.culprits[0].0,
        "line 19 (wasm190vqdjtlpcq27xslcveglfmr4ynfwg7g28fzec)"
    );
    assert_eq!(
        failed.culprits[0].1,
        format!(
            "[code=not_officer] {} is not a compliance officer of this registry",
            chain.other
        )
    );

    // The officer syncs the first batch only (a sheet cut short), then the whole sheet:
    // the second run sends only the rows still missing.
    let officer = chain.context(OFFICER_PATH);
    let mut first = sheet.clone();
    first.rows.truncate(5);
    farthing_cli::kyc::sync::sync(&officer.node, &registry, &first, false, &[], 5, &mut out)
        .await
        .expect("first batch");
    let height = chain.node.height();
    let mut out = vec![];
    let report =
        farthing_cli::kyc::sync::sync(&officer.node, &registry, &sheet, false, &[], 5, &mut out)
            .await
            .expect("the rest");
    assert_eq!(report.sent.len(), 2);
    assert_eq!(chain.node.height(), height + 2);
    assert_eq!(
        report.diff_summary,
        "8 added, 0 changed, 5 unchanged, 0 removed"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn unsigned_transactions_for_a_multisig_carry_exactly_the_sync() {
    let (chain, registry) = deployed().await;
    let start = chain.node.height();
    // A Cosmos multisig account (here: the officer's address stands for it, so that the
    // test can sign the same messages with one key and check what they do).
    let run = chain
        .farthing_as(
            None,
            &[
                "kyc",
                "sync",
                "roster.csv",
                "--batch-size",
                "10",
                "--unsigned",
                "tx.json",
                "--multisig",
                &chain.officer,
            ],
        )
        .await
        .ok();
    assert_eq!(chain.node.height(), start, "--unsigned sent something");
    assert!(
        run.stdout
            .contains("Wrote the unsigned transaction (2 messages"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("wasmd tx multisign"), "{}", run.stdout);
    let tx: Value =
        serde_json::from_str(&std::fs::read_to_string(chain.path("tx.json")).expect("tx"))
            .expect("json");
    assert_eq!(tx["signatures"], serde_json::json!([]));
    assert_eq!(tx["auth_info"]["signer_infos"], serde_json::json!([]));
    assert_eq!(tx["auth_info"]["fee"]["amount"][0]["denom"], "ustake");
    let msgs = tx["body"]["messages"].as_array().expect("messages");
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0]["@type"], "/cosmwasm.wasm.v1.MsgExecuteContract");
    assert_eq!(msgs[0]["contract"], registry.as_str());
    assert_eq!(
        msgs[0]["msg"]["upsert_records"]["records"]
            .as_array()
            .expect("records")
            .len(),
        10
    );
    assert_eq!(
        msgs[1]["msg"]["upsert_records"]["records"]
            .as_array()
            .expect("records")
            .len(),
        3
    );

    // Signed and broadcast (by the one key standing for the multisig), the messages
    // bring the registry to the sheet.
    let ctx = chain.context(OFFICER_PATH);
    let planned = unsigned_messages(&tx).expect("messages");
    ctx.node
        .send(&anys(&planned), "", |_| Ok(()))
        .await
        .expect("broadcast");
    let after = chain.farthing(&["kyc", "diff", "roster.csv"]).await.ok();
    assert!(
        after
            .stdout
            .contains("0 added, 0 changed, 13 unchanged, 0 removed"),
        "{}",
        after.stdout
    );

    // cw3: one proposal per batch, opened by the proposer, executing on the registry.
    edit(
        &chain,
        "roster.csv",
        ",active,1,individual,DE,",
        ",suspended,1,individual,DE,",
    );
    chain
        .farthing_as(
            None,
            &[
                "kyc",
                "sync",
                "roster.csv",
                "--unsigned",
                "cw3.json",
                "--cw3",
                &chain.other,
                "--proposer",
                &chain.officer,
            ],
        )
        .await
        .ok();
    let tx: Value =
        serde_json::from_str(&std::fs::read_to_string(chain.path("cw3.json")).expect("tx"))
            .expect("json");
    let msg = &tx["body"]["messages"][0];
    assert_eq!(msg["sender"], chain.officer.as_str());
    assert_eq!(msg["contract"], chain.other.as_str());
    let inner = &msg["msg"]["propose"]["msgs"][0]["wasm"]["execute"];
    assert_eq!(inner["contract_addr"], registry.as_str());
    let decoded: Value = serde_json::from_slice(
        &cosmwasm_std::Binary::from_base64(inner["msg"].as_str().expect("base64")).expect("base64"),
    )
    .expect("json");
    let records = decoded["upsert_records"]["records"]
        .as_array()
        .expect("records");
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0]["status"],
        serde_json::to_value(KycStatus::Suspended).expect("status")
    );
}

//! `farthing deploy` and `farthing migrate`, end to end: the binary against the devnode
//! (CometBFT RPC over HTTP, the release wasm on cosmwasm-vm).

mod support;

use farthing_cli::deploy::{predicted_address, Deployment};
use farthing_types::kyc::{KycStatus, QueryMsg, RecordResponse};
use serde_json::Value;
use support::*;

fn deployment(chain: &Chain) -> Deployment {
    Deployment::load(&chain.path("deployments/farthing-local.json"))
        .expect("readable")
        .expect("written")
}

fn checksums(dir: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(dir.join("checksums.txt")).expect("sums");
    let mut sums: Vec<(String, String)> = text
        .lines()
        .map(|l| {
            let mut p = l.split_whitespace();
            let sum = p.next().expect("sum").to_string();
            (p.next().expect("file").to_string(), sum)
        })
        .collect();
    sums.sort();
    sums.into_iter().map(|(_, s)| s).collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_resume_then_migrate_from_release_0_1_0() {
    let chain = Chain::start().await;
    use_release_0_1_0_messages(chain.dir.path());
    let old = release_0_1_0();
    let old_dir = old.to_str().expect("utf-8");

    // A dry run sends nothing and writes nothing, and shows every message with its gas.
    let start = chain.node.height();
    let dry = chain
        .farthing(&["deploy", "--artifacts", old_dir, "--dry-run"])
        .await
        .ok();
    assert_eq!(chain.node.height(), start, "a dry run sent a transaction");
    assert!(
        !chain.path("deployments").exists(),
        "a dry run wrote a file"
    );
    assert_eq!(
        dry.stdout.matches("MsgStoreCode").count(),
        3,
        "{}",
        dry.stdout
    );
    assert_eq!(dry.stdout.matches("MsgInstantiateContract2").count(), 3);
    assert_eq!(dry.stdout.matches("\"upsert_records\"").count(), 1);
    assert_eq!(
        dry.stdout.matches("simulated, limit").count(),
        4,
        "every transaction has a simulated estimate:\n{}",
        dry.stdout
    );

    // A deploy whose escrow message the contract refuses: the uploads are done and
    // recorded, the instantiations (one transaction) are not.
    let escrow = std::fs::read_to_string(chain.path("escrow.json")).expect("escrow");
    std::fs::write(
        chain.path("escrow.json"),
        escrow.replace(
            "\"accepted_cw20\": [\"$token\"]",
            "\"accepted_cw20\": [\"$token\", \"nonsense\"]",
        ),
    )
    .expect("write");
    let failed = chain.farthing(&["deploy", "--artifacts", old_dir]).await;
    assert_eq!(failed.code, 1, "{failed:?}");
    assert!(
        failed.stderr.contains("step \"instantiate\""),
        "{}",
        failed.stderr
    );
    let partial = deployment(&chain);
    assert!(partial
        .contracts
        .values()
        .all(|c| c.code_id.is_some() && c.address.is_none()));
    let after_failure = chain.node.height();

    // The re-run skips the uploads and sends the one instantiate transaction.
    std::fs::write(chain.path("escrow.json"), escrow).expect("write");
    let run = chain
        .farthing(&["deploy", "--artifacts", old_dir])
        .await
        .ok();
    assert_eq!(chain.node.height(), after_failure + 1, "{}", run.stdout);
    assert_eq!(
        run.stdout.matches("checksum verified").count(),
        3,
        "{}",
        run.stdout
    );
    let d = deployment(&chain);
    assert_eq!(d.deployer, chain.officer);
    let sums = checksums(&old);
    let names = ["kyc_registry", "micropay_token", "royalty_escrow"];
    for (name, sum) in names.iter().zip(&sums) {
        let c = &d.contracts[*name];
        assert_eq!(&c.checksum, sum, "{name}");
        let salt = format!("farthing-v1/{name}");
        let want = predicted_address(&chain.officer, sum, &salt, "wasm").expect("address");
        assert_eq!(c.address.as_deref(), Some(want.as_str()), "{name}");
        assert_eq!(c.salt.as_deref(), Some(salt.as_str()));
    }
    assert!(d.pending.is_none());
    let registry = d.contracts["kyc_registry"]
        .address
        .clone()
        .expect("registry");
    let escrow_addr = d.contracts["royalty_escrow"]
        .address
        .clone()
        .expect("escrow");

    // The escrow is listed in the registry, as a contract.
    let ctx = chain.context(OFFICER_PATH);
    let listed: RecordResponse = ctx
        .node
        .smart(
            &registry,
            &QueryMsg::Record {
                address: escrow_addr.clone(),
            },
        )
        .await
        .expect("record");
    let listed = listed.record.expect("the escrow is listed");
    assert_eq!(listed.status, KycStatus::Active);
    assert_eq!(listed.jurisdiction, "CH");

    // Idempotent: a third run sends nothing.
    let height = chain.node.height();
    let again = chain
        .farthing(&["deploy", "--artifacts", old_dir])
        .await
        .ok();
    assert_eq!(chain.node.height(), height, "{}", again.stdout);
    assert_eq!(
        again.stdout.matches(": done").count(),
        7,
        "{}",
        again.stdout
    );

    // Migrate to the current build: a dry run first (nothing sent), then for real.
    let new = artifacts();
    let new_dir = new.to_str().expect("utf-8");
    let dry = chain
        .farthing(&["migrate", "--artifacts", new_dir, "--dry-run"])
        .await
        .ok();
    assert_eq!(chain.node.height(), height, "{}", dry.stdout);
    assert_eq!(
        dry.stdout.matches("MsgMigrateContract").count(),
        3,
        "{}",
        dry.stdout
    );
    assert!(
        dry.stdout.contains("farthing-kyc-registry 0.1.0"),
        "{}",
        dry.stdout
    );
    let run = chain
        .farthing(&["migrate", "--artifacts", new_dir])
        .await
        .ok();
    // Three uploads and one transaction migrating all three.
    assert_eq!(chain.node.height(), height + 4, "{}", run.stdout);
    let d = deployment(&chain);
    assert_eq!(d.migrations.len(), 3);
    for (name, sum) in names.iter().zip(checksums(&new)) {
        assert_eq!(d.contracts[*name].checksum, sum, "{name}");
        let info = ctx
            .node
            .contract_info(d.contracts[*name].address.as_deref().expect("address"))
            .await
            .expect("query")
            .expect("exists");
        assert_eq!(Some(info.code_id), d.contracts[*name].code_id);
        let cw2: Value = serde_json::from_slice(
            &ctx.node
                .raw(&info.address, b"contract_info")
                .await
                .expect("raw")
                .expect("cw2"),
        )
        .expect("json");
        assert_eq!(cw2["version"], env!("CARGO_PKG_VERSION"), "{name}");
    }
    // State survived: the escrow's record, read with the new build's (string) wire.
    let kept: RecordResponse = ctx
        .node
        .smart(
            &registry,
            &QueryMsg::Record {
                address: escrow_addr,
            },
        )
        .await
        .expect("record");
    assert_eq!(kept.record.expect("kept").expires_at, listed.expires_at);

    // Nothing left to migrate: nothing sent.
    let height = chain.node.height();
    let again = chain
        .farthing(&["migrate", "--artifacts", new_dir])
        .await
        .ok();
    assert_eq!(chain.node.height(), height);
    assert_eq!(
        again.stdout.matches("already runs").count(),
        3,
        "{}",
        again.stdout
    );

    // Back to 0.1.0: the contracts refuse a downgrade, and the CLI finds out by
    // simulation before uploading anything.
    let back = chain.farthing(&["migrate", "--artifacts", old_dir]).await;
    assert_eq!(back.code, 1, "{back:?}");
    // The refusing code is the 0.1.0 build's own migrate (which predates error codes).
    assert!(
        back.stderr
            .contains("Cannot migrate from newer version (0.2.0) to older (0.1.0)"),
        "{}",
        back.stderr
    );
    assert!(back.stderr.contains("nothing was sent"), "{}", back.stderr);
    assert_eq!(
        chain.node.height(),
        height,
        "a refused migration sent something"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_tampered_build_and_a_foreign_admin_are_refused_before_anything_is_sent() {
    let chain = Chain::start().await;
    let build = chain.path("build");
    std::fs::create_dir(&build).expect("dir");
    for f in [
        "kyc_registry.wasm",
        "micropay_token.wasm",
        "royalty_escrow.wasm",
        "checksums.txt",
    ] {
        std::fs::copy(artifacts().join(f), build.join(f)).expect("copy");
    }
    let mut wasm = std::fs::read(build.join("micropay_token.wasm")).expect("wasm");
    let last = wasm.len() - 1;
    wasm[last] ^= 1;
    std::fs::write(build.join("micropay_token.wasm"), wasm).expect("write");
    let start = chain.node.height();
    let run = chain
        .farthing(&["deploy", "--artifacts", build.to_str().expect("utf-8")])
        .await;
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("checksum mismatch"), "{}", run.stderr);
    assert!(run.stderr.contains("micropay_token.wasm"), "{}", run.stderr);
    assert_eq!(chain.node.height(), start);
    assert!(!chain.path("deployments").exists());

    // Deployed by the officer at 0.1.0: another key may not migrate (the wasm admin is
    // the officer), and is told so before anything is sent.
    use_release_0_1_0_messages(chain.dir.path());
    chain
        .farthing(&[
            "deploy",
            "--artifacts",
            release_0_1_0().to_str().expect("utf-8"),
        ])
        .await
        .ok();
    let height = chain.node.height();
    let new = artifacts();
    let run = chain
        .farthing_as(
            Some(OTHER_PATH),
            &["migrate", "--artifacts", new.to_str().expect("utf-8")],
        )
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(run.stderr.contains("only the admin of"), "{}", run.stderr);
    assert!(run.stderr.contains(&chain.officer), "{}", run.stderr);
    assert_eq!(chain.node.height(), height);

    // A build whose "registry" is the token's code: the chain's simulation runs the
    // token's migrate on the registry's storage, which refuses it (`wrong_contract`).
    let swapped = chain.path("swapped");
    std::fs::create_dir(&swapped).expect("dir");
    std::fs::copy(
        new.join("micropay_token.wasm"),
        swapped.join("kyc_registry.wasm"),
    )
    .expect("copy");
    for f in ["micropay_token.wasm", "royalty_escrow.wasm"] {
        std::fs::copy(new.join(f), swapped.join(f)).expect("copy");
    }
    let sums = std::fs::read_to_string(new.join("checksums.txt")).expect("sums");
    let token_sum = sums
        .lines()
        .find(|l| l.ends_with("micropay_token.wasm"))
        .and_then(|l| l.split_whitespace().next())
        .expect("token sum")
        .to_string();
    let sums: String = sums
        .lines()
        .map(|l| {
            if l.ends_with("kyc_registry.wasm") {
                format!("{token_sum}  kyc_registry.wasm\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(swapped.join("checksums.txt"), sums).expect("sums");
    let run = chain
        .farthing(&["migrate", "--artifacts", swapped.to_str().expect("utf-8")])
        .await;
    assert_eq!(run.code, 1, "{run:?}");
    assert!(
        run.stderr.contains("[code=wrong_contract]"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("nothing was sent"), "{}", run.stderr);
    assert_eq!(chain.node.height(), height);
}

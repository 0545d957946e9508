//! The TypeScript SDK's `payingFetch` against this gateway: the cross-language test.
//!
//! The chain (a devnode on the real VM), the publisher's API and the gateway run here; the
//! payer is `packages/ts/interop/gateway.interop.ts`, run with the SDK's vitest. Its
//! opener (the payer's wallet) sends its transactions through a bridge served here, on the
//! Rust `ChainOpener` of `PAYER_2`. Afterwards the gateway settles, and the chain must
//! hold exactly what the TS side paid for.
//!
//! Needs the SDK's packages (`packages/ts/node_modules`): `scripts/test.sh` installs them
//! before the Rust tests. `FARTHING_SDK_DIR` points elsewhere (a copied tree).

mod support;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use farthing_gateway::client::{ChainOpener, Opener};
use farthing_gateway::ledger::Books;
use farthing_gateway::protocol::network;
use farthing_gateway::testnet::{address, PAYER_2};
use farthing_voucher::SignerKey;
use serde::Deserialize;
use serde_json::{json, Value};
use support::*;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Open {
    payee: String,
    amount: String,
    expires_at: u64,
    signer: SignerKey,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Channel {
    channel_id: String,
    #[serde(default)]
    amount: Option<String>,
    #[serde(default)]
    expires_at: Option<u64>,
}

type Answer = Result<Json<Value>, (StatusCode, String)>;

fn fail(e: impl std::fmt::Display) -> (StatusCode, String) {
    (StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

fn int<T: std::str::FromStr>(s: &str) -> Result<T, (StatusCode, String)> {
    s.parse()
        .map_err(|_| (StatusCode::BAD_REQUEST, format!("{s} is not a number")))
}

/// The payer's wallet, over HTTP, for the TS opener.
async fn bridge(opener: ChainOpener) -> String {
    let app = Router::new()
        .route(
            "/open",
            post(
                |State(o): State<Arc<ChainOpener>>, Json(a): Json<Open>| async move {
                    let id = o
                        .open(&a.payee, int(&a.amount)?, a.expires_at, a.signer)
                        .await
                        .map_err(fail)?;
                    Answer::Ok(Json(json!({ "channelId": id.to_string() })))
                },
            ),
        )
        .route(
            "/top-up",
            post(
                |State(o): State<Arc<ChainOpener>>, Json(a): Json<Channel>| async move {
                    let amount = int(a.amount.as_deref().unwrap_or(""))?;
                    o.top_up(int(&a.channel_id)?, amount).await.map_err(fail)?;
                    Answer::Ok(Json(json!({})))
                },
            ),
        )
        .route(
            "/extend",
            post(
                |State(o): State<Arc<ChainOpener>>, Json(a): Json<Channel>| async move {
                    let at = a.expires_at.unwrap_or(0);
                    o.extend(int(&a.channel_id)?, at).await.map_err(fail)?;
                    Answer::Ok(Json(json!({})))
                },
            ),
        )
        .route(
            "/status",
            post(
                |State(o): State<Arc<ChainOpener>>, Json(a): Json<Channel>| async move {
                    let life = o.status(int(&a.channel_id)?).await.map_err(fail)?;
                    Answer::Ok(Json(match life {
                        Some(l) => json!({
                            "closed": l.closed,
                            "closing": l.closing,
                            "deposit": l.deposit.to_string(),
                        }),
                        None => Value::Null,
                    }))
                },
            ),
        )
        .with_state(Arc::new(opener));
    let (url, _) = listen(app).await;
    url
}

fn sdk_dir() -> PathBuf {
    std::env::var_os("FARTHING_SDK_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../ts"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_typescript_paying_fetch_pays_this_gateway_and_the_chain_gets_exactly_what_it_served() {
    let sdk = sdk_dir();
    let vitest = sdk.join("node_modules/vitest/vitest.mjs");
    assert!(
        vitest.exists(),
        "{} is missing: install the SDK's packages first (scripts/test.sh does)",
        vitest.display()
    );
    let rig = Rig::start().await;
    let payer = address(PAYER_2);
    let opener = bridge(ChainOpener {
        node: rig.net.node(PAYER_2).expect("node"),
        token: rig.net.token.clone(),
    })
    .await;
    let out = rig.net.dir.path().join("interop.json");
    let before = rig.net.balance(&payer).await.expect("balance");
    let publisher_before = rig.net.balance(&rig.publisher()).await.expect("balance");

    let mut cmd = std::process::Command::new("node");
    cmd.current_dir(&sdk)
        .arg(&vitest)
        .args(["run", "--config", "interop/vitest.config.mts"])
        .env("FARTHING_GATEWAY_URL", &rig.url)
        .env("FARTHING_NETWORK", network(&rig.net.chain.chain_id))
        .env("FARTHING_TOKEN", &rig.net.token)
        .env("FARTHING_PAYEE", rig.publisher())
        .env("FARTHING_OPENER_URL", &opener)
        .env("FARTHING_INTEROP_OUT", &out)
        .env("FARTHING_PRICE", PRICE.to_string())
        .env("CI", "true");
    let run = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("node runs");
    assert!(
        run.status.success(),
        "the TS side failed:\n{}\n{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );

    let seen: Value =
        serde_json::from_slice(&std::fs::read(&out).expect("the TS side's summary")).expect("json");
    let channel: u64 = seen["channelId"].as_str().expect("id").parse().expect("id");
    // 32 requests served (10 + 20 + 1 after a refund + 1 after the restore); one not charged.
    assert_eq!(
        rig.books(channel).await,
        Books {
            spent: 32 * PRICE,
            accepted: 32 * PRICE
        }
    );
    assert_eq!(seen["signed"], json!((32 * PRICE).to_string()));
    assert_eq!(rig.hits("fail"), 1);
    for path in ["a0", "a9", "p0", "p19", "after-fail", "restored"] {
        assert_eq!(rig.hits(path), 1, "{path} served once");
    }
    let on_chain = rig.channel(channel).await;
    assert_eq!(on_chain.payer.as_str(), payer);
    let deposit = on_chain.deposit.u128();
    assert_eq!(
        before - rig.net.balance(&payer).await.expect("balance"),
        deposit
    );

    // The gateway settles: the publisher gets exactly the 32 requests.
    let pass = rig.settler().pass(true).await.expect("settle");
    assert_eq!(pass.claimed, vec![(channel, 32 * PRICE)]);
    assert_eq!(rig.channel(channel).await.claimed.u128(), 32 * PRICE);
    assert_eq!(
        rig.net.balance(&rig.publisher()).await.expect("balance") - publisher_before,
        32 * PRICE
    );
}

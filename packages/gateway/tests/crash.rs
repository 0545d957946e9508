//! The gateway binary killed with SIGKILL in the middle of paid traffic, then restarted
//! on the same database: no voucher whose request was served is lost, and none of them
//! can be spent again.

mod support;

use std::collections::BTreeMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::StatusCode;
use farthing_gateway::store::Store;
use farthing_gateway::testnet::{Testnet, MNEMONIC, PAYER, PAYER_2, PUBLISHER};
use support::*;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

struct Binary {
    child: Child,
    url: String,
}

async fn start(config: &std::path::Path, port: u16, admin: u16) -> Binary {
    let child = Command::new(env!("CARGO_BIN_EXE_farthing-gateway"))
        .arg("--config")
        .arg(config)
        .env("FARTHING_MNEMONIC", MNEMONIC)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("gateway starts");
    let health = format!("http://127.0.0.1:{admin}/healthz");
    for _ in 0..200 {
        if reqwest_like(&health).await {
            return Binary {
                child,
                url: format!("http://127.0.0.1:{port}"),
            };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut child = child;
    let _ = child.kill();
    let _ = child.wait();
    panic!("the gateway did not come up");
}

async fn reqwest_like(url: &str) -> bool {
    let client: hyper_util::client::legacy::Client<_, http_body_util::Full<axum::body::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    client
        .get(url.parse().expect("uri"))
        .await
        .is_ok_and(|r| r.status().is_success())
}

fn config_text(net: &Testnet, upstream: &str, port: u16, admin: u16) -> String {
    format!(
        r#"
[gateway]
listen = "127.0.0.1:{port}"
admin_listen = "127.0.0.1:{admin}"
upstream = "{upstream}"
token = "{token}"
database = "crash.sqlite"
durability = "normal"

[chain]
chain_id = "{chain_id}"
rpc = "{rpc}"
prefix = "wasm"
gas_price = "0.025ustake"
hd_path = "{PUBLISHER}"

[settle]
interval_seconds = 86400
threshold = "1000000000000"
tick_seconds = 3600

[[route]]
method = "GET"
path = "/paid/{{*rest}}"
price = "{PRICE}"
"#,
        token = net.token,
        chain_id = net.chain.chain_id,
        rpc = net.chain.rpc,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_killed_mid_load_loses_no_served_voucher() {
    let net = Testnet::start(1_000_000_000).await.expect("testnet");
    let (upstream, _seen) = upstream().await;
    let (port, admin) = (free_port(), free_port());
    let config = net.dir.path().join("gateway.toml");
    std::fs::write(&config, config_text(&net, &upstream, port, admin)).expect("config");
    let mut gw = start(&config, port, admin).await;

    // A rig over the same chain, only to open channels and sign vouchers.
    let rig = RigLite { net: &net };
    let req = rig.requirements(&gw.url).await;
    let mut channels = vec![];
    for (i, payer) in [PAYER, PAYER_2, PAYER, PAYER_2].iter().enumerate() {
        channels.push((rig.open(payer, &req.pay_to, i as u8 + 1).await, i as u8 + 1));
    }
    // Four payers' streams in parallel, each sending its next voucher as soon as the
    // previous one is answered; every served voucher is recorded.
    let served: Arc<Mutex<BTreeMap<u64, Vec<u128>>>> = Arc::default();
    let mut tasks = vec![];
    for (ch, seed) in channels.clone() {
        let (url, req, served) = (gw.url.clone(), req.clone(), served.clone());
        let net_chain = net.chain.chain_id.clone();
        tasks.push(tokio::spawn(async move {
            for i in 1..=10_000u128 {
                let p = payment(&net_chain, &req, ch, i * PRICE, seed);
                let answer = try_raw(&url, "/paid/x", &p).await;
                match answer {
                    Some(StatusCode::OK) => served
                        .lock()
                        .expect("served")
                        .entry(ch)
                        .or_default()
                        .push(i * PRICE),
                    // The gateway is gone.
                    _ => return,
                }
            }
        }));
    }
    // Kill it after a few hundred served requests.
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let n: usize = served.lock().expect("served").values().map(Vec::len).sum();
        if n >= 400 {
            break;
        }
    }
    gw.child.kill().expect("SIGKILL");
    gw.child.wait().expect("reaped");
    for t in tasks {
        t.await.expect("join");
    }
    let served = served.lock().expect("served").clone();
    let total: usize = served.values().map(Vec::len).sum();
    assert!(total >= 400, "{total}");

    // Every served voucher is in the database, and the books cover it.
    let db = net.dir.path().join("crash.sqlite");
    {
        let store = Store::open(&db, Default::default()).expect("store");
        let reader = store.reader().expect("reader");
        let rows = reader.channels().expect("rows");
        for (ch, values) in &served {
            let row = rows.iter().find(|r| r.id == *ch).expect("channel row");
            let top = *values.iter().max().expect("one");
            assert!(
                row.books.spent >= top,
                "channel {ch}: spent {} < served {top}",
                row.books.spent
            );
            for v in values {
                assert_eq!(
                    reader.best_at_most(*ch, *v).expect("read").map(|b| b.0),
                    Some(*v),
                    "channel {ch}: served voucher {v} lost"
                );
            }
        }
    }

    // Restarted on the same database: the served vouchers cannot be spent again, and
    // the next ones are accepted.
    let mut gw = start(&config, port, admin).await;
    for (ch, seed) in &channels {
        let top = *served[ch].iter().max().expect("one");
        let replay = payment(&net.chain.chain_id, &req, *ch, top, *seed);
        assert_eq!(
            try_raw(&gw.url, "/paid/x", &replay).await,
            Some(StatusCode::PAYMENT_REQUIRED)
        );
        // The request in flight when the gateway died may have been charged: the next
        // voucher above what the books say is served.
        let store = Store::open(&db, Default::default()).expect("store");
        let spent = store
            .reader()
            .expect("reader")
            .channels()
            .expect("rows")
            .into_iter()
            .find(|r| r.id == *ch)
            .expect("row")
            .books
            .spent;
        let next = payment(&net.chain.chain_id, &req, *ch, spent + PRICE, *seed);
        assert_eq!(
            try_raw(&gw.url, "/paid/x", &next).await,
            Some(StatusCode::OK)
        );
    }
    gw.child.kill().expect("kill");
    let _ = gw.child.wait();
}

struct RigLite<'a> {
    net: &'a Testnet,
}

impl RigLite<'_> {
    async fn requirements(&self, url: &str) -> farthing_gateway::protocol::PaymentRequirements {
        let (status, headers, _) = raw(url, "/paid/x", None).await;
        assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
        let r: farthing_gateway::protocol::PaymentRequired =
            farthing_gateway::protocol::decode_header(
                headers[farthing_gateway::protocol::PAYMENT_REQUIRED]
                    .to_str()
                    .expect("ascii"),
            )
            .expect("402");
        r.accepts[0].clone()
    }

    async fn open(&self, payer: &str, payee: &str, seed: u8) -> u64 {
        open_channel(self.net, payer, payee, 100_000_000, 86_400, seed).await
    }
}

/// The status, or `None` when the gateway did not answer.
async fn try_raw(
    base: &str,
    path: &str,
    p: &farthing_gateway::protocol::PaymentPayload,
) -> Option<StatusCode> {
    let client: hyper_util::client::legacy::Client<_, http_body_util::Full<axum::body::Bytes>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
            .build_http();
    let req = axum::http::Request::get(format!("{base}{path}"))
        .header(
            farthing_gateway::protocol::PAYMENT_SIGNATURE,
            farthing_gateway::protocol::encode_header(p),
        )
        .body(http_body_util::Full::new(axum::body::Bytes::new()))
        .expect("request");
    client.request(req).await.ok().map(|r| r.status())
}

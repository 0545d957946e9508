//! A publisher's API behind the gateway, on a devnode with the suite deployed.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::routing::any;
use axum::Router;
use cosmwasm_std::Uint128;
use farthing_gateway::client::{Book, ChainOpener, MemoryStore, PayingClient, Policy};
use farthing_gateway::config::Config;
use farthing_gateway::ledger::Books;
use farthing_gateway::protocol::{
    decode_header, encode_header, network, ChannelPayment, PaymentPayload, PaymentRequired,
    PaymentRequirements, SettlementResponse, PAYMENT_REQUIRED, PAYMENT_RESPONSE, PAYMENT_SIGNATURE,
    X402_VERSION,
};
use farthing_gateway::server::Gateway;
use farthing_gateway::settler::Settler;
use farthing_gateway::store::Store;
use farthing_gateway::testnet::{self, Testnet, PAYER, PUBLISHER};
use farthing_types::token::ExecuteMsg;
use farthing_voucher::{public_key, sign, KeyType, Voucher};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// What the upstream saw: hits per path, and the payer header of each.
#[derive(Default)]
pub struct Seen {
    pub hits: HashMap<String, u64>,
    pub payers: Vec<String>,
}

pub type Upstream = Arc<Mutex<Seen>>;

async fn serve_upstream(
    State(seen): State<Upstream>,
    Path(rest): Path<String>,
    headers: HeaderMap,
) -> (StatusCode, String) {
    {
        let mut s = seen.lock().expect("seen");
        *s.hits.entry(rest.clone()).or_default() += 1;
        if let Some(p) = headers.get("x-farthing-payer") {
            s.payers.push(p.to_str().unwrap_or("").to_string());
        }
    }
    match rest.as_str() {
        "fail" => (StatusCode::INTERNAL_SERVER_ERROR, "boom".into()),
        "slow" => {
            tokio::time::sleep(Duration::from_secs(10)).await;
            (StatusCode::OK, "late".into())
        }
        "missing" => (StatusCode::NOT_FOUND, "no such article".into()),
        _ => (StatusCode::OK, format!("article {rest}")),
    }
}

/// The publisher's API: `/paid/<name>` answers 200, except `fail` (500), `slow` (10 s)
/// and `missing` (404).
pub async fn upstream() -> (String, Upstream) {
    let seen: Upstream = Arc::default();
    let app = Router::new()
        .route("/paid/{*rest}", any(serve_upstream))
        .with_state(seen.clone());
    (listen(app).await.0, seen)
}

pub const PRICE: u128 = 1_000;

pub struct Rig {
    pub net: Testnet,
    pub gw: Arc<Gateway>,
    pub url: String,
    pub seen: Upstream,
    pub upstream: String,
    pub db: std::path::PathBuf,
    server: tokio::task::JoinHandle<()>,
}

impl Rig {
    pub async fn start() -> Rig {
        Rig::start_with(|_| {}).await
    }

    pub async fn start_with(tune: impl FnOnce(&mut Config)) -> Rig {
        let net = Testnet::start(1_000_000_000).await.expect("testnet");
        let (upstream, seen) = upstream().await;
        let db = net.dir.path().join("gateway.sqlite");
        let mut config = net.gateway_config(&upstream, PRICE, &db);
        tune(&mut config);
        let (gw, url, server) = serve(&net, config).await;
        Rig {
            net,
            gw,
            url,
            seen,
            upstream,
            db,
            server,
        }
    }

    /// Stops this gateway and starts another over the same database (a restart).
    pub async fn restart(&mut self) {
        let config = self.gw.config.clone();
        self.restart_with(config).await;
    }

    /// A restart with another config.
    pub async fn restart_with(&mut self, config: Config) {
        self.server.abort();
        let (gw, url, server) = serve(&self.net, config).await;
        self.gw = gw;
        self.url = url;
        self.server = server;
    }

    pub fn hits(&self, path: &str) -> u64 {
        self.seen
            .lock()
            .expect("seen")
            .hits
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    pub fn settler(&self) -> Settler {
        Settler::new(self.gw.clone())
    }

    /// A paying client for `PAYER`, in memory, budget `budget`.
    pub fn client(&self, budget: u128) -> PayingClient<ChainOpener> {
        self.client_from(budget, Book::default())
    }

    /// A paying client for `PAYER` whose store holds `book` (a backup, say).
    pub fn client_from(&self, budget: u128, book: Book) -> PayingClient<ChainOpener> {
        self.client_with(book, |p| p.budget = budget)
    }

    /// A paying client for `PAYER` over `book`, its policy changed by `tune`.
    pub fn client_with(
        &self,
        book: Book,
        tune: impl FnOnce(&mut Policy),
    ) -> PayingClient<ChainOpener> {
        let mut policy = Policy {
            network: network(&self.net.chain.chain_id),
            asset: self.net.token.clone(),
            budget: 10_000_000,
            requests_per_deposit: 100,
            extra_life_seconds: 86_400,
            max_price: 1_000_000,
        };
        tune(&mut policy);
        PayingClient::new(
            ChainOpener {
                node: self.net.node(PAYER).expect("node"),
                token: self.net.token.clone(),
            },
            policy,
            Box::new(MemoryStore(Mutex::new(book))),
        )
        .expect("client")
    }

    pub fn publisher(&self) -> String {
        testnet::address(PUBLISHER)
    }

    /// Opens a channel from `payer` to `payee` with an ed25519 key from `seed`.
    pub async fn open(&self, payer: &str, payee: &str, deposit: u128, life: u64, seed: u8) -> u64 {
        open_channel(&self.net, payer, payee, deposit, life, seed).await
    }

    /// The operator takes the freezer role and freezes `who` (a test path) for `reason`.
    pub async fn freeze(&self, who: &str, reason: &str) {
        let operator = testnet::OPERATOR;
        self.net
            .execute(
                operator,
                &self.net.token,
                &ExecuteMsg::GrantRole {
                    role: farthing_types::token::Role::Freezer,
                    address: testnet::address(operator),
                },
            )
            .await
            .expect("grant");
        self.net
            .execute(
                operator,
                &self.net.token,
                &ExecuteMsg::Freeze {
                    address: testnet::address(who),
                    reason: reason.into(),
                },
            )
            .await
            .expect("freeze");
    }

    /// The requirements the gateway publishes (from a 402).
    pub async fn requirements(&self) -> PaymentRequirements {
        let (status, headers, _) = raw(&self.url, "/paid/x", None).await;
        assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
        let r: PaymentRequired =
            decode_header(headers[PAYMENT_REQUIRED].to_str().expect("ascii")).expect("402");
        r.accepts[0].clone()
    }

    /// A payment of `cumulative` on `channel`, signed with the key from `seed`, for `req`.
    pub fn payment(
        &self,
        req: &PaymentRequirements,
        channel: u64,
        cumulative: u128,
        seed: u8,
    ) -> PaymentPayload {
        payment(&self.net.chain.chain_id, req, channel, cumulative, seed)
    }

    /// The gateway's books on `channel`.
    pub async fn books(&self, channel: u64) -> Books {
        self.gw.slot(channel).lock().await.books
    }

    /// The books as stored in the database.
    pub fn stored(&self, channel: u64) -> Option<Books> {
        Store::open(&self.db, Default::default())
            .expect("store")
            .reader()
            .expect("reader")
            .channels()
            .expect("rows")
            .into_iter()
            .find(|r| r.id == channel)
            .map(|r| r.books)
    }

    /// The channel on chain.
    pub async fn channel(&self, id: u64) -> farthing_types::token::Channel {
        self.net
            .node(PAYER)
            .expect("node")
            .smart(
                &self.net.token,
                &farthing_types::token::QueryMsg::Channel { channel: id },
            )
            .await
            .expect("channel")
    }
}

async fn serve(
    net: &Testnet,
    config: Config,
) -> (Arc<Gateway>, String, tokio::task::JoinHandle<()>) {
    let store = Store::open(&config.database(), config.gateway.durability).expect("store");
    let node = net.node(PUBLISHER).expect("node");
    let gw = Gateway::new(config, node, store).await.expect("gateway");
    let (url, server) = listen(gw.router()).await;
    (gw, url, server)
}

/// Serves `app` on a free local port: its base URL, and the server's task.
pub async fn listen(app: Router) -> (String, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (format!("http://{addr}"), server)
}

/// A request with an optional payment: status, headers, body.
pub async fn raw(
    base: &str,
    path: &str,
    payment: Option<&PaymentPayload>,
) -> (StatusCode, HeaderMap, Bytes) {
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let mut req = Request::builder()
        .method(Method::GET)
        .uri(format!("{base}{path}"))
        .body(Full::new(Bytes::new()))
        .expect("request");
    if let Some(p) = payment {
        req.headers_mut()
            .insert(PAYMENT_SIGNATURE, encode_header(p).parse().expect("header"));
    }
    let resp = client.request(req).await.expect("gateway answers");
    let (parts, body) = resp.into_parts();
    (
        parts.status,
        parts.headers,
        body.collect().await.expect("body").to_bytes(),
    )
}

/// The `[code=...]` of a 402.
pub fn code_of(headers: &HeaderMap) -> String {
    let r: PaymentRequired =
        decode_header(headers[PAYMENT_REQUIRED].to_str().expect("ascii")).expect("402");
    r.code().expect("code").to_string()
}

pub fn receipt_of(headers: &HeaderMap) -> SettlementResponse {
    decode_header(headers[PAYMENT_RESPONSE].to_str().expect("ascii")).expect("receipt")
}

/// Opens a channel from `payer` to `payee` on `net`, `deposit` for `life` seconds, with an
/// ed25519 key from `seed`.
pub async fn open_channel(
    net: &Testnet,
    payer: &str,
    payee: &str,
    deposit: u128,
    life: u64,
    seed: u8,
) -> u64 {
    let node = net.node(payer).expect("node");
    let now = node.block_time().await.expect("time").seconds();
    let out = net
        .execute(
            payer,
            &net.token,
            &ExecuteMsg::OpenChannel {
                payee: payee.to_string(),
                amount: Uint128::new(deposit),
                expires_at: cosmwasm_std::Timestamp::from_seconds(now + life),
                signer: public_key(KeyType::Ed25519, &[seed; 32]).expect("key"),
                travel_rule_ref: None,
            },
        )
        .await
        .expect("open");
    out.attribute("wasm-token_channel_opened", "channel")
        .expect("channel id")
        .parse()
        .expect("id")
}

/// A payment of `cumulative` on `channel` of chain `chain_id`, signed with the key from
/// `seed`, for `req`.
pub fn payment(
    chain_id: &str,
    req: &PaymentRequirements,
    channel: u64,
    cumulative: u128,
    seed: u8,
) -> PaymentPayload {
    let v = Voucher {
        chain_id: chain_id.to_string(),
        token: req.asset.clone(),
        channel_id: channel,
        payee: req.pay_to.clone(),
        cumulative: Uint128::new(cumulative),
    };
    PaymentPayload {
        x402_version: X402_VERSION,
        resource: None,
        accepted: req.clone(),
        payload: ChannelPayment {
            channel_id: channel,
            cumulative: Uint128::new(cumulative),
            signature: sign(KeyType::Ed25519, &[seed; 32], &v).expect("sign"),
        },
    }
}

//! The proxy: prices a request, takes its voucher, commits the charge, forwards it, and
//! refunds it if the upstream fails.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context as _, Result};
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, Request, Response, StatusCode, Uri};
use axum::routing::get;
use axum::Router;
use cosmwasm_std::{HexBinary, Uint128};
use farthing_cli::node::{Node, QueryError};
use farthing_types::kyc::DenialCode;
use farthing_types::token::{
    AccountResponse, CanTransferResponse, Channel, QueryMsg, MIN_SETTLE_SECONDS,
};
use farthing_voucher::Voucher;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::sync::Mutex as AsyncMutex;

use crate::config::{Config, Prices, RouteConfig};
use crate::ledger::{self, Books, ChannelView, Reject, Terms};
use crate::metrics::Metrics;
use crate::protocol::{
    self, encode_header, ChannelStatus, ChannelTerms, PaymentPayload, PaymentRequired,
    PaymentRequirements, Resource, SettlementResponse, FORWARDED_CHANNEL, FORWARDED_PAYER,
    PAYMENT_REQUIRED, PAYMENT_RESPONSE, PAYMENT_SIGNATURE, SCHEME, X402_VERSION,
};
use crate::store::{Op, Store};

/// A channel as read from the chain, and when.
#[derive(Clone, Debug)]
pub struct Fetched {
    pub view: ChannelView,
    pub payer: String,
    /// The end of the settle period, when the payer started closing.
    pub closing_at: Option<u64>,
    /// Why the token would refuse the payee's claims now (the payer frozen, its KYC
    /// suspended or revoked, ...): the denial code. Requests are refused meanwhile.
    pub blocked: Option<String>,
    /// The chain's block time when it was read, and the local instant.
    pub chain_time: u64,
    pub at: Instant,
}

impl Fetched {
    /// The chain's time now, as seen from the read (block time plus the time since).
    pub fn now(&self) -> u64 {
        self.chain_time.saturating_add(self.at.elapsed().as_secs())
    }

    /// When claims stop being possible: the expiry, or the end of the settle period.
    pub fn deadline(&self) -> u64 {
        match self.closing_at {
            Some(c) => c.min(self.view.expires_at),
            None => self.view.expires_at,
        }
    }
}

/// What the gateway knows of one channel. One lock per channel serializes its requests'
/// checks and charges (not their forwarding).
#[derive(Debug, Default)]
pub struct Slot {
    pub fetched: Option<Fetched>,
    pub books: Books,
    /// Claimed on chain, as last seen.
    pub settled: u128,
    pub payer: String,
    /// Value of the charged requests still waiting for the upstream: the settler leaves
    /// it unclaimed, since a failed one is refunded.
    pub in_flight: u128,
    /// The signature of the voucher for `books.accepted`, when held: sent with the
    /// channel's status so that a client whose store is behind can check it and catch up.
    pub proof: Option<Vec<u8>>,
}

pub type Shared = Arc<AsyncMutex<Slot>>;

pub struct Gateway {
    pub config: Config,
    pub terms: Terms,
    prices: Prices,
    pub node: Arc<Node>,
    pub store: Store,
    pub metrics: Metrics,
    channels: Mutex<HashMap<u64, Shared>>,
    client: Client<HttpConnector, Body>,
    upstream: Uri,
    settle_seconds: u64,
}

/// Why a request got no service, as an HTTP answer.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
    channel: Option<ChannelStatus>,
}

impl Refusal {
    fn payment(code: &'static str, message: String) -> Refusal {
        Refusal {
            status: StatusCode::PAYMENT_REQUIRED,
            code,
            message,
            channel: None,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn to_u64(n: u128) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

const HOP_BY_HOP: [&str; 8] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
];

impl Gateway {
    /// The gateway over `store`, paid as the node's signer.
    pub async fn new(config: Config, node: Node, store: Store) -> Result<Arc<Gateway>> {
        let payee = node.sender()?;
        let prices = Prices::new(&config.routes)?;
        let upstream: Uri = config
            .gateway
            .upstream
            .parse()
            .with_context(|| format!("upstream {}", config.gateway.upstream))?;
        let settle_seconds = match node.raw(&config.gateway.token, b"cs").await {
            Ok(Some(bytes)) => serde_json::from_slice(&bytes).unwrap_or(MIN_SETTLE_SECONDS),
            Ok(None) => MIN_SETTLE_SECONDS,
            Err(e) => return Err(e.context("reading the token's settle period")),
        };
        let mut channels = HashMap::new();
        let reader = store.reader()?;
        for row in reader.channels()? {
            let proof = reader
                .best_at_most(row.id, row.books.accepted)?
                .filter(|(cumulative, _)| *cumulative == row.books.accepted)
                .map(|(_, signature)| signature);
            channels.insert(
                row.id,
                Arc::new(AsyncMutex::new(Slot {
                    fetched: None,
                    books: row.books,
                    settled: row.settled,
                    payer: row.payer,
                    in_flight: 0,
                    proof,
                })),
            );
        }
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(Duration::from_secs(60))
            .build(http);
        let metrics = Metrics::new();
        let gw = Gateway {
            terms: Terms {
                chain_id: node.chain_id.clone(),
                token: config.gateway.token.clone(),
                payee,
                min_expiry_seconds: config.payment.min_expiry_seconds,
            },
            prices,
            node: Arc::new(node),
            store,
            metrics,
            channels: Mutex::new(channels),
            client,
            upstream,
            settle_seconds,
            config,
        };
        gw.update_unsettled().await;
        Ok(Arc::new(gw))
    }

    /// The paying clients' router: every path goes through [`Gateway::handle`].
    pub fn router(self: &Arc<Self>) -> Router {
        Router::new().fallback(handle).with_state(self.clone())
    }

    /// `/metrics` and `/healthz`.
    pub fn admin_router(self: &Arc<Self>) -> Router {
        Router::new()
            .route(
                "/metrics",
                get(|State(gw): State<Arc<Gateway>>| async move {
                    gw.update_unsettled().await;
                    (
                        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
                        gw.metrics.render(),
                    )
                }),
            )
            .route("/healthz", get(|| async { "ok" }))
            .with_state(self.clone())
    }

    /// The slot of channel `id` (created empty).
    pub fn slot(&self, id: u64) -> Shared {
        lock(&self.channels).entry(id).or_default().clone()
    }

    /// Every channel the gateway has books on.
    pub fn slots(&self) -> Vec<(u64, Shared)> {
        let mut v: Vec<_> = lock(&self.channels)
            .iter()
            .map(|(k, s)| (*k, s.clone()))
            .collect();
        v.sort_by_key(|(k, _)| *k);
        v
    }

    /// Recomputes the unsettled-value gauge.
    pub async fn update_unsettled(&self) {
        let mut total: u128 = 0;
        for (_, slot) in self.slots() {
            let s = slot.lock().await;
            total = total.saturating_add(s.books.spent.saturating_sub(s.settled));
        }
        self.metrics
            .unsettled
            .set(i64::try_from(total).unwrap_or(i64::MAX));
    }

    /// Reads channel `id` from the chain (`None`: no such channel).
    pub async fn read_channel(&self, id: u64) -> Result<Option<Fetched>> {
        self.metrics.channel_reads.inc();
        let Some(ch) = channel_on_chain(&self.node, &self.terms.token, id).await? else {
            return Ok(None);
        };
        let chain_time = self.node.block_time().await?.seconds();
        let blocked = self.claim_blocked(&ch.payer, &ch.payee).await?;
        Ok(Some(Fetched {
            view: ChannelView {
                id: ch.id,
                payee: ch.payee.to_string(),
                signer: ch.signer,
                deposit: ch.deposit.u128(),
                claimed: ch.claimed.u128(),
                expires_at: ch.expires_at.seconds(),
                closing: ch.closing_at.is_some(),
                closed: ch.closed,
            },
            payer: ch.payer.to_string(),
            closing_at: ch.closing_at.map(|t| t.seconds()),
            blocked,
            chain_time,
            at: Instant::now(),
        }))
    }

    /// Whether the token would refuse a claim from `payer`'s channel to `payee` now: the
    /// denial code of a transfer dry run (`CanTransfer` of 1), counting only the codes
    /// that stop a channel's claim too. Limits, the travel rule and the balance do not
    /// apply to a claim (the deposit was checked at open); an expired KYC does not stop
    /// it; a pause stops the channel's clock, so claims only wait.
    async fn claim_blocked(
        &self,
        payer: &cosmwasm_std::Addr,
        payee: &cosmwasm_std::Addr,
    ) -> Result<Option<String>> {
        let answer: CanTransferResponse = self
            .node
            .smart(
                &self.terms.token,
                &QueryMsg::CanTransfer {
                    from: payer.to_string(),
                    to: payee.to_string(),
                    amount: Uint128::one(),
                },
            )
            .await?;
        let code = answer.verdict.denial.map(|d| d.code);
        Ok(match code {
            Some(
                c @ (DenialCode::NotListed
                | DenialCode::Suspended
                | DenialCode::Revoked
                | DenialCode::JurisdictionBlocked
                | DenialCode::Frozen),
            ) => Some(c.as_str().to_string()),
            Some(DenialCode::InsufficientFunds) => {
                // The dry run stops at the balance (often all locked in channels): ask
                // about the freeze directly.
                let account: AccountResponse = self
                    .node
                    .smart(
                        &self.terms.token,
                        &QueryMsg::Account {
                            address: payer.to_string(),
                        },
                    )
                    .await?;
                account
                    .frozen
                    .then(|| DenialCode::Frozen.as_str().to_string())
            }
            _ => None,
        })
    }

    /// Reads channel `id` into `slot` for a request: `unknown_channel` when the chain has
    /// no such channel, `chain_unavailable` (503) when it cannot be read.
    async fn reread(&self, id: u64, slot: &mut Slot) -> std::result::Result<(), Refusal> {
        match self.refresh_slot(id, slot).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(Refusal::payment(
                "unknown_channel",
                format!("channel {id} does not exist on this token"),
            )),
            Err(e) => Err(chain_unavailable(id, &e)),
        }
    }

    /// Reads channel `id` into `slot`; `false` when the chain has no such channel.
    pub async fn refresh_slot(&self, id: u64, slot: &mut Slot) -> Result<bool> {
        match self.read_channel(id).await? {
            Some(f) => {
                slot.settled = slot.settled.max(f.view.claimed);
                slot.payer = f.payer.clone();
                slot.fetched = Some(f);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    fn requirements(
        &self,
        route: &RouteConfig,
        channel: Option<ChannelStatus>,
    ) -> PaymentRequirements {
        PaymentRequirements {
            scheme: SCHEME.into(),
            network: protocol::network(&self.terms.chain_id),
            amount: route.price,
            asset: self.terms.token.clone(),
            pay_to: self.terms.payee.clone(),
            max_timeout_seconds: self.config.gateway.upstream_timeout_seconds,
            extra: ChannelTerms {
                min_deposit: self.config.payment.min_deposit,
                min_expiry_seconds: self.config.payment.min_expiry_seconds,
                settle_seconds: self.settle_seconds,
                signer_kinds: vec!["ed25519".into(), "secp256k1".into()],
                channel,
            },
        }
    }

    fn refuse(&self, route: &RouteConfig, uri: &Uri, r: Refusal) -> Response<Body> {
        if r.status == StatusCode::PAYMENT_REQUIRED {
            self.metrics.payment_required.inc();
        }
        let body = PaymentRequired {
            x402_version: X402_VERSION,
            error: Some(format!("[code={}] {}", r.code, r.message)),
            resource: Resource {
                url: uri.path().to_string(),
                description: route.description.clone(),
                mime_type: route.mime_type.clone(),
            },
            accepts: vec![self.requirements(route, r.channel)],
        };
        let json = serde_json::to_vec(&body).unwrap_or_default();
        let mut resp = Response::new(Body::from(json));
        *resp.status_mut() = r.status;
        let h = resp.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        if let Ok(v) = HeaderValue::from_str(&encode_header(&body)) {
            h.insert(PAYMENT_REQUIRED, v);
        }
        resp
    }

    fn status_of(slot: &Slot, id: u64) -> Option<ChannelStatus> {
        let f = slot.fetched.as_ref()?;
        Some(ChannelStatus {
            id,
            spent: Uint128::new(slot.books.spent.max(f.view.claimed)),
            accepted: Uint128::new(slot.books.accepted),
            accepted_signature: slot.proof.clone().map(HexBinary::from),
            deposit: Uint128::new(f.view.deposit),
            expires_at: f.view.expires_at,
        })
    }

    /// Takes the payment of `price`: checks the voucher against the channel (read from
    /// the chain when not cached or stale) and commits the charge. Returns the payer and
    /// the books after the charge.
    async fn charge(
        &self,
        payment: &PaymentPayload,
        price: u128,
    ) -> std::result::Result<(String, Books), Refusal> {
        let accepted = &payment.accepted;
        if payment.x402_version != X402_VERSION || accepted.scheme != SCHEME {
            return Err(Refusal::payment(
                "bad_payment",
                format!(
                    "x402 version {} scheme {:?}: this gateway takes version {X402_VERSION}, scheme {SCHEME}",
                    payment.x402_version, accepted.scheme
                ),
            ));
        }
        let p = &payment.payload;
        let voucher = Voucher {
            chain_id: protocol::chain_of(&accepted.network)
                .unwrap_or(&accepted.network)
                .to_string(),
            token: accepted.asset.clone(),
            channel_id: p.channel_id,
            payee: accepted.pay_to.clone(),
            cumulative: p.cumulative,
        };
        let slot = self.slot(p.channel_id);
        let mut s = slot.lock().await;
        let cache = Duration::from_secs(self.config.payment.cache_seconds);
        let mut fresh = false;
        if s.fetched.as_ref().map_or(true, |f| f.at.elapsed() >= cache) {
            self.reread(p.channel_id, &mut s).await?;
            fresh = true;
        }
        let books = loop {
            let Some(f) = s.fetched.as_ref() else {
                return Err(Refusal::payment(
                    "unknown_channel",
                    format!("channel {} is unknown", p.channel_id),
                ));
            };
            if let Some(code) = &f.blocked {
                self.metrics
                    .rejected
                    .with_label_values(&["payer_blocked"])
                    .inc();
                return Err(Refusal {
                    status: StatusCode::PAYMENT_REQUIRED,
                    code: "payer_blocked",
                    message: format!(
                        "the token would refuse this channel's claims now ({code}): no request is served on it meanwhile"
                    ),
                    channel: Self::status_of(&s, p.channel_id),
                });
            }
            let now = f.now();
            match ledger::check(
                &self.terms,
                &f.view,
                s.books,
                price,
                &voucher,
                p.signature.as_slice(),
                now,
            ) {
                Ok(b) => break b,
                // The payer may have topped up or extended since the read.
                Err(Reject::OverDeposit { .. } | Reject::Expiring { .. }) if !fresh => {
                    fresh = true;
                    self.reread(p.channel_id, &mut s).await?;
                }
                Err(e) => {
                    self.metrics.rejected.with_label_values(&[e.code()]).inc();
                    return Err(Refusal {
                        status: StatusCode::PAYMENT_REQUIRED,
                        code: e.code(),
                        message: e
                            .to_string()
                            .split_once("] ")
                            .map_or(e.to_string(), |(_, m)| m.to_string()),
                        channel: Self::status_of(&s, p.channel_id),
                    });
                }
            }
        };
        let payer = s
            .fetched
            .as_ref()
            .map(|f| f.payer.clone())
            .unwrap_or_default();
        self.store
            .write(vec![Op::Charge {
                channel: p.channel_id,
                payer: payer.clone(),
                books,
                cumulative: p.cumulative.u128(),
                signature: p.signature.to_vec(),
            }])
            .await
            .map_err(|e| {
                tracing::error!(channel = p.channel_id, error = %e, "charge not committed");
                Refusal {
                    status: StatusCode::SERVICE_UNAVAILABLE,
                    code: "store_unavailable",
                    message: "the gateway could not record the payment; nothing was charged".into(),
                    channel: None,
                }
            })?;
        if books.accepted == p.cumulative.u128() {
            s.proof = Some(p.signature.to_vec());
        }
        s.books = books;
        s.payer = payer.clone();
        s.in_flight = s.in_flight.saturating_add(price);
        Ok((payer, books))
    }

    /// The upstream answered a request charged `price` on `channel`: it is no longer in
    /// flight, and with `refund` (the upstream failed) the charge is given back.
    async fn finish(&self, channel: u64, price: u128, refund: bool) -> Books {
        let slot = self.slot(channel);
        let mut s = slot.lock().await;
        s.in_flight = s.in_flight.saturating_sub(price);
        if !refund {
            return s.books;
        }
        let books = Books {
            spent: s.books.spent.saturating_sub(price),
            accepted: s.books.accepted,
        };
        if let Err(e) = self.store.write(vec![Op::Refund { channel, books }]).await {
            // The settler claims at most what the books say was spent: if the refund is
            // not on disk, a restart would charge it. Say so loudly.
            tracing::error!(channel, price, error = %e, "refund not committed");
        }
        s.books = books;
        self.metrics.refunded.inc();
        books
    }

    fn upstream_uri(&self, uri: &Uri) -> Result<Uri> {
        let mut parts = self.upstream.clone().into_parts();
        let base = self.upstream.path().trim_end_matches('/');
        let pq = uri.path_and_query().map_or("/", |p| p.as_str());
        parts.path_and_query = Some(format!("{base}{pq}").parse()?);
        Ok(Uri::from_parts(parts)?)
    }

    /// Forwards `req` upstream; `Err` is a transport failure or a time-out.
    async fn forward(
        &self,
        mut req: Request<Body>,
        paid_by: Option<(&str, u64)>,
    ) -> std::result::Result<Response<Body>, StatusCode> {
        let uri = self
            .upstream_uri(req.uri())
            .map_err(|_| StatusCode::BAD_REQUEST)?;
        *req.uri_mut() = uri;
        let h = req.headers_mut();
        strip(h);
        h.remove(PAYMENT_SIGNATURE);
        h.remove(header::HOST);
        h.remove(FORWARDED_PAYER);
        h.remove(FORWARDED_CHANNEL);
        if let Some((payer, channel)) = paid_by {
            if let Ok(v) = HeaderValue::from_str(payer) {
                h.insert(FORWARDED_PAYER, v);
            }
            h.insert(FORWARDED_CHANNEL, HeaderValue::from(channel));
        }
        let timeout = Duration::from_secs(self.config.gateway.upstream_timeout_seconds);
        match tokio::time::timeout(timeout, self.client.request(req)).await {
            Ok(Ok(resp)) => {
                let (mut parts, body) = resp.into_parts();
                strip(&mut parts.headers);
                Ok(Response::from_parts(parts, Body::new(body)))
            }
            Ok(Err(e)) => {
                tracing::warn!(error = %e, "upstream failed");
                Err(StatusCode::BAD_GATEWAY)
            }
            Err(_) => Err(StatusCode::GATEWAY_TIMEOUT),
        }
    }

    fn receipt(
        &self,
        payer: &str,
        channel: u64,
        charged: u128,
        books: Books,
    ) -> SettlementResponse {
        SettlementResponse {
            success: charged > 0,
            transaction: String::new(),
            network: protocol::network(&self.terms.chain_id),
            payer: payer.to_string(),
            error_reason: (charged == 0).then(|| "upstream_failed".to_string()),
            channel_id: channel,
            amount: Uint128::new(charged),
            spent: Uint128::new(books.spent),
            accepted: Uint128::new(books.accepted),
        }
    }
}

/// Channel `id` of `token` as the chain has it; `None` when there is no such channel (the
/// token answers `channel <id> not found`).
pub async fn channel_on_chain(node: &Node, token: &str, id: u64) -> Result<Option<Channel>> {
    match node.smart(token, &QueryMsg::Channel { channel: id }).await {
        Ok(ch) => Ok(Some(ch)),
        Err(e)
            if e.downcast_ref::<QueryError>()
                .is_some_and(|q| q.log.contains(&format!("channel {id} not found"))) =>
        {
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

fn chain_unavailable(channel: u64, e: &anyhow::Error) -> Refusal {
    tracing::warn!(channel, error = %e, "channel read failed");
    Refusal {
        status: StatusCode::SERVICE_UNAVAILABLE,
        code: "chain_unavailable",
        message: format!("cannot read channel {channel} from the chain"),
        channel: None,
    }
}

/// A path with a `.` or `..` segment (plain or percent-encoded) or a backslash: an
/// upstream that resolves it could serve a priced route under a free one.
fn ambiguous(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    lower.contains('\\')
        || lower.contains("%2e")
        || lower.contains("%2f")
        || lower.contains("%5c")
        || path.split('/').any(|seg| seg == "." || seg == "..")
}

fn strip(h: &mut HeaderMap) {
    for name in HOP_BY_HOP {
        h.remove(name);
    }
}

fn with_receipt(mut resp: Response<Body>, receipt: &SettlementResponse) -> Response<Body> {
    if let Ok(v) = HeaderValue::from_str(&encode_header(receipt)) {
        resp.headers_mut()
            .insert(HeaderName::from_static(PAYMENT_RESPONSE), v);
    }
    resp
}

fn plain(status: StatusCode, text: String) -> Response<Body> {
    let mut r = Response::new(Body::from(text));
    *r.status_mut() = status;
    r
}

async fn handle(State(gw): State<Arc<Gateway>>, req: Request<Body>) -> Response<Body> {
    let started = Instant::now();
    if ambiguous(req.uri().path()) {
        return plain(
            StatusCode::BAD_REQUEST,
            "[code=bad_path] the path has a dot segment or an encoded separator".into(),
        );
    }
    let Some(route) = gw
        .prices
        .at(req.method().as_str(), req.uri().path())
        .cloned()
    else {
        if gw.config.gateway.free_unlisted {
            return gw
                .forward(req, None)
                .await
                .unwrap_or_else(|s| plain(s, "upstream failed".into()));
        }
        return plain(
            StatusCode::NOT_FOUND,
            "[code=not_priced] this gateway sells no such route".into(),
        );
    };
    let price = route.price.u128();
    if price == 0 {
        return gw
            .forward(req, None)
            .await
            .unwrap_or_else(|s| plain(s, "upstream failed".into()));
    }
    let uri = req.uri().clone();
    let Some(header) = req.headers().get(PAYMENT_SIGNATURE) else {
        return gw.refuse(
            &route,
            &uri,
            Refusal::payment(
                "payment_required",
                format!(
                    "this request costs {price} of {}: pay with a voucher on a channel to {}",
                    gw.terms.token, gw.terms.payee
                ),
            ),
        );
    };
    let payment: PaymentPayload = match header
        .to_str()
        .map_err(|e| e.to_string())
        .and_then(protocol::decode_header)
    {
        Ok(p) => p,
        Err(e) => {
            gw.metrics
                .rejected
                .with_label_values(&["bad_payment"])
                .inc();
            return gw.refuse(
                &route,
                &uri,
                Refusal::payment("bad_payment", format!("PAYMENT-SIGNATURE: {e}")),
            );
        }
    };
    let channel = payment.payload.channel_id;
    let (payer, books) = match gw.charge(&payment, price).await {
        Ok(ok) => ok,
        Err(r) => {
            if r.code == "unknown_channel" {
                gw.metrics
                    .rejected
                    .with_label_values(&["unknown_channel"])
                    .inc();
            }
            return gw.refuse(&route, &uri, r);
        }
    };
    gw.metrics
        .added_seconds
        .observe(started.elapsed().as_secs_f64());
    // The rest runs to its end even if the client goes away: a charged request is either
    // answered by the upstream or given back.
    let gw2 = gw.clone();
    let done = tokio::spawn(async move { paid(gw2, req, payer, channel, price, books).await });
    done.await.unwrap_or_else(|_| {
        plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the gateway failed".into(),
        )
    })
}

async fn paid(
    gw: Arc<Gateway>,
    req: Request<Body>,
    payer: String,
    channel: u64,
    price: u128,
    books: Books,
) -> Response<Body> {
    match gw.forward(req, Some((&payer, channel))).await {
        Ok(resp) if !resp.status().is_server_error() => {
            gw.finish(channel, price, false).await;
            gw.metrics.paid.inc();
            gw.metrics.charged_value.inc_by(to_u64(price));
            let receipt = gw.receipt(&payer, channel, price, books);
            with_receipt(resp, &receipt)
        }
        other => {
            let books = gw.finish(channel, price, true).await;
            let receipt = gw.receipt(&payer, channel, 0, books);
            let resp = other.unwrap_or_else(|s| {
                plain(
                    s,
                    "[code=upstream_failed] the upstream did not answer; nothing was charged"
                        .into(),
                )
            });
            with_receipt(resp, &receipt)
        }
    }
}

//! The payer's side, in Rust, for machine-to-machine use: an HTTP client that answers a
//! `402` in the `farthing-channel` scheme by opening (or topping up, or extending) a
//! channel within a budget, and pays each request with the next voucher.
//!
//! The algorithm is `DESIGN.md` section 5. The per-channel state (the session key, the
//! deposit, the highest cumulative signed) is kept in a [`ChannelStore`]; the file store
//! writes it before each voucher is sent, so a restarted client never signs a lower
//! cumulative than one already sent, and never re-uses one.

use std::collections::BTreeMap;
use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{anyhow, bail, Context as _, Result};
use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, Request, StatusCode, Uri};
use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{HexBinary, Timestamp, Uint128};
use farthing_cli::deploy::execute_msg;
use farthing_cli::node::Node;
use farthing_types::token::ExecuteMsg;
use farthing_voucher::{public_key, sign, verify, KeyType, SignerKey, Voucher};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex as AsyncMutex;

use crate::protocol::{
    chain_of, decode_header, encode_header, ChannelPayment, ChannelStatus, PaymentPayload,
    PaymentRequired, PaymentRequirements, SettlementResponse, PAYMENT_REQUIRED, PAYMENT_RESPONSE,
    PAYMENT_SIGNATURE, SCHEME, X402_VERSION,
};

/// What the client knows of its channel to one payee.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChannelState {
    #[serde(with = "farthing_voucher::wire::u64_str")]
    pub channel: u64,
    /// The ed25519 session key's secret (it can spend only this channel's deposit).
    pub secret: HexBinary,
    pub deposit: Uint128,
    /// Seconds since the epoch.
    pub expires_at: u64,
    /// The highest cumulative ever signed.
    pub signed: Uint128,
}

/// Where the client keeps its channels, keyed `network|asset|payTo`, and what it has
/// locked in total (against the budget).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Book {
    pub channels: BTreeMap<String, ChannelState>,
    /// Deposits and top-ups made, in total.
    pub locked: Uint128,
}

pub trait ChannelStore: Send + Sync {
    fn load(&self) -> Result<Book>;
    fn save(&self, book: &Book) -> Result<()>;
}

/// A JSON file, replaced atomically (write, fsync, rename).
pub struct FileStore(pub PathBuf);

impl ChannelStore for FileStore {
    fn load(&self) -> Result<Book> {
        match std::fs::read(&self.0) {
            Ok(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("channel store {}", self.0.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Book::default()),
            Err(e) => Err(e).with_context(|| format!("channel store {}", self.0.display())),
        }
    }

    fn save(&self, book: &Book) -> Result<()> {
        use std::io::Write as _;
        let tmp = self.0.with_extension("tmp");
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(&serde_json::to_vec_pretty(book)?)?;
        f.sync_data()?;
        std::fs::rename(&tmp, &self.0)?;
        Ok(())
    }
}

/// In memory (tests, and clients that keep no state).
#[derive(Default)]
pub struct MemoryStore(pub Mutex<Book>);

impl ChannelStore for MemoryStore {
    fn load(&self) -> Result<Book> {
        Ok(self.0.lock().map_err(|_| anyhow!("poisoned"))?.clone())
    }
    fn save(&self, book: &Book) -> Result<()> {
        *self.0.lock().map_err(|_| anyhow!("poisoned"))? = book.clone();
        Ok(())
    }
}

/// The chain transactions the client needs, as the payer.
pub trait Opener: Send + Sync {
    fn open(
        &self,
        payee: &str,
        amount: u128,
        expires_at: u64,
        signer: SignerKey,
    ) -> impl Future<Output = Result<u64>> + Send;
    fn top_up(&self, channel: u64, amount: u128) -> impl Future<Output = Result<()>> + Send;
    fn extend(&self, channel: u64, expires_at: u64) -> impl Future<Output = Result<()>> + Send;
    /// The channel as the chain has it: `None` when it does not exist. The client asks
    /// before it abandons a channel the gateway calls closed: a gateway's word alone
    /// must not make it lock a new deposit. The default knows nothing, so the client
    /// keeps the channel and reports the refusal.
    fn status(&self, channel: u64) -> impl Future<Output = Result<Option<Life>>> + Send {
        async move { Err(anyhow!("this opener cannot read channel {channel}")) }
    }
}

/// A channel's life on chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Life {
    pub closed: bool,
    pub closing: bool,
    /// What the payer locked into it (deposit and top-ups).
    pub deposit: u128,
}

/// Opens channels with the payer's wallet through the suite's chain client.
pub struct ChainOpener {
    pub node: Node,
    pub token: String,
}

impl ChainOpener {
    async fn run(&self, msg: &ExecuteMsg) -> Result<farthing_cli::node::TxOutcome> {
        let planned = execute_msg(&self.node.sender()?, &self.token, msg)?;
        self.node.send(&[planned.any], "", |_| Ok(())).await
    }
}

impl Opener for ChainOpener {
    async fn open(
        &self,
        payee: &str,
        amount: u128,
        expires_at: u64,
        signer: SignerKey,
    ) -> Result<u64> {
        let out = self
            .run(&ExecuteMsg::OpenChannel {
                payee: payee.to_string(),
                amount: Uint128::new(amount),
                expires_at: Timestamp::from_seconds(expires_at),
                signer,
                travel_rule_ref: None,
            })
            .await?;
        out.attribute("wasm-token_channel_opened", "channel")
            .ok_or_else(|| anyhow!("OpenChannel answered without a channel id"))?
            .parse()
            .context("channel id")
    }

    async fn top_up(&self, channel: u64, amount: u128) -> Result<()> {
        self.run(&ExecuteMsg::TopUpChannel {
            channel,
            amount: Uint128::new(amount),
        })
        .await
        .map(|_| ())
    }

    async fn extend(&self, channel: u64, expires_at: u64) -> Result<()> {
        self.run(&ExecuteMsg::ExtendChannel {
            channel,
            expires_at: Timestamp::from_seconds(expires_at),
        })
        .await
        .map(|_| ())
    }

    async fn status(&self, channel: u64) -> Result<Option<Life>> {
        let ch = crate::server::channel_on_chain(&self.node, &self.token, channel).await?;
        Ok(ch.map(|ch| Life {
            closed: ch.closed,
            closing: ch.closing_at.is_some(),
            deposit: ch.deposit.u128(),
        }))
    }
}

/// How the client pays.
#[derive(Clone, Debug)]
pub struct Policy {
    /// `cosmos:<chain-id>` it pays on.
    pub network: String,
    /// The token it pays in.
    pub asset: String,
    /// The most it may lock in channels, in total, ever (deposits and top-ups).
    pub budget: u128,
    /// A new channel's deposit: at least the gateway's minimum, and this many requests.
    pub requests_per_deposit: u128,
    /// A new channel's life beyond the gateway's minimum, in seconds.
    pub extra_life_seconds: u64,
    /// The most one request may cost: a `402` asking more is refused.
    pub max_price: u128,
}

/// The answer to a paid request.
#[derive(Debug)]
pub struct Paid {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The gateway's receipt, when the request was paid.
    pub receipt: Option<SettlementResponse>,
}

/// Why the client gave up.
#[derive(Debug, PartialEq, thiserror::Error)]
pub enum PayError {
    #[error("[code=budget_exceeded] locking {wanted} more would pass the budget of {budget} ({locked} already locked)")]
    BudgetExceeded {
        wanted: u128,
        locked: u128,
        budget: u128,
    },
    #[error("[code=no_matching_requirements] the gateway takes none of: {0}")]
    NoMatch(String),
    #[error("[code=payment_refused] the gateway refused the payment: {0}")]
    Refused(String),
    #[error("[code=price_too_high] the gateway asks {price} per request; the most this client pays is {max}")]
    PriceTooHigh { price: u128, max: u128 },
}

type Http = Client<HttpConnector, Full<Bytes>>;

pub struct PayingClient<O: Opener> {
    http: Http,
    opener: O,
    policy: Policy,
    store: Box<dyn ChannelStore>,
    book: AsyncMutex<Book>,
    /// The price last asked per (method, path), to pay without the 402 round trip.
    prices: Mutex<BTreeMap<(String, String), PaymentRequirements>>,
    /// Per channel key, the value this client expects the gateway to have spent (its
    /// requests sent, less those refunded). Starts at `signed` (after a restart, all
    /// that was signed counts as spent).
    expected: Mutex<BTreeMap<String, u128>>,
    /// The chain's clock, for expiries (seconds); the local clock by default.
    clock: Arc<dyn Fn() -> u64 + Send + Sync>,
}

fn key(r: &PaymentRequirements) -> String {
    format!("{}|{}|{}", r.network, r.asset, r.pay_to)
}

fn wall_clock() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

impl<O: Opener> PayingClient<O> {
    pub fn new(opener: O, policy: Policy, store: Box<dyn ChannelStore>) -> Result<Self> {
        let book = store.load()?;
        let mut http = HttpConnector::new();
        http.set_nodelay(true);
        Ok(PayingClient {
            http: Client::builder(TokioExecutor::new())
                .pool_idle_timeout(Duration::from_secs(30))
                .build(http),
            opener,
            policy,
            store,
            book: AsyncMutex::new(book),
            prices: Mutex::new(BTreeMap::new()),
            expected: Mutex::new(BTreeMap::new()),
            clock: Arc::new(wall_clock),
        })
    }

    /// Uses `clock` (seconds) for channel expiries: the chain's time in tests.
    pub fn with_clock(mut self, clock: Arc<dyn Fn() -> u64 + Send + Sync>) -> Self {
        self.clock = clock;
        self
    }

    /// What the client has locked and signed, as stored.
    pub async fn book(&self) -> Book {
        self.book.lock().await.clone()
    }

    async fn send(
        &self,
        method: &Method,
        uri: &Uri,
        body: &Bytes,
        payment: Option<&PaymentPayload>,
    ) -> Result<Paid> {
        let mut req = Request::builder()
            .method(method.clone())
            .uri(uri.clone())
            .body(Full::new(body.clone()))?;
        if let Some(p) = payment {
            req.headers_mut()
                .insert(PAYMENT_SIGNATURE, HeaderValue::from_str(&encode_header(p))?);
        }
        let resp = self.http.request(req).await?;
        let (parts, body) = resp.into_parts();
        let body = body.collect().await?.to_bytes();
        let receipt = match parts.headers.get(PAYMENT_RESPONSE) {
            Some(h) => {
                Some(decode_header(h.to_str()?).map_err(|e| anyhow!("PAYMENT-RESPONSE: {e}"))?)
            }
            None => None,
        };
        Ok(Paid {
            status: parts.status,
            headers: parts.headers,
            body,
            receipt,
        })
    }

    /// A `GET`.
    pub async fn get(&self, url: &str) -> Result<Paid> {
        self.request(Method::GET, url, Bytes::new()).await
    }

    /// Sends a request, paying for it when the gateway asks.
    pub async fn request(&self, method: Method, url: &str, body: Bytes) -> Result<Paid> {
        const ROUNDS: usize = 4;
        let uri: Uri = url.parse()?;
        let route = (method.to_string(), uri.path().to_string());
        let known = self
            .prices
            .lock()
            .map_err(|_| anyhow!("poisoned"))?
            .get(&route)
            .cloned();
        // What was last sent, and for which requirements.
        let mut sent: Option<(PaymentRequirements, PaymentPayload)> = None;
        let mut answer = match known {
            // Pay up front: the price of this route is known from an earlier 402.
            Some(req) => {
                let payment = self.pay(&req, Pay::Next).await?;
                let a = self.paid_send(&method, &uri, &body, &req, &payment).await?;
                sent = Some((req, payment));
                a
            }
            None => self.send(&method, &uri, &body, None).await?,
        };
        let mut resynced = false;
        let mut reopened = false;
        for round in 0..=ROUNDS {
            if answer.status != StatusCode::PAYMENT_REQUIRED {
                if let (Some(r), Some((req, _))) = (&answer.receipt, &sent) {
                    let price = req.amount.u128();
                    if !r.success {
                        // Not charged: the gateway holds the voucher as credit.
                        self.refunded(req, price).await?;
                    } else if r.amount.u128() < price {
                        // The price went down since it was learned: the difference is
                        // credit, and the route's known price is the new one. (A receipt
                        // is read downward only: it cannot make the payer owe more.)
                        self.refunded(req, price - r.amount.u128()).await?;
                        let mut lower = req.clone();
                        lower.amount = r.amount;
                        self.prices
                            .lock()
                            .map_err(|_| anyhow!("poisoned"))?
                            .insert(route.clone(), lower);
                    }
                }
                return Ok(answer);
            }
            if round == ROUNDS {
                break;
            }
            let required: PaymentRequired = match answer.headers.get(PAYMENT_REQUIRED) {
                Some(h) => {
                    decode_header(h.to_str()?).map_err(|e| anyhow!("PAYMENT-REQUIRED: {e}"))?
                }
                None => serde_json::from_slice(&answer.body).context("402 without requirements")?,
            };
            let req = self.choose(&required)?;
            if req.amount.u128() > self.policy.max_price {
                return Err(PayError::PriceTooHigh {
                    price: req.amount.u128(),
                    max: self.policy.max_price,
                }
                .into());
            }
            self.prices
                .lock()
                .map_err(|_| anyhow!("poisoned"))?
                .insert(route.clone(), req.clone());
            let refused = || PayError::Refused(required.error.clone().unwrap_or_default());
            let previous = sent.as_ref().map(|(_, p)| p.payload.clone());
            let payment = match (required.code(), previous) {
                (None | Some("payment_required"), None) => self.pay(&req, Pay::Next).await?,
                // The same voucher again, once the channel can carry it: the gateway
                // refused it for the channel, not for its amount.
                (Some("over_deposit" | "channel_expiring"), Some(prev)) => {
                    self.pay(&req, Pay::Again(prev.cumulative.u128())).await?
                }
                (Some("underpaid" | "stale_voucher"), Some(_)) if !resynced => {
                    resynced = true;
                    let status = req.extra.channel.clone();
                    self.pay(&req, Pay::Resync(status)).await?
                }
                (Some("channel_closing" | "channel_closed" | "unknown_channel"), Some(prev))
                    if !reopened =>
                {
                    reopened = true;
                    // Only the chain's word retires a channel.
                    match self.opener.status(prev.channel_id).await {
                        Ok(None) => {}
                        Ok(Some(life)) if life.closed || life.closing => {}
                        _ => return Err(refused().into()),
                    }
                    self.forget(&req, prev.channel_id).await?;
                    self.pay(&req, Pay::Next).await?
                }
                _ => return Err(refused().into()),
            };
            answer = self.paid_send(&method, &uri, &body, &req, &payment).await?;
            sent = Some((req, payment));
        }
        Err(PayError::Refused("the gateway kept asking for payment".into()).into())
    }

    /// The gateway did not charge `amount` of a request on `req`'s channel.
    async fn refunded(&self, req: &PaymentRequirements, amount: u128) -> Result<()> {
        let mut expected = self.expected.lock().map_err(|_| anyhow!("poisoned"))?;
        if let Some(e) = expected.get_mut(&key(req)) {
            *e = e.saturating_sub(amount);
        }
        Ok(())
    }

    /// Sends a paid request. Without an answer (a dropped connection) it is taken as not
    /// charged: had the gateway charged it, the next voucher is `underpaid` and paid again
    /// from the gateway's `spent`.
    async fn paid_send(
        &self,
        method: &Method,
        uri: &Uri,
        body: &Bytes,
        req: &PaymentRequirements,
        payment: &PaymentPayload,
    ) -> Result<Paid> {
        match self.send(method, uri, body, Some(payment)).await {
            Ok(answer) => Ok(answer),
            Err(e) => {
                self.refunded(req, req.amount.u128()).await?;
                Err(e)
            }
        }
    }

    fn choose(&self, required: &PaymentRequired) -> Result<PaymentRequirements> {
        required
            .accepts
            .iter()
            .find(|r| {
                r.scheme == SCHEME
                    && r.network == self.policy.network
                    && r.asset == self.policy.asset
            })
            .cloned()
            .ok_or_else(|| {
                PayError::NoMatch(
                    required
                        .accepts
                        .iter()
                        .map(|r| format!("{} on {} in {}", r.scheme, r.network, r.asset))
                        .collect::<Vec<_>>()
                        .join(", "),
                )
                .into()
            })
    }

    async fn forget(&self, req: &PaymentRequirements, channel: u64) -> Result<()> {
        let mut book = self.book.lock().await;
        let k = key(req);
        if book.channels.get(&k).is_some_and(|c| c.channel == channel) {
            book.channels.remove(&k);
            self.expected
                .lock()
                .map_err(|_| anyhow!("poisoned"))?
                .remove(&k);
        }
        self.store.save(&book)
    }

    fn lock_more(book: &mut Book, budget: u128, amount: u128) -> Result<()> {
        let locked = book.locked.u128();
        match locked.checked_add(amount) {
            Some(total) if total <= budget => {
                book.locked = Uint128::new(total);
                Ok(())
            }
            _ => Err(PayError::BudgetExceeded {
                wanted: amount,
                locked,
                budget,
            }
            .into()),
        }
    }

    /// The next voucher for `req`: makes sure a channel can carry it (opening, topping up
    /// or extending within the budget), records it, and signs it.
    async fn pay(&self, req: &PaymentRequirements, how: Pay) -> Result<PaymentPayload> {
        let price = req.amount.u128();
        let chain_id = chain_of(&req.network)
            .ok_or_else(|| PayError::NoMatch(req.network.clone()))?
            .to_string();
        let mut book = self.book.lock().await;
        let k = key(req);
        let now = (self.clock)();
        let min_expiry = now
            .saturating_add(req.extra.min_expiry_seconds)
            .saturating_add(60);
        let life = now
            .saturating_add(req.extra.min_expiry_seconds)
            .saturating_add(self.policy.extra_life_seconds);
        let deposit = req
            .extra
            .min_deposit
            .u128()
            .max(price.saturating_mul(self.policy.requests_per_deposit));
        if !book.channels.contains_key(&k) {
            Self::lock_more(&mut book, self.policy.budget, deposit)?;
            let secret: [u8; 32] = rand_secret();
            let signer = public_key(KeyType::Ed25519, &secret)?;
            // The lock is recorded before the transaction: a crash in between errs on
            // the side of the budget.
            self.store.save(&book)?;
            let channel = self.opener.open(&req.pay_to, deposit, life, signer).await?;
            book.channels.insert(
                k.clone(),
                ChannelState {
                    channel,
                    secret: HexBinary::from(secret.to_vec()),
                    deposit: Uint128::new(deposit),
                    expires_at: life,
                    signed: Uint128::zero(),
                },
            );
            self.store.save(&book)?;
        }
        let budget = self.policy.budget;
        let state = book
            .channels
            .get(&k)
            .cloned()
            .ok_or_else(|| anyhow!("channel state vanished"))?;
        let mut signed = state.signed.u128();
        if let Pay::Resync(Some(status)) = &how {
            // A store behind the gateway (restored from a backup) catches up to the
            // voucher the gateway holds, once its signature proves this key signed it.
            if let Some(proven) = proven_accepted(status, &state, req, &chain_id) {
                if proven > signed {
                    signed = proven;
                    if let Some(s) = book.channels.get_mut(&k) {
                        s.signed = Uint128::new(proven);
                    }
                    self.store.save(&book)?;
                }
            }
        }
        let next = {
            let mut expected = self.expected.lock().map_err(|_| anyhow!("poisoned"))?;
            let e = expected.entry(k.clone()).or_insert(signed);
            match how {
                // This request adds its price to what the gateway will have spent.
                Pay::Next => *e = e.saturating_add(price),
                // The gateway spent more than this client counted (another instance of
                // it, a lost answer): at least its `spent` plus this price. A hint above
                // what was ever signed is a lie (an honest gateway never spends more).
                Pay::Resync(ref status) => {
                    let hint = status
                        .as_ref()
                        .filter(|c| c.id == state.channel)
                        .map_or(0, |c| c.spent.u128());
                    *e = (*e).max(hint.min(signed).saturating_add(price))
                }
                Pay::Again(_) => {}
            }
            match how {
                Pay::Again(c) => c,
                _ => signed.max(*e),
            }
        };
        if next > state.deposit.u128() {
            let more = deposit.max(next - state.deposit.u128());
            Self::lock_more(&mut book, budget, more)?;
            self.store.save(&book)?;
            self.opener.top_up(state.channel, more).await?;
            if let Some(s) = book.channels.get_mut(&k) {
                s.deposit = Uint128::new(s.deposit.u128() + more);
            }
        }
        if state.expires_at < min_expiry {
            self.opener.extend(state.channel, life).await?;
            if let Some(s) = book.channels.get_mut(&k) {
                s.expires_at = life;
            }
        }
        if next > signed {
            if let Some(s) = book.channels.get_mut(&k) {
                s.signed = Uint128::new(next);
            }
            // Recorded before it is sent.
            self.store.save(&book)?;
        }
        let secret: [u8; 32] = state
            .secret
            .as_slice()
            .try_into()
            .map_err(|_| anyhow!("a stored session key is not 32 bytes"))?;
        let voucher = Voucher {
            chain_id,
            token: req.asset.clone(),
            channel_id: state.channel,
            payee: req.pay_to.clone(),
            cumulative: Uint128::new(next),
        };
        let signature = sign(KeyType::Ed25519, &secret, &voucher)?;
        Ok(PaymentPayload {
            x402_version: X402_VERSION,
            resource: None,
            accepted: req.clone(),
            payload: ChannelPayment {
                channel_id: state.channel,
                cumulative: Uint128::new(next),
                signature,
            },
        })
    }
}

/// The cumulative the gateway proves this client signed on its channel: `accepted`,
/// when its signature verifies with the channel's key for this chain, token, channel and
/// payee. `None` without a signature, or with one that does not verify.
fn proven_accepted(
    status: &ChannelStatus,
    state: &ChannelState,
    req: &PaymentRequirements,
    chain_id: &str,
) -> Option<u128> {
    let signature = status.accepted_signature.as_ref()?;
    if status.id != state.channel {
        return None;
    }
    let secret: [u8; 32] = state.secret.as_slice().try_into().ok()?;
    let key = public_key(KeyType::Ed25519, &secret).ok()?;
    let voucher = Voucher {
        chain_id: chain_id.to_string(),
        token: req.asset.clone(),
        channel_id: state.channel,
        payee: req.pay_to.clone(),
        cumulative: status.accepted,
    };
    verify(&MockApi::default(), &voucher, signature.as_slice(), &key)
        .ok()
        .map(|()| status.accepted.u128())
}

/// Which cumulative a payment carries.
#[derive(Clone, Debug)]
enum Pay {
    /// A new request: what the gateway spent, plus its price (re-using credit held).
    Next,
    /// After `underpaid`/`stale_voucher`: at least the gateway's `spent` (believed up to
    /// what this client signed, or the gateway proves it signed) plus the price.
    Resync(Option<ChannelStatus>),
    /// The same cumulative again (after `over_deposit`/`channel_expiring`).
    Again(u128),
}

/// A fresh 32-byte secret from the OS.
fn rand_secret() -> [u8; 32] {
    let mut s = [0u8; 32];
    if getrandom::getrandom(&mut s).is_err() {
        // No OS randomness is no safe key: refuse by panicking rather than sign with zeros.
        panic!("no OS randomness for a session key");
    }
    s
}

/// Fails unless `paid` was served and charged.
pub fn expect_paid(paid: &Paid) -> Result<&SettlementResponse> {
    if !paid.status.is_success() {
        bail!(
            "status {}: {}",
            paid.status,
            String::from_utf8_lossy(&paid.body)
        );
    }
    paid.receipt
        .as_ref()
        .filter(|r| r.success)
        .ok_or_else(|| anyhow!("no successful receipt"))
}

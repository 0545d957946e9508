//! Adversarial review of the gateway: each test is an attack. The ones under "HOLES" failed
//! on the code as first reviewed (the attack worked) and pass since their fixes; the ones
//! under "PROBES" passed from the start (the attack did not work).

mod support;

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Request, Response, StatusCode};
use axum::Router;
use cosmwasm_std::{HexBinary, Uint128};
use farthing_cli::node::Node;
use farthing_gateway::client::{MemoryStore, Opener, PayError, PayingClient, Policy};
use farthing_gateway::config::RouteConfig;
use farthing_gateway::protocol::{
    decode_header, encode_header, network, ChannelStatus, ChannelTerms, PaymentPayload,
    PaymentRequired, PaymentRequirements, Resource, PAYMENT_REQUIRED, PAYMENT_SIGNATURE, SCHEME,
    X402_VERSION,
};
use farthing_gateway::server::Gateway;
use farthing_gateway::store::Store;
use farthing_gateway::testnet::{address, signer, OPERATOR, PAYER, PUBLISHER};
use farthing_types::kyc::KycStatus;
use farthing_types::token::{ExecuteMsg, Role};
use farthing_voucher::{sign, KeyType, SignerKey, Voucher};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use support::*;

const OK: StatusCode = StatusCode::OK;

/// The payer starts closing, the gateway's settler gets every chance (a pass while the
/// channel is closing, another once the settle period is over), the payer closes. Returns
/// what the gateway finally got on chain.
async fn close_out(rig: &Rig, ch: u64) -> u128 {
    let settle = rig.requirements().await.extra.settle_seconds;
    rig.net
        .execute(
            PAYER,
            &rig.net.token,
            &ExecuteMsg::StartClose { channel: ch },
        )
        .await
        .expect("start close");
    let mut settler = rig.settler();
    settler.pass(true).await.expect("pass while closing");
    rig.net.devnode.advance_seconds(settle / 2);
    settler.pass(false).await.expect("pass while closing");
    rig.net.devnode.advance_seconds(settle / 2 + 2);
    settler
        .pass(true)
        .await
        .expect("pass after the settle period");
    rig.net
        .execute(
            PAYER,
            &rig.net.token,
            &ExecuteMsg::CloseChannel { channel: ch },
        )
        .await
        .expect("payer closes");
    rig.channel(ch).await.claimed.u128()
}

// ------------------------------------------------------------------------------------------
// HOLES the review found (each failed before its fix; the doc comment says the attack)
// ------------------------------------------------------------------------------------------

/// MONEY: the gateway serves up to (deposit - price) for free. The payer signs ONE voucher
/// of 100 prices and sends that same voucher with every request: the acceptance rule
/// (`V >= spent`, `max(accepted, V) >= spent + p`) serves it 99 times, but the settler only
/// claims "the highest voucher <= spent", and no voucher <= spent exists. The payer stops at
/// 99, starts closing, closes after the settle period and gets the whole deposit back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credit_voucher_reused_is_served_only_as_far_as_it_pays_and_is_claimed() {
    let rig = Rig::start().await;
    let req = rig.requirements().await;
    let ch = rig
        .open(PAYER, &rig.publisher(), 100 * PRICE, 86_400, 1)
        .await;
    let big = rig.payment(&req, ch, 100 * PRICE, 1);
    let mut served = 0u128;
    for i in 0..99 {
        let (s, _, _) = raw(&rig.url, &format!("/paid/r{i}"), Some(&big)).await;
        if s == OK {
            served += 1;
        }
    }
    let claimed = close_out(&rig, ch).await;
    assert!(
        claimed >= served * PRICE,
        "served {served} requests ({} of value) with one reused voucher; the gateway got {claimed}",
        served * PRICE
    );
}

/// MONEY, with an HONEST client: a request on a pricier route (20 prices) fails upstream
/// and is refunded, the client's next vouchers are therefore signed 20 prices above what
/// the gateway has spent, and no held voucher is ever <= spent. The 19 cheap requests
/// served afterwards are never claimed; a payer who can make the upstream answer 5xx (bad
/// input) uses this on purpose.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refunded_pricier_request_becomes_credit_and_later_requests_are_claimed() {
    let rig = Rig::start_with(|c| {
        c.routes.insert(
            0,
            RouteConfig {
                method: "*".into(),
                path: "/paid/fail".into(),
                price: Uint128::new(20 * PRICE),
                description: "an expensive one".into(),
                mime_type: "text/plain".into(),
            },
        )
    })
    .await;
    let client = rig.client(100_000_000);
    let failed = client
        .get(&format!("{}/paid/fail", rig.url))
        .await
        .expect("fail");
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    let ch = failed.receipt.expect("receipt").channel_id;
    for i in 0..19 {
        let paid = client
            .get(&format!("{}/paid/a{i}", rig.url))
            .await
            .expect("request");
        assert_eq!(paid.status, OK);
    }
    let served = rig.books(ch).await.spent;
    assert_eq!(served, 19 * PRICE);
    let claimed = close_out(&rig, ch).await;
    assert!(
        claimed >= served,
        "served {served} to an honest client; the gateway got {claimed}"
    );
}

fn fake_client(opener: NoChain) -> PayingClient<NoChain> {
    PayingClient::new(
        opener,
        Policy {
            network: network("farthing-local"),
            asset: "wasm1token".into(),
            budget: 10_000 * PRICE,
            requests_per_deposit: 100,
            extra_life_seconds: 86_400,
            max_price: u128::MAX,
        },
        Box::new(MemoryStore::default()),
    )
    .expect("client")
}

/// MONEY (client side): a malicious or buggy gateway answers `underpaid` with a made-up
/// `extra.channel.spent`; the client resyncs to `max(signed, spent) + price`, tops its
/// channel up and signs a voucher for ~5,000 prices for ONE request, which the payee can
/// claim on chain. An honest gateway's `spent` can never exceed what the client signed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lying_spent_hint_does_not_make_the_client_over_sign() {
    let fake = FakeGateway::start(Lie {
        code: "underpaid",
        times: 1,
        spent: 5_000 * PRICE,
        forge: None,
    })
    .await;
    let client = fake_client(NoChain::default());
    let _ = client.get(&format!("{}/anything", fake.url)).await;
    let signed = fake.max_signed();
    assert!(
        signed <= 2 * PRICE,
        "one request at {PRICE}: the client signed a voucher of {signed} (book: {:?})",
        client.book().await
    );
}

/// MONEY (client side): the lie comes with a "proof", a signature of the made-up
/// `accepted` by another key. The client checks it with the channel's own key, finds it
/// forged, and still believes `spent` only up to what it signed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_proof_of_accepted_does_not_make_the_client_over_sign() {
    let fake = FakeGateway::start(Lie {
        code: "stale_voucher",
        times: 1,
        spent: 5_000 * PRICE,
        forge: Some(9),
    })
    .await;
    let client = fake_client(NoChain::default());
    let _ = client.get(&format!("{}/anything", fake.url)).await;
    assert_eq!(fake.all_signed(), vec![PRICE, 2 * PRICE]);
    let book = client.book().await;
    let state = book.channels.values().next().expect("one channel");
    assert_eq!(state.signed.u128(), 2 * PRICE);
    assert_eq!(book.locked.u128(), 100 * PRICE, "no top-up for the lie");
}

/// MONEY (client side): a gateway that keeps answering `underpaid` gets one resync per
/// request, not one per answer: the client signs the request's price and one more, then
/// reports the refusal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_underpaid_answers_get_one_resync_per_request() {
    let fake = FakeGateway::start(Lie {
        code: "underpaid",
        times: 3,
        spent: 2 * PRICE,
        forge: None,
    })
    .await;
    let client = fake_client(NoChain::default());
    let err = client
        .get(&format!("{}/anything", fake.url))
        .await
        .expect_err("refused");
    assert!(matches!(
        err.downcast_ref::<PayError>(),
        Some(PayError::Refused(_))
    ));
    assert_eq!(fake.all_signed(), vec![PRICE, 2 * PRICE]);
}

/// MONEY (client side): each `over_deposit` answer makes the client sign the NEXT
/// cumulative (signed + price) instead of re-sending the refused one after its top-up: a
/// lying gateway that refuses twice collects a voucher of 3 prices for one request (and
/// an honest refusal leaves the payer's `signed` ahead of the gateway's `spent` for ever).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_deposit_answers_make_the_client_resend_the_same_cumulative() {
    let fake = FakeGateway::start(Lie {
        code: "over_deposit",
        times: 2,
        spent: 0,
        forge: None,
    })
    .await;
    let client = fake_client(NoChain::default());
    let paid = client.get(&format!("{}/anything", fake.url)).await;
    let signed = fake.max_signed();
    assert!(
        signed <= 2 * PRICE,
        "one request at {PRICE} ({:?}): the client signed {signed}",
        paid.map(|p| p.status)
    );
}

/// MONEY (client side): the retry loop sends a 4th paid attempt and never reads its
/// answer: a request served and charged on that attempt is reported as
/// `payment_refused`, so the caller retries and pays again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_served_on_the_last_retry_is_returned() {
    let fake = FakeGateway::start(Lie {
        code: "over_deposit",
        times: 3,
        spent: 0,
        forge: None,
    })
    .await;
    let client = fake_client(NoChain::default());
    let paid = client.get(&format!("{}/anything", fake.url)).await;
    let signed = fake.max_signed();
    assert!(
        paid.as_ref().is_ok_and(|p| p.status == OK),
        "the gateway served the voucher of {signed}; the client says {:?}",
        paid.map(|p| p.status)
    );
}

/// FUNDS STUCK (client side): a `channel_closing` answer (a lie, or the chain misread) is
/// taken on the gateway's word: the client forgets its funded channel, never closes it,
/// and locks a new deposit of 100 prices. Three requests: four deposits locked, three of
/// them in channels the client no longer knows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lying_channel_closing_answers_do_not_make_the_client_abandon_channels() {
    let opener = NoChain::default();
    let client = fake_client(opener.clone());
    for i in 0..3 {
        let fake = FakeGateway::start(Lie {
            code: "channel_closing",
            times: 1,
            spent: 0,
            forge: None,
        })
        .await;
        // The same payee each time (the fake's payTo is fixed).
        let _ = client.get(&format!("{}/r{i}", fake.url)).await;
    }
    let opened = opener.0.load(Ordering::SeqCst);
    let book = client.book().await;
    assert!(
        opened <= 1,
        "{opened} channels opened, {} locked, {} still known to the client",
        book.locked,
        book.channels.len()
    );
}

/// MONEY (payer charged, not served): the client's connection drops while the upstream
/// works (a mobile client, a proxy's idle time-out, anyone who can reset the TCP
/// connection). The handler future is dropped after the charge was committed: the
/// upstream never answered (it would have timed out and been refunded), yet the charge
/// stays, and `in_flight` leaks, so after a restart the settler claims it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_still_refunds_a_failed_request() {
    let rig = Rig::start().await;
    let req = rig.requirements().await;
    let ch = rig
        .open(PAYER, &rig.publisher(), 1_000_000, 86_400, 1)
        .await;
    let p = rig.payment(&req, ch, PRICE, 1);
    let gone = tokio::time::timeout(
        Duration::from_secs(1),
        raw(&rig.url, "/paid/slow", Some(&p)),
    )
    .await;
    assert!(gone.is_err(), "the client gave up after 1 s");
    // The gateway's upstream time-out is 5 s, the upstream's answer 10 s: wait past both.
    tokio::time::sleep(Duration::from_secs(11)).await;
    let slot = rig.gw.slot(ch);
    let (books, in_flight) = {
        let s = slot.lock().await;
        (s.books, s.in_flight)
    };
    assert_eq!(
        (books.spent, in_flight),
        (0, 0),
        "no answer was ever delivered, yet spent {} stays charged and {} is in flight forever",
        books.spent,
        in_flight
    );
}

/// MONEY (payer loses a funded channel): the chain RPC fails while the gateway re-reads a
/// cached channel (after `over_deposit` or `channel_expiring`). DESIGN says a chain that
/// cannot be reached is `503 chain_unavailable`; the code answers `402 unknown_channel`,
/// and the paying client's rule for `unknown_channel` is to FORGET the channel (its
/// deposit stays locked, untracked, until the payer finds and closes it by hand) and to
/// lock a new deposit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_chain_outage_on_a_re_read_is_503_not_unknown_channel() {
    let rig = Rig::start().await;
    let proxy = RpcProxy::start(&rig.net.devnode.url()).await;
    let (url, _gw) = gateway_through(&rig, &proxy.url).await;
    let req = rig.requirements().await;
    let ch = rig
        .open(PAYER, &rig.publisher(), 2 * PRICE, 86_400, 1)
        .await;
    for i in 1..=2 {
        let (s, _, _) = raw(&url, "/paid/x", Some(&rig.payment(&req, ch, i * PRICE, 1))).await;
        assert_eq!(s, OK);
    }
    // The chain RPC hiccups; the channel is still cached (10 s). The next voucher is above
    // the cached deposit (the payer topped up, or not): the gateway reads the chain again.
    proxy.down.store(true, Ordering::SeqCst);
    let (status, headers, _) =
        raw(&url, "/paid/x", Some(&rig.payment(&req, ch, 3 * PRICE, 1))).await;
    let code = headers
        .get(PAYMENT_REQUIRED)
        .map(|_| code_of(&headers))
        .unwrap_or_default();
    assert_eq!(
        status,
        StatusCode::SERVICE_UNAVAILABLE,
        "a chain outage answered {status} {code}: the client forgets a live, funded channel"
    );
}

/// MONEY / COMPLIANCE: the issuer freezes the payer; the gateway keeps serving it. Its
/// vouchers cannot be claimed while the freeze lasts (for ever, for a sanctioned payer):
/// service without payment, to a party the issuer has stopped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_payer_is_refused_service() {
    let rig = Rig::start_with(|c| c.payment.cache_seconds = 0).await;
    let req = rig.requirements().await;
    let ch = rig
        .open(PAYER, &rig.publisher(), 1_000_000, 86_400, 1)
        .await;
    let (s, _, _) = raw(&rig.url, "/paid/x", Some(&rig.payment(&req, ch, PRICE, 1))).await;
    assert_eq!(s, OK);
    rig.freeze(PAYER, "sanctions").await;
    let mut served = 0;
    for i in 2..=11 {
        let (s, _, _) = raw(
            &rig.url,
            "/paid/x",
            Some(&rig.payment(&req, ch, i * PRICE, 1)),
        )
        .await;
        if s == OK {
            served += 1;
        }
    }
    let pass = rig.settler().pass(true).await.expect("pass");
    assert_eq!(
        served, 0,
        "a frozen payer was served {served} more times; the settler's claim was refused: {:?}",
        pass.refused
    );
}

/// MONEY, final: the registry suspends the payer's KYC. Claims on its channels are refused
/// (`payer_stopped`), and unlike a freeze a suspension does NOT stop the channel's clock.
/// The gateway keeps serving; the payer starts closing and closes after the settle period;
/// everything served after (and before) the suspension is lost to the gateway.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kyc_suspended_payer_is_refused_service() {
    let rig = Rig::start_with(|c| c.payment.cache_seconds = 0).await;
    let req = rig.requirements().await;
    let ch = rig
        .open(PAYER, &rig.publisher(), 1_000_000, 86_400, 1)
        .await;
    rig.net
        .execute(
            OPERATOR,
            &rig.net.registry,
            &farthing_types::kyc::ExecuteMsg::SetStatus {
                addresses: vec![address(PAYER)],
                status: KycStatus::Suspended,
                reason: "missing_document".into(),
            },
        )
        .await
        .expect("suspend");
    let mut served = 0u128;
    for i in 1..=10 {
        let (s, _, _) = raw(
            &rig.url,
            "/paid/x",
            Some(&rig.payment(&req, ch, i * PRICE, 1)),
        )
        .await;
        if s == OK {
            served += 1;
        }
    }
    let claimed = close_out(&rig, ch).await;
    assert!(
        claimed >= served * PRICE,
        "served {served} requests to a suspended payer; the gateway got {claimed}"
    );
}

/// MONEY: the price table is matched on the raw path, the upstream gets the raw path.
/// With a free route next to the paid one (a public index, health, docs), a request for
/// `/public/../paid/secret` is priced as `/public/{*rest}` (free) and forwarded as is; an
/// upstream that resolves dot segments (RFC 3986 section 5.2.4, as nginx and most
/// frameworks do) serves `/paid/secret`. Paid content for free, to anyone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dot_dot_path_under_a_free_route_is_refused() {
    let (upstream, seen) = normalizing_upstream().await;
    let rig = Rig::start_with(|c| {
        c.gateway.upstream = upstream.clone();
        c.routes.insert(
            0,
            RouteConfig {
                method: "GET".into(),
                path: "/public/{*rest}".into(),
                price: Uint128::zero(),
                description: "free".into(),
                mime_type: "text/plain".into(),
            },
        )
    })
    .await;
    // The honest way: a 402.
    let (s, _, _) = raw(&rig.url, "/paid/secret", None).await;
    assert_eq!(s, StatusCode::PAYMENT_REQUIRED);
    // The other way.
    let (s, _, body) = raw(&rig.url, "/public/../paid/secret", None).await;
    let served: Vec<String> = seen.lock().expect("seen").clone();
    assert!(
        s != OK || !served.contains(&"/paid/secret".to_string()),
        "{s} {:?}: the upstream served {served:?} unpaid",
        String::from_utf8_lossy(&body)
    );
}

/// An upstream that resolves `.` and `..` segments before routing (like nginx).
async fn normalizing_upstream() -> (String, Arc<Mutex<Vec<String>>>) {
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let state = seen.clone();
    let app = Router::new()
        .fallback(
            |State(seen): State<Arc<Mutex<Vec<String>>>>, req: Request<Body>| async move {
                let mut out: Vec<&str> = vec![];
                for seg in req.uri().path().split('/') {
                    match seg {
                        "" | "." => {}
                        ".." => {
                            out.pop();
                        }
                        s => out.push(s),
                    }
                }
                let path = format!("/{}", out.join("/"));
                seen.lock().expect("seen").push(path.clone());
                let mut r = Response::new(Body::from(format!("content of {path}")));
                if !path.starts_with("/paid/") && !path.starts_with("/public/") {
                    *r.status_mut() = StatusCode::NOT_FOUND;
                }
                r
            },
        )
        .with_state(state);
    let (url, _) = listen(app).await;
    (url, seen)
}

// ------------------------------------------------------------------------------------------
// PROBES (the attack fails: these pass)
// ------------------------------------------------------------------------------------------

/// A settlement while a request is in flight, which then fails: the best voucher is
/// claimed, and the failed request's price is the payer's credit, served on its next
/// request without a new voucher (credit, as the issue allows: "roll back or credit").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_refund_racing_a_settlement_becomes_credit_for_the_next_request() {
    let rig = Rig::start_with(|c| c.gateway.upstream_timeout_seconds = 3).await;
    let req = rig.requirements().await;
    let ch = rig
        .open(PAYER, &rig.publisher(), 1_000_000, 86_400, 1)
        .await;
    let (url, p) = (rig.url.clone(), rig.payment(&req, ch, PRICE, 1));
    let slow = tokio::spawn(async move { raw(&url, "/paid/slow", Some(&p)).await.0 });
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (s, _, _) = raw(
        &rig.url,
        "/paid/x",
        Some(&rig.payment(&req, ch, 2 * PRICE, 1)),
    )
    .await;
    assert_eq!(s, OK);
    let pass = rig.settler().pass(true).await.expect("pass");
    assert_eq!(pass.claimed, vec![(ch, 2 * PRICE)]);
    assert_eq!(slow.await.expect("join"), StatusCode::GATEWAY_TIMEOUT);
    assert_eq!(rig.books(ch).await.spent, PRICE);
    assert_eq!(rig.channel(ch).await.claimed.u128(), 2 * PRICE);
    // The credit: the same voucher of 2 prices serves one more request, once.
    let again = rig.payment(&req, ch, 2 * PRICE, 1);
    assert_eq!(raw(&rig.url, "/paid/x", Some(&again)).await.0, OK);
    assert_eq!(rig.books(ch).await.spent, 2 * PRICE);
    assert_eq!(
        raw(&rig.url, "/paid/x", Some(&again)).await.0,
        StatusCode::PAYMENT_REQUIRED
    );
    let pass = rig.settler().pass(true).await.expect("pass");
    assert!(pass.claimed.is_empty(), "{pass:?}");
}

/// A pause while the payer is closing: claims are refused during the pause, the settle
/// period moves by the pause, nothing is written off, the claim lands after the unpause.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_a_pause_during_the_settle_period_loses_nothing() {
    let rig = Rig::start().await;
    let req = rig.requirements().await;
    let settle = req.extra.settle_seconds;
    let ch = rig
        .open(PAYER, &rig.publisher(), 1_000_000, 86_400, 1)
        .await;
    for i in 1..=3 {
        let (s, _, _) = raw(
            &rig.url,
            "/paid/x",
            Some(&rig.payment(&req, ch, i * PRICE, 1)),
        )
        .await;
        assert_eq!(s, OK);
    }
    rig.net
        .execute(
            OPERATOR,
            &rig.net.token,
            &ExecuteMsg::GrantRole {
                role: Role::Pauser,
                address: address(OPERATOR),
            },
        )
        .await
        .expect("grant");
    rig.net
        .execute(
            PAYER,
            &rig.net.token,
            &ExecuteMsg::StartClose { channel: ch },
        )
        .await
        .expect("start close");
    rig.net
        .execute(
            OPERATOR,
            &rig.net.token,
            &ExecuteMsg::Pause {
                reason: "incident".into(),
            },
        )
        .await
        .expect("pause");
    rig.net.devnode.advance_seconds(settle + 100);
    let mut settler = rig.settler();
    let pass = settler.pass(true).await.expect("pass");
    assert!(pass.claimed.is_empty() && pass.lost.is_empty(), "{pass:?}");
    rig.net
        .execute(
            OPERATOR,
            &rig.net.token,
            &ExecuteMsg::Unpause {
                reason: "resolved".into(),
            },
        )
        .await
        .expect("unpause");
    let pass = settler.pass(true).await.expect("pass");
    assert_eq!(pass.claimed, vec![(ch, 3 * PRICE)], "{pass:?}");
}

/// 51 channels due: two ClaimMany transactions, every channel claimed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_51_channels_settle_in_two_batches() {
    let rig = Rig::start().await;
    let req = rig.requirements().await;
    let mut chans = vec![];
    for seed in 1..=51u8 {
        let ch = rig
            .open(PAYER, &rig.publisher(), 10 * PRICE, 86_400, seed)
            .await;
        let (s, _, _) = raw(
            &rig.url,
            "/paid/x",
            Some(&rig.payment(&req, ch, PRICE, seed)),
        )
        .await;
        assert_eq!(s, OK);
        chans.push(ch);
    }
    let pass = rig.settler().pass(true).await.expect("pass");
    assert_eq!(pass.transactions.len(), 2, "{pass:?}");
    assert_eq!(pass.claimed.len(), 51);
    for ch in chans {
        assert_eq!(rig.channel(ch).await.claimed.u128(), PRICE);
    }
}

/// A channel spent and claimed exactly to its deposit: nothing more is served until a
/// top-up, which is seen at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_claimed_at_the_deposit_then_topped_up() {
    let rig = Rig::start().await;
    let req = rig.requirements().await;
    let ch = rig
        .open(PAYER, &rig.publisher(), 3 * PRICE, 86_400, 1)
        .await;
    for i in 1..=3 {
        let (s, _, _) = raw(
            &rig.url,
            "/paid/x",
            Some(&rig.payment(&req, ch, i * PRICE, 1)),
        )
        .await;
        assert_eq!(s, OK);
    }
    let pass = rig.settler().pass(true).await.expect("pass");
    assert_eq!(pass.claimed, vec![(ch, 3 * PRICE)]);
    for v in [3 * PRICE, 4 * PRICE] {
        let (s, h, _) = raw(&rig.url, "/paid/x", Some(&rig.payment(&req, ch, v, 1))).await;
        assert_eq!(s, StatusCode::PAYMENT_REQUIRED);
        assert!(["underpaid", "over_deposit"].contains(&code_of(&h).as_str()));
    }
    rig.net
        .execute(
            PAYER,
            &rig.net.token,
            &ExecuteMsg::TopUpChannel {
                channel: ch,
                amount: Uint128::new(PRICE),
            },
        )
        .await
        .expect("top up");
    let (s, _, _) = raw(
        &rig.url,
        "/paid/x",
        Some(&rig.payment(&req, ch, 4 * PRICE, 1)),
    )
    .await;
    assert_eq!(s, OK);
    assert_eq!(rig.hits("x"), 4);
}

/// A free route and an unlisted one: a forged payer header never reaches the upstream;
/// the unlisted route is not forwarded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_free_and_unlisted_routes_forge_nothing() {
    let rig = Rig::start_with(|c| {
        c.routes.insert(
            0,
            RouteConfig {
                method: "*".into(),
                path: "/paid/free".into(),
                price: Uint128::zero(),
                description: String::new(),
                mime_type: String::new(),
            },
        )
    })
    .await;
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let resp = client
        .request(
            Request::get(format!("{}/paid/free", rig.url))
                .header("x-farthing-payer", address(PAYER))
                .header("x-farthing-channel", "1")
                .body(Full::new(Bytes::new()))
                .expect("req"),
        )
        .await
        .expect("answer");
    assert_eq!(resp.status(), OK);
    assert!(rig.seen.lock().expect("seen").payers.is_empty());
    let (s, _, _) = raw(&rig.url, "/elsewhere/paid/x", None).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // A dot segment is refused outright (bad_path), whatever route it falls under.
    for path in ["/paid/x/../y", "/paid/./x", "/paid/%2e%2e/x", "/paid/x%2Fy"] {
        let (s, _, body) = raw(&rig.url, path, None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "{path}");
        assert!(String::from_utf8_lossy(&body).starts_with("[code=bad_path]"));
    }
    assert_eq!(rig.hits("x"), 0);
}

/// Vouchers above u128 ranges, a zero cumulative, garbage signatures: refused, nothing
/// charged.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn probe_edge_vouchers_are_refused() {
    let rig = Rig::start().await;
    let req = rig.requirements().await;
    let ch = rig
        .open(PAYER, &rig.publisher(), 10 * PRICE, 86_400, 1)
        .await;
    for (v, want) in [
        (0, "underpaid"),
        (u128::MAX, "over_deposit"),
        (PRICE - 1, "underpaid"),
    ] {
        let (s, h, _) = raw(&rig.url, "/paid/x", Some(&rig.payment(&req, ch, v, 1))).await;
        assert_eq!(s, StatusCode::PAYMENT_REQUIRED);
        assert_eq!(code_of(&h), want);
    }
    let mut p = rig.payment(&req, ch, PRICE, 1);
    p.payload.signature = HexBinary::from(vec![0u8; 3]);
    let (_, h, _) = raw(&rig.url, "/paid/x", Some(&p)).await;
    assert_eq!(code_of(&h), "bad_signature");
    let mut p = rig.payment(&req, ch, PRICE, 1);
    p.payload.signature = HexBinary::from(vec![0u8; 10_000]);
    let (s, _, _) = raw(&rig.url, "/paid/x", Some(&p)).await;
    assert_ne!(s, OK);
    assert_eq!(rig.hits("x"), 0);
    assert_eq!(rig.books(ch).await.spent, 0);
}

// ------------------------------------------------------------------------------------------
// Helpers
// ------------------------------------------------------------------------------------------

/// An opener that needs no chain (for the client-side attacks); counts the channels opened.
#[derive(Clone, Default)]
struct NoChain(Arc<AtomicU64>);

impl Opener for NoChain {
    async fn open(&self, _: &str, _: u128, _: u64, _: SignerKey) -> anyhow::Result<u64> {
        Ok(self.0.fetch_add(1, Ordering::SeqCst) + 1)
    }
    async fn top_up(&self, _: u64, _: u128) -> anyhow::Result<()> {
        Ok(())
    }
    async fn extend(&self, _: u64, _: u64) -> anyhow::Result<()> {
        Ok(())
    }
}

/// A gateway that lies: it asks for payment, then answers the first `times` vouchers
/// with `code` (and `extra.channel.spent = lie`), and serves whatever comes next.
struct FakeGateway {
    url: String,
    signed: Arc<Mutex<Vec<u128>>>,
}

#[derive(Clone, Copy)]
struct Lie {
    code: &'static str,
    times: usize,
    spent: u128,
    /// Sign the lie's `accepted` (= `spent`) with a key of this seed, as a "proof".
    forge: Option<u8>,
}

impl FakeGateway {
    async fn start(lie: Lie) -> FakeGateway {
        let signed: Arc<Mutex<Vec<u128>>> = Arc::default();
        let state = (signed.clone(), lie);
        let app =
            Router::new()
                .fallback(
                    |State((signed, lie)): State<(Arc<Mutex<Vec<u128>>>, Lie)>,
                     headers: HeaderMap| async move {
                        let paid: Option<PaymentPayload> = headers
                            .get(PAYMENT_SIGNATURE)
                            .and_then(|h| decode_header(h.to_str().ok()?).ok());
                        let (code, channel) = match paid {
                            None => ("payment_required", None),
                            Some(p) => {
                                let mut s = signed.lock().expect("signed");
                                s.push(p.payload.cumulative.u128());
                                if s.len() > lie.times {
                                    return Response::new(Body::from("served"));
                                }
                                (
                                    lie.code,
                                    Some(ChannelStatus {
                                        id: p.payload.channel_id,
                                        spent: Uint128::new(lie.spent),
                                        accepted: Uint128::new(lie.spent),
                                        accepted_signature: lie.forge.map(|seed| {
                                            let v = Voucher {
                                                chain_id: "farthing-local".into(),
                                                token: p.accepted.asset.clone(),
                                                channel_id: p.payload.channel_id,
                                                payee: p.accepted.pay_to.clone(),
                                                cumulative: Uint128::new(lie.spent),
                                            };
                                            sign(KeyType::Ed25519, &[seed; 32], &v).expect("sign")
                                        }),
                                        deposit: Uint128::new(100 * PRICE),
                                        expires_at: 4_000_000_000,
                                    }),
                                )
                            }
                        };
                        let body = PaymentRequired {
                            x402_version: X402_VERSION,
                            error: Some(format!("[code={code}] pay")),
                            resource: Resource {
                                url: "/anything".into(),
                                description: String::new(),
                                mime_type: String::new(),
                            },
                            accepts: vec![PaymentRequirements {
                                scheme: SCHEME.into(),
                                network: network("farthing-local"),
                                amount: Uint128::new(PRICE),
                                asset: "wasm1token".into(),
                                pay_to: address(PUBLISHER),
                                max_timeout_seconds: 30,
                                extra: ChannelTerms {
                                    min_deposit: Uint128::new(PRICE),
                                    min_expiry_seconds: 7_200,
                                    settle_seconds: 3_600,
                                    signer_kinds: vec!["ed25519".into()],
                                    channel,
                                },
                            }],
                        };
                        let mut r =
                            Response::new(Body::from(serde_json::to_vec(&body).expect("json")));
                        *r.status_mut() = StatusCode::PAYMENT_REQUIRED;
                        r.headers_mut().insert(
                            PAYMENT_REQUIRED,
                            HeaderValue::from_str(&encode_header(&body)).expect("header"),
                        );
                        r
                    },
                )
                .with_state(state);
        let (url, _) = listen(app).await;
        FakeGateway { url, signed }
    }

    fn all_signed(&self) -> Vec<u128> {
        self.signed.lock().expect("signed").clone()
    }

    fn max_signed(&self) -> u128 {
        self.signed
            .lock()
            .expect("signed")
            .iter()
            .copied()
            .max()
            .unwrap_or(0)
    }
}

/// An HTTP proxy in front of the chain's RPC that can be switched off (answers 502).
struct RpcProxy {
    url: String,
    down: Arc<AtomicBool>,
}

impl RpcProxy {
    async fn start(target: &str) -> RpcProxy {
        let down = Arc::new(AtomicBool::new(false));
        let client: Client<_, Body> = Client::builder(TokioExecutor::new()).build_http();
        let target: axum::http::Uri = target.parse().expect("target");
        let state = (down.clone(), client, target);
        let app = Router::new()
            .fallback(
                |State((down, client, target)): State<(
                    Arc<AtomicBool>,
                    Client<hyper_util::client::legacy::connect::HttpConnector, Body>,
                    axum::http::Uri,
                )>,
                 mut req: Request<Body>| async move {
                    if down.load(Ordering::SeqCst) {
                        let mut r = Response::new(Body::from("rpc down"));
                        *r.status_mut() = StatusCode::BAD_GATEWAY;
                        return r;
                    }
                    let pq = req
                        .uri()
                        .path_and_query()
                        .map_or("/".to_string(), |p| p.as_str().to_string());
                    *req.uri_mut() = format!(
                        "{}://{}{}",
                        target.scheme_str().unwrap_or("http"),
                        target.authority().expect("authority"),
                        pq
                    )
                    .parse()
                    .expect("uri");
                    req.headers_mut().remove(axum::http::header::HOST);
                    match client.request(req).await {
                        Ok(resp) => {
                            let (parts, body) = resp.into_parts();
                            let bytes = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            Response::from_parts(parts, Body::from(bytes))
                        }
                        Err(_) => {
                            let mut r = Response::new(Body::from("rpc failed"));
                            *r.status_mut() = StatusCode::BAD_GATEWAY;
                            r
                        }
                    }
                },
            )
            .with_state(state);
        let (url, _) = listen(app).await;
        RpcProxy { url, down }
    }
}

/// A second gateway over `rig`'s config and upstream, reading the chain through `rpc`,
/// with its own database.
async fn gateway_through(rig: &Rig, rpc: &str) -> (String, Arc<Gateway>) {
    let mut config = rig.gw.config.clone();
    config.chain.rpc = rpc.to_string();
    config.gateway.database = rig.net.dir.path().join("through.sqlite");
    let mut cli = rig.net.cli_config();
    cli.chain.rpc = rpc.to_string();
    let mut node = Node::connect(&cli, Some(signer(PUBLISHER))).expect("node");
    node.set_poll_interval(Duration::from_millis(20));
    let store = Store::open(&config.database(), config.gateway.durability).expect("store");
    let gw = Gateway::new(config, node, store).await.expect("gateway");
    let (url, _) = listen(gw.router()).await;
    (url, gw)
}

//! The gateway in front of a publisher's API, on a devnode (the real VM) with the suite
//! deployed: payment, double spends, upstream failures, refused vouchers, settlement.

mod support;

use axum::http::StatusCode;
use farthing_gateway::client::expect_paid;
use farthing_gateway::ledger::Books;
use farthing_gateway::protocol::network;
use farthing_gateway::testnet::{address, OPERATOR, PAYER, PAYER_2, PUBLISHER};
use farthing_types::token::ExecuteMsg;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_pays_each_request_once_and_the_settler_claims_exactly_what_was_served() {
    let rig = Rig::start().await;
    let client = rig.client(10_000_000);
    for i in 0..20u128 {
        let paid = client
            .get(&format!("{}/paid/a{i}", rig.url))
            .await
            .expect("request");
        let receipt = expect_paid(&paid).expect("paid");
        assert_eq!(receipt.amount.u128(), PRICE);
        assert_eq!(receipt.spent.u128(), (i + 1) * PRICE);
        assert_eq!(paid.body, format!("article a{i}"));
    }
    let book = client.book().await;
    let state = book.channels.values().next().expect("one channel");
    let channel = state.channel;
    // Deposit: 100 requests (above the gateway's minimum of 1,000), locked once.
    assert_eq!(state.deposit.u128(), 100 * PRICE);
    assert_eq!(book.locked.u128(), 100 * PRICE);
    assert_eq!(state.signed.u128(), 20 * PRICE);
    assert_eq!(
        rig.books(channel).await,
        Books {
            spent: 20 * PRICE,
            accepted: 20 * PRICE
        }
    );
    assert_eq!(rig.stored(channel), Some(rig.books(channel).await));
    // The upstream was told who paid.
    let payers = rig.seen.lock().expect("seen").payers.clone();
    assert_eq!(payers, vec![address(PAYER); 20]);

    // Nothing is due yet (threshold and interval far away): the pass claims nothing.
    let mut settler = rig.settler();
    let pass = settler.pass(false).await.expect("pass");
    assert!(!pass.triggered);
    let before = rig.net.balance(&rig.publisher()).await.expect("balance");
    let pass = settler.pass(true).await.expect("pass");
    assert_eq!(pass.claimed, vec![(channel, 20 * PRICE)]);
    assert_eq!(pass.transactions.len(), 1);
    assert_eq!(
        rig.net.balance(&rig.publisher()).await.expect("balance"),
        before + 20 * PRICE
    );
    assert_eq!(rig.channel(channel).await.claimed.u128(), 20 * PRICE);
    // Idempotent: a second pass has nothing to claim and sends nothing.
    let height = rig.net.devnode.height();
    let pass = settler.pass(true).await.expect("pass");
    assert!(pass.claimed.is_empty() && pass.transactions.is_empty());
    assert_eq!(rig.net.devnode.height(), height);
    // The metrics say so.
    let text = rig.gw.metrics.render();
    assert!(
        text.contains("farthing_gateway_paid_requests_total 20\n"),
        "{text}"
    );
    assert!(
        text.contains("farthing_gateway_settled_value_total 20000"),
        "{text}"
    );
    assert!(
        text.contains("farthing_gateway_unsettled_value 0"),
        "{text}"
    );
    // One 402 per path the client had not paid for yet; then it pays up front.
    assert!(
        text.contains("farthing_gateway_payment_required_total 20\n"),
        "{text}"
    );
    for _ in 0..5 {
        expect_paid(
            &client
                .get(&format!("{}/paid/a0", rig.url))
                .await
                .expect("a0"),
        )
        .expect("paid");
    }
    let text = rig.gw.metrics.render();
    assert!(
        text.contains("farthing_gateway_payment_required_total 20\n"),
        "{text}"
    );
    assert!(
        text.contains("farthing_gateway_paid_requests_total 25\n"),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_voucher_sent_fifty_times_in_parallel_is_served_once() {
    let rig = Rig::start().await;
    let req = rig.requirements().await;
    let channel = rig
        .open(PAYER, &rig.publisher(), 1_000_000, 86_400, 1)
        .await;
    let payment = rig.payment(&req, channel, PRICE, 1);
    let mut tasks = vec![];
    for _ in 0..50 {
        let (url, p) = (rig.url.clone(), payment.clone());
        tasks.push(tokio::spawn(
            async move { raw(&url, "/paid/x", Some(&p)).await },
        ));
    }
    let mut served = 0;
    let mut codes = vec![];
    for t in tasks {
        let (status, headers, _) = t.await.expect("join");
        if status == StatusCode::OK {
            served += 1;
        } else {
            assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
            codes.push(code_of(&headers));
        }
    }
    assert_eq!(served, 1);
    assert_eq!(codes, vec!["underpaid".to_string(); 49]);
    assert_eq!(rig.hits("x"), 1);
    assert_eq!(
        rig.books(channel).await,
        Books {
            spent: PRICE,
            accepted: PRICE
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_parallel_vouchers_in_any_order_are_each_served_once() {
    let rig = Rig::start().await;
    let req = rig.requirements().await;
    let channel = rig
        .open(PAYER, &rig.publisher(), 1_000_000, 86_400, 1)
        .await;
    // Vouchers 1..=100 prices, sent at once in reverse order, each twice.
    let mut tasks = vec![];
    for i in (1..=100u128).rev() {
        for _ in 0..2 {
            let (url, p) = (rig.url.clone(), rig.payment(&req, channel, i * PRICE, 1));
            tasks.push(tokio::spawn(async move {
                raw(&url, "/paid/x", Some(&p)).await.0
            }));
        }
    }
    let mut served = 0;
    for t in tasks {
        if t.await.expect("join") == StatusCode::OK {
            served += 1;
        }
    }
    // 100 prices were signed for: at most 100 requests served, whatever the order.
    assert!(served <= 100, "{served} served for 100 prices");
    assert_eq!(rig.hits("x"), served);
    let books = rig.books(channel).await;
    assert_eq!(books.spent, served as u128 * PRICE);
    assert_eq!(books.accepted, 100 * PRICE);
    // The settler claims the best voucher: what the payer signed above what was served
    // is its credit, which its next requests use without a new voucher.
    let pass = rig.settler().pass(true).await.expect("pass");
    assert_eq!(pass.claimed, vec![(channel, 100 * PRICE)]);
    let credit = 100 - served as u128;
    for _ in 0..credit {
        let p = rig.payment(&req, channel, 100 * PRICE, 1);
        assert_eq!(raw(&rig.url, "/paid/x", Some(&p)).await.0, StatusCode::OK);
    }
    let p = rig.payment(&req, channel, 100 * PRICE, 1);
    assert_eq!(
        raw(&rig.url, "/paid/x", Some(&p)).await.0,
        StatusCode::PAYMENT_REQUIRED
    );
    assert_eq!(rig.hits("x"), 100);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upstream_failure_is_not_charged_and_not_claimed() {
    let rig = Rig::start().await;
    let client = rig.client(10_000_000);
    expect_paid(&client.get(&format!("{}/paid/a", rig.url)).await.expect("a")).expect("paid");
    // A 500 from the upstream: passed through, not charged.
    let failed = client
        .get(&format!("{}/paid/fail", rig.url))
        .await
        .expect("fail");
    assert_eq!(failed.status, StatusCode::INTERNAL_SERVER_ERROR);
    let r = failed.receipt.expect("receipt");
    assert!(!r.success);
    assert_eq!(r.error_reason.as_deref(), Some("upstream_failed"));
    assert_eq!(r.amount.u128(), 0);
    assert_eq!(r.spent.u128(), PRICE);
    assert_eq!(r.accepted.u128(), 2 * PRICE);
    // A 4xx is the upstream's answer, not a failure: charged.
    let missing = client
        .get(&format!("{}/paid/missing", rig.url))
        .await
        .expect("404");
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_eq!(missing.receipt.expect("receipt").amount.u128(), PRICE);
    let channel = r.channel_id;
    // The client used its credit: the 404 was paid with the failed request's voucher.
    assert_eq!(
        rig.books(channel).await,
        Books {
            spent: 2 * PRICE,
            accepted: 2 * PRICE
        }
    );
    // The upstream down: 502, not charged.
    let mut rig = rig;
    let mut down = rig.gw.config.clone();
    down.gateway.upstream = "http://127.0.0.1:9".into();
    rig.restart_with(down).await;
    let gone = client
        .get(&format!("{}/paid/b", rig.url))
        .await
        .expect("502");
    assert_eq!(gone.status, StatusCode::BAD_GATEWAY);
    assert_eq!(gone.receipt.expect("receipt").amount.u128(), 0);
    assert_eq!(
        rig.books(channel).await,
        Books {
            spent: 2 * PRICE,
            accepted: 3 * PRICE
        }
    );
    // The upstream back: the next request is paid with the credit, no new voucher.
    let up = {
        let mut c = rig.gw.config.clone();
        c.gateway.upstream = rig.upstream.clone();
        c
    };
    rig.restart_with(up).await;
    let again = client.get(&format!("{}/paid/c", rig.url)).await.expect("c");
    let r = expect_paid(&again).expect("paid");
    assert_eq!((r.spent.u128(), r.accepted.u128()), (3 * PRICE, 3 * PRICE));
    // Three requests served, three claimed; the two failures cost nothing.
    let pass = rig.settler().pass(true).await.expect("pass");
    assert_eq!(pass.claimed, vec![(channel, 3 * PRICE)]);
    assert_eq!(rig.channel(channel).await.claimed.u128(), 3 * PRICE);
    assert_eq!(rig.hits("a") + rig.hits("missing") + rig.hits("c"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_upstream_times_out_and_is_not_charged() {
    let rig = Rig::start_with(|c| c.gateway.upstream_timeout_seconds = 1).await;
    let client = rig.client(10_000_000);
    let slow = client
        .get(&format!("{}/paid/slow", rig.url))
        .await
        .expect("slow");
    assert_eq!(slow.status, StatusCode::GATEWAY_TIMEOUT);
    let r = slow.receipt.expect("receipt");
    assert_eq!((r.success, r.amount.u128(), r.spent.u128()), (false, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_vouchers_are_not_served_and_change_nothing() {
    let rig = Rig::start().await;
    let req = rig.requirements().await;
    assert_eq!(req.pay_to, rig.publisher());
    assert_eq!(req.network, network("farthing-local"));
    assert_eq!(req.amount.u128(), PRICE);
    let channel = rig
        .open(PAYER, &rig.publisher(), 1_000_000, 86_400, 1)
        .await;
    let check = |payment, want: &'static str| {
        let url = rig.url.clone();
        async move {
            let (status, headers, _) = raw(&url, "/paid/x", Some(&payment)).await;
            assert_eq!(status, StatusCode::PAYMENT_REQUIRED, "{want}");
            assert_eq!(code_of(&headers), want);
        }
    };
    // Another chain.
    let mut p = rig.payment(&req, channel, PRICE, 1);
    p.accepted.network = "cosmos:other-1".into();
    check(p, "wrong_chain").await;
    // Another token.
    let mut p = rig.payment(&req, channel, PRICE, 1);
    p.accepted.asset = address(PAYER_2);
    check(p, "wrong_token").await;
    // Another payee named in the payment.
    let mut p = rig.payment(&req, channel, PRICE, 1);
    p.accepted.pay_to = address(PAYER_2);
    check(p, "wrong_payee").await;
    // A forged voucher: signed by another key.
    check(rig.payment(&req, channel, PRICE, 9), "bad_signature").await;
    // A voucher for a cumulative the signature is not for.
    let mut p = rig.payment(&req, channel, PRICE, 1);
    p.payload.cumulative = cosmwasm_std::Uint128::new(2 * PRICE);
    check(p, "bad_signature").await;
    // Above the deposit.
    check(rig.payment(&req, channel, 1_000_001, 1), "over_deposit").await;
    // Less than the price.
    check(rig.payment(&req, channel, PRICE - 1, 1), "underpaid").await;
    // No such channel.
    check(rig.payment(&req, 999, PRICE, 1), "unknown_channel").await;
    // A channel that pays someone else.
    let elsewhere = rig
        .open(PAYER, &address(PAYER_2), 1_000_000, 86_400, 1)
        .await;
    check(rig.payment(&req, elsewhere, PRICE, 1), "wrong_payee").await;
    // A garbage header.
    let (status, headers, _) = {
        let client: hyper_util::client::legacy::Client<_, http_body_util::Full<axum::body::Bytes>> =
            hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
                .build_http();
        let req = axum::http::Request::get(format!("{}/paid/x", rig.url))
            .header("payment-signature", "not base64!")
            .body(http_body_util::Full::new(axum::body::Bytes::new()))
            .expect("req");
        let resp = client.request(req).await.expect("answer");
        (resp.status(), resp.headers().clone(), ())
    };
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(code_of(&headers), "bad_payment");
    // Nothing was served or charged.
    assert_eq!(rig.hits("x"), 0);
    assert_eq!(rig.books(channel).await, Books::default());
    assert_eq!(rig.stored(channel), None);
    let text = rig.gw.metrics.render();
    for code in [
        "wrong_chain",
        "wrong_token",
        "bad_signature",
        "over_deposit",
        "underpaid",
        "unknown_channel",
        "bad_payment",
    ] {
        assert!(
            text.contains(&format!(
                "farthing_gateway_rejected_vouchers_total{{reason=\"{code}\"}}"
            )),
            "{code}"
        );
    }
    assert!(text.contains("farthing_gateway_rejected_vouchers_total{reason=\"wrong_payee\"} 2"));
    assert!(text.contains("farthing_gateway_rejected_vouchers_total{reason=\"bad_signature\"} 2"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiring_and_closing_channels_are_refused_and_closing_ones_claimed_at_once() {
    let rig = Rig::start_with(|c| c.payment.cache_seconds = 0).await;
    let req = rig.requirements().await;
    // Expires in an hour: within the gateway's 2-hour margin.
    let short = rig.open(PAYER, &rig.publisher(), 1_000_000, 3_600, 1).await;
    let (status, headers, _) = raw(
        &rig.url,
        "/paid/x",
        Some(&rig.payment(&req, short, PRICE, 1)),
    )
    .await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(code_of(&headers), "channel_expiring");
    // Extended: accepted (read again at once).
    let now = rig
        .net
        .node(PAYER)
        .expect("node")
        .block_time()
        .await
        .expect("t")
        .seconds();
    rig.net
        .execute(
            PAYER,
            &rig.net.token,
            &ExecuteMsg::ExtendChannel {
                channel: short,
                expires_at: cosmwasm_std::Timestamp::from_seconds(now + 86_400),
            },
        )
        .await
        .expect("extend");
    let (status, _, _) = raw(
        &rig.url,
        "/paid/x",
        Some(&rig.payment(&req, short, PRICE, 1)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    // The payer starts closing: the next voucher is refused, and the settler claims what
    // was served without waiting for its schedule.
    rig.net
        .execute(
            PAYER,
            &rig.net.token,
            &ExecuteMsg::StartClose { channel: short },
        )
        .await
        .expect("start close");
    let (status, headers, _) = raw(
        &rig.url,
        "/paid/x",
        Some(&rig.payment(&req, short, 2 * PRICE, 1)),
    )
    .await;
    assert_eq!(status, StatusCode::PAYMENT_REQUIRED);
    assert_eq!(code_of(&headers), "channel_closing");
    let pass = rig.settler().pass(false).await.expect("pass");
    assert!(pass.triggered);
    assert_eq!(pass.claimed, vec![(short, PRICE)]);
    // Closed: refused as closed.
    rig.net
        .execute(
            PUBLISHER,
            &rig.net.token,
            &ExecuteMsg::CloseChannel { channel: short },
        )
        .await
        .expect("close");
    let (_, headers, _) = raw(
        &rig.url,
        "/paid/x",
        Some(&rig.payment(&req, short, 2 * PRICE, 1)),
    )
    .await;
    assert_eq!(code_of(&headers), "channel_closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_payer_does_not_block_the_settlement_of_other_channels() {
    let rig = Rig::start().await;
    let req = rig.requirements().await;
    let a = rig
        .open(PAYER, &rig.publisher(), 1_000_000, 86_400, 1)
        .await;
    let b = rig
        .open(PAYER_2, &rig.publisher(), 1_000_000, 86_400, 2)
        .await;
    for (ch, seed) in [(a, 1), (b, 2)] {
        for i in 1..=3 {
            let (s, _, _) = raw(
                &rig.url,
                "/paid/x",
                Some(&rig.payment(&req, ch, i * PRICE, seed)),
            )
            .await;
            assert_eq!(s, StatusCode::OK);
        }
    }
    // The issuer freezes the second payer: its channel cannot be claimed for now.
    rig.freeze(PAYER_2, "investigation").await;
    let mut settler = rig.settler();
    let pass = settler.pass(true).await.expect("pass");
    assert_eq!(pass.claimed, vec![(a, 3 * PRICE)]);
    assert_eq!(pass.refused.len(), 1);
    assert_eq!(pass.refused[0].0, b);
    assert_eq!(rig.channel(a).await.claimed.u128(), 3 * PRICE);
    assert_eq!(rig.channel(b).await.claimed.u128(), 0);
    // Unfrozen: the next pass claims it.
    rig.net
        .execute(
            OPERATOR,
            &rig.net.token,
            &ExecuteMsg::Unfreeze {
                address: address(PAYER_2),
                reason: "cleared".into(),
            },
        )
        .await
        .expect("unfreeze");
    let pass = settler.pass(true).await.expect("pass");
    assert_eq!(pass.claimed, vec![(b, 3 * PRICE)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_claim_that_landed_without_an_answer_is_not_sent_again_and_books_survive_a_restart() {
    let mut rig = Rig::start().await;
    let req = rig.requirements().await;
    let ch = rig
        .open(PAYER, &rig.publisher(), 1_000_000, 86_400, 1)
        .await;
    for i in 1..=5 {
        let (s, _, _) = raw(
            &rig.url,
            "/paid/x",
            Some(&rig.payment(&req, ch, i * PRICE, 1)),
        )
        .await;
        assert_eq!(s, StatusCode::OK);
    }
    // A restart: the books come back from the database.
    rig.restart().await;
    assert_eq!(
        rig.books(ch).await,
        Books {
            spent: 5 * PRICE,
            accepted: 5 * PRICE
        }
    );
    // A replay after the restart is still refused.
    let (_, headers, _) = raw(
        &rig.url,
        "/paid/x",
        Some(&rig.payment(&req, ch, 5 * PRICE, 1)),
    )
    .await;
    assert_eq!(code_of(&headers), "underpaid");
    // The claim lands (as if the settler had sent it and lost the answer).
    let p = rig.payment(&req, ch, 5 * PRICE, 1);
    rig.net
        .execute(
            PUBLISHER,
            &rig.net.token,
            &ExecuteMsg::Claim {
                channel: ch,
                cumulative: p.payload.cumulative,
                signature: p.payload.signature,
                close: None,
            },
        )
        .await
        .expect("claim");
    let height = rig.net.devnode.height();
    let pass = rig.settler().pass(true).await.expect("pass");
    assert_eq!(pass.already, vec![ch]);
    assert!(pass.transactions.is_empty());
    assert_eq!(rig.net.devnode.height(), height);
    assert_eq!(rig.gw.slot(ch).lock().await.settled, 5 * PRICE);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_client_refuses_to_pass_its_budget_and_opens_nothing() {
    let rig = Rig::start().await;
    // The deposit would be 100 requests: above a budget of 50.
    let client = rig.client(50 * PRICE);
    let err = client
        .get(&format!("{}/paid/a", rig.url))
        .await
        .expect_err("over budget");
    let e = err
        .downcast_ref::<farthing_gateway::client::PayError>()
        .expect("typed");
    assert!(matches!(
        e,
        farthing_gateway::client::PayError::BudgetExceeded {
            wanted: 100_000,
            locked: 0,
            budget: 50_000
        }
    ));
    let channels: farthing_types::token::ChannelsResponse = rig
        .net
        .node(PAYER)
        .expect("node")
        .smart(
            &rig.net.token,
            &farthing_types::token::QueryMsg::Channels {
                by: farthing_types::token::ChannelsBy::Payer(address(PAYER)),
                start_after: None,
                limit: None,
            },
        )
        .await
        .expect("channels");
    assert!(channels.channels.is_empty());
    assert_eq!(client.book().await.locked.u128(), 0);
}

/// A payer restores its store from a backup taken 5 requests ago: its first voucher is
/// stale, the gateway's 402 carries the signature of the voucher it holds, the client
/// checks it with its own key, catches up, and pays exactly one price more. Again after a
/// gateway restart (the signature then comes from the database).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_restored_from_a_backup_catches_up_on_the_gateways_proof_and_pays_once() {
    let mut rig = Rig::start().await;
    let client = rig.client(10_000_000);
    for i in 0..3 {
        expect_paid(&get(&client, &rig.url, &format!("b{i}")).await).expect("paid");
    }
    let backup = client.book().await;
    for i in 3..8 {
        expect_paid(&get(&client, &rig.url, &format!("b{i}")).await).expect("paid");
    }
    let channel = backup.channels.values().next().expect("channel").channel;
    assert_eq!(
        backup.channels.values().next().expect("c").signed.u128(),
        3 * PRICE
    );

    let restored = rig.client_from(10_000_000, backup.clone());
    let paid = get(&restored, &rig.url, "after").await;
    let receipt = expect_paid(&paid).expect("paid after the resync");
    assert_eq!(
        (
            receipt.amount.u128(),
            receipt.spent.u128(),
            receipt.accepted.u128()
        ),
        (PRICE, 9 * PRICE, 9 * PRICE)
    );
    let book = restored.book().await;
    let state = book.channels.values().next().expect("channel");
    assert_eq!((state.channel, state.signed.u128()), (channel, 9 * PRICE));
    assert_eq!(book.locked, backup.locked, "nothing new locked");
    assert_eq!(
        rig.books(channel).await,
        Books {
            spent: 9 * PRICE,
            accepted: 9 * PRICE
        }
    );
    assert_eq!(rig.hits("after"), 1);

    rig.restart().await;
    let again = rig.client_from(10_000_000, backup);
    let paid = again
        .get(&format!("{}/paid/restarted", rig.url))
        .await
        .expect("request");
    let receipt = expect_paid(&paid).expect("paid after a restart");
    assert_eq!(
        (receipt.spent.u128(), receipt.accepted.u128()),
        (10 * PRICE, 10 * PRICE)
    );
    assert_eq!(
        again
            .book()
            .await
            .channels
            .values()
            .next()
            .expect("c")
            .signed
            .u128(),
        10 * PRICE
    );
}

async fn get(
    client: &farthing_gateway::client::PayingClient<farthing_gateway::client::ChainOpener>,
    url: &str,
    path: &str,
) -> farthing_gateway::client::Paid {
    client
        .get(&format!("{url}/paid/{path}"))
        .await
        .expect("request")
}

/// The publisher lowers the price from 1,000 to 100 (a restart with a new config). The
/// client pays its known price (1,000) up front once; the receipt says 100 was charged:
/// the difference is credit and the known price becomes 100. Ten requests at 100 end with
/// exactly what was served signed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lowered_price_is_read_from_the_receipt_and_nothing_more_is_signed() {
    let mut rig = Rig::start().await;
    let client = rig.client(10_000_000);
    for _ in 0..3 {
        // One path: after its first 402 the client pays its known price up front.
        expect_paid(&get(&client, &rig.url, "quote").await).expect("paid");
    }
    let mut config = rig.gw.config.clone();
    for route in &mut config.routes {
        if route.price.u128() == PRICE {
            route.price = cosmwasm_std::Uint128::new(PRICE / 10);
        }
    }
    rig.restart_with(config).await;
    let mut charged = vec![];
    for _ in 0..10 {
        let paid = get(&client, &rig.url, "quote").await;
        charged.push(expect_paid(&paid).expect("paid").amount.u128());
    }
    assert_eq!(charged, vec![PRICE / 10; 10]);
    let book = client.book().await;
    let state = book.channels.values().next().expect("channel");
    assert_eq!(state.signed.u128(), 3 * PRICE + 10 * (PRICE / 10));
    assert_eq!(
        rig.books(state.channel).await,
        Books {
            spent: 4 * PRICE,
            accepted: 4 * PRICE
        }
    );
}

/// `max_price` is the most the client pays per request: a price exactly at it is paid, one
/// above it is refused with `PriceTooHigh` before anything is opened or signed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_price_exactly_at_max_price_is_paid_and_one_above_is_refused_before_any_channel() {
    use farthing_gateway::client::{Book, PayError};
    let rig = Rig::start().await;
    let with_max = |max: u128| rig.client_with(Book::default(), |p| p.max_price = max);
    let frugal = with_max(PRICE - 1);
    let err = frugal
        .get(&format!("{}/paid/dear", rig.url))
        .await
        .expect_err("refused");
    assert_eq!(
        err.downcast_ref::<PayError>(),
        Some(&PayError::PriceTooHigh {
            price: PRICE,
            max: PRICE - 1
        })
    );
    assert_eq!(
        frugal.book().await,
        Book::default(),
        "nothing opened or locked"
    );
    assert_eq!(rig.hits("dear"), 0);

    let exact = with_max(PRICE);
    let paid = exact
        .get(&format!("{}/paid/dear", rig.url))
        .await
        .expect("request");
    assert_eq!(expect_paid(&paid).expect("paid").amount.u128(), PRICE);
    assert_eq!(rig.hits("dear"), 1);
}

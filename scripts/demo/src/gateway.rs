//! Act 6: a publisher's API behind `farthing-gateway`, paid per request.
//!
//! Unlike acts 1 to 5 (farthing-vm called directly), this act runs a chain: a devnode
//! (CometBFT JSON-RPC over HTTP on 127.0.0.1, the same optimized wasm on cosmwasm-vm)
//! with the suite deployed by the operators' CLI. The gateway and the Rust paying client
//! reach it as they would reach a wasmd node. Every balance is checked at the end.

use std::io::Write;
use std::time::Instant;

use anyhow::{ensure, Context as _, Result};
use axum::routing::get;
use axum::Router;
use farthing_gateway::client::{expect_paid, ChainOpener, MemoryStore, PayingClient, Policy};
use farthing_gateway::protocol::network;
use farthing_gateway::server::Gateway;
use farthing_gateway::settler::Settler;
use farthing_gateway::store::Store;
use farthing_gateway::testnet::{address, Testnet, PAYER, PUBLISHER};
use farthing_types::token::{ExecuteMsg, QueryMsg};

use crate::layout::n;

/// Requests the reader pays for, and the price of one.
pub const REQUESTS: u128 = 1_000;
pub const PRICE: u128 = 1_000;

/// What act 6 did.
#[derive(Clone, Debug, PartialEq)]
pub struct GatewayAct {
    pub requests: u128,
    pub served: u128,
    /// 402 round trips (the first request of each new path pays after one).
    pub payment_required: u64,
    pub claimed: u128,
    pub settle_gas: u64,
    pub close_gas: u64,
    pub publisher_gain: u128,
    pub payer_refund: u128,
}

fn line(out: &mut impl Write, text: &str) -> Result<()> {
    writeln!(out, "{text}")?;
    Ok(())
}

/// Plays act 6 on a fresh devnode.
pub fn play(out: &mut impl Write) -> Result<GatewayAct> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(act(out))
}

async fn act(out: &mut impl Write) -> Result<GatewayAct> {
    line(out, "")?;
    line(
        out,
        "Act 6. A paid API: the gazette sells quotes per request behind farthing-gateway",
    )?;
    line(
        out,
        "  A devnode (CometBFT JSON-RPC on 127.0.0.1, the same wasm on cosmwasm-vm) runs the \
         suite, deployed by the operators' CLI.",
    )?;
    let started = Instant::now();
    let net = Testnet::start(1_000_000_000).await?;
    line(
        out,
        &format!(
            "  deployed: token {}, registry {}; publisher and reader listed (KYC tier 3)",
            net.token, net.registry
        ),
    )?;
    // The publisher's API, which knows nothing of payments.
    let api = Router::new().route(
        "/paid/quote/{symbol}",
        get(
            |axum::extract::Path(symbol): axum::extract::Path<String>| async move {
                format!("{{\"symbol\":\"{symbol}\",\"price\":\"1.00\"}}")
            },
        ),
    );
    let api_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let upstream = format!("http://{}", api_listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(api_listener, api).await;
    });
    let config = net.gateway_config(&upstream, PRICE, &net.dir.path().join("gateway.sqlite"));
    let store = Store::open(&config.database(), config.gateway.durability)?;
    let gw = Gateway::new(config, net.node(PUBLISHER)?, store).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}", listener.local_addr()?);
    let app = gw.router();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    line(
        out,
        &format!("  gateway {url} -> API {upstream}; GET /paid/* costs {PRICE} FEUR units"),
    )?;

    let publisher = address(PUBLISHER);
    let reader = address(PAYER);
    let publisher_before = net.balance(&publisher).await?;
    let reader_before = net.balance(&reader).await?;

    // The reader's machine: the Rust paying client, its wallet opening the channel.
    let client = PayingClient::new(
        ChainOpener {
            node: net.node(PAYER)?,
            token: net.token.clone(),
        },
        Policy {
            network: network(&net.chain.chain_id),
            asset: net.token.clone(),
            budget: 2_000 * PRICE,
            requests_per_deposit: 1_200,
            extra_life_seconds: 86_400,
            max_price: 1_000_000,
        },
        Box::new(MemoryStore::default()),
    )?;
    let symbols = ["ATOM", "OSMO", "JUNO", "NTRN"];
    let t = Instant::now();
    let mut served = 0u128;
    let mut last_spent = 0u128;
    for i in 0..REQUESTS {
        let symbol = symbols[(i % 4) as usize];
        let paid = client.get(&format!("{url}/paid/quote/{symbol}")).await?;
        let receipt = expect_paid(&paid)?;
        ensure!(
            receipt.amount.u128() == PRICE && receipt.spent.u128() == last_spent + PRICE,
            "request {i}: receipt {receipt:?}"
        );
        last_spent = receipt.spent.u128();
        served += 1;
    }
    let took = t.elapsed();
    let book = client.book().await;
    let state = book
        .channels
        .values()
        .next()
        .context("the client opened no channel")?;
    let channel = state.channel;
    let payment_required = gw.metrics.payment_required.get();
    line(
        out,
        &format!(
            "  the reader's client met one 402 per new path ({payment_required}), opened channel {channel} with {} locked, and paid {} requests with vouchers in {:.2} s ({:.0} paid req/s, one at a time, no transaction per request)",
            n(state.deposit.u128() as u64),
            n(served as u64),
            took.as_secs_f64(),
            served as f64 / took.as_secs_f64()
        ),
    )?;

    // Settlement: one ClaimMany for everything served.
    let mut settler = Settler::new(gw.clone());
    let pass = settler.pass(true).await?;
    let claimed: u128 = pass.claimed.iter().map(|(_, v)| v).sum();
    let settle_gas: u64 = pass.transactions.iter().map(|t| t.1).sum();
    ensure!(claimed == REQUESTS * PRICE, "claimed {claimed}");
    line(
        out,
        &format!(
            "  the settler claimed {} in {} transaction ({} gas); the gateway's metrics: unsettled {}",
            n(claimed as u64),
            pass.transactions.len(),
            n(settle_gas),
            gw.metrics.unsettled.get()
        ),
    )?;
    // The reader is done: the publisher closes; the rest returns to the reader.
    let close = net
        .execute(PUBLISHER, &net.token, &ExecuteMsg::CloseChannel { channel })
        .await?;
    let on_chain: farthing_types::token::Channel = net
        .node(PAYER)?
        .smart(&net.token, &QueryMsg::Channel { channel })
        .await?;
    ensure!(on_chain.closed && on_chain.claimed.u128() == REQUESTS * PRICE);
    let publisher_gain = net.balance(&publisher).await? - publisher_before;
    let reader_after = net.balance(&reader).await?;
    ensure!(
        publisher_gain == REQUESTS * PRICE,
        "the publisher gained {publisher_gain}"
    );
    ensure!(
        reader_before - reader_after == REQUESTS * PRICE,
        "the reader paid {}",
        reader_before - reader_after
    );
    let payer_refund = state.deposit.u128() - REQUESTS * PRICE;
    line(
        out,
        &format!(
            "  closed: the publisher got {} (exactly {} x {PRICE}), the reader got {} back; chain gas after the open: settle {} + close {} (docs/GATEWAY-BENCHMARK.md has open + settle + close against x402 exact)",
            n(publisher_gain as u64),
            n(REQUESTS as u64),
            n(payer_refund as u64),
            n(settle_gas),
            n(close.gas_used)
        ),
    )?;
    line(
        out,
        &format!("  act 6 took {:.1} s", started.elapsed().as_secs_f64()),
    )?;
    net.devnode.shutdown().await;
    Ok(GatewayAct {
        requests: REQUESTS,
        served,
        payment_required,
        claimed,
        settle_gas,
        close_gas: close.gas_used,
        publisher_gain,
        payer_refund,
    })
}

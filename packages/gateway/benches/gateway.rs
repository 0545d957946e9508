//! The gateway, measured: `bash scripts/gateway-bench.sh` (or
//! `cargo bench -p farthing-gateway --bench gateway -- [requests per worker] [workers]`).
//!
//! 1. Throughput and latency: the same load (each worker its own channel, vouchers signed
//!    before the clock starts) against the upstream directly, then through the gateway.
//! 2. Chain cost of 1,000 paid requests (open + settle + close) on a devnode (the real VM),
//!    against x402 `exact`: one cw20-base transfer per request, measured in the same run.
//!
//! Prints markdown.

use std::time::{Duration, Instant};

use anyhow::{anyhow, Result};
use axum::body::Bytes;
use axum::http::{Request, StatusCode};
use axum::routing::get;
use axum::Router;
use cosmrs::cosmwasm::{MsgInstantiateContract, MsgStoreCode};
use cosmrs::tx::Msg;
use cosmrs::AccountId;
use cosmwasm_std::{Timestamp, Uint128};
use farthing_cli::deploy::execute_msg;
use farthing_gateway::protocol::{
    encode_header, network, ChannelPayment, ChannelTerms, PaymentPayload, PaymentRequirements,
    PAYMENT_SIGNATURE, SCHEME, X402_VERSION,
};
use farthing_gateway::server::Gateway;
use farthing_gateway::settler::Settler;
use farthing_gateway::store::Store;
use farthing_gateway::testnet::{address, workspace, Testnet, PAYER, PAYER_2, PUBLISHER};
use farthing_types::token::ExecuteMsg;
use farthing_voucher::{public_key, sign, KeyType, Voucher};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

const PRICE: u128 = 1_000;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn us(d: Duration) -> String {
    format!("{:.0}", d.as_secs_f64() * 1e6)
}

struct Run {
    requests: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn rps(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }
}

/// `workers` tasks, each sending its own requests one after another (headers given).
async fn load(url: &str, work: Vec<Vec<Option<String>>>) -> Result<Run> {
    let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
    http.set_nodelay(true);
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(1024)
        .build(http);
    let requests: usize = work.iter().map(Vec::len).sum();
    let started = Instant::now();
    let mut tasks = vec![];
    for headers in work {
        let (client, url) = (client.clone(), url.to_string());
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(headers.len());
            for h in headers {
                let mut req = Request::get(&url).body(Full::new(Bytes::new()))?;
                if let Some(h) = h {
                    req.headers_mut().insert(PAYMENT_SIGNATURE, h.parse()?);
                }
                let t = Instant::now();
                let resp = client.request(req).await?;
                let status = resp.status();
                resp.into_body().collect().await?;
                lat.push(t.elapsed());
                if status != StatusCode::OK {
                    return Err(anyhow!("status {status}"));
                }
            }
            Ok::<_, anyhow::Error>(lat)
        }));
    }
    let mut latencies = vec![];
    for t in tasks {
        latencies.extend(t.await??);
    }
    let elapsed = started.elapsed();
    latencies.sort();
    Ok(Run {
        requests,
        elapsed,
        latencies,
    })
}

async fn upstream() -> Result<String> {
    let app = Router::new().route("/paid/quote", get(|| async { "{\"price\":\"1.00\"}" }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(format!("http://{addr}"))
}

async fn open(net: &Testnet, payer: &str, deposit: u128, seed: u8) -> Result<(u64, u64)> {
    let now = net.node(payer)?.block_time().await?.seconds();
    let out = net
        .execute(
            payer,
            &net.token,
            &ExecuteMsg::OpenChannel {
                payee: address(PUBLISHER),
                amount: Uint128::new(deposit),
                expires_at: Timestamp::from_seconds(now + 30 * 86_400),
                signer: public_key(KeyType::Ed25519, &[seed; 32])?,
                travel_rule_ref: None,
            },
        )
        .await?;
    let id = out
        .attribute("wasm-token_channel_opened", "channel")
        .ok_or_else(|| anyhow!("no channel id"))?
        .parse()?;
    Ok((id, out.gas_used))
}

fn requirements(net: &Testnet) -> PaymentRequirements {
    PaymentRequirements {
        scheme: SCHEME.into(),
        network: network(&net.chain.chain_id),
        amount: Uint128::new(PRICE),
        asset: net.token.clone(),
        pay_to: address(PUBLISHER),
        max_timeout_seconds: 5,
        extra: ChannelTerms {
            min_deposit: Uint128::new(1_000),
            min_expiry_seconds: 7_200,
            settle_seconds: 3_600,
            signer_kinds: vec!["ed25519".into()],
            channel: None,
        },
    }
}

/// `n` vouchers of one price each on `channel`, as PAYMENT-SIGNATURE headers.
fn vouchers(
    net: &Testnet,
    req: &PaymentRequirements,
    channel: u64,
    seed: u8,
    n: usize,
) -> Result<Vec<Option<String>>> {
    (1..=n as u128)
        .map(|i| {
            let v = Voucher {
                chain_id: net.chain.chain_id.clone(),
                token: net.token.clone(),
                channel_id: channel,
                payee: address(PUBLISHER),
                cumulative: Uint128::new(i * PRICE),
            };
            let sig = sign(KeyType::Ed25519, &[seed; 32], &v)?;
            Ok(Some(encode_header(&PaymentPayload {
                x402_version: X402_VERSION,
                resource: None,
                accepted: req.clone(),
                payload: ChannelPayment {
                    channel_id: channel,
                    cumulative: Uint128::new(i * PRICE),
                    signature: sig,
                },
            })))
        })
        .collect()
}

/// Gas of a cw20-base transfer on the devnode: store, instantiate, transfer.
async fn cw20_base_transfer_gas(net: &Testnet) -> Result<u64> {
    let node = net.node(PAYER)?;
    let sender: AccountId = node.sender()?.parse().map_err(|e| anyhow!("{e}"))?;
    let wasm = std::fs::read(workspace().join("artifacts/reference/cw20_base.wasm"))?;
    let store = MsgStoreCode {
        sender: sender.clone(),
        wasm_byte_code: wasm,
        instantiate_permission: None,
    }
    .to_any()
    .map_err(|e| anyhow!("{e}"))?;
    let out = node.send(&[store], "", |_| Ok(())).await?;
    let code_id: u64 = out
        .attribute("store_code", "code_id")
        .ok_or_else(|| anyhow!("no code id"))?
        .parse()?;
    let init = serde_json::json!({
        "name": "Reference", "symbol": "REF", "decimals": 6,
        "initial_balances": [{"address": sender.to_string(), "amount": "1000000000"}],
        "mint": null, "marketing": null
    });
    let inst = MsgInstantiateContract {
        sender: sender.clone(),
        admin: None,
        code_id,
        label: Some("cw20-base".into()),
        msg: serde_json::to_vec(&init)?,
        funds: vec![],
    }
    .to_any()
    .map_err(|e| anyhow!("{e}"))?;
    let out = node.send(&[inst], "", |_| Ok(())).await?;
    let contract = out
        .attribute("instantiate", "_contract_address")
        .ok_or_else(|| anyhow!("no contract address"))?
        .to_string();
    // A first transfer creates the recipient's balance, like most x402 payments to a
    // publisher that already has one: measure the second.
    let transfer =
        serde_json::json!({"transfer": {"recipient": address(PUBLISHER), "amount": "1000"}});
    node.send(
        &[execute_msg(sender.as_ref(), &contract, &transfer)?.any],
        "",
        |_| Ok(()),
    )
    .await?;
    let out = node
        .send(
            &[execute_msg(sender.as_ref(), &contract, &transfer)?.any],
            "",
            |_| Ok(()),
        )
        .await?;
    Ok(out.gas_used)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let per_worker: usize = args.first().map_or(Ok(1_500), |a| a.parse())?;
    let workers: usize = args.get(1).map_or(Ok(32), |a| a.parse())?;

    let net = Testnet::start(10_000_000_000).await?;
    let upstream = upstream().await?;
    let db = net.dir.path().join("bench.sqlite");
    let mut config = net.gateway_config(&upstream, PRICE, &db);
    config.payment.cache_seconds = 3_600;
    let store = Store::open(&config.database(), config.gateway.durability)?;
    let gw = Gateway::new(config, net.node(PUBLISHER)?, store).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let gw_url = format!("http://{}/paid/quote", listener.local_addr()?);
    let app = gw.router();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });

    // One channel per worker; vouchers signed before the clock starts.
    let req = requirements(&net);
    let mut work = vec![];
    for w in 0..workers {
        let payer = if w % 2 == 0 { PAYER } else { PAYER_2 };
        let seed = (w + 1) as u8;
        let (ch, _) = open(&net, payer, (per_worker as u128 + 1) * PRICE * 2, seed).await?;
        work.push(vouchers(&net, &req, ch, seed, per_worker)?);
    }
    // Warm both paths (connections, the channel cache) with a voucher each.
    let warm: Vec<Vec<Option<String>>> = work.iter_mut().map(|w| vec![w.remove(0)]).collect();
    load(&gw_url, warm).await?;
    let direct_url = format!("{upstream}/paid/quote");
    let plain: Vec<Vec<Option<String>>> = work.iter().map(|w| vec![None; w.len()]).collect();
    load(&direct_url, plain.iter().map(|w| w[..1].to_vec()).collect()).await?;

    // Latency at a moderate load: 4 workers, 500 requests each (their first vouchers).
    const LAT_WORKERS: usize = 4;
    const LAT_REQUESTS: usize = 500;
    let lat_work: Vec<Vec<Option<String>>> = work
        .iter_mut()
        .take(LAT_WORKERS)
        .map(|w| w.drain(..LAT_REQUESTS.min(w.len())).collect())
        .collect();
    let lat_plain: Vec<Vec<Option<String>>> =
        lat_work.iter().map(|w| vec![None; w.len()]).collect();
    let lat_direct = load(&direct_url, lat_plain).await?;
    let lat_paid = load(&gw_url, lat_work).await?;

    let direct = load(&direct_url, plain).await?;
    let paid = load(&gw_url, work).await?;

    // Chain cost of 1,000 paid requests on one fresh channel.
    let (ch, _) = open(&net, PAYER, 1_000 * PRICE, 200).await?;
    let thousand = vouchers(&net, &req, ch, 200, 1_000)?;
    load(&gw_url, vec![thousand]).await?;
    // One pass claims every channel of the throughput run and this one (50 per
    // transaction): the batched cost per channel.
    let mut settler = Settler::new(gw.clone());
    let others = settler.pass(true).await?;
    // The batch above claimed all channels at once (50 per transaction); measure a lone
    // claim of 1,000 requests on a second fresh channel.
    let (ch2, open_gas) = open(&net, PAYER_2, 1_000 * PRICE, 201).await?;
    load(&gw_url, vec![vouchers(&net, &req, ch2, 201, 1_000)?]).await?;
    let lone = settler.pass(true).await?;
    let settle_gas = lone.transactions.first().map_or(0, |t| t.1);
    let close = net
        .execute(
            PUBLISHER,
            &net.token,
            &ExecuteMsg::CloseChannel { channel: ch2 },
        )
        .await?;
    let close_gas = close.gas_used;
    let batch_gas: u64 = others.transactions.iter().map(|t| t.1).sum();
    let batch_claims = others.claimed.len();
    let cw20 = cw20_base_transfer_gas(&net).await?;
    let token_transfer = net
        .execute(
            PAYER,
            &net.token,
            &ExecuteMsg::Transfer {
                recipient: address(PUBLISHER),
                amount: Uint128::new(PRICE),
            },
        )
        .await?
        .gas_used;

    let ratio = paid.rps() / direct.rps();
    let (dp50, dp99) = (
        percentile(&direct.latencies, 0.5),
        percentile(&direct.latencies, 0.99),
    );
    let (gp50, gp99) = (
        percentile(&paid.latencies, 0.5),
        percentile(&paid.latencies, 0.99),
    );
    println!(
        "## Throughput and latency ({workers} workers, each its own channel, {} requests each)\n",
        per_worker - 1
    );
    println!("| path | requests | req/s | p50 µs | p99 µs |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!(
        "| upstream directly | {} | {:.0} | {} | {} |",
        direct.requests,
        direct.rps(),
        us(dp50),
        us(dp99)
    );
    println!(
        "| through the gateway (paid) | {} | {:.0} | {} | {} |",
        paid.requests,
        paid.rps(),
        us(gp50),
        us(gp99)
    );
    println!();
    println!(
        "Gateway throughput is {:.2}x the direct path. Latency added by the gateway at saturation (queueing on 2 cores included): p50 {} µs, p99 {} µs.\n",
        ratio,
        us(gp50.saturating_sub(dp50)),
        us(gp99.saturating_sub(dp99))
    );
    let (lp50, lp99) = (
        percentile(&lat_direct.latencies, 0.5),
        percentile(&lat_direct.latencies, 0.99),
    );
    let (lg50, lg99) = (
        percentile(&lat_paid.latencies, 0.5),
        percentile(&lat_paid.latencies, 0.99),
    );
    println!(
        "## Latency at a moderate load ({LAT_WORKERS} workers, {LAT_REQUESTS} requests each)\n"
    );
    println!("| path | requests | req/s | p50 µs | p99 µs |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!(
        "| upstream directly | {} | {:.0} | {} | {} |",
        lat_direct.requests,
        lat_direct.rps(),
        us(lp50),
        us(lp99)
    );
    println!(
        "| through the gateway (paid) | {} | {:.0} | {} | {} |",
        lat_paid.requests,
        lat_paid.rps(),
        us(lg50),
        us(lg99)
    );
    println!();
    println!(
        "Latency added by the gateway at this load: p50 {} µs, p99 {} µs.\n",
        us(lg50.saturating_sub(lp50)),
        us(lg99.saturating_sub(lp99))
    );
    let total = open_gas + settle_gas + close_gas;
    println!("## Chain cost of 1,000 paid requests (devnode gas, the real VM)\n");
    println!("| what | transactions | gas |");
    println!("| --- | ---: | ---: |");
    println!("| open the channel (payer) | 1 | {open_gas} |");
    println!("| settle 1,000 requests (one `ClaimMany` of one claim) | 1 | {settle_gas} |");
    println!("| close the channel (payee) | 1 | {close_gas} |");
    println!("| **Farthing channel, total** | 3 | **{total}** |");
    println!(
        "| x402 `exact`: 1,000 cw20-base transfers | 1,000 | {} |",
        cw20 as u128 * 1_000
    );
    println!();
    println!(
        "- One cw20-base transfer: {cw20} gas (one Farthing token transfer: {token_transfer} gas)."
    );
    println!(
        "- Settling 1,000 requests costs {settle_gas} gas = {:.2} cw20-base transfers (target: under 3); open + settle + close = {:.2}.",
        settle_gas as f64 / cw20 as f64,
        total as f64 / cw20 as f64
    );
    println!(
        "- Batched: one pass claimed {batch_claims} channels in {} transactions, {batch_gas} gas ({:.0} gas per channel).",
        others.transactions.len(),
        batch_gas as f64 / batch_claims.max(1) as f64
    );
    println!(
        "- Per 1,000 requests the channel costs {:.2}% of x402 `exact`'s gas.",
        total as f64 * 100.0 / (cw20 as f64 * 1_000.0)
    );
    Ok(())
}

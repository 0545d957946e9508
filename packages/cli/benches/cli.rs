//! The operators' CLI, measured: `bash scripts/cli-bench.sh` (or
//! `cargo bench -p farthing-cli --bench cli -- [rows] [samples]`). Runs the CLI's own code
//! (the library behind the binary, and the binary itself) against a devnode: CometBFT RPC
//! over HTTP on 127.0.0.1, the current optimized wasm on cosmwasm-vm. Prints markdown.
//!
//! What it measures is the CLI and the node's work, not a chain's: a devnode makes a block
//! per transaction at once, where a wasmd chain waits for its block time (1 to 6 s), which
//! then dominates every latency here.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use farthing_cli::cli::Context;
use farthing_cli::config::Config;
use farthing_cli::deploy::{self, Contract, Deployment};
use farthing_cli::kyc::roster::{parse_roster, Roster};
use farthing_cli::kyc::sync;
use farthing_cli::signer::Signer;
use farthing_devnode::{DevNode, DevNodeConfig};
use sha2::{Digest, Sha256};

const MNEMONIC: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

struct Row {
    what: String,
    n: usize,
    unit: &'static str,
    samples: Vec<Duration>,
}

impl Row {
    fn print(&self) {
        let mut s = self.samples.clone();
        s.sort();
        let total: Duration = s.iter().sum();
        let per_s = self.n as f64 / total.as_secs_f64();
        println!(
            "| {} | {} | {} | {:.0} {}/s | {} | {} | {} | {} |",
            self.what,
            self.samples.len(),
            self.n,
            per_s,
            self.unit,
            ms(percentile(&s, 0.5)),
            ms(percentile(&s, 0.95)),
            ms(percentile(&s, 0.99)),
            ms(*s.last().expect("a sample"))
        );
    }
}

fn sheet(rows: usize, tier: u8) -> String {
    let mut text =
        String::from("address,status,tier,kind,jurisdiction,expiry,attestation,reason\n");
    for i in 0..rows {
        let hash = Sha256::digest(format!("bench party {i}").as_bytes());
        let address =
            bech32::encode::<bech32::Bech32>(bech32::Hrp::parse("wasm").expect("hrp"), &hash[..20])
                .expect("bech32");
        let att = Sha256::digest(format!("kyc file {i}").as_bytes());
        let att = cosmwasm_std::HexBinary::from(&att[..]).to_hex();
        text += &format!("{address},active,{tier},individual,DE,2030-01-01,{att},onboarding\n");
    }
    text
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let rows: usize = args.first().map_or(Ok(1000), |a| a.parse())?;
    let samples: usize = args.get(1).map_or(Ok(30), |a| a.parse())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(bench(rows, samples))
}

async fn bench(rows: usize, samples: usize) -> anyhow::Result<()> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let signer = || Signer::from_mnemonic(MNEMONIC, "m/44'/118'/0'/0/0", "wasm");
    let officer = signer()?.address.to_string();
    let node = DevNode::spawn(
        DevNodeConfig {
            genesis: vec![(officer.clone(), 1_000_000_000_000_000)],
            ..DevNodeConfig::default()
        },
        "127.0.0.1:0".parse()?,
    )
    .await?;
    let dir = tempfile::tempdir()?;
    for entry in std::fs::read_dir(root.join("packages/cli/samples"))? {
        let path = entry?.path();
        std::fs::copy(&path, dir.path().join(path.file_name().expect("name")))?;
    }
    let toml = std::fs::read_to_string(dir.path().join("farthing.toml"))?
        .replace("http://127.0.0.1:26657", &node.url());
    std::fs::write(dir.path().join("farthing.toml"), toml)?;
    let config = Config::load(&dir.path().join("farthing.toml"), &Default::default())?;
    let mut ctx = Context::with_signer(config.clone(), Some(signer()?))?;
    ctx.node.set_poll_interval(Duration::from_millis(5));
    let mut sink = std::io::sink();
    let mut table = vec![];

    // Deploy: 3 uploads + 1 instantiate transaction.
    let started = Instant::now();
    deploy::deploy(
        &ctx.node,
        &config,
        &root.join("artifacts"),
        false,
        &mut sink,
    )
    .await?;
    table.push(Row {
        what: "deploy (3 uploads, 1 instantiate tx)".into(),
        n: 4,
        unit: "tx",
        samples: vec![started.elapsed()],
    });
    let registry = Deployment::load(&config.deployment_path())?
        .and_then(|d| d.address(Contract::Registry).map(str::to_string))
        .ok_or_else(|| anyhow::anyhow!("no registry"))?;

    // Sync a sheet of `rows` new parties in batches of 200, then the same sheet with
    // every tier changed.
    let now = ctx.node.block_time().await?;
    let first: Roster = parse_roster("bench.csv", &sheet(rows, 1), "wasm", now)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let started = Instant::now();
    let report = sync::sync(&ctx.node, &registry, &first, false, &[], 200, &mut sink).await?;
    let sync_time = started.elapsed();
    let gas: u64 = report.sent.iter().map(|t| t.gas_used).sum();
    table.push(Row {
        what: format!(
            "kyc sync, {rows} new rows, batches of 200 ({} tx, {} gas per row)",
            report.sent.len(),
            gas / rows as u64
        ),
        n: rows,
        unit: "rows",
        samples: vec![sync_time],
    });

    let mut diffs = vec![];
    for _ in 0..samples.min(10) {
        let started = Instant::now();
        let d = sync::diff_with_chain(&ctx.node, &registry, &first, false, &[]).await?;
        assert_eq!(d.unchanged(), rows);
        diffs.push(started.elapsed());
    }
    table.push(Row {
        what: format!("kyc diff, {rows} rows against {} records", rows + 1),
        n: rows * diffs.len(),
        unit: "rows",
        samples: diffs,
    });

    // One changed row per sync: the latency an officer sees for a single change.
    let mut singles = vec![];
    let mut roster = first.clone();
    for i in 0..samples {
        let record = &mut roster.rows[i % rows].record;
        record.tier = if record.tier == 1 { 2 } else { 1 };
        let started = Instant::now();
        let report = sync::sync(&ctx.node, &registry, &roster, false, &[], 200, &mut sink).await?;
        singles.push(started.elapsed());
        assert_eq!(report.sent.len(), 1);
    }
    table.push(Row {
        what: "kyc sync, one changed row (diff + simulate + sign + broadcast + confirm)".into(),
        n: samples,
        unit: "syncs",
        samples: singles,
    });

    let mut audits = vec![];
    let mut entries = 0;
    for _ in 0..samples.min(10) {
        let started = Instant::now();
        entries = sync::fetch_audit(&ctx.node, &registry, None, None)
            .await?
            .len();
        audits.push(started.elapsed());
    }
    table.push(Row {
        what: format!("kyc audit export, {entries} entries"),
        n: entries * audits.len(),
        unit: "entries",
        samples: audits,
    });

    // The binary, as an operator runs it (process start, config, RPC).
    let bin = root.join("target/release/farthing");
    if bin.is_file() {
        let mut runs = vec![];
        std::fs::write(dir.path().join("bench.csv"), sheet(rows, 1))?;
        for _ in 0..samples.min(10) {
            let started = Instant::now();
            let out = tokio::process::Command::new(&bin)
                .args(["kyc", "diff", "bench.csv"])
                .current_dir(dir.path())
                .env("FARTHING_MNEMONIC", MNEMONIC)
                .output()
                .await?;
            runs.push(started.elapsed());
            anyhow::ensure!(
                out.status.code() == Some(0),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        table.push(Row {
            what: format!("`farthing kyc diff` binary, {rows} rows"),
            n: runs.len(),
            unit: "runs",
            samples: runs,
        });
    }

    println!("| Operation | Samples | Items | Throughput | p50 ms | p95 ms | p99 ms | max ms |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for row in &table {
        row.print();
    }
    node.shutdown().await;
    Ok(())
}

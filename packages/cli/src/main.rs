//! `farthing`: deploy and migrate the suite on any wasmd chain, and keep the KYC registry
//! in sync with the compliance team's spreadsheet. See the README's "Operators' CLI".

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use farthing_cli::cli::{self, Invalid};
use farthing_cli::config::Overrides;

#[derive(Parser)]
#[command(
    name = "farthing",
    version,
    about = "Deploy, migrate and run the Farthing suite on a wasmd chain"
)]
struct Cli {
    /// The config file (chain, deployment). The mnemonic is never read from it.
    #[arg(
        long,
        global = true,
        env = "FARTHING_CONFIG",
        default_value = "farthing.toml"
    )]
    config: PathBuf,
    #[command(flatten)]
    chain: ChainFlags,
    #[command(subcommand)]
    command: Command,
}

/// Override the config file's [chain] table.
#[derive(Args)]
struct ChainFlags {
    #[arg(long, global = true, env = "FARTHING_CHAIN_ID")]
    chain_id: Option<String>,
    /// CometBFT RPC endpoint, e.g. http://127.0.0.1:26657.
    #[arg(long = "node", global = true, env = "FARTHING_RPC")]
    rpc: Option<String>,
    #[arg(long, global = true, env = "FARTHING_PREFIX")]
    prefix: Option<String>,
    /// e.g. 0.025ustake
    #[arg(long, global = true, env = "FARTHING_GAS_PRICE")]
    gas_price: Option<String>,
    #[arg(long, global = true, env = "FARTHING_GAS_ADJUSTMENT")]
    gas_adjustment: Option<f64>,
}

#[derive(Subcommand)]
enum Command {
    /// Upload, verify, instantiate and record the three contracts (resumable).
    Deploy {
        /// The build folder: the three .wasm and checksums.txt.
        #[arg(long, default_value = "artifacts")]
        artifacts: PathBuf,
        /// Print every message with its gas and fee; send and write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Upload a new build and migrate every deployed instance to it.
    Migrate {
        #[arg(long, default_value = "artifacts")]
        artifacts: PathBuf,
        #[arg(long)]
        dry_run: bool,
    },
    /// The compliance team's allowlist.
    #[command(subcommand)]
    Kyc(Kyc),
}

#[derive(Subcommand)]
enum Kyc {
    /// Validate the sheet and show what differs from the registry.
    Diff {
        roster: PathBuf,
        #[command(flatten)]
        target: Target,
        /// Also list records on chain that the sheet no longer has.
        #[arg(long)]
        remove_missing: bool,
        /// Also list unchanged rows.
        #[arg(long, short)]
        verbose: bool,
    },
    /// Send the differences in batches (a re-run sends only what is still missing).
    Sync {
        roster: PathBuf,
        #[command(flatten)]
        target: Target,
        /// Also remove records on chain that the sheet no longer has.
        #[arg(long)]
        remove_missing: bool,
        /// Records per transaction (at most the registry's 200).
        #[arg(long, default_value_t = farthing_types::kyc::MAX_BATCH)]
        batch_size: usize,
        /// Write the unsigned transaction here instead of sending (for a multisig).
        #[arg(long)]
        unsigned: Option<PathBuf>,
        /// With --unsigned: the Cosmos multisig account (a registry officer) that signs.
        #[arg(long, requires = "unsigned", conflicts_with = "cw3")]
        multisig: Option<String>,
        /// With --unsigned: the cw3 multisig contract (a registry officer); one proposal per batch.
        #[arg(long, requires = "unsigned", requires = "proposer")]
        cw3: Option<String>,
        /// With --cw3: the voter who opens the proposals.
        #[arg(long, requires = "cw3")]
        proposer: Option<String>,
    },
    /// Export the registry's audit log.
    Audit {
        #[command(flatten)]
        target: Target,
        /// An RFC 3339 time, a date (2026-01-31), or seq:N.
        #[arg(long)]
        since: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Csv)]
        format: Format,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

#[derive(Args)]
struct Target {
    /// The registry (default: the deployment file's, then the config's [kyc] registry).
    #[arg(long, env = "FARTHING_REGISTRY")]
    registry: Option<String>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Csv,
    Json,
}

async fn run(cli: Cli) -> Result<()> {
    let overrides = Overrides {
        chain_id: cli.chain.chain_id,
        rpc: cli.chain.rpc,
        prefix: cli.chain.prefix,
        gas_price: cli.chain.gas_price,
        gas_adjustment: cli.chain.gas_adjustment,
    };
    let ctx = cli::Context::load(&cli.config, &overrides)?;
    let mut out = std::io::stdout().lock();
    match cli.command {
        Command::Deploy { artifacts, dry_run } => ctx.deploy(&artifacts, dry_run, &mut out).await,
        Command::Migrate { artifacts, dry_run } => ctx.migrate(&artifacts, dry_run, &mut out).await,
        Command::Kyc(Kyc::Diff {
            roster,
            target,
            remove_missing,
            verbose,
        }) => {
            ctx.kyc_diff(&roster, target.registry, remove_missing, verbose, &mut out)
                .await
        }
        Command::Kyc(Kyc::Sync {
            roster,
            target,
            remove_missing,
            batch_size,
            unsigned,
            multisig,
            cw3,
            proposer,
        }) => {
            let unsigned = unsigned.map(|path| cli::Unsigned {
                path,
                multisig,
                cw3,
                proposer,
            });
            ctx.kyc_sync(
                &roster,
                target.registry,
                remove_missing,
                batch_size,
                unsigned,
                &mut out,
            )
            .await
        }
        Command::Kyc(Kyc::Audit {
            target,
            since,
            format,
            output,
        }) => {
            let json = matches!(format, Format::Json);
            ctx.kyc_audit(
                target.registry,
                since.as_deref(),
                json,
                output.as_deref(),
                &mut out,
            )
            .await
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<Invalid>().is_some() => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

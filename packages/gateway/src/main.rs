//! `farthing-gateway --config gateway.toml`: serves until SIGINT/SIGTERM, then settles
//! what is unsettled (unless `--no-settle-on-exit`).

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::Parser;
use farthing_cli::node::Node;
use farthing_cli::signer::Signer;
use farthing_gateway::config::Config;
use farthing_gateway::server::Gateway;
use farthing_gateway::settler::Settler;
use farthing_gateway::store::Store;

#[derive(Parser)]
#[command(
    version,
    about = "Charges any HTTP API per request through Farthing payment channels (x402-shaped)"
)]
struct Args {
    /// The gateway's config file.
    #[arg(long, env = "FARTHING_GATEWAY_CONFIG", default_value = "gateway.toml")]
    config: PathBuf,
    /// Do not settle on exit.
    #[arg(long)]
    no_settle_on_exit: bool,
}

async fn shutdown_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let config = Config::load(&args.config)?;
    let signer = Signer::from_env(&config.chain.hd_path, &config.chain.prefix)
        .context("the payee's key (it signs the settlements)")?;
    let node = Node::connect(&config.cli(), Some(signer))?;
    let store = Store::open(&config.database(), config.gateway.durability)?;
    let listen = config.gateway.listen.clone();
    let admin_listen = config.gateway.admin_listen.clone();
    let gw = Gateway::new(config, node, store).await?;
    let listener = tokio::net::TcpListener::bind(&listen)
        .await
        .with_context(|| format!("listen {listen}"))?;
    let admin = tokio::net::TcpListener::bind(&admin_listen)
        .await
        .with_context(|| format!("admin listen {admin_listen}"))?;
    tracing::info!(
        listen = %listener.local_addr()?,
        admin = %admin.local_addr()?,
        payee = gw.terms.payee,
        token = gw.terms.token,
        "farthing-gateway serving"
    );
    let settler = Settler::new(gw.clone()).spawn();
    let admin_app = gw.admin_router();
    tokio::spawn(async move {
        if let Err(e) = axum::serve(admin, admin_app).await {
            tracing::error!(error = %e, "admin listener stopped");
        }
    });
    axum::serve(listener, gw.router())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    settler.abort();
    if !args.no_settle_on_exit {
        let pass = Settler::new(gw.clone()).pass(true).await?;
        tracing::info!(
            claimed = pass.claimed.len(),
            refused = pass.refused.len(),
            "settled on exit"
        );
    }
    Ok(())
}

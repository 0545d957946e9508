//! `farthing-devnode`: runs the dev chain until interrupted.
//!
//! ```text
//! farthing-devnode [--listen 127.0.0.1:26657] [--chain-id farthing-local] [--prefix wasm]
//!                  [--denom ustake] [--min-gas-price 0.025] [--block-seconds 5]
//!                  [--fund wasm1...=1000000000]...
//! ```

use anyhow::{anyhow, bail, Context, Result};
use farthing_devnode::{DevNode, DevNodeConfig};

const USAGE: &str = "usage: farthing-devnode [--listen ADDR] [--chain-id ID] [--prefix PREFIX] \
                     [--denom DENOM] [--min-gas-price PRICE] [--block-seconds N] \
                     [--fund ADDRESS=AMOUNT]...";

fn parse(args: &[String]) -> Result<(DevNodeConfig, std::net::SocketAddr)> {
    let mut config = DevNodeConfig::default();
    let mut listen: std::net::SocketAddr = "127.0.0.1:26657".parse()?;
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            std::process::exit(0);
        }
        let (flag, inline) = match flag.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (flag.as_str(), None),
        };
        let mut value = || -> Result<String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => args
                    .next()
                    .cloned()
                    .ok_or_else(|| anyhow!("{flag} needs a value\n{USAGE}")),
            }
        };
        match flag {
            "--listen" => listen = value()?.parse().context("--listen")?,
            "--chain-id" => config.chain_id = value()?,
            "--prefix" => config.prefix = value()?,
            "--denom" => config.denom = value()?,
            "--min-gas-price" => {
                config.min_gas_price = value()?.parse().context("--min-gas-price")?
            }
            "--block-seconds" => {
                config.block_seconds = value()?.parse().context("--block-seconds")?
            }
            "--fund" => {
                let v = value()?;
                let (address, amount) = v
                    .split_once('=')
                    .ok_or_else(|| anyhow!("--fund wants ADDRESS=AMOUNT, not {v}"))?;
                let amount = amount.parse().context("--fund amount")?;
                config.genesis.push((address.to_string(), amount));
            }
            other => bail!("unknown argument {other}\n{USAGE}"),
        }
    }
    Ok((config, listen))
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (config, listen) = parse(&args)?;
    let chain_id = config.chain_id.clone();
    let node = DevNode::spawn_verbose(config, listen).await?;
    println!("{}", node.url());
    eprintln!(
        "farthing-devnode: chain {chain_id} at {} (CometBFT JSON-RPC); Ctrl-C stops it",
        node.url()
    );
    tokio::signal::ctrl_c().await?;
    node.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn flags_set_the_chain_and_its_genesis() {
        let (config, listen) = parse(&args(
            "--listen 127.0.0.1:9 --chain-id c-1 --prefix juno --denom ujuno \
             --min-gas-price=0.1 --block-seconds 2 --fund juno1a=5 --fund juno1b=7",
        ))
        .unwrap();
        assert_eq!(listen.to_string(), "127.0.0.1:9");
        assert_eq!(
            config,
            DevNodeConfig {
                chain_id: "c-1".into(),
                prefix: "juno".into(),
                denom: "ujuno".into(),
                min_gas_price: 0.1,
                genesis: vec![("juno1a".into(), 5), ("juno1b".into(), 7)],
                block_seconds: 2,
            }
        );
        let (config, listen) = parse(&[]).unwrap();
        assert_eq!(config, DevNodeConfig::default());
        assert_eq!(listen.to_string(), "127.0.0.1:26657");
        assert!(parse(&args("--fund nothing")).is_err());
        assert!(parse(&args("--bogus 1")).is_err());
        assert!(parse(&args("--listen")).is_err());
    }
}

//! A devnode (the in-process wasmd chain on the real VM) and the `farthing` binary run
//! against it over HTTP, as an operator would run it against a node.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use farthing_cli::cli::Context;
use farthing_cli::config::Config;
use farthing_cli::signer::Signer;
use farthing_devnode::{DevNode, DevNodeConfig};

/// The well-known test mnemonic ("abandon ... about"): never a real key.
pub const MNEMONIC: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
pub const OFFICER_PATH: &str = "m/44'/118'/0'/0/0";
pub const OTHER_PATH: &str = "m/44'/118'/0'/0/1";

pub fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn signer(path: &str) -> Signer {
    Signer::from_mnemonic(MNEMONIC, path, "wasm").expect("test key")
}

pub struct Chain {
    pub node: DevNode,
    pub dir: tempfile::TempDir,
    pub officer: String,
    pub other: String,
}

impl Chain {
    /// A fresh chain funding both test keys, and a working folder holding the sample
    /// config (pointed at the chain) and the sample messages and sheet.
    pub async fn start() -> Chain {
        let officer = signer(OFFICER_PATH).address.to_string();
        let other = signer(OTHER_PATH).address.to_string();
        let node = DevNode::spawn(
            DevNodeConfig {
                genesis: vec![
                    (officer.clone(), 1_000_000_000_000),
                    (other.clone(), 1_000_000_000_000),
                ],
                ..DevNodeConfig::default()
            },
            "127.0.0.1:0".parse().expect("address"),
        )
        .await
        .expect("devnode");
        let dir = tempfile::tempdir().expect("tempdir");
        let samples = workspace().join("packages/cli/samples");
        for entry in std::fs::read_dir(&samples).expect("samples") {
            let path = entry.expect("entry").path();
            let name = path.file_name().expect("name");
            std::fs::copy(&path, dir.path().join(name)).expect("copy");
        }
        let toml = std::fs::read_to_string(dir.path().join("farthing.toml")).expect("toml");
        let toml = toml.replace("http://127.0.0.1:26657", &node.url());
        std::fs::write(dir.path().join("farthing.toml"), toml).expect("toml");
        Chain {
            node,
            dir,
            officer,
            other,
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn config(&self) -> Config {
        Config::load(&self.path("farthing.toml"), &Default::default()).expect("config")
    }

    /// A client as the CLI makes it, signing with the key at `hd_path`.
    pub fn context(&self, hd_path: &str) -> Context {
        Context::with_signer(self.config(), Some(signer(hd_path))).expect("context")
    }

    /// Runs the `farthing` binary in the working folder, signing as the officer.
    pub async fn farthing(&self, args: &[&str]) -> Run {
        self.farthing_as(Some(OFFICER_PATH), args).await
    }

    pub async fn farthing_as(&self, hd_path: Option<&str>, args: &[&str]) -> Run {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_farthing"));
        cmd.args(args).current_dir(self.dir.path());
        for var in [
            "FARTHING_MNEMONIC",
            "FARTHING_RPC",
            "FARTHING_CHAIN_ID",
            "FARTHING_PREFIX",
            "FARTHING_GAS_PRICE",
            "FARTHING_GAS_ADJUSTMENT",
            "FARTHING_CONFIG",
            "FARTHING_REGISTRY",
        ] {
            cmd.env_remove(var);
        }
        if let Some(path) = hd_path {
            // The mnemonic only ever travels in the environment.
            cmd.env("FARTHING_MNEMONIC", MNEMONIC);
            if path != OFFICER_PATH {
                let toml = std::fs::read_to_string(self.path("farthing.toml")).expect("toml");
                let toml = toml.replace(
                    "# hd_path = \"m/44'/118'/0'/0/0\"",
                    &format!("hd_path = \"{path}\""),
                );
                assert!(toml.contains(&format!("\nhd_path = \"{path}\"")));
                std::fs::write(self.path("other.toml"), toml).expect("toml");
                cmd.arg("--config").arg(self.path("other.toml"));
            }
        }
        let output = tokio::task::spawn_blocking(move || cmd.output().expect("farthing runs"))
            .await
            .expect("join");
        Run::from(output)
    }
}

/// What a run of the binary printed.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(o: Output) -> Run {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl Run {
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "farthing failed:\n{}\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// The release 0.1.0 artifacts, and instantiate messages a 0.1.0 build reads (u64s as
/// numbers; the current build reads both).
pub fn use_release_0_1_0_messages(dir: &Path) {
    for name in ["registry.json", "escrow.json"] {
        let text = std::fs::read_to_string(dir.join(name)).expect("msg");
        let text = text
            .replace("\"86400\"", "86400")
            .replace("\"604800\"", "604800")
            .replace("\"1209600\"", "1209600")
            .replace("\"window_seconds\": \"0\"", "\"window_seconds\": 0");
        std::fs::write(dir.join(name), text).expect("msg");
    }
}

pub fn release_0_1_0() -> PathBuf {
    workspace().join("tests/fixtures/release-0.1.0")
}

pub fn artifacts() -> PathBuf {
    workspace().join("artifacts")
}

//! Runs the optimized Farthing wasm on `cosmwasm-vm` 2.3.5, the engine a wasmd chain uses.
//!
//! A [`Vm`] is a one-process chain: a code store, contracts that each
//! keep their own storage across code changes (so `migrate` swaps the code on the same
//! storage, as on a chain), a block clock, raw reads between contracts (the registry reads
//! of the token and the escrow) plus a hook for every other query, and the VM gas of every
//! call. Messages are any `Serialize` value (typed messages or `serde_json::json!`), answers
//! any `DeserializeOwned` (`serde_json::Value` to compare releases whose types differ).
//!
//! ```no_run
//! # fn main() -> Result<(), farthing_vm::CallError> {
//! use farthing_vm::{artifact, Vm};
//! let mut vm = Vm::new()?;
//! let code = vm.store_file(&artifact("kyc_registry")?)?;
//! let owner = vm.addr("owner");
//! let none = serde_json::json!({"max_per_transfer": null, "max_volume_per_window": null,
//!     "window_seconds": 0});
//! let msg = serde_json::json!({"officers": [], "policy": {
//!     "blocked_jurisdictions": [], "tier_limits": [none, none, none, none],
//!     "travel_rule": null, "expiry_grace_seconds": 0}});
//! let (registry, done) = vm.instantiate(code, "registry", &owner, &msg, &[])?;
//! println!("instantiated with {} VM gas", done.gas);
//! let policy: serde_json::Value = vm.query(&registry, &serde_json::json!({"policy": {}}))?;
//! # Ok(()) }
//! ```
//!
//! A node runs it as its wasm engine ([`Vm::with_chain`]: the chain's bech32 prefix and
//! chain id, wasmd's classic contract addresses): messages as raw JSON
//! ([`Vm::instantiate_at`], [`Vm::execute_raw`], [`Vm::migrate_raw`],
//! [`Vm::query_raw_with_gas`]), the messages of one chain transaction undone together
//! ([`Vm::atomic`]), a simulation undone after it ran ([`Vm::snapshot`], [`Vm::restore`]),
//! the block a node produced ([`Vm::set_block`]). `packages/devnode` is that node.
//!
//! Every entry point is a transaction routed as wasmd routes it ([`router`]): the
//! response's messages and sub-messages run (contract executions and instantiations, bank
//! sends), replies included, with atomic rollback of a failed sub-message and of a failed
//! transaction. Coins attached to a call move in the VM's bank; smart and raw queries
//! between its contracts are answered ([`querier`]). Every call is metered in the SDK gas
//! a wasmd chain would charge ([`gas`]); the gas benchmark (`scripts/bench`) and the
//! end-to-end story (`scripts/demo`) run on this same VM.

pub mod gas;
pub mod querier;
pub mod router;
mod storage;
#[cfg(test)]
mod tests;
mod vm;

use std::path::{Path, PathBuf};
use std::time::SystemTime;

pub use gas::{CallRecord, Entry, KvStats};
pub use querier::{VmQuerier, WasmHook, MAX_QUERY_DEPTH};
pub use router::MAX_CALL_DEPTH;
pub use storage::{CallStorage, Dump};
pub use vm::{
    wasm_module_address, CallError, CallResult, Executed, Vm, VmSnapshot, WasmdApi, BLOCK_SECONDS,
    DEFAULT_GAS_LIMIT, GENESIS_SECONDS,
};

/// The workspace root (this crate lives in `packages/vm`).
pub fn workspace_root() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    root.canonicalize().unwrap_or(root)
}

/// What the optimized wasm is built from: when one of these is newer than an artifact,
/// the artifact may be stale.
const SOURCES: [&str; 5] = [
    "contracts",
    "packages/types/src",
    "packages/voucher/src",
    "Cargo.lock",
    "Cargo.toml",
];

fn newest(path: &Path) -> Option<(SystemTime, PathBuf)> {
    let meta = std::fs::metadata(path).ok()?;
    if meta.is_file() {
        return Some((meta.modified().ok()?, path.to_path_buf()));
    }
    std::fs::read_dir(path)
        .ok()?
        .filter_map(|entry| newest(&entry.ok()?.path()))
        .max()
}

/// `artifacts/<name>.wasm`, the current optimized build of a contract (`kyc_registry`,
/// `micropay_token`, `royalty_escrow`). Fails, saying how to make it, when it is missing
/// or older than a source it is built from: tests on the real VM never skip silently, nor
/// run a stale build.
pub fn artifact(name: &str) -> CallResult<PathBuf> {
    let root = workspace_root();
    let path = root.join("artifacts").join(format!("{name}.wasm"));
    let rebuild = "run `bash scripts/build-wasm.sh` first (scripts/test.sh does)";
    let built = std::fs::metadata(&path)
        .and_then(|m| m.modified())
        .map_err(|_| CallError::Setup(format!("{} is missing: {rebuild}", path.display())))?;
    let newer = SOURCES
        .iter()
        .filter_map(|s| newest(&root.join(s)))
        .max()
        .filter(|(changed, _)| *changed > built);
    if let Some((_, source)) = newer {
        return Err(CallError::Setup(format!(
            "{} is older than {}: {rebuild}",
            path.display(),
            source.display()
        )));
    }
    Ok(path)
}
/// `tests/fixtures/release-<version>/<name>.wasm`, a released build kept for migration
/// tests.
pub fn release_fixture(version: &str, name: &str) -> CallResult<PathBuf> {
    let path = workspace_root()
        .join("tests/fixtures")
        .join(format!("release-{version}"))
        .join(format!("{name}.wasm"));
    if !path.is_file() {
        return Err(CallError::Setup(format!(
            "{} is missing: the release fixtures are committed with the repository",
            path.display()
        )));
    }
    Ok(path)
}

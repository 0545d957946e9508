#!/usr/bin/env bash
# Gas benchmark on the real VM: builds the optimized wasm of every contract and of the
# reference cw20-base 2.0 the same way, checks them, and runs them on cosmwasm-vm 2.3.
# Prints a markdown table (the one committed in docs/BENCHMARKS.md).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$ROOT"
bash scripts/build-wasm.sh >&2
echo "==> cw20-base 2.0 (reference)" >&2
# Built from its published source as its own package (a dependency of a workspace member
# would get the `library` feature and no entry points), with this workspace's release profile,
# lock file and wasm-opt flags.
src="$(cargo metadata --format-version 1 --locked | node -e '
  let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{
    const p=JSON.parse(s).packages.find(p=>p.name==="cw20-base");
    console.log(require("path").dirname(p.manifest_path));})')"
ref="$ROOT/target/reference/cw20-base"
rm -rf "$ref" && mkdir -p "$ref" && cp -r "$src/." "$ref/"
cp Cargo.lock "$ref/Cargo.lock"
sed -n '/^\[profile.release\]/,/^$/p' Cargo.toml >>"$ref/Cargo.toml"
printf '\n[workspace]\n' >>"$ref/Cargo.toml"
(cd "$ref" && CARGO_TARGET_DIR="$ROOT/target/reference/target" \
  cargo build --quiet --release --lib --target wasm32-unknown-unknown)
optimize_wasm "$ROOT/target/reference/target/wasm32-unknown-unknown/release/cw20_base.wasm" \
  artifacts/reference/cw20_base.wasm >&2
cosmwasm-check artifacts/reference/cw20_base.wasm >&2
cargo run --quiet --locked --release -p farthing-bench -- artifacts

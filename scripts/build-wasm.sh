#!/usr/bin/env bash
# Builds every contract in contracts/ for wasm32, lowers and shrinks it with binaryen's
# wasm-opt (so the CosmWasm 2.x VM accepts it), validates it with cosmwasm-check, and
# writes artifacts/<contract>.wasm and artifacts/checksums.txt.
#
# Usage: scripts/build-wasm.sh [contract-dir-name ...]   (default: all contracts)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$ROOT"

MAX_BYTES=$((800 * 1024)) # wasmd's default MaxWasmSize

ensure_wasm_target
ensure_binaryen
ensure_cosmwasm_check

# Absolute paths end up in the wasm (panic locations); remap them so the checksum does not
# depend on where the repo was cloned or where cargo and the toolchain live.
CARGO_HOME_DIR="${CARGO_HOME:-$HOME/.cargo}"
SYSROOT="$(rustc --print sysroot)"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$ROOT=/farthing --remap-path-prefix=$CARGO_HOME_DIR=/cargo --remap-path-prefix=$SYSROOT=/rustc"

if [ "$#" -gt 0 ]; then
  contracts=("$@")
else
  contracts=()
  for dir in contracts/*/; do contracts+=("$(basename "$dir")"); done
fi

mkdir -p artifacts
for name in "${contracts[@]}"; do
  crate="$(sed -n 's/^name = "\(.*\)"/\1/p' "contracts/$name/Cargo.toml" | head -n1)"
  lib="${crate//-/_}"
  out="artifacts/${name//-/_}.wasm"
  echo "==> $crate"
  # -p: cosmwasm-derive exports the entry points only for the package being built.
  cargo build --quiet --locked --release --lib --target wasm32-unknown-unknown -p "$crate"
  raw="target/wasm32-unknown-unknown/release/$lib.wasm"
  wasm-opt "$raw" -o "$out" \
    --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
    --llvm-memory-copy-fill-lowering --signext-lowering --llvm-nontrapping-fptoint-lowering \
    -Os --strip-debug --strip-producers
  size=$(wc -c <"$out")
  echo "    $(wc -c <"$raw") bytes raw -> $size bytes optimized"
  if [ "$size" -gt "$MAX_BYTES" ]; then
    echo "error: $out is $size bytes, over the $MAX_BYTES-byte (800 KiB) limit" >&2
    exit 1
  fi
done

cosmwasm-check artifacts/*.wasm
(cd artifacts && sha256sum -- *.wasm >checksums.txt && cat checksums.txt)

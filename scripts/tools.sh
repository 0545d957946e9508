# Sourced by the scripts: installs the pinned build tools into the git-ignored .tools/
# folder of the repo (once; later runs reuse them) and puts them on PATH.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
TOOLS="$ROOT/.tools"
BINARYEN_VERSION="132.0.0"
COSMWASM_CHECK_VERSION="2.3.5"

export PATH="$TOOLS/bin:$TOOLS/npm/node_modules/.bin:$PATH"

ensure_wasm_target() {
  # rust-toolchain.toml lists the target; this covers toolchains installed without it.
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
  fi
}

ensure_binaryen() {
  local have=""
  if [ -f "$TOOLS/npm/node_modules/binaryen/package.json" ]; then
    have="$(node -p "require('$TOOLS/npm/node_modules/binaryen/package.json').version")"
  fi
  if [ "$have" != "$BINARYEN_VERSION" ]; then
    echo "==> installing binaryen@$BINARYEN_VERSION (npm) into .tools/npm"
    mkdir -p "$TOOLS/npm"
    npm install --prefix "$TOOLS/npm" --no-audit --no-fund --loglevel=error \
      "binaryen@$BINARYEN_VERSION" >/dev/null
  fi
}

ensure_cosmwasm_check() {
  if ! cosmwasm-check --version 2>/dev/null | grep -q "$COSMWASM_CHECK_VERSION"; then
    echo "==> installing cosmwasm-check@$COSMWASM_CHECK_VERSION into .tools (a few minutes, once)"
    cargo install --quiet --locked --root "$TOOLS" "cosmwasm-check@$COSMWASM_CHECK_VERSION"
  fi
}

# build_contract <crate> <out.wasm>: release build for wasm32 (with -p: cosmwasm-derive exports
# the entry points only for the package being built), then binaryen lowering + shrinking, then
# the 800 KiB size gate. Source paths are remapped so the bytes do not depend on where the repo
# was cloned or where cargo and the toolchain live.
MAX_WASM_BYTES=$((800 * 1024)) # wasmd's default MaxWasmSize
build_contract() {
  local crate="$1" out="$2"
  local cargo_home="${CARGO_HOME:-$HOME/.cargo}" sysroot
  sysroot="$(rustc --print sysroot)"
  CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="--remap-path-prefix=$ROOT=/farthing --remap-path-prefix=$cargo_home=/cargo --remap-path-prefix=$sysroot=/rustc" \
    cargo build --quiet --locked --release --lib --target wasm32-unknown-unknown -p "$crate"
  optimize_wasm "${CARGO_TARGET_DIR:-$ROOT/target}/wasm32-unknown-unknown/release/${crate//-/_}.wasm" "$out"
}

# optimize_wasm <raw.wasm> <out.wasm>: lower what Rust >= 1.87 emits (bulk memory, sign-ext,
# non-trapping float-to-int) so the CosmWasm 2.x VM accepts it, shrink, strip, size-gate.
optimize_wasm() {
  local raw="$1" out="$2"
  mkdir -p "$(dirname "$out")"
  wasm-opt "$raw" -o "$out" \
    --enable-bulk-memory --enable-sign-ext --enable-nontrapping-float-to-int \
    --llvm-memory-copy-fill-lowering --signext-lowering --llvm-nontrapping-fptoint-lowering \
    -Os --strip-debug --strip-producers
  local size
  size=$(wc -c <"$out")
  echo "    $(wc -c <"$raw") bytes raw -> $size bytes optimized ($out)"
  if [ "$size" -gt "$MAX_WASM_BYTES" ]; then
    echo "error: $out is $size bytes, over the $MAX_WASM_BYTES-byte (800 KiB) limit" >&2
    return 1
  fi
}

# ensure_sdk_packages: `npm ci` in packages/ts (which applies the simulator patches through
# patch-package), only when package-lock.json or patches/ changed since the last install.
ensure_sdk_packages() {
  local dir="$ROOT/packages/ts" stamp want
  stamp="$dir/node_modules/.farthing-install"
  want="$(cat "$dir/package-lock.json" "$dir"/patches/*.patch | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "==> npm ci in packages/ts (the SDK's pinned packages and the simulator patches)"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
}

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

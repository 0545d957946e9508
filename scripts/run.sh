#!/usr/bin/env bash
# The main job: build and check every contract's optimized wasm (artifacts/) when it is
# missing or older than a source it is built from (installing the pinned tools on first
# use), then play the story on it: scripts/demo runs the three contracts' wasm on
# cosmwasm-vm 2.3.5 (farthing-vm) and prints every step with its estimated SDK gas.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

# The rule farthing_vm::artifact() enforces: an artifact is stale when a file it is built
# from (contracts/, packages/types/src, packages/voucher/src, Cargo.lock, Cargo.toml) is
# newer than it.
artifacts_stale() {
  local dir wasm
  for dir in contracts/*/; do
    wasm="artifacts/$(basename "$dir" | tr - _).wasm"
    [ -f "$wasm" ] || return 0
    if [ -n "$(find contracts packages/types/src packages/voucher/src Cargo.lock Cargo.toml \
      -type f -newer "$wasm" -print -quit)" ]; then
      return 0
    fi
  done
  return 1
}

if artifacts_stale; then
  bash scripts/build-wasm.sh
else
  echo "==> artifacts/*.wasm are up to date (bash scripts/build-wasm.sh rebuilds them)"
fi
echo
# The dev profile: its wasmer and cosmwasm-vm crates are optimized (Cargo.toml), it shares
# its build with scripts/test.sh, and from a fresh clone it builds sooner than the release
# profile (fat LTO) while the story runs in a few seconds either way.
cargo run --quiet --locked -p farthing-demo

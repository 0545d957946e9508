#!/usr/bin/env bash
# Runs every test of the workspace: unit tests, the multi-contract simulation suites,
# and the real-VM tests on the built wasm (packages/vm: migrations from release 0.1.0).
# Those need the current optimized wasm, so it is built and checked first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
bash scripts/build-wasm.sh
cargo test --locked --workspace --all-features

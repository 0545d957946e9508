#!/usr/bin/env bash
# Runs every test of the workspace: unit tests, the multi-contract simulation suites,
# and the real-VM tests on the built wasm.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
cargo test --locked --workspace --all-features

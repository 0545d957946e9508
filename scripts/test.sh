#!/usr/bin/env bash
# Runs every test: the workspace's (unit tests, the multi-contract simulation suites, the
# real-VM tests on the built wasm: migrations from release 0.1.0, the story) and the
# TypeScript SDK's (packages/ts: its generated clients, vouchers, session keys, errors and
# events, run against the same optimized wasm in a patched JS simulator), and the SDK's
# payingFetch against the Rust gateway (packages/gateway/tests/interop.rs).
# Both need the current optimized wasm, so it is built and checked first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
source scripts/tools.sh
bash scripts/build-wasm.sh
# Before the Rust tests: the gateway's cross-language test runs the SDK's payingFetch.
ensure_sdk_packages
cargo test --locked --workspace --all-features
(cd packages/ts && npm test)

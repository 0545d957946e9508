#!/usr/bin/env bash
# Line coverage of the contract code with cargo-llvm-cov: runs the workspace's tests
# instrumented (not the real-VM runs of the gas benchmark and of farthing-vm, which execute
# wasm, not this code) and prints a per-file table for contracts/ and packages/, then the
# uncovered lines of each contract file. Installs cargo-llvm-cov and the llvm-tools
# component on first use.
#
#   bash scripts/coverage.sh            # table + uncovered lines
#   bash scripts/coverage.sh --summary  # table only
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
source scripts/tools.sh
LLVM_COV_VERSION="0.9.1"

rustup component add llvm-tools >/dev/null 2>&1 || rustup component add llvm-tools-preview >/dev/null
if ! cargo llvm-cov --version 2>/dev/null | grep -q "$LLVM_COV_VERSION"; then
  echo "==> installing cargo-llvm-cov@$LLVM_COV_VERSION into .tools (once)"
  cargo install --quiet --locked --root "$TOOLS" "cargo-llvm-cov@$LLVM_COV_VERSION"
fi

# Only the contracts' own code counts: not their in-crate unit tests, not the test helpers.
IGNORE='(tests/|packages/testing/|scripts/|fuzz/|/tests\.rs$|contracts/[^/]+/src/bin/|packages/voucher/src/bin/)'
export CARGO_TARGET_DIR="$ROOT/target/llvm-cov-target"
cargo llvm-cov clean --workspace >/dev/null 2>&1 || true
cargo llvm-cov --locked --no-report --workspace --exclude farthing-bench --exclude farthing-demo --exclude farthing-vm \
  --all-features 2>&1 | grep -E "^test result|FAILED|panicked" || true
echo
echo "Line coverage (contracts/ and packages/, tests and test helpers excluded):"
cargo llvm-cov report --ignore-filename-regex "$IGNORE" --summary-only
if [ "${1:-}" != "--summary" ]; then
  echo
  echo "Uncovered lines per contract file:"
  cargo llvm-cov report --ignore-filename-regex "$IGNORE" --show-missing-lines --summary-only \
    | sed -n '/Uncovered Lines/,$p' | grep -E "contracts/" || echo "  (none)"
fi

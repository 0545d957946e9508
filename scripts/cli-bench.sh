#!/usr/bin/env bash
# The operators' CLI, measured: deploy, kyc sync (bulk and one row), kyc diff, audit export,
# and the `farthing` binary itself, against a devnode (CometBFT RPC over HTTP on 127.0.0.1,
# the current optimized wasm on cosmwasm-vm). Prints a markdown table of throughput and
# latency percentiles.
#   bash scripts/cli-bench.sh [rows] [samples] [--update-docs]   (default 1000 rows, 30 samples)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$ROOT"
bash scripts/build-wasm.sh >&2
update=no
args=()
for a in "$@"; do
  if [ "$a" = "--update-docs" ]; then update=yes; else args+=("$a"); fi
done
cargo build --quiet --locked --release -p farthing-cli --bin farthing >&2
table="$(cargo bench --quiet --locked -p farthing-cli --bench cli -- "${args[@]}")"
echo "$table"
if [ "$update" = yes ]; then
  command="bash scripts/cli-bench.sh ${args[*]} --update-docs"
  {
    cat <<HEAD
# The operators' CLI, measured

Made by \`${command% }\` on this repository's machine (2 cores): the CLI's own code
against \`farthing-devnode\`, the in-process wasmd stand-in (CometBFT RPC over HTTP on
127.0.0.1, the current optimized wasm on cosmwasm-vm 2.3.5). Every transaction is
simulated, signed, broadcast with \`broadcast_tx_sync\` and confirmed with \`tx\`, as
against a real node.

A devnode makes a block per transaction at once. A wasmd chain waits for its block time
(1 to 6 s), which then dominates every transaction latency here; bulk sync throughput on
a chain is bounded by that and by the block gas limit (a 200-record batch is one
transaction). No wasmd node can run on this machine (no Docker engine, no Go modules),
so these are the CLI's and the VM's costs, not a chain's.

HEAD
    echo "$table"
  } >docs/CLI-BENCHMARK.md
  echo "wrote docs/CLI-BENCHMARK.md" >&2
fi

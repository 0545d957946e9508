#!/usr/bin/env bash
# The pay-per-request gateway, measured: paid requests per second and the latency it adds
# (the same load against the upstream directly, then through the gateway), and the chain
# cost of 1,000 paid requests against x402 `exact` (1,000 cw20-base transfers), on a
# devnode (the current optimized wasm on cosmwasm-vm). Prints markdown tables.
#   bash scripts/gateway-bench.sh [requests per worker] [workers] [--update-docs]
#   (default 1500 requests x 32 workers)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$ROOT"
bash scripts/build-wasm.sh >&2
update=no
args=()
for a in "$@"; do
  if [ "$a" = "--update-docs" ]; then update=yes; else args+=("$a"); fi
done
table="$(cargo bench --quiet --locked -p farthing-gateway --bench gateway -- "${args[@]}")"
echo "$table"
if [ "$update" = yes ]; then
  command="bash scripts/gateway-bench.sh ${args[*]} --update-docs"
  {
    cat <<HEAD
# The pay-per-request gateway, measured

Made by \`${command% }\` on this repository's machine (2 cores; the load generator, the
upstream, the gateway and the devnode share them). The release build of
\`packages/gateway/benches/gateway.rs\`.

- **Throughput and latency.** Each worker sends its requests one after another on its own
  channel. Its vouchers are signed before the clock starts, as a client signs ahead. The
  same workers call a minimal upstream directly, then through the gateway. Every paid
  request goes through the whole gateway path:
  - the x402 header is decoded;
  - the per-channel lock is taken;
  - the voucher is checked with \`farthing-voucher\` (ed25519);
  - the charge is committed to SQLite (WAL, \`synchronous=NORMAL\`, group commit) before
    the request is forwarded;
  - the receipt header is added.
- **Chain cost.** Gas is as the devnode meters it, with wasmd's constants (VM gas /
  140,000,000, 60,000 per contract call, KV and transaction-size costs). x402 \`exact\`
  settles each request on chain: 1,000 cw20-base transfers, the reference cw20-base
  measured in the same run.

No wasmd node can run on this machine (no Docker engine, no Go modules). A real chain adds
its block time to each settlement's confirmation, but not to any paid request: requests
never wait for the chain.

HEAD
    echo "$table"
  } >docs/GATEWAY-BENCHMARK.md
  echo "wrote docs/GATEWAY-BENCHMARK.md" >&2
fi

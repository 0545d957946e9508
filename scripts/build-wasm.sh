#!/usr/bin/env bash
# Builds every contract in contracts/ for wasm32, lowers and shrinks it with binaryen's
# wasm-opt (so the CosmWasm 2.x VM accepts it), validates it with cosmwasm-check, and
# writes artifacts/<contract>.wasm and artifacts/checksums.txt.
#
# Usage: scripts/build-wasm.sh [contract-dir-name ...]   (default: all contracts)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/tools.sh"
cd "$ROOT"

ensure_wasm_target
ensure_binaryen
ensure_cosmwasm_check

if [ "$#" -gt 0 ]; then
  contracts=("$@")
else
  contracts=()
  for dir in contracts/*/; do contracts+=("$(basename "$dir")"); done
fi

mkdir -p artifacts
for name in "${contracts[@]}"; do
  crate="$(sed -n 's/^name = "\(.*\)"/\1/p' "contracts/$name/Cargo.toml" | head -n1)"
  echo "==> $crate"
  build_contract "$crate" "artifacts/${name//-/_}.wasm"
done

cosmwasm-check artifacts/*.wasm
(cd artifacts && sha256sum -- *.wasm >checksums.txt && cat checksums.txt)

#!/usr/bin/env bash
# The main job: install the pinned tools, build and check every contract's optimized
# wasm (artifacts/), then run the end-to-end demo on the embedded simulation.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
bash scripts/build-wasm.sh
echo
cargo run --quiet --locked -p farthing-demo

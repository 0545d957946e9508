#!/usr/bin/env bash
# Regenerates schema/<contract>/ from each contract's examples/schema.rs:
# schema/<contract>/<contract>.json (the full API: instantiate, execute, query, migrate,
# and every response) and schema/<contract>/raw/*.json (one file per message type).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"

for dir in contracts/*/; do
  name="$(basename "$dir")"
  crate="$(sed -n 's/^name = "\(.*\)"/\1/p' "$dir/Cargo.toml" | head -n1)"
  tmp="$(mktemp -d)"
  (cd "$tmp" && cargo run --quiet --locked --manifest-path "$ROOT/Cargo.toml" -p "$crate" --example schema >/dev/null)
  rm -rf "schema/$name"
  mkdir -p "schema/$name"
  mv "$tmp/schema/$crate.json" "schema/$name/$name.json"
  mv "$tmp/schema/raw" "schema/$name/raw"
  rm -rf "$tmp"
  echo "schema/$name/$name.json"
done

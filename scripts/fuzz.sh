#!/usr/bin/env bash
# Fuzzing: builds every cargo-fuzz target of fuzz/ (libFuzzer, nightly toolchain) and runs
# each for a bounded time on a copy of its committed seed corpus (fuzz/corpus/<target>),
# so runs never grow the committed corpus. Prints a table; exits non-zero on any crash.
#
#   bash scripts/fuzz.sh [seconds-per-target] [target ...]     (default: 20 s, all targets)
#
# cargo-fuzz is installed once into the git-ignored .tools/ folder. Targets are built
# without a sanitizer (safe Rust: what is looked for is a panic, an abort, a timeout or an
# out-of-memory, which libFuzzer reports as a crash). A crash leaves its input in
# fuzz/artifacts/<target>/ (git-ignored); reproduce it with
#   cd fuzz && cargo +nightly fuzz run -s none <target> artifacts/<target>/<crash file>
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$ROOT"
source scripts/tools.sh

SECONDS_PER_TARGET="${1:-20}"
shift || true
CARGO_FUZZ_VERSION="0.13.2"
NIGHTLY="${FUZZ_TOOLCHAIN:-nightly}"

if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || [ "$SECONDS_PER_TARGET" -lt 1 ]; then
  echo "usage: bash scripts/fuzz.sh [seconds-per-target] [target ...]" >&2
  exit 2
fi

ensure_nightly() {
  if ! rustup run "$NIGHTLY" rustc --version >/dev/null 2>&1; then
    echo "==> installing the $NIGHTLY toolchain (cargo-fuzz needs it)"
    rustup toolchain install "$NIGHTLY" --profile minimal
  fi
}

ensure_cargo_fuzz() {
  if ! cargo-fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    echo "==> installing cargo-fuzz@$CARGO_FUZZ_VERSION into .tools (once)"
    cargo install --quiet --locked --root "$TOOLS" "cargo-fuzz@$CARGO_FUZZ_VERSION"
  fi
}

ensure_nightly
ensure_cargo_fuzz

# The fuzz crate has its own Cargo.lock and target dir (fuzz/target).
unset CARGO_TARGET_DIR
cd "$ROOT/fuzz"
# cargo-fuzz has no --locked: check that the committed Cargo.lock is complete first.
cargo "+$NIGHTLY" metadata --locked --format-version 1 >/dev/null

mapfile -t ALL < <(cargo "+$NIGHTLY" fuzz list)
if [ "$#" -gt 0 ]; then TARGETS=("$@"); else TARGETS=("${ALL[@]}"); fi

echo "==> building ${#TARGETS[@]} fuzz targets (release, debug assertions, no sanitizer)"
build_start=$(date +%s)
if [ "$#" -gt 0 ]; then
  for t in "${TARGETS[@]}"; do cargo "+$NIGHTLY" fuzz build -s none "$t"; done
else
  cargo "+$NIGHTLY" fuzz build -s none
fi
echo "    built in $(($(date +%s) - build_start)) s"

HOST="$(rustc "+$NIGHTLY" -vV | sed -n 's/^host: //p')"
BIN_DIR="$ROOT/fuzz/target/$HOST/release"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/farthing-fuzz.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

failed=0
rows=()
for t in "${TARGETS[@]}"; do
  corpus="$WORK/corpus/$t"
  mkdir -p "$corpus" "$ROOT/fuzz/artifacts/$t"
  if [ -d "$ROOT/fuzz/corpus/$t" ]; then cp -R "$ROOT/fuzz/corpus/$t/." "$corpus/"; fi
  seeds=$(find "$corpus" -type f | wc -l)
  log="$WORK/$t.log"
  echo "==> $t: ${SECONDS_PER_TARGET} s from $seeds seeds"
  start=$(date +%s)
  status=0
  "$BIN_DIR/$t" "$corpus" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -max_len=4096 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$ROOT/fuzz/artifacts/$t/" >"$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - start))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(sed -n 's/^#\([0-9]*\)[[:space:]].*/\1/p' "$log" | tail -1)
  [ -n "$execs" ] || execs="?"
  size=$(find "$corpus" -type f | wc -l)
  if [ "$status" -eq 0 ]; then
    result="ok"
  else
    failed=1
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    result="CRASH (exit $status) ${artifact:-see log}"
    echo "---- $t: last lines of the libFuzzer log"
    grep -v '^#' "$log" | tail -40
  fi
  rows+=("$(printf '| %-17s | %7s | %12s | %6s -> %-6s | %s |' "$t" "$elapsed" "$execs" "$seeds" "$size" "$result")")
done

echo
printf '| %-17s | %7s | %12s | %-16s | %s |\n' "target" "seconds" "executions" "corpus" "result"
printf '|%s|%s|%s|%s|%s|\n' "-------------------" "---------" "--------------" "------------------" "--------"
printf '%s\n' "${rows[@]}"
if [ "$failed" -ne 0 ]; then
  echo "error: a fuzz target crashed (inputs in fuzz/artifacts/)" >&2
  exit 1
fi

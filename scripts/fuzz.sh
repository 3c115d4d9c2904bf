#!/usr/bin/env bash
# Fuzz the import readers (decision 0012). Usage: scripts/fuzz.sh [SECONDS per target, default 300]
# Needs `cargo install cargo-fuzz`. Works on the stable toolchain through RUSTC_BOOTSTRAP=1.
# Uses its own target dir and a corpus outside the repository, seeded from tests/import-corpus.
set -euo pipefail
secs="${1:-300}"
root="$(cd "$(dirname "$0")/.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/work/fuzz-target}"
export RUSTC_BOOTSTRAP=1
corpus="${FUZZ_CORPUS:-$root/../fuzz-corpus}"
cd "$root/fuzz"
for target in csv_reader workbook_reader; do
  mkdir -p "$corpus/$target"
  cp -n "$root"/tests/import-corpus/*.{csv,txt,xlsx,xls,ods} "$corpus/$target/" 2>/dev/null || true
  cargo fuzz run -s none "$target" "$corpus/$target" -- \
    -max_total_time="$secs" -rss_limit_mb=4096 -max_len=262144 -print_final_stats=1
done

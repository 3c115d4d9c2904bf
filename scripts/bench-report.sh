#!/usr/bin/env bash
# Benchmark a 100,000-line inventory's report and auditor's package (issue 13): N records (grid
# electricity and natural gas, 50 facilities, period 2023) written through the store API
# (`examples/bench_store.rs --make-db`), the period locked, then `examples/bench_report.rs` times
# the inventory report as PDF (as `scopebook report --kind inventory` makes it), Typst compiling
# the same document alone (goal: report / Typst <= 1.5) and `export-package` (goal: < 10 s),
# each the median of BENCH_RUNS runs after a warm-up.
#
#   scripts/bench-report.sh [N]      N records, default 100000
#
# Environment:
#   BENCH_RUNS=3         timed runs of each step
#   BENCH_SKIP_BUILD=1   do not run `cargo build --release --example bench_store --example bench_report`
#   BENCH_KEEP_DB=1      reuse bench-out/report/store-N.db when it exists
#
# Files go to ./bench-out/report/ (gitignored); the table is also saved to
# bench-out/report-results.txt, with the machine's load average (`uptime`) before and after.
set -euo pipefail

ROWS="${1:-100000}"
if ! [[ "$ROWS" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [N records, default 100000]" >&2
    exit 2
fi
RUNS="${BENCH_RUNS:-3}"
cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "==> cargo build --release --example bench_store --example bench_report"
    cargo build --release --quiet --example bench_store --example bench_report
fi
OUT=bench-out/report
DB="$OUT/store-$ROWS.db"
mkdir -p "$OUT"
if [[ "${BENCH_KEEP_DB:-0}" == 1 && -f "$DB" ]]; then
    echo "==> reusing $DB"
else
    rm -f "$DB" "$DB-wal" "$DB-shm"
    echo "==> writing $ROWS records to $DB"
    target/release/examples/bench_store "$ROWS" --make-db "$DB" >/dev/null
fi
{
    echo "load before: $(uptime)"
    target/release/examples/bench_report "$DB" "$RUNS"
    echo "load after:  $(uptime)"
} | tee bench-out/report-results.txt

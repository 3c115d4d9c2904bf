#!/usr/bin/env bash
# Benchmark the screens of a large inventory: on a file of N activity records (grid electricity
# and natural gas, 50 facilities, one period; written through the store API by
# `examples/bench_store.rs --make-db`), time what each screen asks the store for, with the same
# library calls as the app's commands: the dashboard's totals (`Store::period_totals`: the first
# visit after a change, after appending 1,000 records and after editing one record, and a visit
# again), a page of 100 calculated lines (`Store::calculate_page`), a page of 100 records
# (`Store::activities_page`) and a filtered page of the audit log (`Store::audit_page`). Each is
# the median of BENCH_RUNS runs (after one warm-up), printed against the 1 s goal
# (`examples/bench_screens.rs`).
#
#   scripts/bench-screens.sh [N]     N records, default 1000000 (20000 for a quick smoke run)
#
# Environment:
#   BENCH_RUNS=5         timed runs of each call; the median is reported
#   BENCH_SKIP_BUILD=1   do not run `cargo build --release --example bench_store --example bench_screens`
#   BENCH_KEEP_DB=1      reuse bench-out/screens/store-N.db when it exists (writing 1,000,000
#                        records takes about half a minute)
#
# Files go to ./bench-out/screens/ (gitignored; a 1,000,000-record file is about 0.9 GB); the
# table is also saved to bench-out/screens-results.txt. Exit status 0 when every call ran, met
# or not (the table says which).
set -euo pipefail

ROWS="${1:-1000000}"
if ! [[ "$ROWS" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [N records, default 1000000]" >&2
    exit 2
fi
RUNS="${BENCH_RUNS:-5}"
if ! [[ "$RUNS" =~ ^[1-9][0-9]*$ ]]; then
    echo "BENCH_RUNS must be a positive whole number" >&2
    exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "==> cargo build --release --example bench_store --example bench_screens"
    cargo build --release --quiet --example bench_store --example bench_screens
fi
OUT=bench-out/screens
DB="$OUT/store-$ROWS.db"
mkdir -p "$OUT"

if [[ "${BENCH_KEEP_DB:-0}" == 1 && -f "$DB" ]]; then
    echo "==> reusing $DB"
else
    rm -f "$DB" "$DB-wal" "$DB-shm"
    echo "==> writing $ROWS records to $DB"
    target/release/examples/bench_store "$ROWS" --make-db "$DB"
fi

echo "==> timing"
target/release/examples/bench_screens "$DB" --runs "$RUNS" | tee bench-out/screens-results.txt

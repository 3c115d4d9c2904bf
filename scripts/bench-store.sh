#!/usr/bin/env bash
# Benchmark the inventory file (SQLite store): write N activity records through the store API
# as the import path does (one transaction per 10,000 rows; every row checked as `scopebook calc`
# checks it, and audited), read back the period's totals, verify the audit chain; then insert the
# same rows into the same table with a bare rusqlite loop (one prepared statement, one
# transaction, no checks, no audit): the practical ceiling. Prints records/s for both and the
# ratio.
#
#   scripts/bench-store.sh [N]       N records, default 1000000 (20000 for a quick smoke run)
#
# Environment:
#   BENCH_SKIP_BUILD=1   do not run `cargo build --release --example bench_store`
#
# The databases are written to a temporary folder inside ./bench-out/ (gitignored) and removed
# afterwards; the printed results are also saved to bench-out/store-results.txt. A 1,000,000-record
# run needs about 1.5 GB of free disk.
set -euo pipefail

ROWS="${1:-1000000}"
if ! [[ "$ROWS" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [N records, default 1000000]" >&2
    exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "==> cargo build --release --example bench_store"
    cargo build --release --quiet --example bench_store
fi

mkdir -p bench-out
echo "==> $ROWS records"
target/release/examples/bench_store "$ROWS" --dir bench-out | tee bench-out/store-results.txt

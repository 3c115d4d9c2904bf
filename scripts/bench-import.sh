#!/usr/bin/env bash
# Benchmark imports (issue 6): write an N-row CSV with Chinese headers, activity names and
# thousands separators, and an M-row .xlsx; import each into a fresh organisation file exactly
# as `scopebook import` does (read, map, convert, check every row as `scopebook calc` does,
# write with lineage and the audited import record, one transaction); then insert the same
# records into the same table with a bare rusqlite loop (the ceiling, as in bench-store.sh).
# Prints a table of times, rows/s, the ratio to the ceiling and peak memory: of opening the file
# (a CSV is then read a block at a time during the import, decision 0028), of the import (the
# kernel's high-water mark of resident memory, reset before each step), and what the opened file
# holds. XLSX_ROWS 0 skips the workbook; the example run with --no-bare skips the bare loop.
#
#   scripts/bench-import.sh [CSV_ROWS] [XLSX_ROWS]     default 1000000 200000
#
# For the whole process's peak, run the example under `/usr/bin/time -v` with BENCH_KEEP_PEAK=1
# (the per-step resets would otherwise hide earlier peaks from it).
#
# Environment:
#   BENCH_SKIP_BUILD=1   do not run `cargo build --release --example bench_import`
#
# Files and databases go to a temporary folder inside ./bench-out/ (gitignored), removed
# afterwards; the table is also saved to bench-out/import-results.txt. Needs ~2 GB of disk.
set -euo pipefail

CSV_ROWS="${1:-1000000}"
XLSX_ROWS="${2:-200000}"
if ! [[ "$CSV_ROWS" =~ ^[1-9][0-9]*$ && "$XLSX_ROWS" =~ ^[0-9]+$ ]]; then
    echo "usage: $0 [CSV_ROWS] [XLSX_ROWS]" >&2
    exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "==> cargo build --release --example bench_import"
    cargo build --release --quiet --example bench_import
fi

mkdir -p bench-out
echo "==> $CSV_ROWS CSV rows, $XLSX_ROWS xlsx rows"
target/release/examples/bench_import "$CSV_ROWS" "$XLSX_ROWS" --dir bench-out | tee bench-out/import-results.txt

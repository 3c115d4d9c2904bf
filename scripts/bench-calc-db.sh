#!/usr/bin/env bash
# Benchmark `scopebook calc --db F --period 2023 --summary` against `scopebook calc EXPORT.csv
# --summary` on the same records: N activity records (grid electricity and natural gas, 50
# facilities, one period) are written through the store API (`examples/bench_store.rs
# --make-db`), the period is exported with `scopebook activity export`, then each command runs
# BENCH_RUNS times (after one untimed warm-up run each) and the median wall clock is compared.
#
#   scripts/bench-calc-db.sh [N]     N records, default 1000000 (20000 for a quick smoke run)
#
# Environment:
#   BENCH_RUNS=5         timed runs of each command; the median is reported
#   BENCH_SKIP_BUILD=1   do not run `cargo build --release --bin scopebook --example bench_store`
#   BENCH_KEEP_DB=1      reuse bench-out/calc-db/store-N.db when it exists (writing 1,000,000
#                        records takes about half a minute)
#   BENCH_BEFORE=FILE    another `scopebook` binary (e.g. a build of an earlier commit): its
#                        `calc --db` is timed too, in the same rounds, as a before/after row
#
# Files go to ./bench-out/calc-db/ (gitignored); the table is also saved to
# bench-out/calc-db-results.txt. Exit status 0 only when both commands succeeded and their
# JSON reports agree (same totals, same input SHA-256).
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
    echo "==> cargo build --release --bin scopebook --example bench_store"
    cargo build --release --quiet --bin scopebook --example bench_store
fi
BIN=target/release/scopebook
OUT=bench-out/calc-db
DB="$OUT/store-$ROWS.db"
CSV="$OUT/export-$ROWS.csv"
mkdir -p "$OUT"

if [[ "${BENCH_KEEP_DB:-0}" == 1 && -f "$DB" ]]; then
    echo "==> reusing $DB"
else
    rm -f "$DB" "$DB-wal" "$DB-shm"
    echo "==> writing $ROWS records to $DB"
    target/release/examples/bench_store "$ROWS" --make-db "$DB"
fi
"$BIN" activity export --db "$DB" --period 2023 >"$CSV"
echo "==> export: $(($(wc -l <"$CSV") - 1)) records, $(wc -c <"$CSV") bytes"

# The same figures from both: totals and the input's SHA-256 (the file name differs on purpose).
"$BIN" calc --db "$DB" --period 2023 --summary --format json >"$OUT/db.json" 2>/dev/null
"$BIN" calc "$CSV" --summary --format json >"$OUT/csv.json" 2>/dev/null
pick='{totals, complete, line_count, sha256: .inputs.activities.sha256}'
if ! diff <(jq -S "$pick" "$OUT/db.json") <(jq -S "$pick" "$OUT/csv.json") >/dev/null; then
    echo "error: calc --db and calc on the export disagree:" >&2
    diff <(jq -S "$pick" "$OUT/db.json") <(jq -S "$pick" "$OUT/csv.json") >&2 || true
    exit 1
fi

# Wall clock of one run in seconds (start-up and loading the factor library included).
time_one() {
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1
    t1=$(date +%s.%N)
    echo "$t1 - $t0" | bc -l
}

median() {
    sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

BEFORE="${BENCH_BEFORE:-}"
if [[ -n "$BEFORE" && ! -x "$BEFORE" ]]; then
    echo "BENCH_BEFORE=$BEFORE is not an executable" >&2
    exit 2
fi

echo "==> timing: median of $RUNS runs each (after one warm-up run)"
declare -a DB_RUNS CSV_RUNS BEFORE_RUNS
"$BIN" calc --db "$DB" --period 2023 --summary >/dev/null 2>&1
"$BIN" calc "$CSV" --summary >/dev/null 2>&1
[[ -n "$BEFORE" ]] && "$BEFORE" calc --db "$DB" --period 2023 --summary >/dev/null 2>&1
for ((i = 0; i < RUNS; i++)); do
    # Interleaved, so that drift in the machine's load hits each alike.
    DB_RUNS+=("$(time_one "$BIN" calc --db "$DB" --period 2023 --summary)")
    CSV_RUNS+=("$(time_one "$BIN" calc "$CSV" --summary)")
    [[ -n "$BEFORE" ]] && BEFORE_RUNS+=("$(time_one "$BEFORE" calc --db "$DB" --period 2023 --summary)")
done
DB_MED=$(printf '%s\n' "${DB_RUNS[@]}" | median)
CSV_MED=$(printf '%s\n' "${CSV_RUNS[@]}" | median)
RATIO=$(echo "$DB_MED / $CSV_MED" | bc -l)

fmt_runs() { printf '%s\n' "$@" | awk '{ printf "%s%.3f", (NR > 1 ? " " : ""), $1 }'; }
{
    printf '%-48s %9s %12s %8s  %s\n' "command ($ROWS records)" "median s" "records/s" "ratio" "runs (s)"
    printf '%-48s %9.3f %12.0f %7.2fx  %s\n' "scopebook calc --db F --period 2023 --summary" "$DB_MED" \
        "$(echo "$ROWS / $DB_MED" | bc -l)" "$RATIO" "$(fmt_runs "${DB_RUNS[@]}")"
    printf '%-48s %9.3f %12.0f %7.2fx  %s\n' "scopebook calc EXPORT.csv --summary" "$CSV_MED" \
        "$(echo "$ROWS / $CSV_MED" | bc -l)" 1 "$(fmt_runs "${CSV_RUNS[@]}")"
    if [[ -n "$BEFORE" ]]; then
        BEFORE_MED=$(printf '%s\n' "${BEFORE_RUNS[@]}" | median)
        printf '%-48s %9.3f %12.0f %7.2fx  %s\n' "$BEFORE calc --db (before)" "$BEFORE_MED" \
            "$(echo "$ROWS / $BEFORE_MED" | bc -l)" "$(echo "$BEFORE_MED / $CSV_MED" | bc -l)" "$(fmt_runs "${BEFORE_RUNS[@]}")"
    fi
    printf '{"records": %d, "calc_db_s": %.3f, "calc_csv_s": %.3f, "ratio": %.2f}\n' "$ROWS" "$DB_MED" "$CSV_MED" "$RATIO"
} | tee bench-out/calc-db-results.txt

#!/usr/bin/env bash
# Benchmark `scopebook calc --summary` against equivalent pandas and polars scripts.
#
#   scripts/bench-calc.sh [N]        N activity rows, default 1000000 (10000 for a quick smoke run)
#
# Environment:
#   BENCH_RUNS=3                runs per tool; the best (lowest wall clock) is reported
#   BENCH_SKIP_BUILD=1          do not run `cargo build --release`
#   SCOPEBOOK_BENCH_ARGS="..."  extra arguments for the scopebook command
#   BENCH_PYTHON=python3        interpreter used to create the venv
#
# Creates ./.venv-bench (pandas, polars) and ./bench-out/ (data, results.json); both gitignored.
# Exit status 0 only when all three tools ran and their totals agree. See scripts/README.md.
set -euo pipefail

ROWS="${1:-1000000}"
if ! [[ "$ROWS" =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: $0 [N rows, default 1000000]" >&2
    exit 2
fi

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv-bench
OUT=bench-out
RUNS="${BENCH_RUNS:-3}"

# 1. Python venv with pandas and polars (never installs anything outside the venv).
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c 'import pandas, polars' 2>/dev/null; then
    echo "==> creating $VENV with pandas and polars"
    "${BENCH_PYTHON:-python3}" -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check pandas polars
fi
PY="$VENV/bin/python"

# 2. Release build.
if [[ "${BENCH_SKIP_BUILD:-0}" != 1 ]]; then
    echo "==> cargo build --release"
    cargo build --release --quiet
fi
if [[ ! -x target/release/scopebook ]]; then
    echo "warning: target/release/scopebook not found; scopebook will be reported as failed" >&2
fi

# 3. Data (skipped when bench-out/ already holds the same row count from the same generator).
echo "==> data: $ROWS rows"
"$PY" scripts/bench_gen.py "$ROWS" --out "$OUT" --if-needed

# 4. Time, check agreement, print the table.
echo "==> timing (best of $RUNS)"
exec "$PY" scripts/bench_run.py --out "$OUT" --runs "$RUNS" --python "$PY"

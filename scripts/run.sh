#!/usr/bin/env bash
# Runs the application: for now the `scopebook` CLI on the example inventory. Any arguments
# replace the example: `scripts/run.sh calc my-activities.csv --format json`.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v cargo >/dev/null 2>&1; then
  echo "scripts/run.sh: cargo is not installed; install Rust (https://rustup.rs) and run again" >&2
  exit 2
fi
if [ "$#" -eq 0 ]; then
  set -- calc examples/activities-2023.csv --factors examples/factors-scope3.csv
fi
exec cargo run --quiet --release --locked -- "$@"

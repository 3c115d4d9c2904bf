#!/usr/bin/env bash
# Runs every test of the project. This is the README's test command and what CI runs.
# On a fresh Debian 12 machine with the Rust toolchain it needs nothing else yet; when the
# desktop app lands, this script installs its system packages too.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "scripts/test.sh: cargo is not installed; install Rust (https://rustup.rs) and run again" >&2
  exit 2
fi
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$component"
  fi
done

echo "== format"
cargo fmt --all -- --check
echo "== lint"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== tests"
cargo test --workspace --locked
echo "== benchmarks compile"
cargo bench --workspace --locked --no-run >/dev/null
echo "== example runs"
cargo run --quiet --locked -- calc examples/activities-2023.csv --factors examples/factors-scope3.csv --summary >/dev/null 2>&1
echo "all checks passed"

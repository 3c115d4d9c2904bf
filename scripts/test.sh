#!/usr/bin/env bash
# Runs every test of the project. This is the README's test command and what CI runs.
# On a fresh Debian 12 machine with the Rust toolchain and Node.js, it installs the system
# packages it needs (as root; otherwise it says what to install), the UI's npm packages, builds
# the UI, then runs: the UI's unit tests (Vitest) and type check (svelte-check), format, lint,
# the Rust tests, a benchmark build, an example run, and the real-window end-to-end tests of the
# desktop app under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup-system.sh
source scripts/setup-system.sh

# Each step says when it began (seconds since the start), so a CI log shows where the time went.
step() { echo "== $* (at ${SECONDS} s)"; }

scopebook_require_cargo
for component in rustfmt clippy; do
  if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$component"
  fi
done
scopebook_ensure_packages "${SCOPEBOOK_APP_PACKAGES[@]}" "${SCOPEBOOK_TEST_PACKAGES[@]}"

# The app embeds ui/dist, so the UI is built before anything compiles the app.
scopebook_build_ui
scopebook_install_fonts
scopebook_install_pdfa_checker
# The PDF/A check of every PDF report kind (tests/report_pdfa.rs) is required here, not skipped.
export SCOPEBOOK_REQUIRE_PDFA=1
step "UI unit tests"
(cd ui && npm test --silent)
step "UI type check (svelte-check)"
(cd ui && npm run check --silent)

# Incremental compilation caches are for editing sessions; on a clean build they only take disk
# (15 GB of a 56 GB target directory here), and CI's disk is not large (decision 0027).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step "format"
cargo fmt --all -- --check
step "lint"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "build"
cargo build --workspace --locked
step "tests"
# The end-to-end tests run on their own below, one at a time.
cargo test --workspace --locked --exclude scopebook-e2e
step "benchmarks compile"
# Built in the dev profile, on the dependencies the steps above built: CI checks that they build
# and link; timing them (`cargo bench`) is for a quiet machine, not CI. A release build here cost
# a second, optimised copy of every dependency, Typst's included (decision 0027).
cargo build --workspace --locked --benches
step "example runs"
# The CLI built above (`cargo run` would build the root package alone, with other features).
"${CARGO_TARGET_DIR:-target}/debug/scopebook" calc examples/activities-2023.csv --factors examples/factors-scope3.csv --summary >/dev/null 2>&1
step "end-to-end tests (the app in a real window, under Xvfb; screenshots in e2e-artifacts/)"
SCOPEBOOK_E2E_REQUIRED=1 cargo test -p scopebook-e2e --locked -- --test-threads=1
echo "all checks passed (in ${SECONDS} s)"

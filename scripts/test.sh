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
echo "== UI unit tests"
(cd ui && npm test --silent)
echo "== UI type check (svelte-check)"
(cd ui && npm run check --silent)

# Incremental compilation caches are for editing sessions; on a clean build they only take disk
# (15 GB of a 56 GB target directory here), and CI's disk is not large (decision 0027).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

echo "== format"
cargo fmt --all -- --check
echo "== lint"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== build"
cargo build --workspace --locked
echo "== tests"
# The end-to-end tests run on their own below, one at a time.
cargo test --workspace --locked --exclude scopebook-e2e
echo "== benchmarks compile"
# The benchmarks are the core's; leaving the app out saves a release build of Tauri (~2 min cold).
cargo bench --workspace --locked --exclude scopebook-app --exclude scopebook-e2e --no-run >/dev/null
echo "== example runs"
# The CLI built above (`cargo run` would build the root package alone, with other features).
"${CARGO_TARGET_DIR:-target}/debug/scopebook" calc examples/activities-2023.csv --factors examples/factors-scope3.csv --summary >/dev/null 2>&1
echo "== end-to-end tests (the app in a real window, under Xvfb; screenshots in e2e-artifacts/)"
SCOPEBOOK_E2E_REQUIRED=1 cargo test -p scopebook-e2e --locked -- --test-threads=1
echo "all checks passed"

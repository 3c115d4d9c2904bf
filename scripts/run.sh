#!/usr/bin/env bash
# Runs the application.
#
#   scripts/run.sh              the desktop app: installs missing system packages (as root;
#                               otherwise says what to install), builds the UI and the app
#                               (release), and opens its window. With no display (DISPLAY and
#                               WAYLAND_DISPLAY unset) it says so and stops.
#   scripts/run.sh cli ARGS...  the `scopebook` command line, e.g.
#                               scripts/run.sh cli calc examples/activities-2023.csv --factors examples/factors-scope3.csv
#   scripts/run.sh cli          the CLI on that example inventory.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/setup-system.sh
source scripts/setup-system.sh
scopebook_require_cargo

if [ "${1:-}" = "cli" ]; then
  shift
  if [ "$#" -eq 0 ]; then
    set -- calc examples/activities-2023.csv --factors examples/factors-scope3.csv
  fi
  exec cargo run --quiet --release --locked -p scopebook --bin scopebook -- "$@"
fi

if [ "$#" -gt 0 ]; then
  echo "usage: scripts/run.sh            (the desktop app)" >&2
  echo "       scripts/run.sh cli ARGS...  (the command line, e.g. scripts/run.sh cli calc FILE.csv)" >&2
  exit 2
fi
scopebook_ensure_packages "${SCOPEBOOK_APP_PACKAGES[@]}"
scopebook_build_ui
echo "== building the app (release)"
cargo build --release --locked --workspace --bins
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "$0: no display (DISPLAY is not set). The app is built: target/release/scopebook-app" >&2
  echo "  Under a virtual display: Xvfb :99 & DISPLAY=:99 target/release/scopebook-app" >&2
  echo "  The command line needs none: scripts/run.sh cli --help" >&2
  exit 2
fi
exec target/release/scopebook-app

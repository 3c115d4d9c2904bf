# Shared set-up of scripts/run.sh and scripts/test.sh: sourced, not run.
#
# - scopebook_require_cargo: cargo must be there (Rust is not installed for you).
# - scopebook_ensure_packages PKG...: installs the Debian packages that are missing. As root it
#   runs `apt-get update` once, then `apt-get install`; otherwise it prints the exact command
#   and exits 2.
# - scopebook_build_ui: Node.js >= 20.19 must be there; runs `npm ci` in ui/ when node_modules
#   is missing or ui/package-lock.json changed since the last `npm ci`, then `npm run build`
#   (into ui/dist, which the app embeds).
# - scopebook_install_fonts: `npm ci` in fonts/ (the PDF reports' fonts) when needed.
# - scopebook_install_pdfa_checker: a Python venv in .venv-tools/ with page-validation, the PDF/A
#   checker scripts/check-pdfa.py uses (decision 0044).

# What building and running the desktop app needs (Tauri 2 on Debian 12).
SCOPEBOOK_APP_PACKAGES=(build-essential pkg-config file libwebkit2gtk-4.1-dev librsvg2-dev libssl-dev
  libxdo-dev libayatana-appindicator3-dev)
# What the real-window tests add: a virtual display, WebKit's WebDriver, a session bus and the
# accessibility bus WebKit talks to, and a CJK font for the Chinese screens; pdftotext/pdftoppm
# (poppler-utils) and qpdf read back the PDF reports; python3 runs the auditor's package's verify.py;
# python3-venv makes the PDF/A checker's venv (Debian 12's pip refuses system-wide installs).
SCOPEBOOK_TEST_PACKAGES=(xvfb xauth webkit2gtk-driver dbus-x11 at-spi2-core fonts-noto-cjk poppler-utils qpdf python3
  python3-venv)

scopebook_require_cargo() {
  if ! command -v cargo >/dev/null 2>&1; then
    echo "$0: cargo is not installed; install Rust (https://rustup.rs) and run again" >&2
    exit 2
  fi
}

scopebook_ensure_packages() {
  local missing=() p
  for p in "$@"; do
    if ! dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed'; then
      missing+=("$p")
    fi
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "$0: these Debian packages (or your system's equivalents) are missing: ${missing[*]}" >&2
    exit 2
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "$0: missing system packages. Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 2
  fi
  echo "== installing system packages: ${missing[*]}"
  if [ -z "${SCOPEBOOK_APT_UPDATED:-}" ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -q
    SCOPEBOOK_APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

scopebook_require_node() {
  local version
  if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "$0: Node.js >= 20.19 with npm is needed to build the UI (ui/); install it and run again" >&2
    exit 2
  fi
  version=$(node -p 'process.versions.node')
  if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'; then
    echo "$0: Node.js $version is too old for the UI's Vite; install Node.js >= 20.19 and run again" >&2
    exit 2
  fi
}

scopebook_build_ui() {
  scopebook_require_node
  if [ ! -f ui/package-lock.json ]; then
    echo "$0: ui/package-lock.json is missing; the UI's dependencies cannot be installed reproducibly" >&2
    exit 1
  fi
  local stamp=ui/node_modules/.scopebook-package-lock.sha256 want
  want=$(sha256sum ui/package-lock.json | cut -d' ' -f1)
  if [ ! -d ui/node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "== UI dependencies (npm ci)"
    (cd ui && npm ci --no-audit --no-fund)
    echo "$want" >"$stamp"
  fi
  echo "== UI build"
  (cd ui && npm run build --silent)
}

# The PDF reports' fonts (decision 0025): Noto Sans and Noto Sans SC from the npm registry into
# fonts/node_modules (about 100 MB, not in git), installed when missing or when
# fonts/package-lock.json changed since the last `npm ci`.
scopebook_install_fonts() {
  scopebook_require_node
  local stamp=fonts/node_modules/.scopebook-package-lock.sha256 want
  want=$(sha256sum fonts/package-lock.json | cut -d' ' -f1)
  if [ ! -d fonts/node_modules ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "== report fonts (npm ci in fonts/)"
    (cd fonts && npm ci --no-audit --no-fund)
    echo "$want" >"$stamp"
  fi
}

# The PDF/A checker (decision 0044): PyPI's page-validation (a compiled wheel; cp311 for Debian
# 12's python3), pinned, in a venv at .venv-tools/ (git-ignored), made with Debian's python3 when
# there is one. Installed when the venv or the pinned version is missing; tests/report_pdfa.rs
# runs scripts/check-pdfa.py with .venv-tools/bin/python3.
SCOPEBOOK_PAGE_VALIDATION=page-validation==0.11.0
scopebook_install_pdfa_checker() {
  local py=python3 venv=.venv-tools
  [ -x /usr/bin/python3 ] && py=/usr/bin/python3
  if ! "$venv/bin/python3" -c 'import page, sys; from importlib.metadata import version; sys.exit(0 if version("page-validation") == sys.argv[1] else 1)' \
    "${SCOPEBOOK_PAGE_VALIDATION#*==}" >/dev/null 2>&1; then
    echo "== PDF/A checker ($SCOPEBOOK_PAGE_VALIDATION in $venv)"
    [ -x "$venv/bin/python3" ] || "$py" -m venv "$venv"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check "$SCOPEBOOK_PAGE_VALIDATION"
  fi
}

#!/usr/bin/env bash
# Installs what building and testing Switchboard needs, skipping whatever is already present.
# Safe to run again and again. Usage: scripts/setup.sh [--browser]
#   --browser  also install Debian's chromium and the Playwright test runner (for the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130   # must equal the wasm-bindgen crate pinned in Cargo.toml

want_browser=false
[ "${1:-}" = "--browser" ] && want_browser=true

say() { printf '\033[1;34m[setup]\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; exit 1; fi
}

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32 target"
  rustup target add wasm32-unknown-unknown
fi

for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding the $component component (the test command lints and checks formatting)"
    rustup component add "$component"
  fi
done

if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  say "installing cargo-leptos $CARGO_LEPTOS_VERSION (about 25 minutes on 2 cores)"
  # no_downloads: a missing tool is an error instead of a download this network refuses.
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if ! wasm-bindgen --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  # Not --locked: its lockfile names a crate version the registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
fi

# Debian's binaryen ships a wasm-opt whose output breaks hydration; cargo-leptos would pick it up.
if [ -x /usr/bin/wasm-opt ]; then
  echo "warning: /usr/bin/wasm-opt (Debian's binaryen) is installed and breaks hydration; remove it: apt-get remove binaryen" >&2
fi

npm_install() { # dir
  if [ ! -d "$1/node_modules" ] || [ "$1/package-lock.json" -nt "$1/node_modules/.package-lock.json" ]; then
    say "installing npm packages in $1"
    # `npm install` keeps the lockfile's pinned versions, and --no-save keeps it from rewriting
    # the tracked lockfile. Not `npm ci`: the registry mirror lacks Tailwind's macOS/Windows
    # binaries, so the lockfile cannot list them and `npm ci` refuses it.
    (cd "$1" && npm install --no-save --no-audit --no-fund)
  fi
}
npm_install .   # Tailwind CSS CLI and binaryen's wasm-opt, run by cargo-leptos

# PyYAML for scripts/deploy_manifest_test.py: Debian's package for Debian's python3, else pip.
if ! python3 -c 'import yaml' 2>/dev/null; then
  say "installing PyYAML"
  if [ "$(command -v python3)" = /usr/bin/python3 ]; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-yaml
  else
    python3 -m pip install --quiet 'PyYAML>=6,<7'
  fi
fi

if $want_browser; then
  if [ ! -x /usr/bin/chromium ]; then
    say "installing Debian's chromium"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
  npm_install end2end   # @playwright/test; never `playwright install` (it downloads browsers)
fi
say "ready"

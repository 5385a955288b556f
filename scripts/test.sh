#!/usr/bin/env bash
# Runs every Switchboard test: formatting and lints, unit and integration tests on SQLite and
# PostgreSQL, the release build, API fuzzing and kill -9 fault runs against it, the
# container-layout check, the deploy manifest check and the browser tests. Installs what is
# missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
# Incremental caches cost gigabytes and buy nothing in a one-off run.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*"; }

step "tools"
# Installing must not touch tracked files (a rewritten lockfile would be committed by accident).
tracked_before=$(git diff HEAD 2>/dev/null | sha256sum || true)
scripts/setup.sh --browser
if [ "$(git diff HEAD 2>/dev/null | sha256sum || true)" != "$tracked_before" ]; then
  echo "scripts/setup.sh changed tracked files:" >&2
  git diff --stat HEAD >&2
  exit 1
fi
scripts/ensure-postgres.sh

step "format and lints (ssr and hydrate builds)"
cargo fmt --all --check
cargo clippy -p switchboard-core -p switchboard-error -p switchboard-backend -p app -p server --features app/ssr --all-targets -- -D warnings
cargo clippy -p switchboard-core -p switchboard-error -p app -p frontend --features app/hydrate --target wasm32-unknown-unknown -- -D warnings

step "unit and integration tests (SQLite and PostgreSQL)"
cargo test -p switchboard-core -p switchboard-error -p switchboard-backend -p app -p server --features app/ssr

step "release build (server binary and site: wasm, js, css, precompressed)"
cargo leptos build --release --precompress --split

step "API fuzzing: Schemathesis over /api/openapi.json against the release server"
python3 scripts/fuzz_api.py

step "official Python SDKs against the release server: OpenFeature OFREP provider, Unleash client"
python3 scripts/python_sdks.py

step "kill -9 under concurrent writes, SQLite and PostgreSQL (release server)"
python3 bench/fault_kill9.py

step "container layout: the release binary run the way the Dockerfile runs it"
python3 scripts/docker_layout_test.py

step "deploy manifests: Compose and Kubernetes files set only what the server reads"
python3 scripts/deploy_manifest_test.py

step "browser tests (Playwright, Debian chromium)"
(cd end2end && npx playwright test)

step "all tests passed"

#!/usr/bin/env bash
# Runs every Switchboard test: unit and integration tests on SQLite and PostgreSQL, the release
# build, API fuzzing and kill -9 fault runs against it, the container-layout check, the deploy
# manifest check and the browser tests. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
# Incremental caches cost gigabytes and buy nothing in a one-off run.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step() { printf '\n\033[1;32m==> %s\033[0m\n' "$*"; }

step "tools"
scripts/setup.sh --browser
scripts/ensure-postgres.sh

step "unit and integration tests (SQLite and PostgreSQL)"
cargo test -p app -p server --features app/ssr

step "release build (server binary and site: wasm, js, css)"
cargo leptos build --release

step "API fuzzing: Schemathesis over /api/openapi.json against the release server"
python3 scripts/fuzz_api.py

step "kill -9 under concurrent writes, SQLite and PostgreSQL (release server)"
python3 bench/fault_kill9.py

step "container layout: the release binary run the way the Dockerfile runs it"
python3 scripts/docker_layout_test.py

step "deploy manifests: Compose and Kubernetes files set only what the server reads"
python3 scripts/deploy_manifest_test.py

step "browser tests (Playwright, Debian chromium)"
(cd end2end && npx playwright test)

step "all tests passed"

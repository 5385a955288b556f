#!/usr/bin/env bash
# Builds and runs Switchboard on the embedded SQLite database (./data by default).
# First run: set SWITCHBOARD_ADMIN_EMAIL and SWITCHBOARD_ADMIN_PASSWORD to create the first
# administrator, or create one with `target/release/switchboard create-user --admin --email ...`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo leptos serve --release --precompress --split

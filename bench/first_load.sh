#!/usr/bin/env bash
# First load: the bytes Chromium downloads to hydrate the sign-in page and the flag list, and the
# flag list's first contentful paint and hydration time with 1,000 flags, on localhost, cold cache.
# A release server on a fresh SQLite data directory; 1,000 flags imported through the CLI; then
# bench/first_load.cjs drives Debian's chromium. Record results in bench/README.md.
#
# Usage: [RUNS=7] bench/first_load.sh   (needs: the release build `cargo leptos build --release
# --precompress`, the end2end npm packages, chromium, python3, curl)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/switchboard
[ -x "$bin" ] && [ -d target/site/pkg ] || { echo "build first: cargo leptos build --release --precompress --split" >&2; exit 1; }
[ -d end2end/node_modules/@playwright/test ] || { echo "install first: scripts/setup.sh --browser" >&2; exit 1; }

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
export SWITCHBOARD_DATA_DIR="$data" RUST_LOG=warn
export EMAIL=bench@example.com PASSWORD="bench admin passphrase"

python3 - "$data/unleash.json" <<'PY'
import json, sys
features = [{
    "name": f"team{i % 20}.flag-{i:04d}", "enabled": i % 3 != 0,
    "strategies": [{
        "name": "flexibleRollout",
        "parameters": {"rollout": "25", "stickiness": "userId", "groupId": f"flag-{i:04d}"},
        "constraints": [{"contextName": "country", "operator": "IN", "values": ["CA", "US"]}],
    }],
} for i in range(1000)]
json.dump({"version": 2, "features": features}, open(sys.argv[1], "w"))
PY
"$bin" import unleash "$data/unleash.json" --environment production | head -n 1

SWITCHBOARD_ADMIN_EMAIL="$EMAIL" SWITCHBOARD_ADMIN_PASSWORD="$PASSWORD" \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve &
server_pid=$!
export BASE_URL="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$BASE_URL/readyz" >/dev/null && break; sleep 0.1; done
node bench/first_load.cjs

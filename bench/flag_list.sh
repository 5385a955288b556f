#!/usr/bin/env bash
# The dashboard's flag list with 5,000 flags: a release server on SQLite with 5,000 flags imported
# through the CLI (each with 3 constraints and a rollout, on in production), a signed-in session,
# then wrk (2 threads x 8 connections, a handful of people using the dashboard at once) against the
# list's server function with rotating searches, state filters, sorts and pages.
# Record results in bench/README.md with the machine they ran on.
#
# Usage: [CONNECTIONS=8 THREADS=2] bench/flag_list.sh [DURATION]   (needs: wrk, curl, python3; builds the release server if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20s}"
bin=${BIN:-target/release/switchboard}
command -v wrk >/dev/null || { echo "install wrk first: apt-get install wrk" >&2; exit 1; }
[ -x "$bin" ] || cargo build --release -p server

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
export SWITCHBOARD_DATA_DIR="$data" RUST_LOG=warn
email=bench@example.com password="bench admin passphrase"

python3 - "$data/unleash.json" <<'PY'
import json, sys
features = [{
    "name": f"team{i % 20}.flag-{i:04d}", "enabled": i % 3 != 0,
    "strategies": [{
        "name": "flexibleRollout",
        "parameters": {"rollout": "25", "stickiness": "userId", "groupId": f"flag-{i:04d}"},
        "constraints": [
            {"contextName": "country", "operator": "IN", "values": ["CA", "US"]},
            {"contextName": "appVersion", "operator": "SEMVER_GT", "values": ["1.4.0"]},
            {"contextName": "plan", "operator": "NOT_IN", "values": ["free"]},
        ],
    }],
} for i in range(5000)]
json.dump({"version": 2, "features": features}, open(sys.argv[1], "w"))
PY
"$bin" import unleash "$data/unleash.json" --environment production | head -n 1

SWITCHBOARD_ADMIN_EMAIL="$email" SWITCHBOARD_ADMIN_PASSWORD="$password" \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.1; done
SESSION=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"credentials\": {\"email\": \"$email\", \"password\": \"$password\"}}" "$base/rpc/login" \
  | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \(sb_session=[^;]*\).*/\1/p')
[ -n "$SESSION" ] || { echo "sign-in failed" >&2; exit 1; }
export SESSION

echo "one answer: $(curl -s -H "Cookie: $SESSION" -H 'Content-Type: application/json' \
  -d '{"query": {"search": "team7", "environment": "production", "state": "on", "sort": "name", "page": 2}}' \
  "$base/rpc/flags/list" | head -c 200)…"
wrk -t"${THREADS:-2}" -c"${CONNECTIONS:-8}" -d"$duration" --latency -s bench/flag_list.lua "$base/rpc/flags/list"
echo "server RSS after the run: $(ps -o rss= -p "$server_pid" | awk '{printf "%.1f MB", $1/1024}')"

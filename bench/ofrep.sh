#!/usr/bin/env bash
# OFREP single-flag evaluation under load: a release server on SQLite with 1,000 flags (each with
# 3 constraints and a 25% rollout, imported from an Unleash export through the CLI), an SDK key,
# then wrk with 2 threads x 64 connections for 20 s. Results go to stdout; record them in
# bench/README.md with the machine they ran on.
#
# Usage: bench/ofrep.sh [DURATION]   (needs: wrk, python3; builds the release server if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20s}"
bin=target/release/switchboard
command -v wrk >/dev/null || { echo "install wrk first: apt-get install wrk" >&2; exit 1; }
[ -x "$bin" ] || cargo build --release -p server

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
export SWITCHBOARD_DATA_DIR="$data" RUST_LOG=warn

python3 - "$data/unleash.json" <<'PY'
import json, sys
features = [{
    "name": f"flag-{i:04d}", "enabled": True,
    "strategies": [{
        "name": "flexibleRollout",
        "parameters": {"rollout": "25", "stickiness": "userId", "groupId": f"flag-{i:04d}"},
        "constraints": [
            {"contextName": "country", "operator": "IN", "values": ["CA", "US"]},
            {"contextName": "appVersion", "operator": "SEMVER_GT", "values": ["1.4.0"]},
            {"contextName": "plan", "operator": "NOT_IN", "values": ["free"]},
        ],
    }],
} for i in range(1000)]
json.dump({"version": 2, "features": features}, open(sys.argv[1], "w"))
PY
"$bin" import unleash "$data/unleash.json" --environment production | head -n 1
SDK_KEY=$("$bin" create-sdk-key --environment production --name bench)
export SDK_KEY

LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve &
server_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
url="http://127.0.0.1:$port/ofrep/v1/evaluate/flags/flag-0500"
echo "one answer: $(curl -s -X POST -H "Authorization: Bearer $SDK_KEY" -H 'Content-Type: application/json' \
  -d '{"context":{"targetingKey":"user-1","country":"CA","appVersion":"2.3.1","plan":"pro"}}' "$url")"

wrk -t2 -c64 -d"$duration" --latency -s bench/ofrep_single.lua "$url"
echo "server RSS after the run: $(ps -o rss= -p "$server_pid" | awk '{printf "%.1f MB", $1/1024}')"

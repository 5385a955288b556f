#!/usr/bin/env bash
# Flag delivery under load: a release server on SQLite with $FLAGS flags (default 1,000; each with
# 3 constraints and a 25% rollout, imported from an Unleash export through the CLI), an SDK key, then wrk with
# 2 threads x 64 connections for DURATION per scenario. Results go to stdout; record them in
# bench/README.md with the machine they ran on.
#
# Scenarios (default: ofrep):
#   healthz               GET /healthz, the same server's ceiling for a trivial answer
#   healthz-scripted      the same through a wrk script that does ofrep's per-request client work
#   ofrep                 POST /ofrep/v1/evaluate/flags/flag-0000, a new user per request
#   ofrep-bulk            POST /ofrep/v1/evaluate/flags (every flag), a new user per request
#   unleash-features      GET /api/client/features (every flag in Unleash's format)
#   unleash-features-304  the same with If-None-Match: what an SDK's poll nearly always gets
#   unleash-frontend      GET /api/frontend, a new user per request (every flag evaluated)
#
# Usage: bench/ofrep.sh [DURATION [SCENARIO...]]   (needs: wrk, python3; builds the release server if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20s}"
shift || true
scenarios=("${@:-ofrep}")
bin=target/release/switchboard
command -v wrk >/dev/null || { echo "install wrk first: apt-get install wrk" >&2; exit 1; }
[ -x "$bin" ] || cargo build --release -p server

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
export SWITCHBOARD_DATA_DIR="$data" RUST_LOG=warn

python3 bench/unleash_state.py "$data/unleash.json" "${FLAGS:-1000}"
"$bin" import unleash "$data/unleash.json" --environment production | head -n 1
SDK_KEY=$("$bin" create-sdk-key --environment production --name bench)
export SDK_KEY

LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve &
server_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"
for scenario in "${scenarios[@]}"; do
  echo "== $scenario"
  case "$scenario" in
    healthz) wrk -t2 -c64 -d"$duration" --latency "$base/healthz" ;;
    healthz-scripted) wrk -t2 -c64 -d"$duration" --latency -s bench/healthz_scripted.lua "$base/healthz" ;;
    ofrep)
      url="$base/ofrep/v1/evaluate/flags/flag-0000"
      echo "one answer: $(curl -s -X POST -H "Authorization: Bearer $SDK_KEY" -H 'Content-Type: application/json' \
        -d '{"context":{"targetingKey":"user-1","country":"CA","appVersion":"2.3.1","plan":"pro"}}' "$url")"
      wrk -t2 -c64 -d"$duration" --latency -s bench/ofrep_evaluate.lua "$url" ;;
    ofrep-bulk)
      url="$base/ofrep/v1/evaluate/flags"
      echo "answer size: $(curl -s -X POST -H "Authorization: Bearer $SDK_KEY" -H 'Content-Type: application/json' \
        -d '{"context":{"targetingKey":"user-1","country":"CA","appVersion":"2.3.1","plan":"pro"}}' "$url" | wc -c) bytes"
      wrk -t2 -c64 -d"$duration" --latency -s bench/ofrep_evaluate.lua "$url" ;;
    unleash-features|unleash-features-304)
      url="$base/api/client/features"
      etag=""
      if [ "$scenario" = unleash-features-304 ]; then
        etag=$(curl -s -D - -o /dev/null -H "Authorization: $SDK_KEY" "$url" | awk 'tolower($1)=="etag:" {print $2}' | tr -d '\r')
      fi
      echo "answer size: $(curl -s -H "Authorization: $SDK_KEY" "$url" | wc -c) bytes"
      ETAG="$etag" wrk -t2 -c64 -d"$duration" --latency -s bench/unleash_features.lua "$url" ;;
    unleash-frontend)
      echo "toggles for one user: $(curl -s -H "Authorization: $SDK_KEY" \
        "$base/api/frontend?userId=user-1&properties%5Bcountry%5D=CA&properties%5BappVersion%5D=2.3.1&properties%5Bplan%5D=pro" | grep -o '"name":"flag-' | wc -l)"
      wrk -t2 -c64 -d"$duration" --latency -s bench/unleash_frontend.lua "$base/api/frontend" ;;
    *) echo "unknown scenario: $scenario" >&2; exit 2 ;;
  esac
done
echo "server RSS after the runs: $(ps -o rss= -p "$server_pid" | awk '{printf "%.1f MB", $1/1024}')"

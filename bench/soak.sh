#!/usr/bin/env bash
# Memory soak: a release server on SQLite under mixed load for DURATION, with nothing scraping
# /metrics: OFREP single-flag evaluations (100 imported flags, a new user each request), config
# delivery fetches by 1,000 instances, and dashboard page loads (/flags) as a signed-in admin, three
# wrk processes at once. Prints the server's RSS at the start, every 30 s and at the end, and each
# wrk's summary. Loopback only; everything stops when DURATION is over. Record results in
# bench/README.md.
#
# Usage: bench/soak.sh [DURATION]   (wrk's syntax: 10m, 150s; default 10m; needs wrk, curl, python3)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10m}"
bin=target/release/switchboard
command -v wrk >/dev/null || { echo "install wrk first: apt-get install wrk" >&2; exit 1; }
[ -x "$bin" ] || cargo build --release -p server

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  jobs -p | xargs -r kill 2>/dev/null
  rm -rf "$data"
}
trap cleanup EXIT
export SWITCHBOARD_DATA_DIR="$data" RUST_LOG=warn
email=soak@example.com password="soak admin passphrase"

python3 - "$data/unleash.json" <<'PY'
import json, sys
features = [{
    "name": f"flag-{i:04d}", "enabled": True,
    "strategies": [{
        "name": "flexibleRollout",
        "parameters": {"rollout": "25", "stickiness": "userId", "groupId": f"flag-{i:04d}"},
        "constraints": [{"contextName": "country", "operator": "IN", "values": ["CA", "US"]}],
    }],
} for i in range(100)]
json.dump({"version": 2, "features": features}, open(sys.argv[1], "w"))
PY
"$bin" import unleash "$data/unleash.json" --environment staging | head -n 1
SDK_KEY=$("$bin" create-sdk-key --environment staging --name soak)
export SDK_KEY

SWITCHBOARD_ADMIN_EMAIL="$email" SWITCHBOARD_ADMIN_PASSWORD="$password" \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve &
server_pid=$!
for _ in $(seq 1 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.1; done

# Sign in, then a config namespace with one published release (through the dashboard's server
# functions, as the browser calls them).
jar="$data/cookies"
rpc() {
  curl -sf -b "$jar" -c "$jar" -H 'Content-Type: application/json' -H 'Accept: application/json' \
    -H "Origin: $base" -d "$2" "$base/rpc/$1" >/dev/null
}
rpc login "{\"credentials\":{\"email\":\"$email\",\"password\":\"$password\"}}"
rpc config/create '{"input":{"key":"soak","environment":"staging"}}'
rpc config/set-entry '{"input":{"namespace":"soak","environment":"staging","entry":{"key":"retries","value_type":"integer","value":"3"},"version":0}}'
# A publish names the draft version whose diff was reviewed.
draft_version=$(curl -sf -b "$jar" -H 'Accept: application/json' \
  "$base/rpc/config/draft?environment=staging&namespace=soak" |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["draft_version"])')
rpc config/publish "{\"input\":{\"namespace\":\"soak\",\"environment\":\"staging\",\"message\":\"soak v1\",\"main_version\":0,\"draft_version\":$draft_version}}"
SESSION_COOKIE=$(awk '!/^#/ && NF >= 7 {print $6 "=" $7}' "$jar" | head -n 1)
# The session cookie is HttpOnly: curl's jar marks those lines with a #HttpOnly_ prefix.
[ -n "$SESSION_COOKIE" ] || SESSION_COOKIE=$(awk '/^#HttpOnly_/ && NF >= 7 {print $6 "=" $7}' "$jar" | head -n 1)
export SESSION_COOKIE

rss() { ps -o rss= -p "$server_pid" | awk '{printf "%.1f MB", $1/1024}'; }
echo "server RSS at the start (set up, before load): $(rss)"
wrk -t1 -c16 -d"$duration" -s bench/ofrep_evaluate.lua "$base/ofrep/v1/evaluate/flags/flag-0050" > "$data/ofrep.txt" &
ofrep=$!
wrk -t1 -c16 -d"$duration" -s bench/soak_config.lua "$base/api/v1/config/staging/soak" > "$data/config.txt" &
config=$!
wrk -t1 -c4 -d"$duration" -s bench/soak_page.lua "$base/flags" > "$data/page.txt" &
page=$!
started=$(date +%s)
while kill -0 "$ofrep" 2>/dev/null || kill -0 "$config" 2>/dev/null || kill -0 "$page" 2>/dev/null; do
  sleep 30
  echo "after $(( $(date +%s) - started )) s: RSS $(rss)"
done
wait "$ofrep" "$config" "$page" || true
echo "server RSS at the end: $(rss)"
for part in ofrep config page; do
  echo "--- $part"
  grep -E "requests in|Requests/sec|p50|Non-2xx|Socket errors" "$data/$part.txt" || cat "$data/$part.txt"
done

#!/usr/bin/env bash
# Unleash Edge (the Rust proxy Unleash sells for scale) on the same flags as bench/ofrep.sh, for
# the numbers issue 13 asks to see beside Switchboard's: Edge 20.1.0 from crates.io in offline mode
# (its bootstrap file is the Unleash state bench/ofrep.sh imports into Switchboard, written by
# bench/unleash_state.py), then wrk with 2 threads x 64 connections for DURATION per scenario.
# Run bench/ofrep.sh with the same FLAGS and DURATION right before or after, on a quiet machine.
#
# Scenarios (default: all):
#   healthz        GET /internal-backstage/health, Edge's ceiling for a trivial answer
#   feature        GET /api/frontend/features/flag-0000, one flag for a new user per request
#                  (Edge answers 200 with `enabled: false` to a user the flag is off for);
#                  Switchboard's counterpart is OFREP single (`ofrep`)
#   frontend       GET /api/frontend, every flag evaluated for a new user per request
#                  (Switchboard: `unleash-frontend`)
#   features       GET /api/client/features (Switchboard: `unleash-features`)
#   features-304   the same with If-None-Match, as an SDK's poll (Switchboard: `unleash-features-304`)
#
# Usage: bench/edge.sh [DURATION [SCENARIO...]]
#   EDGE_BIN: an unleash-edge binary (default target/edge/bin/unleash-edge, built with
#   `cargo install` on first use: about 20 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-20s}"
shift || true
if [ $# -eq 0 ]; then scenarios=(healthz feature frontend features features-304); else scenarios=("$@"); fi
edge="${EDGE_BIN:-target/edge/bin/unleash-edge}"
command -v wrk >/dev/null || { echo "install wrk first: apt-get install wrk" >&2; exit 1; }
if [ ! -x "$edge" ]; then
  cargo install unleash-edge --version 20.1.0 --no-default-features --locked --root target/edge
fi

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
edge_pid=""
cleanup() { [ -n "$edge_pid" ] && kill "$edge_pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT

python3 bench/unleash_state.py "$data/unleash.json" "${FLAGS:-1000}"
# Offline mode accepts the tokens it is given (project:environment.secret), a client token for
# the client API and a frontend token for the frontend API; one token given as both is refused by
# the client API.
client_token="*:production.bench-client-token"
frontend_token="*:production.bench-frontend-token"
"$edge" --port "$port" --interface 127.0.0.1 offline --bootstrap-file "$data/unleash.json" \
  --client-tokens "$client_token" --frontend-tokens "$frontend_token" > "$data/edge.log" 2>&1 &
edge_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/internal-backstage/health" >/dev/null && break; sleep 0.1; done
curl -sf "$base/internal-backstage/health" >/dev/null || { cat "$data/edge.log" >&2; exit 1; }
echo "unleash-edge 20.1.0 (offline mode), $(nproc) cores"
query="userId=user-1&properties%5Bcountry%5D=CA&properties%5BappVersion%5D=2.3.1&properties%5Bplan%5D=pro"
for scenario in "${scenarios[@]}"; do
  echo "== edge $scenario"
  export SDK_KEY="$frontend_token"
  case "$scenario" in
    healthz) wrk -t2 -c64 -d"$duration" --latency "$base/internal-backstage/health" ;;
    feature)
      echo "one answer: $(curl -s -H "Authorization: $SDK_KEY" "$base/api/frontend/features/flag-0000?$query")"
      FRONTEND_PATH=/api/frontend/features/flag-0000 \
        wrk -t2 -c64 -d"$duration" --latency -s bench/unleash_frontend.lua "$base/api/frontend" ;;
    frontend)
      echo "toggles for one user: $(curl -s -H "Authorization: $SDK_KEY" "$base/api/frontend?$query" | grep -o '"name":"flag-' | wc -l)"
      wrk -t2 -c64 -d"$duration" --latency -s bench/unleash_frontend.lua "$base/api/frontend" ;;
    features|features-304)
      export SDK_KEY="$client_token"
      url="$base/api/client/features"
      etag=""
      if [ "$scenario" = features-304 ]; then
        etag=$(curl -s -D - -o /dev/null -H "Authorization: $SDK_KEY" "$url" | awk 'tolower($1)=="etag:" {print $2}' | tr -d '\r')
        [ -n "$etag" ] || echo "Edge sent no ETag: every poll gets the whole body"
      fi
      echo "answer size: $(curl -s -H "Authorization: $SDK_KEY" "$url" | wc -c) bytes"
      ETAG="$etag" wrk -t2 -c64 -d"$duration" --latency -s bench/unleash_features.lua "$url" ;;
    *) echo "unknown scenario: $scenario" >&2; exit 2 ;;
  esac
done
echo "Edge RSS after the runs: $(ps -o rss= -p "$edge_pid" | awk '{printf "%.1f MB", $1/1024}')"

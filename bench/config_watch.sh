#!/usr/bin/env bash
# Config watch fan-out: a release server on SQLite, N Server-Sent Events watchers on one
# namespace (one TCP connection each, as N app instances), then R publishes one after another.
# Prints p50/p99/max time from sending the publish request until each watcher had the new
# version, and the server's RSS. Record results in bench/README.md.
#
# Usage: bench/config_watch.sh [WATCHERS] [ROUNDS]   (defaults: 1000 watchers, 10 rounds)
# BENCH_MODE=ofrep measures OFREP change streams instead (bench/ofrep_events.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
watchers="${1:-1000}"
rounds="${2:-10}"
bin=target/release/switchboard
[ -x "$bin" ] || cargo build --release -p server
cargo build --release -q -p watch-bench
# Every watcher holds a socket on both ends.
ulimit -n "$(( watchers * 2 + 1024 ))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"

data=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$data"; }
trap cleanup EXIT
export SWITCHBOARD_DATA_DIR="$data" RUST_LOG=warn
# Every watcher uses the one SDK key: lift the per-key stream cap (and the connection cap) above N.
export SWITCHBOARD_STREAMS_PER_KEY=$(( watchers + 100 )) SWITCHBOARD_MAX_CONNECTIONS=$(( watchers + 1000 ))
export BENCH_EMAIL=bench@example.com BENCH_PASSWORD="bench admin passphrase"
SDK_KEY=$("$bin" create-sdk-key --environment staging --name bench)

SWITCHBOARD_ADMIN_EMAIL="$BENCH_EMAIL" SWITCHBOARD_ADMIN_PASSWORD="$BENCH_PASSWORD" \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve &
server_pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done
echo "server RSS at rest: $(ps -o rss= -p "$server_pid" | awk '{printf "%.1f MB", $1/1024}')"
target/release/watch-bench "http://127.0.0.1:$port" "$SDK_KEY" "$watchers" "$rounds" "$server_pid"

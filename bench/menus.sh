#!/usr/bin/env bash
# Menu delivery under load: a release server on SQLite with one published menu of about 200 items
# over 3 levels (role, permission and flag conditions, fr/de translations; two flags imported
# through the CLI), an SDK key, then wrk with 2 threads x 64 connections, each request a different
# user with rotating roles, permissions and locale (so filtering and flag evaluation run for real).
# Record results in bench/README.md with the machine they ran on.
#
# Usage: bench/menus.sh [DURATION]   (needs: wrk, curl, python3; builds the release server if missing)
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
email=bench@example.com password="bench admin passphrase"

# Two flags the menu's items are gated by: one on for everyone, one for half of the users.
cat > "$data/flags.json" <<'JSON'
{"version": 2, "features": [
  {"name": "new-reports", "enabled": true, "strategies": [{"name": "default"}]},
  {"name": "beta-nav", "enabled": true, "strategies": [{"name": "flexibleRollout",
    "parameters": {"rollout": "50", "stickiness": "userId", "groupId": "beta-nav"}}]}
]}
JSON
"$bin" import unleash "$data/flags.json" --environment production | head -n 1
SDK_KEY=$("$bin" create-sdk-key --environment production --name bench)
export SDK_KEY

SWITCHBOARD_ADMIN_EMAIL="$email" SWITCHBOARD_ADMIN_PASSWORD="$password" \
  LEPTOS_SITE_ADDR="127.0.0.1:$port" "$bin" serve &
server_pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.1; done

jar="$data/cookies"
rpc() {
  curl -sf -b "$jar" -c "$jar" -H 'Content-Type: application/json' -d "$2" "$base/rpc/$1" >/dev/null \
    || { echo "rpc $1 failed" >&2; exit 1; }
}
rpc login "{\"credentials\": {\"email\": \"$email\", \"password\": \"$password\"}}"
rpc menus/create '{"input": {"key": "web-main", "environment": "production"}}'
python3 - "$data/save.json" <<'PY'
import json, sys
roles = [[], ["support"], ["admin"], ["support", "admin"]]
items = []
for g in range(10):
    children = []
    for s in range(4):
        leaves = [{
            "id": f"g{g}.s{s}.l{l}", "kind": "link", "label": f"Page {g}.{s}.{l}",
            "translations": {"fr": f"Page {g}.{s}.{l} (fr)", "de": f"Seite {g}.{s}.{l}"},
            "target": f"/area/{g}/{s}/{l}", "icon": "file",
            "visibility": {"permissions": [f"area{g}:read"]} if l % 3 == 0 else {},
        } for l in range(4)]
        children.append({"id": f"g{g}.s{s}", "kind": "group", "label": f"Section {g}.{s}",
                         "translations": {"fr": f"Section {g}.{s} (fr)"},
                         "visibility": {"flag": "beta-nav"} if s == 3 else {"roles": roles[s]},
                         "children": leaves})
    items.append({"id": f"g{g}", "kind": "group", "label": f"Area {g}", "icon": "folder",
                  "visibility": {"flag": "new-reports"} if g % 5 == 4 else {},
                  "children": children})
    items.append({"id": f"d{g}", "kind": "divider"})
menu = {"menu": "web-main", "environment": "production", "items": items, "version": 0}
json.dump({"input": menu}, open(sys.argv[1], "w"))
count = sum(1 + sum(1 + len(c["children"]) for c in g["children"]) for g in items if g["kind"] == "group") + 10
print(f"menu: {count} items")
PY
rpc menus/save "@$data/save.json"
rpc menus/publish '{"input": {"menu": "web-main", "environment": "production", "message": "bench", "main_version": 0, "draft_version": 1}}'

url="$base/api/v1/menus/production/web-main"
echo "one answer: $(curl -s -H "Authorization: Bearer $SDK_KEY" "$url?userId=user-1&roles=support&permissions=area1:read&locale=fr" | head -c 300)…"
wrk -t2 -c64 -d"$duration" --latency -s bench/menus_fetch.lua "$url"
echo "server RSS after the run: $(ps -o rss= -p "$server_pid" | awk '{printf "%.1f MB", $1/1024}')"

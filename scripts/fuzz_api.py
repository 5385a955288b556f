#!/usr/bin/env python3
"""Schema-driven fuzzing of the HTTP APIs with Schemathesis, from /api/openapi.json.

Starts the release server (target/release/switchboard) on a fresh SQLite data directory, makes an
administrator API token and an SDK key, creates a few things for requests to find (a flag, a
segment, a published config namespace and menu in staging, an environment), then runs
Schemathesis over every operation of the document with a fixed number of examples each and a fixed
derandomized generation, so two runs send the same requests. It fails on:

  - any 5xx answer, and any panic in the server's log;
  - an answer the document does not declare (status code, content type, headers, body schema),
    or one that accepts input the document says is invalid;
  - a refused (4xx) request that changed anything in the database (scripts/fuzz/hooks.py).

Installs Schemathesis (pinned in scripts/fuzz/requirements.txt) into .venv-fuzz when missing or
when the pins change. Usage:

  scripts/fuzz_api.py [--examples N] [--random-seed]   # defaults: 50 per operation, derandomized
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sbserver  # noqa: E402

ROOT = sbserver.ROOT
FUZZ = ROOT / "scripts/fuzz"
VENV = ROOT / ".venv-fuzz"
KEPT_ENVIRONMENTS = ["staging", "production", "development"]


def ensure_venv():
    pins = (FUZZ / "requirements.txt").read_text()
    stamp = VENV / "installed-requirements.txt"
    if stamp.exists() and stamp.read_text() == pins:
        return
    print("installing Schemathesis into .venv-fuzz", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(VENV / "bin/python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["-r", str(FUZZ / "requirements.txt")], check=True)
    stamp.write_text(pins)


def create_fixtures(api):
    """What half of the generated path parameters point at (see schemathesis.toml)."""
    api.call("POST", "/environments", {"key": "scratch", "name": "Scratch"})
    api.call("POST", "/flags", {"key": "fuzz-flag", "name": "Fuzz flag", "kind": "boolean"})
    api.call(
        "PUT",
        "/flags/fuzz-flag/environments/staging",
        {"enabled": True, "off_variant": "off", "default_variant": "on", "rules": [], "version": 0},
    )
    api.call(
        "POST",
        "/segments",
        {"key": "fuzz-segment", "name": "Fuzz segment",
         "constraints": [{"attribute": "country", "operator": "IN", "values": ["CA"]}]},
    )
    ns = "/config/staging/fuzz-ns"
    api.call("POST", "/config/staging", {"key": "fuzz-ns"})
    api.call("PUT", f"{ns}/draft/entries/timeout", {"value_type": "duration", "value": "90s", "version": 0})
    api.call("PUT", f"{ns}/draft/entries/retries", {"value_type": "integer", "value": "3", "version": 0})
    draft = api.call("GET", f"{ns}/draft")
    api.call("POST", f"{ns}/releases", {"message": "first", "main_version": 0, "draft_version": draft["draft_version"]})
    menu = "/menus/staging/fuzz-menu"
    api.call("POST", "/menus/staging", {"key": "fuzz-menu"})
    items = [
        {"id": "home", "kind": "link", "label": "Home", "icon": "home", "target": "/"},
        {"id": "orders", "kind": "group", "label": "Orders", "children": [
            {"id": "orders.list", "kind": "link", "label": "Orders", "target": "/orders",
             "visibility": {"flag": "fuzz-flag"}}]},
    ]
    saved = api.call("PUT", f"{menu}/draft", {"items": items, "version": 0})
    api.call("POST", f"{menu}/releases", {"message": "first", "main_version": 0, "draft_version": saved["version"]})
    return api.call("POST", "/environments/staging/sdk-keys", {"name": "fuzz"})


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=50, help="examples per operation (default 50)")
    ap.add_argument("--random-seed", action="store_true", help="random generation instead of the fixed one")
    ap.add_argument("--binary", default=None, help="default: target/release/switchboard")
    args, extra = ap.parse_known_args()

    ensure_venv()
    binary = args.binary or sbserver.release_binary()
    data = tempfile.mkdtemp(prefix="switchboard-fuzz-")
    server = sbserver.Server(binary, data)
    started = time.monotonic()
    try:
        server.start()
        token, token_id = sbserver.admin_token(server.base, "fuzzer")
        sdk_key = create_fixtures(sbserver.Api(server.base, token))
        env = dict(
            os.environ,
            PYTHONPATH=str(FUZZ),
            SCHEMATHESIS_HOOKS="hooks",
            SB_FUZZ_DB=os.path.join(data, "switchboard.db"),
            SB_FUZZ_ADMIN_TOKEN=token,
            SB_FUZZ_TOKEN_ID=str(token_id),
            SB_FUZZ_SDK_KEY=sdk_key["secret"],
            SB_FUZZ_SDK_KEY_ID=str(sdk_key["key"]["id"]),
            SB_FUZZ_KEPT_ENVIRONMENTS=",".join(KEPT_ENVIRONMENTS),
        )
        command = [
            str(VENV / "bin/schemathesis"), "--config-file", str(FUZZ / "schemathesis.toml"),
            "run", f"{server.base}/api/openapi.json",
            "--phases", "examples,coverage,fuzzing",
            "--max-examples", str(args.examples),
            "--checks", "all",
            # These expect every valid-looking request to succeed, which ids and versions that do
            # not exist never will; and the stateful ones need links the document does not have.
            "--exclude-checks", "positive_data_acceptance,use_after_free,ensure_resource_availability",
            "--continue-on-failure",
            "--no-color",
        ]
        if not args.random_seed:
            command.append("--generation-deterministic")
        result = subprocess.run(command + extra, env=env, cwd=ROOT)
    finally:
        server.stop()
    log = Path(server.log_path).read_text(errors="replace")
    panics = [line for line in log.splitlines() if "panicked" in line]
    for line in panics:
        print(f"server panic: {line}")
    print(f"fuzzing took {time.monotonic() - started:.0f}s; server log: {server.log_path}")
    if result.returncode == 0 and not panics:
        shutil.rmtree(data, ignore_errors=True)
        return 0
    return 1


if __name__ == "__main__":
    sys.exit(main())

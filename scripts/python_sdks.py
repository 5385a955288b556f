#!/usr/bin/env python3
"""Official Python SDKs, from PyPI and unchanged, against the release server:

- OpenFeature's OFREP provider (openfeature-provider-ofrep): every flag kind, with the reason and
  variant OpenFeature defines, and the error codes FLAG_NOT_FOUND, TYPE_MISMATCH, PARSE_ERROR,
  INVALID_CONTEXT, TARGETING_KEY_MISSING and a refused SDK key (401); the expected answers are
  written out by hand from the flags' settings.
- Unleash's SDK (UnleashClient), pointed at Switchboard's Unleash client API with the same SDK
  key: for 2,000 users, every flag it is given answers as Switchboard's own OFREP does.

Starts target/release/switchboard on a fresh SQLite data directory and creates the flags through
the admin API. Installs the SDKs (pinned in scripts/python-sdks/requirements.txt) into .venv-sdks
when missing or when the pins change, then re-runs itself there.
"""

import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import sbserver  # noqa: E402

ROOT = sbserver.ROOT
VENV = ROOT / ".venv-sdks"
PINS = ROOT / "scripts/python-sdks/requirements.txt"


def ensure_venv():
    pins = PINS.read_text()
    stamp = VENV / "installed-requirements.txt"
    if stamp.exists() and stamp.read_text() == pins:
        return
    print("installing the Python SDKs into .venv-sdks", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(VENV / "bin/python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run(pip + ["-r", str(PINS)], check=True)
    stamp.write_text(pins)


def settings(default, rules=(), enabled=True, off=None, prerequisites=None):
    body = {
        "enabled": enabled,
        "off_variant": off or default,
        "default_variant": default,
        "rules": list(rules),
        "version": 0,
    }
    if prerequisites is not None:
        body["prerequisites"] = prerequisites
    return body


def variant(key, value):
    return {"key": key, "value": value}


def rule(rule_id, serve, constraints=(), rollout=None):
    r = {"id": rule_id, "constraints": list(constraints), "serve": {"type": "variant", "variant": serve}}
    if rollout is not None:
        r["rollout"] = {"percentage": rollout}
    return r


def country(*values):
    return {"attribute": "country", "operator": "IN", "values": list(values)}


# (key, kind, variants, settings in staging)
FLAGS = [
    ("kinds-bool", "boolean", [], settings("off", [rule("canada", "on", [country("CA")])], off="off")),
    ("kinds-string", "string", [variant("red", "#f00"), variant("blue", "#00f")],
     settings("red", [rule("pro", "blue", [{"attribute": "plan", "operator": "IN", "values": ["pro"]}])])),
    ("kinds-int", "number", [variant("small", 3), variant("big", 30)], settings("small")),
    ("kinds-float", "number", [variant("low", 0.25)], settings("low")),
    ("kinds-json", "json", [variant("v1", {"columns": 2, "dense": True})], settings("v1")),
    ("kinds-rollout", "boolean", [], settings("off", [rule("half", "on", rollout=50)], off="off")),
    ("kinds-off", "boolean", [], settings("on", enabled=False, off="off")),
    ("kinds-gated", "boolean", [],
     settings("on", off="off", prerequisites=[{"flag": "kinds-off", "variants": ["on"]}])),
    ("kinds-broken", "boolean", [], settings("on", off="off")),
]


def create(api):
    for key, kind, variants, body in FLAGS:
        definition = {"key": key, "name": key, "kind": kind}
        if variants:
            definition["variants"] = variants
        api.call("POST", "/flags", definition)
        api.call("PUT", f"/flags/{key}/environments/staging", body)
    return api.call("POST", "/environments/staging/sdk-keys", {"name": "python provider"})["secret"]


def check(base, secret):
    from openfeature import api as openfeature
    from openfeature.evaluation_context import EvaluationContext
    from openfeature.contrib.provider.ofrep import OFREPProvider
    from openfeature.exception import ErrorCode
    from openfeature.flag_evaluation import Reason

    def client(key):
        name = f"switchboard-{key[-6:]}"
        openfeature.set_provider(
            OFREPProvider(base, headers_factory=lambda: {"Authorization": f"Bearer {key}"}), domain=name
        )
        return openfeature.get_client(domain=name)

    c = client(secret)
    ca = EvaluationContext(targeting_key="user-1", attributes={"country": "CA", "plan": "pro"})
    fr = EvaluationContext(targeting_key="user-1", attributes={"country": "FR"})
    failures = []

    def expect(label, details, value, reason, variant=None, error=None):
        got = (details.value, details.reason, details.variant, details.error_code)
        want = (value, reason, variant, error)
        if got != want:
            failures.append(f"{label}: got {got}, expected {want} ({details.error_message})")

    # (call, expected value, reason, variant, error code): by hand from FLAGS.
    expect("boolean, rule", c.get_boolean_details("kinds-bool", False, ca), True, Reason.TARGETING_MATCH, "on")
    expect("boolean, default", c.get_boolean_details("kinds-bool", True, fr), False, Reason.DEFAULT, "off")
    expect("string, rule", c.get_string_details("kinds-string", "?", ca), "#00f", Reason.TARGETING_MATCH, "blue")
    expect("string, default", c.get_string_details("kinds-string", "?", fr), "#f00", Reason.DEFAULT, "red")
    expect("integer", c.get_integer_details("kinds-int", 0, fr), 3, Reason.STATIC, "small")
    expect("float", c.get_float_details("kinds-float", 0.0, fr), 0.25, Reason.STATIC, "low")
    expect("object", c.get_object_details("kinds-json", {}, fr), {"columns": 2, "dense": True}, Reason.STATIC, "v1")
    expect("switched off", c.get_boolean_details("kinds-off", True, fr), False, Reason.DISABLED, "off")
    expect("prerequisite not met", c.get_boolean_details("kinds-gated", True, fr), False, Reason.DISABLED, "off")
    # Errors: the caller's default comes back with OpenFeature's error code.
    expect("missing flag", c.get_boolean_details("no-such-flag", True, fr), True, Reason.ERROR,
           error=ErrorCode.FLAG_NOT_FOUND)
    expect("wrong type", c.get_boolean_details("kinds-string", True, fr), True, Reason.ERROR,
           error=ErrorCode.TYPE_MISMATCH)
    expect("no targeting key for a rollout",
           c.get_boolean_details("kinds-rollout", True, EvaluationContext(attributes={"country": "FR"})),
           True, Reason.ERROR, error=ErrorCode.TARGETING_KEY_MISSING)
    expect("a targeting key that is not text",
           c.get_boolean_details("kinds-bool", True, EvaluationContext(targeting_key=42)),
           True, Reason.ERROR, error=ErrorCode.INVALID_CONTEXT)
    expect("unreadable stored settings", c.get_boolean_details("kinds-broken", False, fr), False, Reason.ERROR,
           error=ErrorCode.PARSE_ERROR)
    refused = client("sb_sdk_not_a_key").get_boolean_details("kinds-bool", True, ca)
    expect("unknown SDK key", refused, True, Reason.ERROR, error=ErrorCode.GENERAL)
    if refused.error_message != "unauthorized":
        failures.append(f"unknown SDK key: message {refused.error_message!r}, expected 'unauthorized' (a 401)")
    return failures


def unleash_agrees(base, secret):
    """UnleashClient against /api/client/features, compared with OFREP bulk answers."""
    import json
    import urllib.request
    from UnleashClient import UnleashClient

    flags = [key for key, *_ in FLAGS if key not in ("kinds-broken",)]
    with tempfile.TemporaryDirectory(prefix="sb-unleash-cache-") as cache:
        client = UnleashClient(
            url=f"{base}/api",
            app_name="switchboard-python-sdks",
            custom_headers={"Authorization": secret},
            disable_metrics=True,
            disable_registration=True,
            refresh_interval=3600,
            cache_directory=cache,
        )
        client.initialize_client()
        failures = []
        enabled = 0
        try:
            for i in range(2000):
                properties = {}
                if i % 3 == 0:
                    properties["country"] = "CA"
                if i % 4 == 0:
                    properties["plan"] = "pro"
                body = json.dumps({"context": {"targetingKey": f"user-{i}", **properties}}).encode()
                req = urllib.request.Request(
                    f"{base}/ofrep/v1/evaluate/flags", data=body,
                    headers={"Authorization": f"Bearer {secret}", "Content-Type": "application/json"},
                )
                with urllib.request.urlopen(req) as res:
                    answers = {f["key"]: f for f in json.load(res)["flags"]}
                context = {"userId": f"user-{i}", "properties": properties}
                for key in flags:
                    ofrep = answers[key]
                    if "errorCode" in ofrep:
                        continue
                    if isinstance(ofrep["value"], bool):
                        got = client.is_enabled(key, context)
                        if got != ofrep["value"]:
                            failures.append(f"{key} for user-{i}: Unleash {got}, OFREP {ofrep}")
                        enabled += got
                        continue
                    variant = client.get_variant(key, context)
                    if ofrep["reason"] == "DISABLED":
                        if variant["enabled"]:
                            failures.append(f"{key} for user-{i}: Unleash {variant}, OFREP {ofrep}")
                        continue
                    payload = variant.get("payload") or {}
                    value = payload.get("value")
                    if payload.get("type") == "json":
                        value = json.loads(value)
                    elif payload.get("type") == "number":
                        value = float(value)
                        ofrep_value = float(ofrep["value"])
                    if payload.get("type") != "number":
                        ofrep_value = ofrep["value"]
                    if (variant["name"], value) != (ofrep["variant"], ofrep_value):
                        failures.append(f"{key} for user-{i}: Unleash {variant}, OFREP {ofrep}")
                if len(failures) > 20:
                    break
        finally:
            client.destroy()
    if enabled < 100:
        failures.append(f"only {enabled} enabled answers: the comparison would not tell much")
    return failures


def main():
    if os.environ.get("OFREP_IN_VENV") != "1":
        ensure_venv()
        env = dict(os.environ, OFREP_IN_VENV="1")
        sys.exit(subprocess.run([str(VENV / "bin/python"), __file__], env=env).returncode)
    binary = sbserver.release_binary()
    with tempfile.TemporaryDirectory(prefix="sb-ofrep-py-") as data:
        server = sbserver.Server(binary, data).start()
        try:
            api = sbserver.Api(server.base, sbserver.admin_token(server.base)[0])
            secret = create(api)
        finally:
            server.stop()
        # Stored settings no release writes: what apps get for them is PARSE_ERROR, not a 500.
        db = sqlite3.connect(os.path.join(data, "switchboard.db"))
        db.execute(
            "UPDATE flag_settings SET rules = 'not json' WHERE flag_id = (SELECT id FROM flags WHERE key = 'kinds-broken')"
        )
        db.commit()
        db.close()
        server = sbserver.Server(binary, data).start()
        try:
            failures = check(server.base, secret)
            failures += unleash_agrees(server.base, secret)
        finally:
            server.stop()
        log = Path(server.log_path).read_text(errors="replace")
        if "panicked" in log:
            failures.append("the server panicked; see its log")
    if failures:
        print("the Python SDKs disagree:\n  " + "\n  ".join(failures))
        sys.exit(1)
    print("OpenFeature's Python OFREP provider: every flag kind and error code as expected; "
          "Unleash's Python SDK answers as OFREP does for 2,000 users")


if __name__ == "__main__":
    main()

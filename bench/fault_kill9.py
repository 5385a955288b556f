#!/usr/bin/env python3
"""kill -9 under concurrent writes: nothing acknowledged is lost, nothing is half written.

For each backend (SQLite on a fresh data directory; PostgreSQL in a database of its own, created
here and dropped at the end) it starts the release server, makes an administrator API token, and
then runs CYCLES times: WRITERS threads change things over the admin REST API (config draft
entries, flag switches, menu drafts, config publishes), the server gets SIGKILL at a random moment
while they do, it is started again on the same data, and what it holds is checked.

Each writer owns its resources, so a request is only ever refused for a reason that is a bug, and
each resource's story is a plain sequence of writes. The rule checked per resource:

  - every acknowledged write (a complete 2xx answer) is stored: the resource shows the last
    acknowledged value with the acknowledged version;
  - the one write that was in flight at the kill may have committed without its answer reaching
    the client; if so it is stored whole (value and the next version), otherwise not at all;
    anything else stored is a failure;
  - the audit trail holds exactly one event per write that committed, in order, with the value
    written, and no other event at all since the setup.

Usage: bench/fault_kill9.py [--backend sqlite|postgres|both] [--cycles 3] [--writers 6] [--seed N]
"""

import argparse
import http.client
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
import sbserver  # noqa: E402

POSTGRES = os.environ.get("SWITCHBOARD_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
NS = "/config/staging"


class Resource:
    """One thing a writer changes: its committed history since the setup, its stored version,
    and the value of a write whose outcome is unknown (sent, no complete answer)."""

    def __init__(self, name, version, initial=None):
        self.name, self.version, self.initial = name, version, initial
        self.history, self.in_doubt = [], None

    def last(self):
        return self.history[-1] if self.history else self.initial

    def send(self, api, value):
        """Writes `value`; returns the new version on a 2xx, raises on anything else."""
        status, _, body = api.raw(*self.request(value))
        if status // 100 != 2:
            raise Refused(f"{self.name}: {status} {body}")
        return self.version_of(body)


class Refused(Exception):
    pass


class Entry(Resource):
    def __init__(self, ns, key):
        super().__init__(f"config entry {ns}/{key}", 0)
        self.ns, self.key = ns, key

    def request(self, value):
        body = {"value_type": "string", "value": value, "version": self.version}
        return "PUT", f"{NS}/{self.ns}/draft/entries/{self.key}", body

    def version_of(self, body):
        return body["version"]

    def observe(self, api):
        draft = api.call("GET", f"{NS}/{self.ns}/draft")
        found = [e for e in draft["entries"] if e["entry"]["key"] == self.key]
        return (found[0]["entry"]["value"], found[0]["version"]) if found else (None, 0)

    def audited(self, event):
        if event["entity_type"] == "config_entry" and event["entity_id"] == f"{self.ns}/{self.key}":
            return (event["after"] or {}).get("value")
        return NOT_MINE


class Switch(Resource):
    def __init__(self, flag):
        super().__init__(f"flag {flag} in staging", 1, initial=True)  # as setup() leaves it
        self.flag = flag

    def request(self, value):
        return "POST", f"/flags/{self.flag}/environments/staging/switch", {"enabled": value, "version": self.version}

    def version_of(self, body):
        return body["version"]

    def observe(self, api):
        detail = api.call("GET", f"/flags/{self.flag}")
        env = next(e for e in detail["environments"] if e["environment"] == "staging")
        return env["enabled"], env["version"]

    def audited(self, event):
        if event["entity_type"] == "flag" and event["entity_id"] == self.flag:
            return {"enable": True, "disable": False}.get(event["action"], event["action"])
        return NOT_MINE


class MenuDraft(Resource):
    def __init__(self, menu):
        super().__init__(f"menu draft {menu}", 0)
        self.menu = menu

    def request(self, value):
        items = [{"id": "home", "kind": "link", "label": value, "target": "/"}]
        return "PUT", f"/menus/staging/{self.menu}/draft", {"items": items, "version": self.version}

    def version_of(self, body):
        return body["version"]

    def observe(self, api):
        draft = api.call("GET", f"/menus/staging/{self.menu}/draft")
        return (draft["items"][0]["label"] if draft["items"] else None), draft["version"]

    def audited(self, event):
        if event["entity_type"] == "menu_draft" and event["entity_id"] == self.menu:
            return (event["after"] or {}).get("items", [{}])[0].get("label")
        return NOT_MINE


class Publish(Resource):
    """Publishes its namespace's draft; the value is the release message. The writer changes the
    namespace's `p` entry first, so there is always something to publish."""

    def __init__(self, ns):
        super().__init__(f"config releases of {ns}", 0)
        self.ns = ns
        self.draft_version = None

    def request(self, value):
        body = {"message": value, "main_version": self.version, "draft_version": self.draft_version}
        return "POST", f"{NS}/{self.ns}/releases", body

    def version_of(self, body):
        return body["version"]

    def observe(self, api):
        releases = api.call("GET", f"{NS}/{self.ns}/releases")
        if not releases:
            return None, 0
        latest = max(releases, key=lambda r: r["version"])
        return latest["message"], latest["version"]

    def audited(self, event):
        if event["entity_type"] == "config_release" and self.ns in event["entity_id"].split("/"):
            return (event["after"] or {}).get("message")
        return NOT_MINE


NOT_MINE = object()


class Writer:
    """One client thread per cycle, over the same resources from cycle to cycle."""

    def __init__(self, n, api, rng):
        self.n, self.api, self.rng = n, api, rng
        self.entries = [Entry("fault", f"w{n}-k{j}") for j in range(2)]
        self.switch = Switch(f"fault-w{n}")
        self.menu = MenuDraft(f"fault-w{n}")
        self.pub_entry = Entry(f"fault-w{n}", "p")
        self.publish = Publish(f"fault-w{n}")
        self.resources = self.entries + [self.switch, self.menu, self.pub_entry, self.publish]
        self.seq, self.acked, self.errors = 0, 0, []

    def token(self):
        self.seq += 1
        return f"w{self.n}s{self.seq}"

    def write(self, resource, value):
        """True if answered; False once the server is gone (the writer stops)."""
        resource.in_doubt = value
        try:
            resource.version = resource.send(self.api, value)
        except ConnectionRefusedError:
            resource.in_doubt = None  # never reached a server
            return False
        except Refused as e:
            resource.in_doubt = None
            self.errors.append(str(e))
            return True
        except (OSError, http.client.HTTPException):
            return False  # reset, closed or cut short by the kill: committed or not, unknown
        resource.in_doubt = None
        resource.history.append(value)
        self.acked += 1
        return True

    def run(self, stop):
        while not stop.is_set():
            op = self.rng.randrange(4)
            if op == 0:
                ok = self.write(self.rng.choice(self.entries), self.token())
            elif op == 1:
                ok = self.write(self.switch, not self.switch.last())
            elif op == 2:
                ok = self.write(self.menu, self.token())
            else:
                ok = self.write(self.pub_entry, self.token()) and self.publish_draft()
            if not ok:
                return

    def publish_draft(self):
        try:
            draft = self.api.call("GET", f"{NS}/{self.publish.ns}/draft")
        except (OSError, http.client.HTTPException):
            return False
        self.publish.draft_version = draft["draft_version"]
        return self.write(self.publish, self.token())


def setup(api, writers):
    api.call("POST", NS, {"key": "fault"})
    for n in range(writers):
        api.call("POST", NS, {"key": f"fault-w{n}"})
        api.call("POST", "/flags", {"key": f"fault-w{n}", "name": f"Fault {n}", "kind": "boolean"})
        on = {"enabled": True, "off_variant": "off", "default_variant": "on", "rules": [], "version": 0}
        api.call("PUT", f"/flags/fault-w{n}/environments/staging", on)
        api.call("POST", "/menus/staging", {"key": f"fault-w{n}"})


def all_audit_events(api):
    events, before = [], None
    while True:
        query = "?limit=200" + (f"&before={before}" if before else "")
        page = api.call("GET", f"/audit{query}")
        events += page["events"]
        before = page.get("next_before")
        if not before:
            return sorted(events, key=lambda e: e["id"])


def verify(api, writers, audit_floor):
    """Resolves each in-doubt write from what is stored, then checks every resource and the
    audit trail. Returns the problems found (empty when all is well)."""
    problems, unanswered = [], 0
    resources = [r for w in writers for r in w.resources]
    for r in resources:
        value, version = r.observe(api)
        last_version = r.version
        if r.in_doubt is not None and value == r.in_doubt:
            r.history.append(r.in_doubt)
            unanswered += 1
            r.version = version  # committed without an answer: must be the very next version
            if version != last_version + 1:
                problems.append(f"{r.name}: the unanswered write is stored at version {version}, expected {last_version + 1}")
        elif version != last_version:
            problems.append(f"{r.name}: stored version {version}, acknowledged {last_version}")
        r.in_doubt = None
        expected = r.last()
        if value != expected:
            problems.append(f"{r.name}: stored {value!r}, last committed write was {expected!r}")
    events = [e for e in all_audit_events(api) if e["id"] > audit_floor]
    claimed = set()
    for r in resources:
        mine = [(e["id"], r.audited(e)) for e in events]
        mine = [(i, v) for i, v in mine if v is not NOT_MINE]
        claimed.update(i for i, _ in mine)
        audited = [v for _, v in mine]
        if audited != r.history:
            pairs = zip(audited, r.history)
            i = next((k for k, (a, b) in enumerate(pairs) if a != b), min(len(audited), len(r.history)))
            problems.append(
                f"{r.name}: {len(audited)} audit events for {len(r.history)} committed writes; from #{i} "
                f"the trail has {audited[i:i + 3]}, the writes were {r.history[i:i + 3]}"
            )
    stray = [e for e in events if e["id"] not in claimed]
    for e in stray[:5]:
        problems.append(f"audit event for no write of this run: {json.dumps(e)[:300]}")
    return problems, len(events), unanswered


def run_backend(backend, args, rng):
    data = tempfile.mkdtemp(prefix=f"switchboard-kill9-{backend}-")
    database_url = None
    if backend == "postgres":
        db_name = f"sb_fault_{os.getpid()}_{int(time.time())}"
        psql(f"CREATE DATABASE {db_name}")
        database_url = POSTGRES.rsplit("/", 1)[0] + "/" + db_name
    server = sbserver.Server(args.binary or sbserver.release_binary(), data, database_url)
    try:
        server.start()
        token, _ = sbserver.admin_token(server.base, "fault writer")
        api = sbserver.Api(server.base, token)
        setup(api, args.writers)
        audit_floor = all_audit_events(api)[-1]["id"]
        writers = [Writer(n, api, random.Random(rng.random())) for n in range(args.writers)]
        for cycle in range(1, args.cycles + 1):
            stop = threading.Event()
            acked_before = sum(w.acked for w in writers)
            threads = [threading.Thread(target=w.run, args=(stop,), daemon=True) for w in writers]
            for t in threads:
                t.start()
            delay = rng.uniform(args.min_load, args.max_load)
            time.sleep(delay)
            server.kill9()
            stop.set()
            for t in threads:
                t.join(timeout=30)
            in_doubt = sum(r.in_doubt is not None for w in writers for r in w.resources)
            server.start()
            problems, events, unanswered = verify(api, writers, audit_floor)
            problems += [e for w in writers for e in w.errors]
            acked = sum(w.acked for w in writers) - acked_before
            print(f"{backend} cycle {cycle}: killed after {delay:.2f}s, {acked} writes acknowledged, "
                  f"{in_doubt} in flight ({unanswered} committed unanswered), {events} audit events since setup: "
                  + ("OK" if not problems else f"{len(problems)} problems"), flush=True)
            for p in problems:
                print(f"  FAIL {p}")
            if problems:
                print(f"  data kept in {data}")
                return False
        shutil.rmtree(data, ignore_errors=True)
        return True
    finally:
        server.stop()
        if database_url:
            psql(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")


def psql(sql):
    subprocess.run(["psql", POSTGRES, "-q", "-v", "ON_ERROR_STOP=1", "-c", sql], check=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    ap.add_argument("--cycles", type=int, default=3)
    ap.add_argument("--writers", type=int, default=6)
    ap.add_argument("--min-load", type=float, default=0.5, help="seconds of load before the kill, at least")
    ap.add_argument("--max-load", type=float, default=3.0, help="and at most")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--binary", default=None, help="default: target/release/switchboard")
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(2**32)
    print(f"seed {seed} (rerun with --seed {seed})")
    started = time.monotonic()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    ok = all([run_backend(b, args, random.Random(f"{seed}-{b}")) for b in backends])
    print(f"{'all cycles passed' if ok else 'FAILED'} in {time.monotonic() - started:.0f}s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

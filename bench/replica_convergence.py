#!/usr/bin/env python3
"""Replica convergence: how long after a committed change every replica serves it.

Two release servers (replicas A and B) on one fresh PostgreSQL database. Each round switches one
flag through the command line (`switchboard import unleash`, a committed, audited change made by a
third process, as an operator would) and measures, from the moment that command exits, how long
until both replicas' OFREP answers show the new state (polled every 2 ms).

  normal  the LISTEN/NOTIFY path: every replica hears the change at once.
  fault   before each change the replicas' listener connections are killed
          (pg_terminate_backend), so only the periodic revision check (every 5 s) and the
          listener's reconnect-and-catch-up bring the change in: the stated bound.

Usage: bench/replica_convergence.py [--rounds N] [--bin PATH]
Needs: psql reaching postgres@127.0.0.1:5432 (trust), the release binary (built if missing).
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLAG = "convergence"


def psql(sql, db="postgres"):
    return subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", db, "-Atqc", sql],
        check=True, capture_output=True, text=True,
    ).stdout.strip()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def ofrep(port, key):
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}/ofrep/v1/evaluate/flags/{FLAG}",
        data=json.dumps({"context": {"targetingKey": "u1"}}).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(req, timeout=2) as res:
            return json.load(res).get("value")
    except Exception:
        return None


def switch(binary, env, enabled, work):
    doc = {"version": 2, "features": [{
        "name": FLAG, "enabled": enabled, "type": "release",
        "strategies": [{"name": "default", "parameters": {}, "constraints": []}],
    }]}
    path = Path(work) / "flag.json"
    path.write_text(json.dumps(doc))
    subprocess.run([binary, "import", "unleash", str(path), "--environment", "production"],
                   env=env, check=True, capture_output=True)


def wait_until(ports, key, expected, limit=30.0):
    """Seconds from now until every port answers `expected` (one entry per port)."""
    start = time.monotonic()
    pending = set(ports)
    seen = {}
    while pending and time.monotonic() - start < limit:
        for p in list(pending):
            if ofrep(p, key) == expected:
                seen[p] = time.monotonic() - start
                pending.discard(p)
        time.sleep(0.002)
    if pending:
        raise SystemExit(f"replicas {sorted(pending)} did not converge within {limit} s")
    return max(seen.values())


def summary(name, samples):
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    print(f"{name}: rounds {len(samples)}, p50 {statistics.median(samples) * 1000:.1f} ms, "
          f"p99 {p99 * 1000:.1f} ms, max {samples[-1] * 1000:.1f} ms")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--fault-rounds", type=int, default=5)
    ap.add_argument("--bin", default=str(ROOT / "target/release/switchboard"))
    args = ap.parse_args()
    if not Path(args.bin).exists():
        subprocess.run(["cargo", "build", "--release", "-p", "server"], cwd=ROOT, check=True)
    dbname = f"sb_converge_{uuid.uuid4().hex[:10]}"
    psql(f"CREATE DATABASE {dbname}")
    work = tempfile.mkdtemp()
    servers = []
    try:
        env = dict(os.environ, RUST_LOG="warn", SWITCHBOARD_DATA_DIR=work,
                   DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{dbname}")
        subprocess.run([args.bin, "migrate"], env=env, check=True, capture_output=True)
        switch(args.bin, env, True, work)
        key = subprocess.run([args.bin, "create-sdk-key", "--environment", "production",
                              "--name", "bench"], env=env, check=True, capture_output=True,
                             text=True).stdout.strip()
        ports = [free_port(), free_port()]
        for port in ports:
            servers.append(subprocess.Popen([args.bin, "serve"],
                                            env=dict(env, LEPTOS_SITE_ADDR=f"127.0.0.1:{port}")))
        wait_until(ports, key, True)
        normal, fault = [], []
        state = True
        for _ in range(args.rounds):
            state = not state
            switch(args.bin, env, state, work)
            normal.append(wait_until(ports, key, state))
        for _ in range(args.fault_rounds):
            killed = psql("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                          f"WHERE datname = '{dbname}' AND query ILIKE 'LISTEN%'", dbname)
            if int(killed or 0) < 1:
                raise SystemExit("no listener connection found to kill")
            state = not state
            switch(args.bin, env, state, work)
            fault.append(wait_until(ports, key, state))
        summary("normal (notifications)", normal)
        summary("listeners killed before each change", fault)
        for s in servers:
            rss = Path(f"/proc/{s.pid}/status").read_text().split("VmRSS:")[1].split()[0]
            print(f"replica pid {s.pid} RSS {int(rss) / 1024:.1f} MB")
    finally:
        for s in servers:
            s.terminate()
        for s in servers:
            s.wait(timeout=15)
        shutil.rmtree(work, ignore_errors=True)
        psql(f"DROP DATABASE IF EXISTS {dbname} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Slow connections: hundreds of clients that send a request head one byte per second (slowloris)
while a normal client keeps evaluating a flag over OFREP.

Starts the release server on a fresh SQLite data directory (header timeout 10 s, the default; the
`--header-timeout` option changes it), one flag and an SDK key made with the command line, then:

  * opens SLOW connections that each send `GET / HTTP/1.1\\r\\n` ... one byte per second and never
    finish the head; records when the server closes each;
  * meanwhile one normal client sends OFREP requests back to back on fresh connections for the
    whole run and records their latencies and failures.

Reports how many slow connections the server dropped and after how long, the normal client's
request count, failures and latency percentiles, and the server's RSS. Standard library only.

Usage: bench/slow_connections.py [--slow 300] [--seconds 30] [--bin PATH]
"""

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAD = b"GET /healthz HTTP/1.1\r\nHost: bench\r\nX-Slow: " + b"a" * 4096


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_mb(pid):
    text = Path(f"/proc/{pid}/status").read_text()
    return int(text.split("VmRSS:")[1].split()[0]) / 1024


def slow_clients(port, count, seconds, closed_after):
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port))
        s.setblocking(False)
        socks.append([s, time.monotonic(), 0])
    deadline = time.monotonic() + seconds
    while socks and time.monotonic() < deadline:
        for entry in list(socks):
            s, opened, sent = entry
            try:
                if s.recv(1) == b"":
                    raise ConnectionResetError
            except BlockingIOError:
                pass
            except OSError:
                closed_after.append(time.monotonic() - opened)
                s.close()
                socks.remove(entry)
                continue
            try:
                s.send(HEAD[sent:sent + 1])
                entry[2] = sent + 1
            except BlockingIOError:
                pass
            except OSError:
                closed_after.append(time.monotonic() - opened)
                s.close()
                socks.remove(entry)
        time.sleep(1.0)
    for s, _, _ in socks:
        s.close()
    return len(socks)


def normal_client(port, key, seconds, latencies, failures):
    body = json.dumps({"context": {"targetingKey": "user-1"}})
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        start = time.monotonic()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("POST", "/ofrep/v1/evaluate/flags/bench", body,
                         {"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            res = conn.getresponse()
            res.read()
            conn.close()
            if res.status != 200:
                failures.append(res.status)
                continue
            latencies.append(time.monotonic() - start)
        except Exception as e:
            failures.append(repr(e))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--slow", type=int, default=300)
    ap.add_argument("--seconds", type=int, default=30)
    ap.add_argument("--header-timeout", type=int, default=10)
    ap.add_argument("--bin", default=str(ROOT / "target/release/switchboard"))
    args = ap.parse_args()
    if not Path(args.bin).exists():
        subprocess.run(["cargo", "build", "--release", "-p", "server"], cwd=ROOT, check=True)
    work = tempfile.mkdtemp()
    server = None
    try:
        env = dict(os.environ, RUST_LOG="warn", SWITCHBOARD_DATA_DIR=work,
                   SWITCHBOARD_HEADER_TIMEOUT_SECS=str(args.header_timeout))
        doc = {"version": 2, "features": [{"name": "bench", "enabled": True, "strategies": [
            {"name": "default", "parameters": {}, "constraints": []}]}]}
        (Path(work) / "flags.json").write_text(json.dumps(doc))
        subprocess.run([args.bin, "import", "unleash", f"{work}/flags.json", "--environment",
                        "production"], env=env, check=True, capture_output=True)
        key = subprocess.run([args.bin, "create-sdk-key", "--environment", "production",
                              "--name", "bench"], env=env, check=True, capture_output=True,
                             text=True).stdout.strip()
        port = free_port()
        server = subprocess.Popen([args.bin, "serve"],
                                  env=dict(env, LEPTOS_SITE_ADDR=f"127.0.0.1:{port}"))
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", port)).close()
                break
            except OSError:
                time.sleep(0.05)
        rss_start = rss_mb(server.pid)
        closed_after, latencies, failures = [], [], []
        left = []
        slow = threading.Thread(target=lambda: left.append(
            slow_clients(port, args.slow, args.seconds, closed_after)))
        normal = threading.Thread(target=normal_client,
                                  args=(port, key, args.seconds, latencies, failures))
        slow.start()
        time.sleep(0.5)
        normal.start()
        rss_peak = rss_start
        while slow.is_alive() or normal.is_alive():
            rss_peak = max(rss_peak, rss_mb(server.pid))
            time.sleep(0.2)
        latencies.sort()
        pct = lambda p: latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000
        print(f"slow connections: {args.slow} opened, {len(closed_after)} dropped by the server, "
              f"{left[0] if left else '?'} still open at the end")
        if closed_after:
            print(f"  dropped after: median {statistics.median(closed_after):.1f} s, "
                  f"max {max(closed_after):.1f} s (header timeout {args.header_timeout} s)")
        print(f"normal client: {len(latencies)} answered, {len(failures)} failed "
              f"{sorted(set(map(str, failures)))[:3]}")
        if latencies:
            print(f"  latency p50 {pct(0.5):.2f} ms, p99 {pct(0.99):.2f} ms, "
                  f"max {latencies[-1] * 1000:.2f} ms")
        print(f"server RSS: {rss_start:.1f} MB at the start, {rss_peak:.1f} MB peak")
    finally:
        if server:
            server.terminate()
            server.wait(timeout=20)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

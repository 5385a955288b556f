#!/usr/bin/env python3
"""Sign-in burst: 1,000 concurrent wrong sign-ins while a signed-in user loads pages.

Starts the server binary (default target/release/switchboard, else target/debug/switchboard) on a
fresh SQLite data directory with the default account limit (5 failures per 15 minutes) and the
per-address limit raised out of the way (every request comes from 127.0.0.1, so the address limit
would otherwise hold first). Then, while one signed-in client loads /flags back to back:

  A. 1,000 concurrent wrong passwords for one existing account;
  B. ROUNDS x 1,000 concurrent wrong sign-ins for 1,000 different accounts each (every one is a
     password check as far as throttling goes, so only the password-check gate bounds them).

Password checks are counted from the answers: every check ends in 401 (wrong) or 200, a refused
attempt is a 429 without a check. Reports checks per account, the server's peak and final RSS
(sampled from /proc every 50 ms) and page-load latency percentiles before and during the bursts.
Standard library only; loopback only.
"""

import argparse
import asyncio
import http.client
import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN = ("admin@bench.example", "bench admin passphrase")


async def request(host, port, method, path, body=None, headers=None, timeout=120):
    """One HTTP/1.1 request on its own connection: (status, headers dict, body bytes)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), timeout)
    data = json.dumps(body).encode() if body is not None else b""
    head = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    if body is not None:
        head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
    for k, v in (headers or {}).items():
        head.append(f"{k}: {v}")
    writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
    await writer.drain()
    raw = await asyncio.wait_for(reader.read(), timeout)
    writer.close()
    head_raw, _, payload = raw.partition(b"\r\n\r\n")
    lines = head_raw.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs.setdefault(k.strip().lower(), []).append(v.strip())
    return status, hdrs, payload


def page_loader(host, port, cookie, stop, out):
    """In its own process, so the burst's client-side event loop cannot delay its timings:
    loads /flags back to back until `stop` is set, then sends the latencies (ms)."""
    times = []
    while not stop.is_set():
        t = time.perf_counter()
        conn = http.client.HTTPConnection(host, port, timeout=120)
        conn.request("GET", "/flags", headers={"Cookie": cookie, "Accept": "text/html"})
        res = conn.getresponse()
        body = res.read()
        conn.close()
        assert res.status == 200 and b"Flags" in body, res.status
        times.append((time.perf_counter() - t) * 1000)
    out.put(times)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def pct(values, p):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary")
    ap.add_argument("--port", type=int, default=3197)
    ap.add_argument("--burst", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    binary = args.binary or next(
        (str(p) for p in (ROOT / "target/release/switchboard", ROOT / "target/debug/switchboard") if p.exists()),
        None,
    )
    if not binary:
        sys.exit("build the server first: cargo build --release -p server")
    data = tempfile.mkdtemp(prefix="switchboard-login-burst-")
    host, port = "127.0.0.1", args.port
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SWITCHBOARD_DATA_DIR": data,
        "SWITCHBOARD_ADMIN_EMAIL": ADMIN[0],
        "SWITCHBOARD_ADMIN_PASSWORD": ADMIN[1],
        "SWITCHBOARD_LOGIN_MAX_FAILURES_PER_IP": "1000000",
        "LEPTOS_SITE_ADDR": f"{host}:{port}",
        "LEPTOS_OUTPUT_NAME": "switchboard",
        "RUST_LOG": "warn",
    }
    server = subprocess.Popen([binary, "serve"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                if (await request(host, port, "GET", "/readyz"))[0] == 200:
                    break
            except OSError:
                pass
            await asyncio.sleep(0.1)
        status, hdrs, _ = await request(
            host, port, "POST", "/rpc/login", {"credentials": {"email": ADMIN[0], "password": ADMIN[1]}}
        )
        assert status == 200, status
        cookie = hdrs["set-cookie"][0].split(";")[0]
        page = {"Cookie": cookie, "Accept": "text/html"}

        async def load_page():
            t = time.perf_counter()
            st, _, body = await request(host, port, "GET", "/flags", headers=page)
            assert st == 200 and b"Flags" in body, st
            return (time.perf_counter() - t) * 1000

        baseline = [await load_page() for _ in range(30)]
        rss_start = rss_mb(server.pid)
        peak = [rss_start]
        stop = asyncio.Event()

        async def sample():
            while not stop.is_set():
                peak.append(rss_mb(server.pid))
                await asyncio.sleep(0.05)

        loader_stop = multiprocessing.Event()
        loader_out = multiprocessing.Queue()
        loader = multiprocessing.Process(
            target=page_loader, args=(host, port, cookie, loader_stop, loader_out)
        )

        async def burst(emails, password="wrong wrong wrong"):
            answers = await asyncio.gather(
                *(
                    request(host, port, "POST", "/rpc/login", {"credentials": {"email": e, "password": password}})
                    for e in emails
                ),
                return_exceptions=True,
            )
            counts = {}
            for a in answers:
                key = type(a).__name__ if isinstance(a, BaseException) else a[0]
                counts[key] = counts.get(key, 0) + 1
            return counts

        loader.start()
        await asyncio.sleep(0.5)
        tasks = [asyncio.create_task(sample())]
        t0 = time.perf_counter()
        one_account = await burst([ADMIN[0]] * args.burst)
        phase_rss = [("after A", rss_mb(server.pid), max(peak))]
        many = []
        for r in range(args.rounds):
            many.append(await burst([f"nobody{r}-{i}@bench.example" for i in range(args.burst)]))
            phase_rss.append((f"after B{r + 1}", rss_mb(server.pid), max(peak)))
        elapsed = time.perf_counter() - t0
        stop.set()
        loader_stop.set()
        during = loader_out.get()
        loader.join()
        await asyncio.gather(*tasks)
        await asyncio.sleep(1)
        rss_end = rss_mb(server.pid)

        checks_one = one_account.get(401, 0) + one_account.get(200, 0)
        print(f"binary: {binary}")
        print(f"A. {args.burst} concurrent wrong passwords for one account: answers {one_account}")
        print(f"   password checks for that account: {checks_one} (limit 5)")
        for r, c in enumerate(many):
            print(f"B{r + 1}. {args.burst} concurrent wrong sign-ins for {args.burst} accounts: answers {c}")
        print(f"bursts took {elapsed:.1f} s")
        for name, now, high in phase_rss:
            print(f"   RSS {name}: {now:.1f} MB (peak so far {high:.1f} MB)")
        print(f"server RSS: {rss_start:.1f} MB before, peak {max(peak):.1f} MB, {rss_end:.1f} MB after")
        print(
            f"page loads (/flags, signed in): before p50 {pct(baseline, 50):.1f} ms p99 {pct(baseline, 99):.1f} ms; "
            f"during the bursts n={len(during)} p50 {pct(during, 50):.1f} ms p99 {pct(during, 99):.1f} ms "
            f"max {max(during) if during else float('nan'):.1f} ms"
        )
        ok = checks_one <= 5 and max(peak) < 150 and pct(during, 99) < 500
        print("targets met" if ok else "TARGETS MISSED")
        return 0 if ok else 1
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))

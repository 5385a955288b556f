"""The release server as a black box, for the scripts that test it from outside (the API fuzzer,
the kill -9 fault script): start it on its own data, wait until it is ready, make an admin API
token, send JSON requests. Standard library only, so it runs before any virtualenv exists.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADMIN_EMAIL = "admin@scripts.example"
ADMIN_PASSWORD = "scripts admin passphrase"


def release_binary():
    binary = ROOT / "target/release/switchboard"
    if not binary.exists():
        raise SystemExit("build the release server first: cargo leptos build --release --precompress --split (or cargo build --release -p server)")
    return str(binary)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """One `switchboard serve` process. `database_url=None` means SQLite under `data_dir`."""

    def __init__(self, binary, data_dir, database_url=None, log_path=None, extra_env=None):
        self.binary, self.data_dir, self.database_url = binary, str(data_dir), database_url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or os.path.join(self.data_dir, "server.log")
        self.extra_env = extra_env or {}
        self.proc = None

    def env(self):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "SWITCHBOARD_DATA_DIR": self.data_dir,
            # Ignored once the database has a user, so restarts on the same data are harmless.
            "SWITCHBOARD_ADMIN_EMAIL": ADMIN_EMAIL,
            "SWITCHBOARD_ADMIN_PASSWORD": ADMIN_PASSWORD,
            "LEPTOS_SITE_ADDR": f"127.0.0.1:{self.port}",
            "LEPTOS_OUTPUT_NAME": "switchboard",
            "RUST_LOG": "warn",
        }
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        env.update(self.extra_env)
        return env

    def start(self, timeout=60):
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([self.binary, "serve"], env=self.env(), cwd=ROOT, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if request(self.base, "GET", "/readyz", timeout=2)[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"server not ready within {timeout}s; see {self.log_path}")

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill9()


def request(base, method, path, body=None, token=None, cookie=None, timeout=30):
    """(status, headers, parsed JSON or text) for one request on its own connection."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if cookie:
        headers["Cookie"] = cookie
    try:
        conn.request(method, path, body=data, headers=headers)
        res = conn.getresponse()
        raw = res.read()
    finally:
        conn.close()
    try:
        payload = json.loads(raw) if raw else None
    except ValueError:
        payload = raw.decode("utf-8", "replace")
    return res.status, {k.lower(): v for k, v in res.getheaders()}, payload


def admin_token(base, name="scripts"):
    """Signs in as the bootstrap administrator and issues an administrator API token through the
    dashboard's server function (the only way to get a first one): (secret, token id)."""
    status, headers, body = request(
        base, "POST", "/rpc/login", {"credentials": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}}
    )
    assert status == 200, (status, body)
    cookie = headers["set-cookie"].split(";")[0]
    status, _, body = request(
        base, "POST", "/rpc/api-tokens/create", {"input": {"name": name, "admin": True}}, cookie=cookie
    )
    assert status == 200, (status, body)
    return body["secret"], body["token"]["id"]


class Api:
    """The admin REST API with one token; `call` asserts the status it expects."""

    def __init__(self, base, token):
        self.base, self.token = base, token

    def raw(self, method, path, body=None, timeout=30):
        return request(self.base, method, "/api/admin/v1" + path, body, token=self.token, timeout=timeout)

    def call(self, method, path, body=None, expect=(200, 201, 204)):
        status, _, payload = self.raw(method, path, body)
        if status not in expect:
            raise AssertionError(f"{method} {path}: {status} {payload}")
        return payload

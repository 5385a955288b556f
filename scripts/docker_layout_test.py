#!/usr/bin/env python3
"""Runs the release build the way the Dockerfile's runtime image would, without a Docker engine.

Reads the Dockerfile's last stage: the files it copies out of the build stage, its ENV, WORKDIR,
VOLUME, ENTRYPOINT/CMD and HEALTHCHECK. Lays out only those files in an empty directory that
stands for the image's root, starts the binary there with only those variables (plus PATH), and
checks that it serves pages, assets and /healthz, that its HEALTHCHECK passes, that it writes only
to the volume, and that it stops cleanly on SIGTERM.
"""
import base64, gzip, hashlib, json, os, re, shlex, shutil, signal, socket, subprocess, sys, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def instructions(path):
    """Dockerfile instructions as (KEYWORD, argument text), continuation lines joined."""
    out, buf = [], ""
    for line in open(path):
        s = line.rstrip("\n")
        if not buf and (not s.strip() or s.lstrip().startswith("#")):
            continue
        if s.endswith("\\"):
            buf += s[:-1] + " "
            continue
        buf += s
        kw, _, arg = buf.strip().partition(" ")
        out.append((kw.upper(), arg.strip()))
        buf = ""
    return out


def stages(instrs):
    result, current = [], None
    for kw, arg in instrs:
        if kw == "FROM":
            parts = arg.split()
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            current = {"name": name, "image": parts[0], "instrs": []}
            result.append(current)
        elif current is not None:
            current["instrs"].append((kw, arg))
    return result


def env_assignments(arg):
    """The NAME=value pairs of one ENV instruction."""
    pairs = (token.partition("=") for token in shlex.split(arg))
    return {k: v for k, _, v in pairs}


def exec_form(arg):
    return json.loads(arg) if arg.startswith("[") else ["/bin/sh", "-c", arg]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_busy(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def get(url, timeout=5):
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.status, dict(r.headers), r.read()


def main():
    all_stages = stages(instructions(os.path.join(ROOT, "Dockerfile")))
    runtime = all_stages[-1]
    build_workdir = {}
    for st in all_stages:
        for kw, arg in st["instrs"]:
            if kw == "WORKDIR" and st["name"]:
                build_workdir[st["name"]] = arg

    image_root = tempfile.mkdtemp(prefix="switchboard-image-")
    under = lambda p: os.path.join(image_root, p.lstrip("/"))
    env, workdir, volumes, entrypoint, cmd, healthcheck, copied = {}, "/", [], [], [], None, []
    for kw, arg in runtime["instrs"]:
        if kw == "ENV":
            env.update(env_assignments(arg))
        elif kw == "WORKDIR":
            workdir = arg
            os.makedirs(under(arg), exist_ok=True)
        elif kw == "VOLUME":
            volumes += exec_form(arg) if arg.startswith("[") else arg.split()
        elif kw == "ENTRYPOINT":
            entrypoint = exec_form(arg)
        elif kw == "CMD":
            cmd = exec_form(arg)
        elif kw == "HEALTHCHECK":
            m = re.search(r"CMD\s+(.*)$", arg)
            healthcheck = exec_form(m.group(1).strip())
        elif kw == "COPY":
            parts = arg.split()
            frm = next((p.split("=", 1)[1] for p in parts if p.startswith("--from=")), None)
            src, dest = [p for p in parts if not p.startswith("--")]
            if frm not in build_workdir:
                fail(f"COPY from unknown stage {frm!r}")
            rel = os.path.relpath(src, build_workdir[frm])
            local = os.path.join(ROOT, rel)
            if not os.path.exists(local):
                fail(f"{rel} is missing: run `cargo leptos build --release --precompress --split` first")
            target = under(dest)
            os.makedirs(os.path.dirname(target), exist_ok=True)
            (shutil.copytree if os.path.isdir(local) else shutil.copy2)(local, target)
            copied.append(dest)
    for v in volumes:
        os.makedirs(under(v), exist_ok=True)
    print(f"image root: {image_root}\ncopied: {copied}\nvolumes: {volumes}\nworkdir: {workdir}")

    # Paths in the image become paths under the stand-in root.
    run_env = {k: (under(v) if v.startswith("/") else v) for k, v in env.items()}
    run_env["PATH"] = "/usr/bin:/bin"
    host, _, port = env.get("LEPTOS_SITE_ADDR", "0.0.0.0:8080").rpartition(":")
    port = int(port)
    if port_busy(port):
        new = free_port()
        print(f"port {port} is taken on this machine; using {new} instead")
        port = new
    run_env["LEPTOS_SITE_ADDR"] = f"{host}:{port}"
    argv = [under(a) if a.startswith("/") else a for a in entrypoint + cmd]
    before = set(os.listdir(under(workdir)))
    log = open(os.path.join(image_root, "server.log"), "w")
    proc = subprocess.Popen(argv, cwd=under(workdir), env=run_env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                status, _, body = get(base + "/healthz", timeout=1)
                if status == 200:
                    break
            except Exception:
                pass
            if proc.poll() is not None or time.time() > deadline:
                log.flush()
                fail("server did not answer /healthz:\n" + open(log.name).read())
            time.sleep(0.2)
        print("ok  /healthz")

        status, headers, body = get(base + "/login")
        if status != 200 or b"Sign in to Switchboard" not in body:
            fail(f"/login answered {status}")
        if "nonce-" not in headers.get("content-security-policy", ""):
            fail("/login has no nonce-based Content-Security-Policy")
        print("ok  /login renders on the server with its CSP")

        # The page names the site's files by content hash; each is served as brotli when the
        # browser takes it. A file whose name is the MD5 of its bytes may be cached for a year;
        # one cargo-leptos rewrote after naming it must be revalidated instead (a year-long cache
        # would keep a stale copy).
        page = body.decode()
        site_files = sorted(set(re.findall(r'/pkg/[A-Za-z0-9_.-]+\.(?:js|wasm|css)', page)))
        kinds = {p.rsplit(".", 1)[1] for p in site_files}
        if kinds != {"js", "wasm", "css"}:
            fail(f"/login does not name the site's js, wasm and css: {site_files}")
        ctypes = {"wasm": "application/wasm", "js": "javascript", "css": "text/css"}
        forever = 0
        for path in site_files:
            if not re.search(r"\.[A-Za-z0-9_-]{8,}\.(js|wasm|css)$", path):
                fail(f"{path} carries no content hash in its name")
            status, headers, raw = get(base + path)
            ctype = ctypes[path.rsplit(".", 1)[1]]
            if status != 200 or ctype not in headers.get("content-type", ""):
                fail(f"{path}: {status} {headers.get('content-type')}")
            digest = base64.urlsafe_b64encode(hashlib.md5(raw).digest()).rstrip(b"=").decode()
            named_by_content = digest in path.rsplit("/", 1)[1].split(".")
            cache = headers.get("cache-control", "")
            if named_by_content != ("immutable" in cache) or (not named_by_content and cache != "no-cache"):
                fail(f"{path}: named by its content: {named_by_content}, but Cache-Control {cache!r}")
            forever += named_by_content
            req = urllib.request.Request(base + path, headers={"Accept-Encoding": "br"})
            with urllib.request.urlopen(req, timeout=5) as r:
                packed, encoding = r.read(), r.headers.get("Content-Encoding")
            if encoding != "br" or len(packed) >= len(raw):
                fail(f"{path}: Accept-Encoding br got {encoding!r}, {len(packed)} of {len(raw)} bytes")
            how = "cached for a year" if named_by_content else "revalidated"
            print(f"ok  {path}: {len(raw)} bytes, {len(packed)} as brotli, {how}")
        if not forever:
            fail("no site file named by its content is cached for good")
        status, headers, _ = get(base + "/favicon.ico")
        if status != 200:
            fail(f"/favicon.ico: {status}")
        print("ok  /favicon.ico")

        hc = [under(a) if a.startswith("/") else a for a in healthcheck]
        r = subprocess.run(hc, cwd=under(workdir), env=run_env, capture_output=True, text=True, timeout=10)
        if r.returncode != 0:
            fail(f"HEALTHCHECK {healthcheck} exited {r.returncode}: {r.stderr}")
        print(f"ok  HEALTHCHECK {' '.join(healthcheck)}")

        written = set(os.listdir(under(workdir))) - before
        if written:
            fail(f"the server wrote outside its volume, in {workdir}: {sorted(written)}")
        db_files = [f for v in volumes for f in os.listdir(under(v))]
        if not any(f.startswith("switchboard.db") for f in db_files):
            fail(f"no database in the volume {volumes}: {db_files}")
        print(f"ok  data stays in the volume: {sorted(db_files)}")
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                fail("server did not stop within 15 s of SIGTERM")
            if code != 0:
                fail(f"server exited {code} after SIGTERM:\n" + open(log.name).read())
            print("ok  stops cleanly on SIGTERM")
    shutil.rmtree(image_root, ignore_errors=True)
    print("container layout: all checks passed")


if __name__ == "__main__":
    main()

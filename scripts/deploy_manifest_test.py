#!/usr/bin/env python3
"""Checks the deployment files in deploy/ without a container engine or a cluster.

What the server reads is taken from the sources, not from a list kept by hand:
  - the Rust crates' sources (server, app, backend): the names passed to the configuration lookup in config.rs (`get("…")`,
    `number("…", …)`: any function parameter typed `impl Fn(&str) -> Option<String>` and any
    closure in the same file whose first parameter is the variable's name) and every
    `std::env::var("…")` / `var_os("…")`;
  - the leptos_config crate of the version in Cargo.lock (the server calls
    `get_configuration(None)`, which reads only the names its `try_from_env` passes to
    `env_w_default`/`env_wo_default`); without the cargo registry, the list in LEPTOS_FALLBACK;
  - RUST_LOG, when the server builds its log filter with `EnvFilter::…from_default_env` (the name
    is tracing-subscriber's DEFAULT_ENV, read from its source when present).

Then every variable set for a Switchboard process must be one of those: the Dockerfile's ENV, each
replica's `environment`/`env_file` in deploy/compose.yaml, and the Kubernetes container's `env` and
`envFrom` (the keys of the Secret/ConfigMap it names). deploy/env.example may hold names compose
itself reads (POSTGRES_PASSWORD, HTTP_PORT), but each must be used by compose.yaml, and each
variable compose.yaml requires must be in it.

Also checked: two replicas, each with a health check running `switchboard healthcheck` and
waiting for a healthy PostgreSQL; PostgreSQL on a named volume with a pg_isready check; one
published port, on a load balancer that names both replicas on the server's port, trusts as a proxy
(SWITCHBOARD_TRUST_PROXY) and streams unbuffered with long read timeouts; deploy/.env gitignored
and kept out of the Docker build context. Kubernetes: no namespace; one Deployment of 2 replicas
whose readiness probe asks /readyz and liveness probe /healthz on the server's port; non-root as
the image's uid, read-only root filesystem, resource requests and a memory limit; a Service and a
PodDisruptionBudget (minAvailable 1) whose selectors match the pod labels; PostgreSQL named by
DATABASE_URL.

Needs PyYAML (scripts/setup.sh installs it when missing).
"""
import glob, json, os, re, subprocess, sys

try:
    import yaml
except ImportError:
    print("FAIL: PyYAML is missing: run scripts/setup.sh (or: apt-get install python3-yaml)")
    sys.exit(1)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEPLOY = os.path.join(ROOT, "deploy")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from docker_layout_test import env_assignments, instructions, stages  # noqa: E402  (the same Dockerfile reading)

# What leptos_config 0.8's try_from_env reads; used only when its source is not on this machine.
LEPTOS_FALLBACK = {
    "LEPTOS_OUTPUT_NAME", "LEPTOS_SITE_ROOT", "LEPTOS_SITE_PKG_DIR", "LEPTOS_ENV",
    "LEPTOS_SITE_ADDR", "LEPTOS_RELOAD_PORT", "LEPTOS_RELOAD_EXTERNAL_PORT",
    "LEPTOS_RELOAD_WS_PROTOCOL", "LEPTOS_NOT_FOUND_PATH", "LEPTOS_HASH_FILE_NAME",
    "LEPTOS_HASH_FILES", "SERVER_FN_PREFIX", "DISABLE_SERVER_FN_HASH", "SERVER_FN_MOD_PATH",
}
# What the official postgres image's entrypoint reads (its documentation, "Environment Variables").
POSTGRES_IMAGE_VARS = {
    "POSTGRES_PASSWORD", "POSTGRES_USER", "POSTGRES_DB", "POSTGRES_INITDB_ARGS",
    "POSTGRES_INITDB_WALDIR", "POSTGRES_HOST_AUTH_METHOD", "PGDATA", "POSTGRES_PASSWORD_FILE",
    "POSTGRES_USER_FILE", "POSTGRES_DB_FILE", "POSTGRES_INITDB_ARGS_FILE",
}
# Names the scan must find, or it is broken (config.rs changed shape): a failure, not a pass.
ANCHORS = {
    "DATABASE_URL", "SWITCHBOARD_DATA_DIR", "SWITCHBOARD_SECRET_KEYS", "SWITCHBOARD_TRUST_PROXY",
    "SWITCHBOARD_PASSWORD_CHECKS", "SWITCHBOARD_ADMIN_EMAIL", "LEPTOS_SITE_ADDR",
}
NAME = r"[A-Z][A-Z0-9_]*"
FALSE_WORDS = {"", "false", "no", "off", "0"}

problems = []


def problem(msg):
    problems.append(msg)
    print(f"FAIL: {msg}")


def ok(msg):
    print(f"ok  {msg}")


def rel(path):
    return os.path.relpath(path, ROOT)


# ---------------------------------------------------------------------------------------------
# What the server reads


def without_test_modules(code):
    """Drops `#[cfg(test)] mod … { … }` blocks: what unit tests read is not what the server reads."""
    while True:
        m = re.search(r"#\[cfg\(test\)\]\s*mod\s+\w+\s*\{", code)
        if not m:
            return code
        depth, i = 1, m.end()
        while i < len(code) and depth:
            depth += {"{": 1, "}": -1}.get(code[i], 0)
            i += 1
        code = code[:m.start()] + code[i:]


def rust_code(path):
    """The file without // comments (whole-line and trailing), so a name in prose is no read, and
    without its unit-test modules."""
    out = []
    for line in open(path, encoding="utf-8"):
        if line.lstrip().startswith("//"):
            continue
        # A trailing comment: `//` after code, not inside a string (good enough: strings with
        # `//` in them, such as URLs, have a quote before the slashes on the same line).
        m = re.search(r'^([^"]*(?:"[^"\\]*(?:\\.[^"\\]*)*"[^"]*)*?)\s//', line)
        out.append(m.group(1) + "\n" if m else line)
    return without_test_modules("".join(out))


def names_read_by_rust():
    found = {}
    files = sorted(path for crate in ("server", "app", "backend")
                   for path in glob.glob(os.path.join(ROOT, crate, "src/**/*.rs"), recursive=True))
    if not files:
        problem("no Rust sources under server/src, app/src and backend/src")
    for path in files:
        code = rust_code(path)
        for m in re.finditer(r'\benv::var(?:_os)?\(\s*"(' + NAME + r')"\s*\)', code):
            found.setdefault(m.group(1), rel(path))
        lookups = set(re.findall(r"\b(\w+)\s*:\s*&?\s*(?:impl|dyn)\s+Fn\(\s*&str\s*\)\s*->\s*Option<String>", code))
        if not lookups:
            continue
        # Closures taking the variable's name first, e.g. `let number = |var: &'static str, …|`.
        lookups |= set(re.findall(r"\blet\s+(\w+)\s*=\s*(?:move\s*)?\|\s*\w+\s*:\s*&(?:'static\s+)?str\b", code))
        call = r"\b(?:" + "|".join(sorted(lookups)) + r")\(\s*\"(" + NAME + r")\""
        for m in re.finditer(call, code):
            found.setdefault(m.group(1), rel(path))
    return found


def cargo_lock_version(crate):
    text = open(os.path.join(ROOT, "Cargo.lock"), encoding="utf-8").read()
    m = re.search(r'\[\[package\]\]\nname = "' + re.escape(crate) + r'"\nversion = "([^"]+)"', text)
    return m.group(1) if m else None


def registry_source(crate, inner):
    version = cargo_lock_version(crate)
    if not version:
        return None, None
    cargo_home = os.environ.get("CARGO_HOME") or os.path.expanduser("~/.cargo")
    hits = sorted(glob.glob(os.path.join(cargo_home, "registry/src/*", f"{crate}-{version}", inner)))
    return version, (hits[0] if hits else None)


def names_read_by_libraries():
    found = {}
    server_code = "".join(rust_code(p) for p in glob.glob(os.path.join(ROOT, "server/src/**/*.rs"), recursive=True))
    # Without Leptos.toml in its working directory (the image ships none) the server calls
    # get_configuration(None), which reads exactly the env_w_default/env_wo_default names.
    if not re.search(r"\bget_configuration\(", server_code) or "Leptos.toml" not in server_code:
        problem("the server no longer reads its site settings through leptos's get_configuration "
                "with Leptos.toml optional (server/src/site_config.rs); update this test")
    version, src = registry_source("leptos_config", "src/lib.rs")
    if src:
        names = set(re.findall(r'\benv_wo?_default\(\s*"(' + NAME + r')"', open(src, encoding="utf-8").read()))
        if not names:
            problem(f"found no env_w_default/env_wo_default names in {src}: update this test")
        if names != LEPTOS_FALLBACK:
            print(f"note: leptos_config {version} reads {sorted(names ^ LEPTOS_FALLBACK)} differently from "
                  "LEPTOS_FALLBACK in this test (used only without the cargo registry): update the list")
        where = f"leptos_config {version} (registry source)"
    else:
        names = LEPTOS_FALLBACK
        where = f"leptos_config {version} (LEPTOS_FALLBACK: its source is not in the cargo registry here)"
    for n in names:
        found[n] = where
    if re.search(r"\bEnvFilter::(?:try_)?from_default_env\(", server_code):
        version, src = registry_source("tracing-subscriber", "src/filter/env/mod.rs")
        m = src and re.search(r'DEFAULT_ENV\s*:\s*&(?:\'static\s+)?str\s*=\s*"(' + NAME + r')"', open(src, encoding="utf-8").read())
        found[m.group(1) if m else "RUST_LOG"] = f"tracing-subscriber {version} EnvFilter::from_default_env"
    return found


# ---------------------------------------------------------------------------------------------
# The image


def image_facts():
    runtime = stages(instructions(os.path.join(ROOT, "Dockerfile")))[-1]
    env, user, uid, entrypoint, healthcheck = {}, None, None, None, None
    for kw, arg in runtime["instrs"]:
        if kw == "ENV":
            env.update(env_assignments(arg))
        elif kw == "USER":
            user = arg.split(":")[0]
        elif kw == "RUN":
            m = re.search(r"useradd\b[^&;|]*--uid\s+(\d+)", arg)
            if m:
                uid = int(m.group(1))
        elif kw == "ENTRYPOINT":
            entrypoint = json.loads(arg) if arg.startswith("[") else arg.split()
        elif kw == "HEALTHCHECK":
            m = re.search(r"CMD\s+(.*)$", arg)
            healthcheck = json.loads(m.group(1)) if m.group(1).startswith("[") else m.group(1).split()
    if user and user.isdigit():
        uid = int(user)
    return {"env": env, "uid": uid, "binary": entrypoint[0] if entrypoint else None, "healthcheck": healthcheck}


def port_of(addr):
    m = re.search(r":(\d+)$", addr or "")
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------------------------------------
# Compose


def env_file_names(path, include_commented=False):
    """Names an env file sets; with include_commented also the `# NAME=…` examples."""
    set_, commented = [], []
    for line in open(path, encoding="utf-8"):
        s = line.strip()
        m = re.match(r"^(?:export\s+)?(" + NAME + r")\s*=", s)
        if m:
            set_.append(m.group(1))
            continue
        m = re.match(r"^#\s*(" + NAME + r")=", s)
        if m and include_commented:
            commented.append(m.group(1))
    return set_, commented


def compose_environment(service):
    env = service.get("environment") or {}
    if isinstance(env, dict):
        return {str(k): ("" if v is None else str(v)) for k, v in env.items()}
    out = {}
    for item in env:
        k, _, v = str(item).partition("=")
        out[k] = v
    return out


def compose_env_files(service):
    ef = service.get("env_file") or []
    if isinstance(ef, str):
        ef = [ef]
    return [e["path"] if isinstance(e, dict) else e for e in ef]


def interpolations(text):
    """`${NAME…}` and `$NAME` in the compose file (not `$$`, not in comment lines): name -> required."""
    code = "".join(l for l in text.splitlines(keepends=True) if not l.lstrip().startswith("#"))
    found = {}
    for m in re.finditer(r"(?<!\$)\$\{(" + NAME + r"|[a-z_][A-Za-z0-9_]*)((?::?[-?+])?)[^}]*\}", code):
        name, op = m.group(1), m.group(2)
        required = op in ("", ":?", "?")
        found[name] = found.get(name, False) or required
    for m in re.finditer(r"(?<!\$)\$(" + NAME + r")\b", code):
        found[m.group(1)] = True
    return found


def check_compose(server_reads, image):
    path = os.path.join(DEPLOY, "compose.yaml")
    if not os.path.exists(path):
        problem("deploy/compose.yaml is missing")
        return
    text = open(path, encoding="utf-8").read()
    doc = yaml.safe_load(text)
    services = doc.get("services") or {}
    named_volumes = set((doc.get("volumes") or {}).keys())

    def is_replica(svc):
        build = svc.get("build")
        ctx = build.get("context") if isinstance(build, dict) else build
        return ctx is not None and os.path.normpath(os.path.join(DEPLOY, ctx)) == ROOT

    replicas = {n: s for n, s in services.items() if is_replica(s)}
    count = sum(int((s.get("deploy") or {}).get("replicas", 1)) for s in replicas.values())
    if count != 2:
        problem(f"compose: {count} Switchboard replicas built from the repository's Dockerfile, expected 2")
    else:
        ok(f"compose: 2 replicas built from the Dockerfile ({', '.join(sorted(replicas))})")

    postgres = {n: s for n, s in services.items() if str(s.get("image", "")).split(":")[0] in ("postgres", "docker.io/library/postgres")}
    if len(postgres) != 1:
        problem(f"compose: expected one service on the official postgres image, found {sorted(postgres)}")
    pg_name = next(iter(postgres), None)
    for name, svc in postgres.items():
        mounts = [v if isinstance(v, str) else f"{v.get('source')}:{v.get('target')}" for v in svc.get("volumes") or []]
        data = [m for m in mounts if m.split(":")[1:2] == ["/var/lib/postgresql/data"]]
        if not data or data[0].split(":")[0] not in named_volumes:
            problem(f"compose: {name} keeps /var/lib/postgresql/data on no named volume (mounts: {mounts})")
        hc = " ".join(map(str, (svc.get("healthcheck") or {}).get("test") or []))
        if "pg_isready" not in hc:
            problem(f"compose: {name}'s health check does not run pg_isready: {hc!r}")
        bad = set(compose_environment(svc)) - POSTGRES_IMAGE_VARS
        if bad:
            problem(f"compose: {name} sets {sorted(bad)}, which the postgres image does not read")
        if data and "pg_isready" in hc and not bad:
            ok(f"compose: {name} on a named volume, pg_isready health check, image variables only")

    site_ports = set()
    for name, svc in replicas.items():
        env = compose_environment(svc)
        for f in compose_env_files(svc):
            fpath = os.path.join(DEPLOY, f)
            if not os.path.exists(fpath) and os.path.basename(f) == ".env":
                fpath = os.path.join(DEPLOY, "env.example")  # the gitignored file's template
            if not os.path.exists(fpath):
                problem(f"compose: {name} reads env_file {f}, which does not exist")
                continue
            for n in env_file_names(fpath)[0]:
                env.setdefault(n, "")
        unknown = sorted(set(env) - set(server_reads))
        if unknown:
            problem(f"compose: {name} sets {unknown}, which the server does not read")
        else:
            ok(f"compose: {name} sets only variables the server reads ({len(env)})")
        hc = svc.get("healthcheck") or {}
        test = hc.get("test") or []
        cmd = " ".join(map(str, test[1:] if isinstance(test, list) else [test]))
        if hc.get("disable") or not re.search(re.escape(image["binary"] or "/app/switchboard") + r"\s+healthcheck\b", cmd):
            problem(f"compose: {name} has no health check running `{image['binary']} healthcheck` (test: {test!r})")
        else:
            ok(f"compose: {name} health check: {cmd}")
        deps = svc.get("depends_on") or {}
        if not isinstance(deps, dict) or (deps.get(pg_name) or {}).get("condition") != "service_healthy":
            problem(f"compose: {name} does not wait for {pg_name} to be healthy (depends_on: {deps!r})")
        if svc.get("ports"):
            problem(f"compose: replica {name} publishes ports itself; only the load balancer should")
        url = env.get("DATABASE_URL", "")
        if not re.match(r"^postgres(?:ql)?://", url):
            problem(f"compose: {name} has no PostgreSQL DATABASE_URL ({url!r}); replicas cannot share SQLite")
        elif pg_name and not re.search(r"@" + re.escape(pg_name) + r"(?::\d+)?/", url):
            problem(f"compose: {name}'s DATABASE_URL does not name the {pg_name} service: {url!r}")
        if env.get("SWITCHBOARD_TRUST_PROXY", "").strip().lower() in FALSE_WORDS:
            problem(f"compose: {name} sits behind the load balancer but does not trust it (SWITCHBOARD_TRUST_PROXY)")
        if not env.get("SWITCHBOARD_SECRET_KEYS"):
            problem(f"compose: {name} gets no SWITCHBOARD_SECRET_KEYS (every replica needs the same list)")
        site_ports.add(port_of(env.get("LEPTOS_SITE_ADDR") or image["env"].get("LEPTOS_SITE_ADDR")))

    others = {n: s for n, s in services.items() if n not in replicas and n not in postgres}
    for name, svc in others.items():
        if svc.get("environment") or svc.get("env_file"):
            problem(f"compose: {name} sets environment variables, and this test has no list of what it reads")
    published = [n for n, s in services.items() if s.get("ports")]
    if len(published) != 1 or published[0] not in others:
        problem(f"compose: expected exactly one published port, on the load balancer; services publishing: {published}")
    for name in published:
        if name not in others:
            continue
        svc = others[name]
        configs = []
        for v in svc.get("volumes") or []:
            src = v.split(":")[0] if isinstance(v, str) else v.get("source", "")
            if src.startswith("."):
                configs.append(os.path.normpath(os.path.join(DEPLOY, src)))
        if not configs or not all(os.path.isfile(c) for c in configs):
            problem(f"compose: {name} mounts no configuration file from deploy/ ({configs})")
            continue
        conf = "\n".join(re.sub(r"#.*", "", open(c, encoding="utf-8").read()) for c in configs)
        for port in site_ports:
            missing = [r for r in replicas if not re.search(r"\b" + re.escape(r) + ":" + str(port) + r"\b", conf)]
            if missing:
                problem(f"compose: {name}'s configuration does not send to {missing} on port {port}")
            else:
                ok(f"compose: {name} balances over {sorted(replicas)} on port {port}")
        check_proxy_config(name, str(svc.get("image", "")), conf, [rel(c) for c in configs])

    interp = interpolations(text)
    example = os.path.join(DEPLOY, "env.example")
    if not os.path.exists(example):
        problem("deploy/env.example is missing")
        return
    set_, commented = env_file_names(example, include_commented=True)
    for n in sorted(set(set_) | set(commented)):
        if n not in interp:
            problem(f"deploy/env.example sets {n}, which compose.yaml never uses")
        if (n.startswith(("SWITCHBOARD_", "LEPTOS_")) or n == "DATABASE_URL") and n not in server_reads:
            problem(f"deploy/env.example sets {n}, which the server does not read")
    for n, required in sorted(interp.items()):
        if required and n not in set_:
            problem(f"compose.yaml requires ${{{n}}}, which deploy/env.example does not set")
        elif n not in set_ and n not in commented:
            problem(f"compose.yaml reads ${{{n}}}, which deploy/env.example does not mention")
    ok(f"env.example: {len(set_)} names to fill in, {len(commented)} optional; all used by compose.yaml")

    try:
        r = subprocess.run(["git", "-C", ROOT, "check-ignore", "-q", "deploy/.env"], capture_output=True)
        if r.returncode == 1:
            problem("deploy/.env is not gitignored: a filled-in env file could be committed")
        elif r.returncode == 0:
            ok("deploy/.env is gitignored")
    except FileNotFoundError:
        print("note: no git here; not checked that deploy/.env is gitignored")
    dockerignore = os.path.join(ROOT, ".dockerignore")
    lines = {l.strip().rstrip("/") for l in open(dockerignore)} if os.path.exists(dockerignore) else set()
    if not lines & {"deploy", "/deploy", "deploy/.env", "/deploy/.env", "**/.env"}:
        problem(".dockerignore does not keep deploy/.env out of the image build (COPY . .)")


def check_proxy_config(name, image, conf, files):
    before = len(problems)
    kind = image.split("/")[-1].split(":")[0]
    if kind == "caddy":
        if not re.search(r"\bflush_interval\s+-1\b", conf):
            problem(f"compose: {files}: no `flush_interval -1`: watch streams would be buffered")
        m = re.search(r"\bresponse_header_timeout\s+(\d+)(s|m)\b", conf)
        if m and int(m.group(1)) * (60 if m.group(2) == "m" else 1) <= 60:
            problem(f"compose: {files}: response_header_timeout {m.group(0)} cuts long polls (up to 60 s)")
        if re.search(r"\b(?:read_timeout|stream_timeout)\s+\d", conf):
            problem(f"compose: {files}: a read or stream timeout would cut watch streams")
        if not re.search(r"\bhealth_uri\s+/readyz\b", conf):
            problem(f"compose: {files}: the load balancer does not check /readyz")
    elif kind == "nginx":
        if not re.search(r"\bproxy_buffering\s+off\s*;", conf):
            problem(f"compose: {files}: no `proxy_buffering off;`: watch streams would be buffered")
        m = re.search(r"\bproxy_read_timeout\s+(\d+)(s|m)?\s*;", conf)
        if not m or int(m.group(1)) * (60 if m.group(2) == "m" else 1) <= 60:
            problem(f"compose: {files}: proxy_read_timeout must be above 60 s (long polls)")
        if not re.search(r"X-Forwarded-For\s+\$proxy_add_x_forwarded_for", conf):
            problem(f"compose: {files}: X-Forwarded-For is not set")
    else:
        problem(f"compose: {name} runs {image!r}; this test knows how to check Caddy and nginx only")
    if len(problems) == before:
        ok(f"compose: {name} ({kind}) streams unbuffered, no read timeout under 60 s, routes to ready replicas")


# ---------------------------------------------------------------------------------------------
# Kubernetes


def quantity(q):
    m = re.fullmatch(r"(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|m)?", str(q))
    if not m:
        return None
    scale = {None: 1, "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12,
             "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}[m.group(2)]
    return float(m.group(1)) * scale


def selects(selector, labels, what):
    """A selector that selects pods with these labels (matchLabels only), else a problem."""
    if not selector:
        problem(f"{what} has no selector")
        return False
    if "matchExpressions" in selector:
        problem(f"{what} uses matchExpressions, which this test cannot check")
        return False
    match = selector.get("matchLabels", selector) if isinstance(selector, dict) else {}
    if not match:
        problem(f"{what} has an empty selector (it would select every pod)")
        return False
    wrong = {k: v for k, v in match.items() if labels.get(k) != v}
    if wrong:
        problem(f"{what} selects {wrong}, which the Deployment's pods (labels {labels}) do not carry")
        return False
    return True


def check_kubernetes(server_reads, image):
    files = sorted(glob.glob(os.path.join(DEPLOY, "kubernetes", "*.yaml")) + glob.glob(os.path.join(DEPLOY, "kubernetes", "*.yml")))
    if not files:
        problem("no manifests in deploy/kubernetes/")
        return
    objs = []
    for f in files:
        for d in yaml.safe_load_all(open(f, encoding="utf-8")):
            if d is None:
                continue
            if not all(k in d for k in ("apiVersion", "kind", "metadata")) or "name" not in d["metadata"]:
                problem(f"{rel(f)}: an object without apiVersion, kind or metadata.name")
                continue
            if "namespace" in d["metadata"]:
                problem(f"{rel(f)}: {d['kind']} {d['metadata']['name']} names a namespace (apply with -n instead)")
            objs.append((rel(f), d))
    by_kind = {}
    for f, d in objs:
        by_kind.setdefault(d["kind"], []).append((f, d))
    ok(f"kubernetes: {len(objs)} objects in {len(files)} files: " + ", ".join(f"{k} x{len(v)}" for k, v in sorted(by_kind.items())))

    def find(kind, name):
        return next((d for _, d in by_kind.get(kind, []) if d["metadata"]["name"] == name), None)

    deployments = by_kind.get("Deployment", [])
    if len(deployments) != 1:
        problem(f"kubernetes: expected one Deployment, found {len(deployments)}")
        return
    f, dep = deployments[0]
    spec = dep.get("spec") or {}
    if spec.get("replicas") != 2:
        problem(f"{f}: replicas is {spec.get('replicas')!r}, expected 2")
    else:
        ok(f"{f}: 2 replicas")
    template = spec.get("template") or {}
    labels = (template.get("metadata") or {}).get("labels") or {}
    pod = template.get("spec") or {}
    selects(spec.get("selector"), labels, f"{f}: the Deployment's selector")
    containers = pod.get("containers") or []
    if len(containers) != 1:
        problem(f"{f}: expected one container, found {len(containers)}")
        return
    c = containers[0]
    ports = {p.get("name"): p.get("containerPort") for p in c.get("ports") or []}

    # The environment: env, envFrom (Secret/ConfigMap keys), and what the image sets.
    env_names, env_values = [], {}
    for e in c.get("env") or []:
        env_names.append(e["name"])
        if "value" in e:
            env_values[e["name"]] = str(e["value"])
        ref = (e.get("valueFrom") or {})
        for key, kind in (("secretKeyRef", "Secret"), ("configMapKeyRef", "ConfigMap")):
            if key in ref and not ref[key].get("optional"):
                obj = find(kind, ref[key]["name"])
                if obj is None or ref[key]["key"] not in {**(obj.get("data") or {}), **(obj.get("stringData") or {})}:
                    problem(f"{f}: {e['name']} comes from {kind} {ref[key]['name']} key {ref[key]['key']}, which the manifests do not define")
    for src in c.get("envFrom") or []:
        for key, kind in (("secretRef", "Secret"), ("configMapRef", "ConfigMap")):
            if key not in src:
                continue
            obj = find(kind, src[key]["name"])
            if obj is None:
                problem(f"{f}: envFrom names {kind} {src[key]['name']}, which the manifests do not define")
                continue
            values = {**(obj.get("data") or {}), **(obj.get("stringData") or {})}
            for k, v in values.items():
                env_names.append(src.get("prefix", "") + k)
                if "stringData" in obj and k in obj["stringData"]:
                    env_values.setdefault(src.get("prefix", "") + k, str(v))
    unknown = sorted(set(env_names) - set(server_reads))
    if unknown:
        problem(f"{f}: the container is given {unknown}, which the server does not read")
    else:
        ok(f"{f}: the container's {len(set(env_names))} variables (env and envFrom) are all read by the server")
    for need in ("DATABASE_URL", "SWITCHBOARD_SECRET_KEYS", "SWITCHBOARD_ADMIN_EMAIL", "SWITCHBOARD_ADMIN_PASSWORD"):
        if need not in env_names:
            problem(f"{f}: the container gets no {need}")
    url = env_values.get("DATABASE_URL", "")
    if "DATABASE_URL" in env_values and not re.match(r"^postgres(?:ql)?://", url):
        problem(f"{f}: DATABASE_URL is not a PostgreSQL URL ({url!r}); replicas cannot share SQLite")
    if env_values.get("SWITCHBOARD_TRUST_PROXY", "false").strip().lower() in FALSE_WORDS:
        print(f"note: {f}: SWITCHBOARD_TRUST_PROXY is off: behind an ingress every client looks like the ingress")

    # The server's port, probes and Service.
    site_port = port_of(env_values.get("LEPTOS_SITE_ADDR") or image["env"].get("LEPTOS_SITE_ADDR"))
    if site_port not in ports.values():
        problem(f"{f}: the server listens on {site_port} (LEPTOS_SITE_ADDR) but the container declares ports {ports}")

    def resolve(port):
        return ports.get(port) if isinstance(port, str) else port

    for probe, path, required in (("readinessProbe", "/readyz", True), ("livenessProbe", "/healthz", True),
                                  ("startupProbe", "/healthz", False)):
        p = c.get(probe)
        if p is None:
            if required:
                problem(f"{f}: no {probe}")
            continue
        get = p.get("httpGet") or {}
        if get.get("path") != path:
            problem(f"{f}: {probe} asks {get.get('path')!r}, expected an httpGet of {path}")
        elif resolve(get.get("port")) != site_port:
            problem(f"{f}: {probe} asks port {get.get('port')!r}, not the server's {site_port}")
        elif get.get("scheme", "HTTP") != "HTTP":
            problem(f"{f}: {probe} uses {get.get('scheme')}; the server speaks plain HTTP")
        else:
            ok(f"{f}: {probe} GET {path} on port {site_port}")

    # Security and resources.
    before = len(problems)
    psc, csc = pod.get("securityContext") or {}, c.get("securityContext") or {}
    eff = {**psc, **csc}
    if eff.get("runAsNonRoot") is not True:
        problem(f"{f}: runAsNonRoot is not true")
    if image["uid"] is not None and eff.get("runAsUser") != image["uid"]:
        problem(f"{f}: runAsUser is {eff.get('runAsUser')!r}, the image's user is uid {image['uid']}")
    if csc.get("readOnlyRootFilesystem") is not True:
        problem(f"{f}: the root filesystem is writable (readOnlyRootFilesystem)")
    if csc.get("allowPrivilegeEscalation") is not False:
        problem(f"{f}: allowPrivilegeEscalation is not false")
    if len(problems) == before:
        ok(f"{f}: security context checked (non-root uid {eff.get('runAsUser')}, read-only root filesystem)")
    res = c.get("resources") or {}
    req, lim = res.get("requests") or {}, res.get("limits") or {}
    for what, table, key in (("requests.cpu", req, "cpu"), ("requests.memory", req, "memory"), ("limits.memory", lim, "memory")):
        if quantity(table.get(key)) is None:
            problem(f"{f}: no {what} (size it from bench/README.md)")
    if quantity(req.get("memory")) and quantity(lim.get("memory")) and quantity(req["memory"]) > quantity(lim["memory"]):
        problem(f"{f}: the memory request is above the limit")
    else:
        ok(f"{f}: resources {res}")

    services = by_kind.get("Service", [])
    if not services:
        problem("kubernetes: no Service")
    for sf, svc in services:
        sspec = svc.get("spec") or {}
        good = selects(sspec.get("selector"), labels, f"{sf}: Service {svc['metadata']['name']}")
        for p in sspec.get("ports") or []:
            if resolve(p.get("targetPort", p.get("port"))) != site_port:
                good = False
                problem(f"{sf}: Service port {p.get('port')} targets {p.get('targetPort')!r}, not the server's port {site_port}")
        if good:
            ok(f"{sf}: Service selects the Deployment's pods and targets port {site_port}")

    pdbs = by_kind.get("PodDisruptionBudget", [])
    if len(pdbs) != 1:
        problem(f"kubernetes: expected one PodDisruptionBudget, found {len(pdbs)}")
    for pf, pdb in pdbs:
        pspec = pdb.get("spec") or {}
        good = selects(pspec.get("selector"), labels, f"{pf}: PodDisruptionBudget {pdb['metadata']['name']}")
        if pspec.get("minAvailable") != 1:
            good = False
            problem(f"{pf}: minAvailable is {pspec.get('minAvailable')!r}, expected 1 (of 2 replicas)")
        if good:
            ok(f"{pf}: PodDisruptionBudget keeps 1 of the Deployment's pods")


def main():
    server_reads = {**names_read_by_libraries(), **names_read_by_rust()}
    missing = ANCHORS - set(server_reads)
    if missing or len(server_reads) < 20:
        problem(f"the scan of the sources found {len(server_reads)} names and not {sorted(missing)}: "
                "the way the server reads its settings changed; update this test")
    else:
        ok(f"the server reads {len(server_reads)} variables: " + ", ".join(sorted(server_reads)))

    image = image_facts()
    unknown = sorted(set(image["env"]) - set(server_reads))
    if unknown:
        problem(f"Dockerfile: the image sets {unknown}, which the server does not read")
    else:
        ok(f"Dockerfile: the image's ENV ({', '.join(sorted(image['env']))}) is all read by the server")

    check_compose(server_reads, image)
    check_kubernetes(server_reads, image)
    if problems:
        print(f"\ndeploy manifests: {len(problems)} problem(s)")
        sys.exit(1)
    print("\ndeploy manifests: all checks passed")


if __name__ == "__main__":
    main()

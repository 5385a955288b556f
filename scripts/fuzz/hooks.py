"""Schemathesis hooks for scripts/fuzz_api.py (loaded through SCHEMATHESIS_HOOKS).

The check `nothing_stored_when_refused`: a request answered 4xx must leave the database as it
was. Every table of the server's SQLite file is hashed before and after each request (one worker,
so nothing else writes in between); a refused request after which any table differs fails.
Columns that authentication itself touches on every call (`last_used_at`) do not count.

Filters keep the run able to go on: the fuzzer must not revoke its own token or SDK key, nor
delete the environments the fixtures live in (doing so is not a bug, it only ends the coverage).
"""

import hashlib
import os
import sqlite3

import schemathesis

DB = os.environ["SB_FUZZ_DB"]
OWN_TOKEN_ID = int(os.environ["SB_FUZZ_TOKEN_ID"])
OWN_SDK_KEY_ID = int(os.environ["SB_FUZZ_SDK_KEY_ID"])
KEPT_ENVIRONMENTS = set(os.environ["SB_FUZZ_KEPT_ENVIRONMENTS"].split(","))
BOOKKEEPING = {"api_tokens": {"last_used_at"}, "sdk_keys": {"last_used_at"}}
# Append-only (triggers refuse updates and deletes), so their size says whether a row was added.
APPEND_ONLY = {"audit_events", "changes"}


def digest():
    con = sqlite3.connect(f"file:{DB}?mode=ro", uri=True)
    try:
        out = {}
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if table in APPEND_ONLY:
                out[table] = con.execute(f'SELECT count(*), max(rowid) FROM "{table}"').fetchone()
                continue
            cols = [r[1] for r in con.execute(f'PRAGMA table_info("{table}")')]
            cols = [c for c in cols if c not in BOOKKEEPING.get(table, ())]
            order = ", ".join(str(i + 1) for i in range(len(cols)))
            names = ", ".join(f'"{c}"' for c in cols)
            rows = con.execute(f'SELECT {names} FROM "{table}" ORDER BY {order}')
            h = hashlib.sha256()
            for row in rows:
                h.update(repr(row).encode())
            out[table] = h.hexdigest()
        return out
    finally:
        con.close()


_before = {}
# Verdicts by response; the response is kept alongside so its id cannot be reused.
_verdicts = {}


@schemathesis.hook
def before_call(ctx, case, kwargs):
    _before[id(case)] = digest()


@schemathesis.hook
def after_call(ctx, case, response):
    before = _before.pop(id(case), None)
    if before is None or not 400 <= response.status_code < 500:
        return
    after = digest()
    changed = sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))
    _verdicts[id(response)] = (response, changed)


@schemathesis.check
def nothing_stored_when_refused(ctx, response, case):
    """A request answered 4xx changed no table."""
    _, changed = _verdicts.get(id(response), (None, []))
    if changed:
        raise AssertionError(
            f"The request was refused ({response.status_code}) but changed these tables: {', '.join(changed)}"
        )


def as_int(value):
    # Looser than the server's parse ("01", "+1" and " 1" all count), so no spelling slips by.
    try:
        return int(str(value).strip())
    except ValueError:
        return None


@schemathesis.hook
def filter_case(ctx, case):
    path, params = case.operation.path, case.path_parameters or {}
    if path.endswith("/tokens/{id}/revoke") and as_int(params.get("id")) == OWN_TOKEN_ID:
        return False
    if path.endswith("/sdk-keys/{id}/revoke") and as_int(params.get("id")) == OWN_SDK_KEY_ID:
        return False
    if case.method.upper() == "DELETE" and path.endswith("/environments/{key}"):
        return params.get("key") not in KEPT_ENVIRONMENTS
    return True

-- Foundation: environments, users and their roles, sessions, sign-in throttling, API tokens, audit.
-- Booleans are INTEGER 0/1 and times are INTEGER milliseconds since the epoch (UTC), identically in
-- the PostgreSQL schema, so one set of queries serves both backends.

CREATE TABLE environments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    key         TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    protected   INTEGER NOT NULL DEFAULT 0,
    position    INTEGER NOT NULL DEFAULT 0,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);

INSERT INTO environments (key, name, protected, position, version, created_at, updated_at) VALUES
    ('development', 'Development', 0, 0, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
    ('staging',     'Staging',     0, 1, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000),
    ('production',  'Production',  1, 2, 1, CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);

CREATE TABLE users (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    email          TEXT    NOT NULL UNIQUE,
    name           TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL,
    admin          INTEGER NOT NULL DEFAULT 0,
    disabled       INTEGER NOT NULL DEFAULT 0,
    version        INTEGER NOT NULL DEFAULT 1,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL,
    last_login_at  INTEGER
);

CREATE TABLE user_roles (
    user_id         INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    role            TEXT    NOT NULL CHECK (role IN ('viewer', 'editor', 'publisher', 'admin')),
    PRIMARY KEY (user_id, environment_id)
);

CREATE TABLE sessions (
    token_hash    TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    ip            TEXT,
    user_agent    TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE login_failures (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    scope    TEXT    NOT NULL CHECK (scope IN ('account', 'ip')),
    subject  TEXT    NOT NULL,
    at       INTEGER NOT NULL
);
CREATE INDEX login_failures_lookup ON login_failures (scope, subject, at);

CREATE TABLE api_tokens (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT    NOT NULL CHECK (kind IN ('admin')),
    name          TEXT    NOT NULL,
    prefix        TEXT    NOT NULL,
    secret_hash   TEXT    NOT NULL UNIQUE,
    admin         INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER,
    version       INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE api_token_roles (
    token_id        INTEGER NOT NULL REFERENCES api_tokens(id) ON DELETE CASCADE,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    role            TEXT    NOT NULL CHECK (role IN ('viewer', 'editor', 'publisher', 'admin')),
    PRIMARY KEY (token_id, environment_id)
);

CREATE TABLE audit_events (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    at            INTEGER NOT NULL,
    actor_kind    TEXT    NOT NULL,
    actor_id      INTEGER,
    actor_name    TEXT    NOT NULL,
    environment   TEXT,
    entity_type   TEXT    NOT NULL,
    entity_id     TEXT    NOT NULL,
    entity_label  TEXT    NOT NULL,
    action        TEXT    NOT NULL,
    before_json   TEXT,
    after_json    TEXT
);
CREATE INDEX audit_by_entity ON audit_events (entity_type, id);
CREATE INDEX audit_by_environment ON audit_events (environment, id);
CREATE INDEX audit_by_time ON audit_events (at);

-- The trail is append-only, whatever code runs against the database.
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

-- Rollout flags: definitions, per-environment settings, segments, SDK keys, and the change log
-- that tells every server process to refresh what apps read.

CREATE TABLE flags (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    key          TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    tags         TEXT    NOT NULL DEFAULT '[]',
    owner        TEXT    NOT NULL DEFAULT '',
    kind         TEXT    NOT NULL CHECK (kind IN ('boolean', 'string', 'number', 'json')),
    variants     TEXT    NOT NULL,
    archived     INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX flags_by_name ON flags (name);

CREATE TABLE flag_settings (
    flag_id          INTEGER NOT NULL REFERENCES flags(id) ON DELETE CASCADE,
    environment_id   INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    enabled          INTEGER NOT NULL DEFAULT 0,
    off_variant      TEXT    NOT NULL,
    default_variant  TEXT    NOT NULL,
    rules            TEXT    NOT NULL DEFAULT '[]',
    version          INTEGER NOT NULL DEFAULT 1,
    updated_at       INTEGER NOT NULL,
    PRIMARY KEY (flag_id, environment_id)
);
CREATE INDEX flag_settings_by_environment ON flag_settings (environment_id, enabled);

CREATE TABLE segments (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    key          TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    constraints  TEXT    NOT NULL,
    version      INTEGER NOT NULL DEFAULT 1,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);

CREATE TABLE sdk_keys (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    prefix          TEXT    NOT NULL,
    secret_hash     TEXT    NOT NULL UNIQUE,
    created_by      TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    last_used_at    INTEGER,
    revoked_at      INTEGER,
    version         INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE changes (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    topic  TEXT    NOT NULL,
    at     INTEGER NOT NULL
);

-- Remote configuration: namespaces, the shared draft per (namespace, environment), immutable
-- releases, and the head that says which release (and gray release) apps get.

CREATE TABLE config_namespaces (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    key          TEXT    NOT NULL UNIQUE,
    description  TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);

-- The draft: one row per entry key; `deleted` keeps who removed an entry until the next publish.
CREATE TABLE config_draft_entries (
    namespace_id    INTEGER NOT NULL REFERENCES config_namespaces(id) ON DELETE CASCADE,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    key             TEXT    NOT NULL,
    value_type      TEXT    NOT NULL,
    value           TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    constraints     TEXT    NOT NULL DEFAULT '{}',
    deleted         INTEGER NOT NULL DEFAULT 0,
    version         INTEGER NOT NULL DEFAULT 1,
    updated_by      TEXT    NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (namespace_id, environment_id, key)
);

CREATE TABLE config_releases (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    namespace_id    INTEGER NOT NULL REFERENCES config_namespaces(id) ON DELETE CASCADE,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('publish', 'rollback', 'gray')),
    entries         TEXT    NOT NULL,
    message         TEXT    NOT NULL DEFAULT '',
    author          TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    rollback_of     INTEGER,
    gray_target     TEXT,
    UNIQUE (namespace_id, environment_id, version)
);

-- What apps get. `version` guards every change of the head (publish, rollback, gray).
CREATE TABLE config_heads (
    namespace_id    INTEGER NOT NULL REFERENCES config_namespaces(id) ON DELETE CASCADE,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    main_version    INTEGER NOT NULL,
    gray_version    INTEGER,
    gray_target     TEXT,
    latest_version  INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (namespace_id, environment_id)
);

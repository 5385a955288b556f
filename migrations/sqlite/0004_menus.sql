-- Navigation menus: the menus (global keys), one shared draft tree per (menu, environment),
-- immutable releases, and the head that says which release apps get.

CREATE TABLE menus (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    key          TEXT    NOT NULL UNIQUE,
    description  TEXT    NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL
);

-- The whole tree as JSON: editors save it as one unit, guarded by `version`.
CREATE TABLE menu_drafts (
    menu_id         INTEGER NOT NULL REFERENCES menus(id) ON DELETE CASCADE,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    items           TEXT    NOT NULL,
    version         INTEGER NOT NULL,
    updated_by      TEXT    NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (menu_id, environment_id)
);

CREATE TABLE menu_releases (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    menu_id         INTEGER NOT NULL REFERENCES menus(id) ON DELETE CASCADE,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('publish', 'rollback')),
    items           TEXT    NOT NULL,
    message         TEXT    NOT NULL DEFAULT '',
    author          TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    rollback_of     INTEGER,
    UNIQUE (menu_id, environment_id, version)
);

-- What apps get; `main_version` guards every publish and rollback.
CREATE TABLE menu_heads (
    menu_id         INTEGER NOT NULL REFERENCES menus(id) ON DELETE CASCADE,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    main_version    INTEGER NOT NULL,
    latest_version  INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (menu_id, environment_id)
);

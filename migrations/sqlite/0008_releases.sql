-- One release machinery for everything apps receive as a whole (config namespaces, menus, and
-- whatever comes later): immutable numbered releases, and the head that says which release apps
-- get, in one pair of tables. `subject` names the kind of thing and `subject_id` its row in that
-- kind's own table (namespaces and menus are never deleted; deleting an environment takes its
-- releases and heads with it). `content` is the whole released state as JSON.
--
-- Gray release is config's layer on top: only config may cut a `gray` release (with its target),
-- and the gray release running in an environment lives in config_gray, beside the head.

CREATE TABLE releases (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subject         TEXT    NOT NULL CHECK (subject IN ('config', 'menu')),
    subject_id      INTEGER NOT NULL,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    kind            TEXT    NOT NULL
                    CHECK (kind IN ('publish', 'rollback') OR (kind = 'gray' AND subject = 'config')),
    content         TEXT    NOT NULL,
    message         TEXT    NOT NULL DEFAULT '',
    author          TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    rollback_of     INTEGER,
    gray_target     TEXT    CHECK (gray_target IS NULL OR kind = 'gray'),
    UNIQUE (subject, subject_id, environment_id, version)
);

-- What apps get. Every publish and rollback is a compare-and-set on (main_version,
-- latest_version); a new release takes latest_version + 1.
CREATE TABLE release_heads (
    subject         TEXT    NOT NULL CHECK (subject IN ('config', 'menu')),
    subject_id      INTEGER NOT NULL,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    main_version    INTEGER NOT NULL,
    latest_version  INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (subject, subject_id, environment_id)
);

-- The gray release running in an environment, if any: release `version` goes to `target`.
CREATE TABLE config_gray (
    namespace_id    INTEGER NOT NULL REFERENCES config_namespaces(id) ON DELETE CASCADE,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    target          TEXT    NOT NULL,
    PRIMARY KEY (namespace_id, environment_id)
);

INSERT INTO releases (subject, subject_id, environment_id, version, kind, content, message,
                      author, created_at, rollback_of, gray_target)
SELECT 'config', namespace_id, environment_id, version, kind, entries, message, author,
       created_at, rollback_of, gray_target
FROM config_releases ORDER BY id;

INSERT INTO releases (subject, subject_id, environment_id, version, kind, content, message,
                      author, created_at, rollback_of)
SELECT 'menu', menu_id, environment_id, version, kind, items, message, author, created_at,
       rollback_of
FROM menu_releases ORDER BY id;

INSERT INTO release_heads (subject, subject_id, environment_id, main_version, latest_version,
                           updated_at)
SELECT 'config', namespace_id, environment_id, main_version, latest_version, updated_at
FROM config_heads;

INSERT INTO release_heads (subject, subject_id, environment_id, main_version, latest_version,
                           updated_at)
SELECT 'menu', menu_id, environment_id, main_version, latest_version, updated_at
FROM menu_heads;

INSERT INTO config_gray (namespace_id, environment_id, version, target)
SELECT namespace_id, environment_id, gray_version, gray_target
FROM config_heads WHERE gray_version IS NOT NULL AND gray_target IS NOT NULL;

DROP TABLE config_releases;
DROP TABLE config_heads;
DROP TABLE menu_releases;
DROP TABLE menu_heads;

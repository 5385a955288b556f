-- A version for each config draft as a whole (namespace, environment), moved by every change to
-- the draft in the same transaction: a publish, discard or copy names the draft version the user
-- reviewed and is refused if the draft moved since. Taking this row first also serializes
-- concurrent changes to one draft (the entry-count and key-case rules read the whole draft).
CREATE TABLE config_drafts (
    namespace_id    INTEGER NOT NULL REFERENCES config_namespaces(id) ON DELETE CASCADE,
    environment_id  INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    version         INTEGER NOT NULL,
    PRIMARY KEY (namespace_id, environment_id)
);

INSERT INTO config_drafts (namespace_id, environment_id, version)
SELECT DISTINCT namespace_id, environment_id, 1 FROM config_draft_entries;

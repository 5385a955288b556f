-- Secret config entries: the value column then holds the value sealed (see backend/keyring.rs),
-- never the value itself. Release rows carry the flag inside their entries JSON.
ALTER TABLE config_draft_entries ADD COLUMN secret INTEGER NOT NULL DEFAULT 0;

-- What an SDK key may read beyond flags: secret config values, and which config namespaces and
-- menus (a JSON array of keys; NULL means every one, as keys issued before this could).
ALTER TABLE sdk_keys ADD COLUMN read_secrets INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sdk_keys ADD COLUMN namespaces TEXT;
ALTER TABLE sdk_keys ADD COLUMN menus TEXT;

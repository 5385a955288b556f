-- A flag's prerequisites in one environment: other flags that must serve the caller given variants
-- before its rules are tried (JSON: [{"flag": key, "variants": [keys]}]). Per environment, like the
-- rules, so an environment's editors decide them and an Unleash import (one environment's state)
-- carries them over.
ALTER TABLE flag_settings ADD COLUMN prerequisites TEXT NOT NULL DEFAULT '[]';

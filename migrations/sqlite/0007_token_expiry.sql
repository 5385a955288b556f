-- Admin API tokens expire (optionally) and belong to the user who created them.
--
-- expires_at: milliseconds since the epoch; NULL never expires. A token at or past it
-- authenticates as nothing.
-- created_by_user_id: the owner. Disabling the owner revokes their tokens (audited, in the same
-- transaction); authentication also refuses a token whose owner is disabled. NULL for tokens no
-- user created (the system actor's). Tokens a token creates belong to that token's owner.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN created_by_user_id INTEGER REFERENCES users(id) ON DELETE CASCADE;

-- created_by held the creator's email when a user created the token.
UPDATE api_tokens
SET created_by_user_id = (SELECT id FROM users WHERE users.email = api_tokens.created_by);

CREATE INDEX api_tokens_by_owner ON api_tokens (created_by_user_id);

-- Secret hashes become HMAC-SHA256 under a key kept outside the database
-- (the key directory's `token-hmac.key`). Rows written before carry the
-- unkeyed SHA-256 and the scheme `sha256`: they are refused from now on
-- (re-issue the token with `portcullis token create`). A row inserted by
-- hand takes the default `sha256` and is refused as well.
ALTER TABLE api_tokens ADD COLUMN hash_scheme TEXT NOT NULL DEFAULT 'sha256';
ALTER TABLE console_sessions ADD COLUMN hash_scheme TEXT NOT NULL DEFAULT 'sha256';
ALTER TABLE sign_in_links ADD COLUMN hash_scheme TEXT NOT NULL DEFAULT 'sha256';

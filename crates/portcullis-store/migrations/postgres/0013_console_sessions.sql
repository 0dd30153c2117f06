-- Console sessions and one-time sign-in links. A session is a browser signed
-- in with an API token; only the SHA-256 of the session's secret id is kept;
-- a revoked or expired token ends it. One table serves every node.

CREATE TABLE console_sessions (
    id TEXT PRIMARY KEY NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    token_id TEXT NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    tenant_id TEXT,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE INDEX console_sessions_token ON console_sessions (token_id);

-- One-time sign-in links (the first operator of an empty database): only
-- the SHA-256 of the link's secret; used once, then `used_at` is set.
CREATE TABLE sign_in_links (
    id TEXT PRIMARY KEY NOT NULL,
    secret_hash TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT
);

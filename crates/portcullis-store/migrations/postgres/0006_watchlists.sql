-- Watchlists loaded for screening: one row per list, one per listed entity
-- (its JSON as the screening matcher reads it, and its content
-- fingerprint, so that a new load can be compared with the old one).

CREATE TABLE watchlists (
    name TEXT PRIMARY KEY NOT NULL,
    format TEXT NOT NULL CHECK (format IN ('ftm', 'csv')),
    entity_count BIGINT NOT NULL,
    rejected_count BIGINT NOT NULL,
    loaded_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);

CREATE TABLE watchlist_entities (
    watchlist TEXT NOT NULL REFERENCES watchlists (name),
    entity_id TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    entity TEXT NOT NULL,
    PRIMARY KEY (watchlist, entity_id)
);

-- Threat-intelligence indicators, by source: the STIX pattern text and the
-- fields that decide whether an indicator is active. The pattern is parsed
-- again when the in-memory index is built.

CREATE TABLE intel_indicators (
    id TEXT PRIMARY KEY NOT NULL,
    source TEXT NOT NULL,
    name TEXT,
    pattern TEXT NOT NULL,
    observable_type TEXT NOT NULL,
    valid_from BIGINT NOT NULL,
    valid_until BIGINT,
    revoked BIGINT NOT NULL,
    confidence BIGINT,
    modified BIGINT,
    -- JSON: {"indicator_types": [...], "labels": [...], "producer": ...}.
    attributes TEXT NOT NULL,
    imported_at BIGINT NOT NULL
);
CREATE INDEX intel_indicators_source ON intel_indicators (source);

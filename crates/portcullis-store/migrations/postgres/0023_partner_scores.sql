-- The partner security score's history: the last score computed on each
-- UTC day (days since the Unix epoch). Derived data, not audited.

CREATE TABLE partner_scores (
    partner_tenant_id TEXT NOT NULL,
    day BIGINT NOT NULL,
    score BIGINT NOT NULL,
    body TEXT NOT NULL,
    computed_at BIGINT NOT NULL,
    PRIMARY KEY (partner_tenant_id, day)
);

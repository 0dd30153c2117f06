-- A partner admin's response to a finding about its own users: when and by
-- whom it was acknowledged and resolved, kept to measure the time to
-- respond (the 24-hour requirement).

CREATE TABLE finding_responses (
    finding_id TEXT PRIMARY KEY NOT NULL REFERENCES findings (id),
    partner_tenant_id TEXT NOT NULL,
    raised_at BIGINT NOT NULL,
    acknowledged_at BIGINT,
    acknowledged_by TEXT,
    resolved_at BIGINT,
    resolved_by TEXT
);
CREATE INDEX finding_responses_partner ON finding_responses (partner_tenant_id, raised_at);

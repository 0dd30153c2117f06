-- Detection findings (OCSF Detection Finding 2004, one open finding per
-- user and rule, updated as evidence grows) and containments (a partner
-- user, relationship or partner tenant held back from access, until an
-- operator lifts it).

CREATE TABLE findings (
    id TEXT PRIMARY KEY NOT NULL,
    rule_id TEXT NOT NULL,
    severity_id BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('New', 'In Progress', 'Resolved', 'Suppressed')),
    status_reason TEXT,
    partner_tenant_id TEXT,
    user_id TEXT,
    title TEXT NOT NULL,
    first_seen BIGINT NOT NULL,
    last_seen BIGINT NOT NULL,
    evidence_count BIGINT NOT NULL,
    -- The whole OCSF Detection Finding.
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX findings_subject ON findings (user_id, rule_id, status);
CREATE INDEX findings_partner ON findings (partner_tenant_id, id);

CREATE TABLE containments (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('user', 'relationship', 'partner')),
    target_id TEXT NOT NULL,
    finding_id TEXT REFERENCES findings (id),
    reason TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    lifted_at BIGINT,
    lifted_by TEXT,
    lift_reason TEXT
);
CREATE INDEX containments_active ON containments (kind, target_id, lifted_at);

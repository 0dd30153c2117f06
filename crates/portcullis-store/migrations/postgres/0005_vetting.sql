-- Partner vetting: cases and their history, the results of every check,
-- domain-ownership challenges, screening outcomes (every change kept) and
-- the findings that continuous re-screening opens. Applications, check
-- results and outcomes are JSON text; times are milliseconds since the
-- Unix epoch.

CREATE TABLE vetting_cases (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    state TEXT NOT NULL CHECK (state IN ('submitted', 'screening', 'auto_approved', 'in_review',
                                         'needs_information', 'approved', 'rejected',
                                         'suspended', 'revoked')),
    application TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    risk_score BIGINT,
    risk_level TEXT CHECK (risk_level IN ('low', 'medium', 'high')),
    -- JSON array of the reviewers who approved in the current round.
    approvals TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX vetting_cases_tenant ON vetting_cases (tenant_id, id);
CREATE INDEX vetting_cases_state ON vetting_cases (state, risk_score, id);

CREATE TABLE vetting_transitions (
    case_id TEXT NOT NULL REFERENCES vetting_cases (id),
    seq BIGINT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE vetting_checks (
    id TEXT PRIMARY KEY NOT NULL,
    case_id TEXT NOT NULL REFERENCES vetting_cases (id),
    kind TEXT NOT NULL,
    outcome TEXT NOT NULL,
    result TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX vetting_checks_case ON vetting_checks (case_id, at);

CREATE TABLE domain_challenges (
    case_id TEXT PRIMARY KEY NOT NULL REFERENCES vetting_cases (id),
    domain TEXT NOT NULL,
    token TEXT NOT NULL,
    issued_at BIGINT NOT NULL,
    verified_at BIGINT,
    last_checked_at BIGINT,
    last_outcome TEXT
);

CREATE TABLE screening_outcomes (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    case_id TEXT NOT NULL REFERENCES vetting_cases (id),
    -- `watchlist` or `intel`.
    source TEXT NOT NULL,
    -- A digest of the hits: an outcome is stored only when it changes.
    digest TEXT NOT NULL,
    hits TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX screening_outcomes_tenant ON screening_outcomes (tenant_id, source, at);

CREATE TABLE vetting_findings (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    case_id TEXT REFERENCES vetting_cases (id),
    kind TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    summary TEXT NOT NULL,
    detail TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX vetting_findings_tenant ON vetting_findings (tenant_id, id);

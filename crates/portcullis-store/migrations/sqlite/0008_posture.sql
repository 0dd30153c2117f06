-- Tenant security posture: the configuration snapshots partners upload (the
-- raw JSON document, size-capped), the evaluation report of each snapshot
-- against a baseline version, and each partner's posture state for gating.
-- Times are milliseconds since the Unix epoch.

CREATE TABLE posture_snapshots (
    id TEXT PRIMARY KEY NOT NULL,
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    received_at BIGINT NOT NULL,
    -- When the configuration was captured, if the document says so.
    taken_at BIGINT,
    uploaded_by TEXT NOT NULL,
    size_bytes BIGINT NOT NULL CHECK (size_bytes >= 0 AND size_bytes <= 8388608),
    document TEXT NOT NULL
);
CREATE INDEX posture_snapshots_tenant ON posture_snapshots (tenant_id, received_at);

CREATE TABLE posture_reports (
    id TEXT PRIMARY KEY NOT NULL,
    snapshot_id TEXT NOT NULL REFERENCES posture_snapshots (id),
    tenant_id TEXT NOT NULL REFERENCES tenants (id),
    baseline_version TEXT NOT NULL,
    evaluated_at BIGINT NOT NULL,
    compliant BIGINT NOT NULL CHECK (compliant IN (0, 1)),
    report TEXT NOT NULL
);
CREATE INDEX posture_reports_tenant ON posture_reports (tenant_id, evaluated_at);
CREATE INDEX posture_reports_snapshot ON posture_reports (snapshot_id);

CREATE TABLE partner_postures (
    tenant_id TEXT PRIMARY KEY NOT NULL REFERENCES tenants (id),
    state TEXT NOT NULL CHECK (state IN ('compliant', 'noncompliant', 'suspended')),
    -- JSON array of the failing or erring SHALL requirement ids.
    failing TEXT NOT NULL,
    noncompliant_since BIGINT,
    grace_ends_at BIGINT,
    snapshot_id TEXT NOT NULL REFERENCES posture_snapshots (id),
    -- When that snapshot was captured (its upload time when it does not say).
    snapshot_taken_at BIGINT NOT NULL,
    report_id TEXT NOT NULL REFERENCES posture_reports (id),
    baseline_version TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX partner_postures_state ON partner_postures (state, tenant_id);

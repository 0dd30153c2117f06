-- Role usage: allowed decisions per assignment, role, partner user, action
-- and UTC day (days since the Unix epoch), added to by each node's
-- in-process counters when they flush. Operational data, not audited;
-- rows older than the longest report window are pruned.

CREATE TABLE role_usage (
    assignment_id TEXT NOT NULL,
    role_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    action TEXT NOT NULL,
    day BIGINT NOT NULL,
    relationship_id TEXT NOT NULL,
    partner_tenant_id TEXT NOT NULL,
    customer_tenant_id TEXT NOT NULL,
    allowed BIGINT NOT NULL,
    last_used BIGINT NOT NULL,
    PRIMARY KEY (assignment_id, role_id, user_id, action, day)
);

CREATE INDEX role_usage_partner ON role_usage (partner_tenant_id, day);
CREATE INDEX role_usage_customer ON role_usage (customer_tenant_id, day);
CREATE INDEX role_usage_relationship ON role_usage (relationship_id, day);
CREATE INDEX role_usage_day ON role_usage (day);

-- A relationship requested to replace another with fewer roles (a
-- least-privilege recommendation applied); when the customer approves it,
-- the assignments move and the old relationship ends.
CREATE TABLE relationship_narrowings (
    relationship_id TEXT PRIMARY KEY NOT NULL,
    replaces_id TEXT NOT NULL,
    roles_before TEXT NOT NULL,
    roles_after TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX relationship_narrowings_replaces ON relationship_narrowings (replaces_id);

-- Least privilege: delegated admin relationships, access assignments,
-- just-in-time activations, partner authorization, customer restrictions.
-- Role sets, assignment kinds and restrictions are JSON text; durations are
-- ISO-8601 text; times are milliseconds since the Unix epoch; booleans are
-- 0/1 integers (the same representation on both backends).

CREATE TABLE relationships (
    id TEXT PRIMARY KEY NOT NULL,
    partner_tenant_id TEXT NOT NULL REFERENCES tenants (id),
    customer_tenant_id TEXT NOT NULL REFERENCES tenants (id),
    display_name TEXT NOT NULL,
    -- JSON array of role template ids.
    roles TEXT NOT NULL,
    duration TEXT NOT NULL,
    auto_extend_duration TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('created', 'approval_pending', 'active', 'expired',
                                           'rejected', 'termination_requested', 'terminated')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    approval_requested_at BIGINT,
    activated_at BIGINT,
    end_at BIGINT,
    closed_at BIGINT,
    version BIGINT NOT NULL,
    CHECK (partner_tenant_id <> customer_tenant_id),
    UNIQUE (partner_tenant_id, display_name)
);
CREATE INDEX relationships_partner_customer ON relationships (partner_tenant_id, customer_tenant_id);
CREATE INDEX relationships_customer ON relationships (customer_tenant_id);

CREATE TABLE access_assignments (
    id TEXT PRIMARY KEY NOT NULL,
    relationship_id TEXT NOT NULL REFERENCES relationships (id),
    group_id TEXT NOT NULL REFERENCES security_groups (id),
    -- JSON array of role template ids, a subset of the relationship's.
    roles TEXT NOT NULL,
    -- JSON: {"type": "standing"} or {"type": "eligible", "max_activation": …, "approval_required": …}.
    kind TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'active', 'deleting', 'deleted')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    version BIGINT NOT NULL
);
CREATE INDEX access_assignments_relationship ON access_assignments (relationship_id, id);
-- Deleting a group checks this reference.
CREATE INDEX access_assignments_group ON access_assignments (group_id);

CREATE TABLE activations (
    id TEXT PRIMARY KEY NOT NULL,
    assignment_id TEXT NOT NULL REFERENCES access_assignments (id),
    user_id TEXT NOT NULL REFERENCES partner_users (id),
    justification TEXT NOT NULL,
    duration TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending_approval', 'active', 'denied', 'revoked')),
    requested_at BIGINT NOT NULL,
    decided_by TEXT,
    starts_at BIGINT,
    ends_at BIGINT,
    version BIGINT NOT NULL
);
CREATE INDEX activations_assignment ON activations (assignment_id, id);
CREATE INDEX activations_user ON activations (user_id, id);
-- The access snapshot reads the pending and active ones.
CREATE INDEX activations_status ON activations (status);

-- Whether a partner tenant may act as a partner; no row means not authorized.
CREATE TABLE partner_authorizations (
    tenant_id TEXT PRIMARY KEY NOT NULL REFERENCES tenants (id),
    authorized BIGINT NOT NULL CHECK (authorized IN (0, 1)),
    updated_at BIGINT NOT NULL
);

-- A customer's conditions on partner access; no row means none.
CREATE TABLE customer_restrictions (
    tenant_id TEXT PRIMARY KEY NOT NULL REFERENCES tenants (id),
    -- JSON of the restrictions: {"allowed_ip_ranges": […], "allowed_hours": …}.
    document TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

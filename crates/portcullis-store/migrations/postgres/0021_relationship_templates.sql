-- Relationship templates: the terms and assignments a partner proposes to
-- many customers alike. The whole template is kept as JSON (`body`); the
-- columns are what lists and uniqueness need.

CREATE TABLE relationship_templates (
    id TEXT PRIMARY KEY NOT NULL,
    partner_tenant_id TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    version BIGINT NOT NULL,
    UNIQUE (partner_tenant_id, name)
);

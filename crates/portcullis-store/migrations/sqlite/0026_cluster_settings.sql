-- Cluster-wide settings: configuration kept in the store so that a change
-- made through any node is in force on every node (each applies it when the
-- `setting.update` audit record reaches it through the change feed). One
-- JSON value per setting name; `version` rises by one at each change.

CREATE TABLE cluster_settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

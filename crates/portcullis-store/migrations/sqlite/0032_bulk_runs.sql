-- Background bulk runs (bulk relationship changes, template applications):
-- one row per run with its running counts, and one row per item handled,
-- in the order named. Any node reads a run's progress here; the node that
-- runs it writes each item as it is handled and `finished_at` at the end.
-- `touched_at` moves with every item: a run left unfinished and untouched
-- for a while lost its node and is closed by the sweep.

CREATE TABLE bulk_runs (
    id TEXT PRIMARY KEY NOT NULL,
    partner_tenant_id TEXT,
    operation TEXT NOT NULL,
    dry_run BIGINT NOT NULL,
    total BIGINT NOT NULL,
    done BIGINT NOT NULL,
    failed BIGINT NOT NULL,
    started_at BIGINT NOT NULL,
    touched_at BIGINT NOT NULL,
    finished_at BIGINT,
    error TEXT
);

CREATE INDEX bulk_runs_partner ON bulk_runs (partner_tenant_id, started_at);
CREATE INDEX bulk_runs_open ON bulk_runs (finished_at, touched_at);

CREATE TABLE bulk_run_items (
    run_id TEXT NOT NULL REFERENCES bulk_runs (id) ON DELETE CASCADE,
    item_no BIGINT NOT NULL,
    target TEXT NOT NULL,
    outcome TEXT NOT NULL,
    relationship_id TEXT,
    error TEXT,
    PRIMARY KEY (run_id, item_no)
);

-- The activity stream: OCSF events received or produced (every decision is
-- one), in arrival order. Duplicate `metadata.uid` values are ignored.
CREATE TABLE activity_events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uid TEXT NOT NULL UNIQUE,
    class_uid BIGINT NOT NULL,
    time BIGINT NOT NULL,
    status_id BIGINT NOT NULL,
    partner_tenant_id TEXT,
    user_id TEXT,
    customer_tenant_id TEXT,
    operation TEXT,
    body TEXT NOT NULL
);
CREATE INDEX activity_events_partner ON activity_events (partner_tenant_id, time);
CREATE INDEX activity_events_user ON activity_events (user_id, time);
CREATE INDEX activity_events_customer ON activity_events (customer_tenant_id, time);

-- Customer-side alerts: a subscription made by a customer admin names its
-- tenant, and receives only events concerning that tenant. Operators'
-- subscriptions keep `tenant_id` NULL and receive every event.

ALTER TABLE webhook_subscriptions ADD COLUMN tenant_id TEXT;

CREATE INDEX webhook_subscriptions_tenant ON webhook_subscriptions (tenant_id, id);

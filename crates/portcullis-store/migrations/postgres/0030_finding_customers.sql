-- The customer tenants a finding's evidence touched: kept on the finding
-- (a JSON array, read with it) and one row per customer (so a customer
-- admin's list of the findings concerning its tenant is an index lookup).
-- Older findings concern no customer until new evidence names one.
ALTER TABLE findings ADD COLUMN customers TEXT NOT NULL DEFAULT '[]';

CREATE TABLE finding_customers (
    finding_id TEXT NOT NULL REFERENCES findings (id),
    customer_tenant_id TEXT NOT NULL,
    PRIMARY KEY (finding_id, customer_tenant_id)
);
CREATE INDEX finding_customers_customer ON finding_customers (customer_tenant_id, finding_id);

-- Customer access reviews: one row per review (its items, decisions and
-- outcomes kept as JSON in `body`; the columns are what lists and the
-- worker select on), and each customer's recurring review policy.

CREATE TABLE access_reviews (
    id TEXT PRIMARY KEY NOT NULL,
    customer_tenant_id TEXT NOT NULL,
    partner_tenant_id TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('in_progress', 'completed')),
    created_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL
);

CREATE INDEX access_reviews_customer ON access_reviews (customer_tenant_id, id);
CREATE INDEX access_reviews_pair ON access_reviews (customer_tenant_id, partner_tenant_id, created_at);
CREATE INDEX access_reviews_open ON access_reviews (status, due_at);

CREATE TABLE access_review_policies (
    customer_tenant_id TEXT PRIMARY KEY NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL
);

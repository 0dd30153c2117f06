-- The UTS #39 confusable skeleton of each user principal name, unique per
-- tenant, so `bob@` and `bоb@` (Cyrillic о) cannot both exist in one tenant.
-- SQL cannot compute a skeleton: rows written before this migration are
-- filled in by the store right after it migrates (`SqlStore::migrate`);
-- until then they are NULL, which the unique index does not compare.
-- 0013 is left to the console's sessions, being written alongside.
ALTER TABLE partner_users ADD COLUMN upn_skeleton TEXT;
CREATE UNIQUE INDEX partner_users_tenant_skeleton ON partner_users (tenant_id, upn_skeleton);

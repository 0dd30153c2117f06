-- Whom a one-time sign-in link signs in: an operator (every link before
-- this migration), or a partner or customer admin of one tenant (the demo
-- prints one of each). Numbered 0018 to stay clear of migrations being
-- written alongside.
ALTER TABLE sign_in_links ADD COLUMN kind TEXT NOT NULL DEFAULT 'operator';
ALTER TABLE sign_in_links ADD COLUMN tenant_id TEXT;

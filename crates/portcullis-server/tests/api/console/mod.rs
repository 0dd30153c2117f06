//! The console, end to end: in a real browser (headless Chromium driven
//! through chromedriver) for the flows people use, and over plain HTTP for
//! the security properties (sessions, CSRF, headers, isolation).

mod access_reviews;
mod accessibility;
mod browser;
mod bulk_runs;
mod capped_tables;
mod close_reasons;
mod customer_findings;
mod customer_groups;
mod findings_table;
mod flows;
mod isolation;
mod least_privilege;
mod link;
mod ops_browser;
mod ops_pages;
mod ops_tables;
mod ops_world;
mod refill;
mod refusals;
mod relationships_table;
mod review_policy;
mod security;
mod templates;
mod tenant_flows;
mod tenant_isolation;
mod tenant_xss;
mod web;
pub(crate) mod world;

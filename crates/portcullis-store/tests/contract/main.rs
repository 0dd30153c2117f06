//! The store contract: every test here runs once per backend (SQLite and
//! PostgreSQL), through the `contract!` macro.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod access_fixtures;
mod support;

mod access_batches;
mod access_reviews;
mod activations;
mod announcements;
mod assignments;
mod atomicity;
mod audit;
mod authorization;
mod bulk_runs;
mod counts;
mod detection_partitions;
mod events;
mod findings;
mod groups;
mod intel;
mod leases;
mod posture;
mod relationships;
mod sessions;
mod settings;
mod snapshot;
mod tamper;
mod templates;
mod tenants;
mod tokens;
mod usage;
mod users;
mod vetting;
mod watchlists;
mod webhooks;

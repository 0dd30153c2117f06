//! The HTTP API, end to end: the real server on an ephemeral port, a fresh
//! database per test, real HTTP through `reqwest`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod access_reviews;
mod audit;
mod authzen;
pub(crate) mod console;
mod customer_webhooks;
mod errors;
mod events;
mod finding_answers;
mod gdap;
mod graph;
mod groups;
mod isolation;
mod nats;
mod posture;
mod settings;
mod subscribed;
mod support;
mod system;
mod templates;
mod tenants;
mod tokens;
mod transport;
mod usage;
mod users;
mod vetting;
mod webhooks;

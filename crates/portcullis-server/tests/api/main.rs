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
mod console;
mod errors;
mod events;
mod gdap;
mod graph;
mod groups;
mod isolation;
mod nats;
mod posture;
mod support;
mod system;
mod tenants;
mod tokens;
mod transport;
mod usage;
mod users;
mod vetting;
mod webhooks;

//! The `portcullis` binary, run as a user would run it.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod audit;
mod checkpoints;
mod cluster_settings;
mod config;
mod database;
mod decisions;
mod demo;
mod detect;
mod keyed_tokens;
mod leader;
mod nats_server;
mod posture;
mod readiness;
mod readme;
mod reviews;
mod serve;
mod soak;
mod soak_world;
mod support;
mod templates;
mod two_nodes;
mod vetting;

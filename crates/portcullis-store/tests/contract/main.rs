//! The store contract: every test here runs once per backend (SQLite and
//! PostgreSQL), through the `contract!` macro.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]

mod support;

mod atomicity;
mod audit;
mod groups;
mod tamper;
mod tenants;
mod tokens;
mod users;

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! The vetting checks, each against real components: a real DNS server on
//! 127.0.0.1 for domain ownership, real parsers and lists for the rest.

mod country;
mod dns;
mod domain;
mod email;
mod findings;
mod risk;

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! The integration tests of `portcullis-intel`, in one binary.

mod conformance_patterns;
mod import_any;
mod import_csv;
mod import_stix;
mod index;
mod pattern_eval;
mod pattern_parse;
mod support;
mod taxii;

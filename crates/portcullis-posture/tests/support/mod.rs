//! Shared helpers for the integration tests.
#![allow(dead_code, reason = "each test binary uses a different subset")]

use std::path::PathBuf;

use time::OffsetDateTime;
use time::macros::datetime;

/// The instant the tests evaluate at.
pub const NOW: OffsetDateTime = datetime!(2026-11-25 12:00 UTC);

/// `shared/conformance/scubagear-aad`, found beside the repository (or above
/// it), or at `$PORTCULLIS_SHARED_DIR/conformance/scubagear-aad`.
pub fn conformance_dir() -> PathBuf {
    portcullis_testkit::conformance_dir("scubagear-aad")
}

/// A snapshot in which every default requirement passes.
pub fn compliant_snapshot() -> serde_json::Value {
    serde_json::from_str(include_str!("compliant.json")).unwrap()
}

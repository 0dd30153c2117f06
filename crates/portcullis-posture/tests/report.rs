#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! A snapshot against a baseline, end to end: the JSON report the offline
//! `portcullis posture evaluate` prints, and the errors it reports.

mod support;

use std::path::Path;

use portcullis_posture::{
    Baseline, BaselineError, PostureConfig, Snapshot, SnapshotError, evaluate,
};

fn report_json(snapshot: &[u8], baseline: &Baseline) -> serde_json::Value {
    let snapshot = Snapshot::parse(snapshot).unwrap();
    let report = evaluate(baseline, &snapshot, support::NOW, &PostureConfig::default());
    serde_json::to_value(&report).unwrap()
}

#[test]
fn evaluating_a_snapshot_gives_the_json_report() {
    let bytes = serde_json::to_vec(&support::compliant_snapshot()).unwrap();
    let report = report_json(&bytes, &Baseline::default_partner().unwrap());
    assert_eq!(report["compliant"], true);
    assert_eq!(report["results"].as_array().unwrap().len(), 17);
}

#[test]
fn a_baseline_directory_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("v.rego"),
        "package portcullis.baseline\nversion := \"acme-1\"\n",
    )
    .unwrap();
    let bytes = serde_json::to_vec(&support::compliant_snapshot()).unwrap();
    let report = report_json(&bytes, &Baseline::load_dir(dir.path()).unwrap());
    assert!(
        report["baseline_version"]
            .as_str()
            .unwrap()
            .starts_with("acme-1+sha256:")
    );
}

#[test]
fn a_noncompliant_scubagear_export_is_a_report_not_an_error() {
    let bytes =
        std::fs::read(support::conformance_dir().join("sample-provider-export.json")).unwrap();
    let report = report_json(&bytes, &Baseline::default_partner().unwrap());
    assert_eq!(report["compliant"], false);
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let err = Snapshot::parse(b"not json").unwrap_err();
    assert!(
        matches!(
            err,
            SnapshotError::NotJson {
                line: 1,
                column: 2,
                ..
            }
        ),
        "{err:?}"
    );
    let err = Baseline::load_dir(Path::new("/nonexistent/rules")).unwrap_err();
    assert!(matches!(err, BaselineError::Io { .. }), "{err:?}");
}

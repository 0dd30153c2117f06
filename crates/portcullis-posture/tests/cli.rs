#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! The offline `posture evaluate` entry point.

mod support;

use std::path::Path;

use portcullis_posture::{PostureError, SnapshotError, evaluate_cli};

#[test]
fn evaluating_a_snapshot_file_prints_the_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snapshot.json");
    std::fs::write(
        &file,
        serde_json::to_vec(&support::compliant_snapshot()).unwrap(),
    )
    .unwrap();
    let out = evaluate_cli(&file, None, support::NOW).unwrap();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["compliant"], true);
    assert_eq!(report["results"].as_array().unwrap().len(), 17);
}

#[test]
fn a_baseline_directory_is_applied() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("snapshot.json");
    std::fs::write(
        &file,
        serde_json::to_vec(&support::compliant_snapshot()).unwrap(),
    )
    .unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    std::fs::write(
        rules.join("v.rego"),
        "package portcullis.baseline\nversion := \"acme-1\"\n",
    )
    .unwrap();
    let out = evaluate_cli(&file, Some(&rules), support::NOW).unwrap();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert!(
        report["baseline_version"]
            .as_str()
            .unwrap()
            .starts_with("acme-1+sha256:")
    );
}

#[test]
fn a_noncompliant_scubagear_export_is_a_report_not_an_error() {
    let file = support::conformance_dir().join("sample-provider-export.json");
    let out = evaluate_cli(&file, None, support::NOW).unwrap();
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["compliant"], false);
}

#[test]
fn bad_inputs_are_errors_that_say_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("absent.json");
    let err = evaluate_cli(&missing, None, support::NOW).unwrap_err();
    assert!(matches!(err, PostureError::Io { .. }));
    assert!(
        err.to_string()
            .starts_with(&format!("cannot read snapshot `{}`", missing.display())),
        "{err}"
    );

    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "not json").unwrap();
    let err = evaluate_cli(&garbage, None, support::NOW).unwrap_err();
    assert!(
        matches!(
            err,
            PostureError::Snapshot(SnapshotError::NotJson {
                line: 1,
                column: 2,
                ..
            })
        ),
        "{err:?}"
    );

    let file = dir.path().join("ok.json");
    std::fs::write(&file, "{}").unwrap();
    let err = evaluate_cli(&file, Some(Path::new("/nonexistent/rules")), support::NOW).unwrap_err();
    assert!(matches!(err, PostureError::Baseline(_)), "{err:?}");
}

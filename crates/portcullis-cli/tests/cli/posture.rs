//! `portcullis posture evaluate`: errors that name what is wrong.

use crate::support::{portcullis, run, stderr};

#[test]
fn posture_evaluate_of_a_missing_snapshot_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out =
        run(portcullis(dir.path()).args(["posture", "evaluate", "--snapshot", "absent.json"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read snapshot `absent.json`"),
        "{}",
        stderr(&out)
    );
    std::fs::write(dir.path().join("ok.json"), "{}").unwrap();
    let out = run(portcullis(dir.path()).args([
        "posture",
        "evaluate",
        "--snapshot",
        "ok.json",
        "--baseline",
        "/nonexistent/rules",
    ]));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/nonexistent/rules"),
        "{}",
        stderr(&out)
    );
}

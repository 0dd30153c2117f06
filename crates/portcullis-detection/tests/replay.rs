#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! Offline detection over NDJSON.

use portcullis_detection::cli::{detect, detect_with};
use portcullis_detection::{Config, Engine};

fn sign_in(uid: &str, customer: &str, t: i64) -> String {
    format!(
        r#"{{"class_uid":3002,"time":{t},"status_id":1,"user":{{"uid":"u","org":{{"uid":"p"}}}},"cloud":{{"account":{{"uid":"{customer}"}}}},"metadata":{{"uid":"{uid}"}}}}"#
    )
}

fn action(uid: &str, customer: &str, op: &str, t: i64) -> String {
    format!(
        r#"{{"class_uid":6003,"time":{t},"status_id":1,"actor":{{"user":{{"uid":"u","org":{{"uid":"p"}}}}}},"api":{{"operation":"{op}"}},"cloud":{{"account":{{"uid":"{customer}"}}}},"metadata":{{"uid":"{uid}"}}}}"#
    )
}

#[test]
fn findings_are_written_as_ocsf_lines_with_a_summary() {
    let input = [
        sign_in("e1", "c1", 1000),
        action("e2", "c1", "applications.credentials.add", 2000),
    ]
    .join("\n");
    let mut out = Vec::new();
    let summary = detect(input.as_bytes(), &mut out).unwrap();
    assert_eq!(
        (summary.lines, summary.events, summary.findings_new),
        (2, 2, 1)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["class_uid"], 2004);
    assert_eq!(lines[0]["finding_info"]["analytic"]["uid"], "PCD-006");
    assert_eq!(lines[0]["evidences"][0]["metadata"]["uid"], "e2");
}

#[test]
fn out_of_order_input_within_the_lateness_is_processed_in_time_order() {
    // The action comes first in the file but after the sign-in in time.
    let input = [
        action("e2", "c1", "federation.update", 2000),
        sign_in("e1", "c1", 1000),
    ]
    .join("\n");
    let mut out = Vec::new();
    let summary = detect(input.as_bytes(), &mut out).unwrap();
    assert_eq!(summary.late, 0);
    assert_eq!(summary.findings_new, 1);
}

#[test]
fn events_later_than_the_lateness_are_counted_late_and_still_processed() {
    let input = [
        sign_in("e1", "c1", 10 * 60_000),
        sign_in("e2", "c2", 20 * 60_000),
        sign_in("e3", "c3", 1),
    ]
    .join("\n");
    let mut engine = Engine::new(Config::default());
    let summary = detect_with(&mut engine, input.as_bytes(), std::io::sink(), 60_000).unwrap();
    assert_eq!(summary.late, 1);
    assert_eq!(summary.events, 3);
}

#[test]
fn bad_lines_are_reported_with_their_numbers_and_the_rest_is_kept() {
    let input = [
        sign_in("e1", "c1", 1000),
        "{broken".to_owned(),
        String::new(),
        r#"{"class_uid":3002,"time":"yesterday","user":{"uid":"u"}}"#.to_owned(),
        action("e2", "c1", "roles.assignments.create", 2000),
    ]
    .join("\n");
    let mut out = Vec::new();
    let summary = detect(input.as_bytes(), &mut out).unwrap();
    assert_eq!(summary.bad_lines, 2);
    assert_eq!(
        summary.errors.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
        [2, 4]
    );
    assert!(summary.errors[1].1.starts_with("bad `time`"));
    assert_eq!(summary.events, 2);
    assert_eq!(
        summary.findings_new, 1,
        "good lines around bad ones still detect"
    );
}

#[test]
fn duplicate_event_ids_are_skipped() {
    let line = sign_in("same", "c1", 1000);
    let input = [line.clone(), line].join("\n");
    let summary = detect(input.as_bytes(), std::io::sink()).unwrap();
    assert_eq!((summary.events, summary.duplicates), (1, 1));
}

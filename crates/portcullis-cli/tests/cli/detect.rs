//! `portcullis detect`: an OCSF NDJSON file through the detection engine,
//! offline.

use serde_json::Value;

use crate::support::{portcullis, run, stderr, stdout, usual_history};

/// When the suspicious part starts: 2024-10-04 09:00 UTC.
const AT: i64 = 1_728_032_400_000;

/// User `u` of partner `p` has worked in customers `c1` and `c2` every day
/// for the eight days before `AT`: its baseline is learned.
fn history() -> Vec<String> {
    usual_history("u", "p", &["c1", "c2"], AT)
        .iter()
        .map(Value::to_string)
        .collect()
}

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
fn detect_writes_ocsf_findings_and_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    // A settled user signs in to a usual customer and, a minute later, adds
    // credentials to an application there: a first after eight days of work.
    let mut input = history();
    let history_len = input.len();
    input.extend([
        sign_in("e1", "c1", AT),
        action("e2", "c1", "applications.credentials.add", AT + 60_000),
    ]);
    let input = input.join("\n");
    std::fs::write(dir.path().join("in.ndjson"), input).unwrap();
    let out = run(portcullis(dir.path()).args(["detect", "--input", "in.ndjson"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["class_uid"], 2004);
    assert_eq!(lines[0]["finding_info"]["analytic"]["uid"], "PCD-006");
    assert_eq!(lines[0]["evidences"][0]["metadata"]["uid"], "e2");
    assert!(
        stderr(&out).contains(&format!(
            "{n} lines, {n} events, 0 duplicates, 0 late, 0 bad lines; 1 new findings, 0 updates",
            n = history_len + 2
        )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn detect_reports_bad_lines_by_number_and_keeps_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut input = history();
    let h = input.len();
    input.extend([
        sign_in("e1", "c1", AT),
        "{broken".to_owned(),
        String::new(),
        r#"{"class_uid":3002,"time":"yesterday","status_id":1,"user":{"uid":"u"}}"#.to_owned(),
        action("e2", "c1", "roles.assignments.create", AT + 60_000),
        sign_in("e1", "c1", AT),
    ]);
    let input = input.join("\n");
    std::fs::write(dir.path().join("in.ndjson"), input).unwrap();
    let out = run(portcullis(dir.path())
        .args(["detect", "--input", "-"])
        .stdin(std::fs::File::open(dir.path().join("in.ndjson")).unwrap()));
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{} lines, {} events, 1 duplicates, 0 late, 2 bad lines; 1 new findings",
            h + 6,
            h + 2
        )),
        "good lines around bad ones still detect: {err}"
    );
    assert!(
        err.contains(&format!("\nline {}: event: is not JSON", h + 2)),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "\nline {}: time: must be milliseconds since the Unix epoch, before the year 10000",
            h + 4
        )),
        "{err}"
    );
    assert_eq!(stdout(&out).lines().count(), 1);
}

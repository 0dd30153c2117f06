//! `portcullis screen`, `intel`, `watchlist` and `posture`: the offline
//! checks and the loads, run as a user runs them.

use serde_json::Value;

use crate::support::{portcullis, run, stderr, stdout, usual_history};

#[test]
fn screen_finds_a_transliterated_officer_and_reports_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("sanctions.jsonl"),
        concat!(
            r#"{"id":"p1","schema":"Person","properties":{"name":["Владимир Путин"],"country":["ru"],"birthDate":["1952-10-07"]}}"#,
            "\n",
            r#"{"id":"c1","schema":"Company","properties":{"name":["11420 CORP."],"country":["us"]}}"#,
            "\n",
            "not json\n",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("applicants.jsonl"),
        concat!(
            r#"{"id":"a1","name":"Vladimir Putin","country":"RU","birth_year":1952,"kind":"person"}"#,
            "\n",
            r#"{"id":"a2","name":"BELLETECH CORP","country":"US","kind":"organization"}"#,
            "\n",
            r#"{"id":"a3","name":""}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = run(portcullis(dir.path()).args([
        "screen",
        "--watchlist",
        "sanctions.jsonl",
        "--input",
        "applicants.jsonl",
    ]));
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2, "the bad applicant line is not screened");
    assert_eq!(lines[0]["id"], "a1");
    assert_eq!(lines[0]["matches"][0]["entity_id"], "p1");
    assert!(lines[0]["matches"][0]["score"].as_f64().unwrap() >= 0.7);
    assert!(lines[0]["matches"][0]["features"].is_object());
    assert_eq!(lines[1]["id"], "a2");
    assert_eq!(
        lines[1]["matches"],
        serde_json::json!([]),
        "a shared legal form alone is no match"
    );
    let err = stderr(&out);
    assert!(err.contains("sanctions.jsonl: line 3"), "{err}");
    assert!(err.contains("applicants.jsonl: line 3"), "{err}");
}

#[test]
fn check_pattern_exits_zero_for_valid_and_one_with_the_error() {
    let dir = tempfile::tempdir().unwrap();
    let ok = run(portcullis(dir.path()).args([
        "intel",
        "check-pattern",
        "[ipv4-addr:value ISSUBSET '198.51.100.0/24'] OR [domain-name:value = 'evil.example']",
    ]));
    assert!(ok.status.success());
    assert_eq!(stdout(&ok).trim(), "valid");
    let bad = run(portcullis(dir.path()).args(["intel", "check-pattern", "[ipv4-addr:value = ]"]));
    assert_eq!(bad.status.code(), Some(1));
    assert!(stdout(&bad).contains("column"), "{}", stdout(&bad));
}

#[test]
fn intel_import_and_watchlist_load_write_the_database() {
    let dir = tempfile::tempdir().unwrap();
    crate::support::migrate(dir.path(), &[]);
    let bundle = portcullis_testkit::conformance_dir("stix-bundles").join("apt1.json");
    let out = run(portcullis(dir.path())
        .args(["intel", "import", "--source", "apt1"])
        .arg(&bundle));
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("source `apt1`"), "{text}");
    assert!(text.contains("domain-name"), "{text}");
    assert!(text.contains("stored:"), "{text}");
    // The same file again changes nothing.
    let again = run(portcullis(dir.path())
        .args(["intel", "import", "--source", "apt1"])
        .arg(&bundle));
    assert!(
        stdout(&again).contains(" 0 new, 0 updated"),
        "{}",
        stdout(&again)
    );

    std::fs::write(
        dir.path().join("peps.csv"),
        "id,schema,name,aliases,countries,birth_date\nx1,Person,Jane Roe,,gb,1960\n",
    )
    .unwrap();
    let out = run(portcullis(dir.path()).args(["watchlist", "load", "peps.csv"]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("watchlist `peps` version 1: 1 entities"),
        "{}",
        stdout(&out)
    );
    let bad =
        run(portcullis(dir.path()).args(["watchlist", "load", "--format", "xml", "peps.csv"]));
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("`xml` is not a watchlist format"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn posture_evaluate_prints_a_report_and_exits_zero_when_noncompliant() {
    let dir = tempfile::tempdir().unwrap();
    let export =
        portcullis_testkit::conformance_dir("scubagear-aad").join("sample-provider-export.json");
    let out = run(portcullis(dir.path())
        .args(["posture", "evaluate", "--snapshot"])
        .arg(&export));
    assert!(out.status.success(), "{}", stderr(&out));
    let report: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(report["compliant"], false);
    assert!(
        report["baseline_version"]
            .as_str()
            .unwrap()
            .starts_with("partner-")
    );
    let results = report["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["policy_id"] == "MS.AAD.1.1v1"));
    for r in results {
        assert!(
            ["pass", "fail", "not_applicable", "error"].contains(&r["status"].as_str().unwrap())
        );
    }
    std::fs::write(
        dir.path().join("broken.json"),
        "{\"conditional_access_policies\": 7}",
    )
    .unwrap();
    let bad =
        run(portcullis(dir.path()).args(["posture", "evaluate", "--snapshot", "broken.json"]));
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("conditional_access_policies"),
        "{}",
        stderr(&bad)
    );
}

#[tokio::test]
async fn intel_pull_imports_a_taxii_collection_and_resumes_after_added_last() {
    use portcullis_testkit::medallion;
    let Some(python) = medallion::python() else {
        return;
    };
    let bundle: Value = serde_json::from_slice(
        &std::fs::read(portcullis_testkit::conformance_dir("stix-bundles").join("poisonivy.json"))
            .unwrap(),
    )
    .unwrap();
    let objects: Vec<(Value, String)> = bundle["objects"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(n, o)| {
            (
                o.clone(),
                format!("2024-01-01T00:{:02}:{:02}.000000Z", n / 60, n % 60),
            )
        })
        .collect();
    let server = medallion::start(&python, &objects, 10).await;
    let dir = tempfile::tempdir().unwrap();
    crate::support::migrate(dir.path(), &[]);
    let pull = |extra: &[&str]| {
        let mut cmd = portcullis(dir.path());
        cmd.args([
            "intel",
            "pull",
            "--api-root",
            &server.api_root(),
            "--collection",
        ])
        .arg(medallion::COLLECTION)
        .args([
            "--source",
            "apt1-feed",
            "--user",
            medallion::USER,
            "--password-env",
            "FEED_PASSWORD",
        ])
        .args(extra)
        .env("FEED_PASSWORD", medallion::PASSWORD);
        run(&mut cmd)
    };
    let out = pull(&[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!("pulled {} objects", objects.len())),
        "{text}"
    );
    assert!(text.contains("ipv4-addr"), "{text}");
    assert!(text.contains("25 indicators"), "{text}");
    let last = text
        .lines()
        .find_map(|l| l.strip_prefix("added_last: "))
        .unwrap()
        .to_owned();
    // Resuming after the last object added brings nothing new.
    let again = pull(&["--added-after", &last]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert!(
        stdout(&again).contains("pulled 0 objects"),
        "{}",
        stdout(&again)
    );
    // Wrong credentials are a clear error, exit 2.
    let mut cmd = portcullis(dir.path());
    cmd.args([
        "intel",
        "pull",
        "--api-root",
        &server.api_root(),
        "--collection",
    ])
    .arg(medallion::COLLECTION)
    .args([
        "--source",
        "apt1-feed",
        "--user",
        "reader",
        "--password-env",
        "FEED_PASSWORD",
    ])
    .env("FEED_PASSWORD", "wrong");
    let denied = run(&mut cmd);
    assert_eq!(denied.status.code(), Some(2));
    assert!(
        stderr(&denied).contains("401") || stderr(&denied).to_lowercase().contains("auth"),
        "{}",
        stderr(&denied)
    );
}

#[test]
fn detect_replays_a_file_and_writes_findings() {
    let dir = tempfile::tempdir().unwrap();
    let start = 1_800_000_000_000_i64;
    // A technician who works in the same two customers every day, from the
    // office address, ...
    let mut lines: Vec<String> = usual_history(
        "tech-1",
        "contoso",
        &["customer-usual-1", "customer-usual-2"],
        start,
    )
    .into_iter()
    .map(|mut e| {
        e["src_endpoint"] = serde_json::json!({"ip": "198.51.100.20"});
        e.to_string()
    })
    .collect();
    // ... signs in to 12 customers nobody at the partner ever reached, one
    // a minute.
    lines.extend((0..12).map(|n| {
        serde_json::json!({"class_uid": 3002, "time": start + n * 60_000, "status_id": 1,
            "metadata": {"uid": format!("e{n}")},
            "user": {"uid": "tech-1", "org": {"uid": "contoso"}},
            "cloud": {"account": {"uid": format!("customer-{n}")}},
            "src_endpoint": {"ip": "198.51.100.20"}, "is_mfa": true})
        .to_string()
    }));
    lines.insert(3, "{broken".into());
    std::fs::write(dir.path().join("month.ndjson"), lines.join("\n")).unwrap();
    let out = run(portcullis(dir.path()).args(["detect", "--input", "month.ndjson"]));
    assert!(out.status.success(), "{}", stderr(&out));
    let findings: Vec<Value> = stdout(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        findings
            .iter()
            .any(|f| f["class_uid"] == 2004 && f["finding_info"]["analytic"]["uid"] == "PCD-001"),
        "{findings:?}"
    );
    assert!(stderr(&out).contains("line 4"), "{}", stderr(&out));
}

//! Importing STIX JSON: the OASIS example bundles, JSON lines, bad input.

use portcullis_intel::{ImportError, MAX_IMPORT_BYTES, Observable, RecordAt, parse_stix_bundle};
use serde_json::{Value, json};
use time::macros::datetime;

use crate::support::{conformance_dir, conformance_lines};

#[test]
fn every_conformance_bundle_imports_without_rejections() {
    let expected = [
        ("apt1.json", 12, 76),
        ("indicator-for-c2-ip-address.json", 1, 1),
        ("indicator-to-campaign-relationship.json", 1, 3),
        ("indicators-for-C2-with-COA.json", 2, 8),
        ("malicious-email-indicator-with-attachment.json", 2, 6),
        ("poisonivy.json", 25, 155),
    ];
    for (file, indicators, objects) in expected {
        let bytes = std::fs::read(conformance_dir("stix-bundles").join(file)).unwrap();
        let report = parse_stix_bundle(&bytes).unwrap();
        assert!(report.rejected.is_empty(), "{file}: {:?}", report.rejected);
        assert!(report.skipped.is_empty(), "{file}: {:?}", report.skipped);
        assert_eq!(report.indicators.len(), indicators, "{file}");
        let others: usize = report.other_objects.values().sum();
        assert_eq!(indicators + others, objects, "{file}");
    }
}

#[test]
fn poisonivy_counts_by_observable_type() {
    let bytes = std::fs::read(conformance_dir("stix-bundles").join("poisonivy.json")).unwrap();
    let report = parse_stix_bundle(&bytes).unwrap();
    let counts = report.counts_by_type();
    assert_eq!(counts.values().sum::<usize>(), 25);
    assert_eq!(counts.get("file"), Some(&2));
    assert_eq!(report.other_objects.get("relationship"), Some(&90));
}

#[test]
fn the_indicator_list_imports_as_json_lines_with_the_reference_object_paths() {
    let path = conformance_dir("stix-bundles").join("indicators.jsonl");
    let report = parse_stix_bundle(&std::fs::read(path).unwrap()).unwrap();
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
    assert_eq!(report.indicators.len(), 43);
    let mut network_only = 0;
    for line in conformance_lines("stix-bundles", "indicators.jsonl") {
        let reference: Value = serde_json::from_str(&line).unwrap();
        let id = reference["id"].as_str().unwrap();
        let ours = report.indicators.iter().find(|i| i.id == id).unwrap();
        let mut paths: Vec<String> = ours
            .pattern
            .object_paths()
            .iter()
            // The reference prints keys unquoted and stops at a list index.
            .map(|p| {
                let text = p.to_string().replace('\'', "");
                text.split('[').next().unwrap().to_owned()
            })
            .collect();
        paths.sort();
        paths.dedup();
        let mut expected: Vec<String> = reference["object_paths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().to_owned())
            .collect();
        expected.sort();
        assert_eq!(paths, expected, "{id}");
        assert_eq!(
            ours.pattern.is_network_only(),
            reference["network_only"],
            "{id}"
        );
        network_only += usize::from(ours.pattern.is_network_only());
    }
    assert_eq!(network_only, 33);
}

#[test]
fn apt1_cidr_indicators_match_addresses_inside_the_range() {
    let bytes = std::fs::read(conformance_dir("stix-bundles").join("apt1.json")).unwrap();
    let report = parse_stix_bundle(&bytes).unwrap();
    let inside = Observable::guess("223.167.1.2").unwrap();
    let hits: Vec<&str> = report
        .indicators
        .iter()
        .filter(|i| i.pattern.matches(&inside))
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(hits.len(), 1);
}

fn indicator(id: &str, pattern: &str) -> Value {
    json!({
        "type": "indicator", "spec_version": "2.1", "id": id,
        "created": "2024-01-01T00:00:00Z", "modified": "2024-01-01T00:00:00Z",
        "pattern": pattern, "pattern_type": "stix", "valid_from": "2024-01-01T00:00:00Z"
    })
}

const ID_A: &str = "indicator--00000000-0000-4000-8000-00000000000a";
const ID_B: &str = "indicator--00000000-0000-4000-8000-00000000000b";

#[test]
fn broken_json_lines_are_rejected_by_line_and_the_good_lines_kept() {
    let text = format!(
        "{}\n{{\"type\": \"indicator\", broken\n\n{}\n[1]\n{{\"foo\": 1}}\n",
        indicator(ID_A, "[domain-name:value = 'a.example']"),
        indicator(ID_B, "[domain-name:value = 'b.example']"),
    );
    let report = parse_stix_bundle(text.as_bytes()).unwrap();
    assert_eq!(report.indicators.len(), 2);
    let lines: Vec<(RecordAt, &str)> = report
        .rejected
        .iter()
        .map(|r| (r.at, r.reason.as_str()))
        .collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0].0, RecordAt::Line(2));
    assert!(lines[0].1.starts_with("invalid json"), "{}", lines[0].1);
    assert_eq!(
        lines[1],
        (
            RecordAt::Line(5),
            "expected a STIX object, found a JSON array"
        )
    );
    assert_eq!(
        lines[2],
        (
            RecordAt::Line(6),
            "unknown schema: no `type` and no STIX `id`"
        )
    );
}

#[test]
fn a_broken_single_document_fails_whole_with_its_position() {
    let error = parse_stix_bundle(b"{\"type\": \"bundle\",\n \"objects\": [ }").unwrap_err();
    assert!(
        matches!(error, ImportError::InvalidJson { line: 2, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .starts_with("invalid json at line 2, column")
    );
}

#[test]
fn unknown_shapes_empty_and_oversized_input_fail_clearly() {
    assert_eq!(
        parse_stix_bundle(b"{\"foo\": 1}").unwrap_err().to_string(),
        "unknown schema: a JSON object that is neither a STIX bundle nor a STIX object"
    );
    assert_eq!(
        parse_stix_bundle(b"42").unwrap_err().to_string(),
        "unknown schema: expected a STIX bundle or object, found a JSON number"
    );
    assert_eq!(
        parse_stix_bundle(b"{\"type\": \"bundle\", \"objects\": 3}").unwrap_err(),
        ImportError::UnknownSchema("`objects` is not a list".into())
    );
    assert_eq!(parse_stix_bundle(b" \n ").unwrap_err(), ImportError::Empty);
    let huge = vec![b' '; MAX_IMPORT_BYTES + 1];
    assert_eq!(
        parse_stix_bundle(&huge).unwrap_err(),
        ImportError::TooLarge {
            size: MAX_IMPORT_BYTES + 1,
            max: MAX_IMPORT_BYTES
        }
    );
}

#[test]
fn bad_indicator_records_are_rejected_with_their_reason() {
    let mut no_valid_from = indicator(ID_A, "[domain-name:value = 'a.example']");
    no_valid_from.as_object_mut().unwrap().remove("valid_from");
    let mut backwards = indicator(ID_A, "[domain-name:value = 'a.example']");
    backwards["valid_until"] = json!("2023-01-01T00:00:00Z");
    let mut bad_confidence = indicator(ID_A, "[domain-name:value = 'a.example']");
    bad_confidence["confidence"] = json!(101);
    let mut bad_time = indicator(ID_A, "[domain-name:value = 'a.example']");
    bad_time["valid_from"] = json!("yesterday");
    let cases = [
        (
            indicator(ID_A, "[domain-name:value = ]"),
            "bad pattern: expected a literal, found `]` at line 1, column 22",
        ),
        (no_valid_from, "missing `valid_from`"),
        (backwards, "`valid_until` is not after `valid_from`"),
        (
            bad_confidence,
            "`confidence` `101` is not an integer from 0 to 100",
        ),
        (
            bad_time,
            "`valid_from` `yesterday` is not an RFC 3339 timestamp",
        ),
        (
            indicator("malware--00000000-0000-4000-8000-00000000000a", "[a:b = 1]"),
            "`id` `malware--00000000-0000-4000-8000-00000000000a` is not an indicator id",
        ),
    ];
    for (object, reason) in cases {
        let bundle = json!({"type": "bundle", "id": "bundle--1", "objects": [object]});
        let report = parse_stix_bundle(bundle.to_string().as_bytes()).unwrap();
        assert!(report.indicators.is_empty());
        assert_eq!(report.rejected.len(), 1);
        assert_eq!(report.rejected[0].reason, reason);
        assert_eq!(report.rejected[0].at, RecordAt::Object(0));
    }
}

#[test]
fn other_pattern_languages_are_skipped_with_the_reason() {
    let mut sigma = indicator(ID_A, "title: x");
    sigma["pattern_type"] = json!("sigma");
    let bundle = json!({"type": "bundle", "id": "bundle--1", "objects": [sigma, indicator(ID_B, "[url:value = 'http://x.example/']")]});
    let report = parse_stix_bundle(bundle.to_string().as_bytes()).unwrap();
    assert_eq!(report.indicators.len(), 1);
    assert!(report.rejected.is_empty());
    assert_eq!(
        report.skipped[0].reason,
        "pattern type `sigma` is not supported"
    );
    assert_eq!(report.skipped[0].id.as_deref(), Some(ID_A));
}

#[test]
fn the_latest_version_of_an_indicator_wins() {
    let old = indicator(ID_A, "[domain-name:value = 'old.example']");
    let mut new = indicator(ID_A, "[domain-name:value = 'new.example']");
    new["modified"] = json!("2024-06-01T00:00:00Z");
    let envelope = json!({"more": false, "objects": [new, old]});
    let report = parse_stix_bundle(envelope.to_string().as_bytes()).unwrap();
    assert_eq!(report.indicators.len(), 1);
    assert!(report.indicators[0].pattern.text().contains("new.example"));
    assert_eq!(report.skipped[0].at, RecordAt::Object(1));
    assert_eq!(report.skipped[0].reason, "superseded by a later version");
}

#[test]
fn activity_follows_revocation_and_the_validity_window() {
    let mut object = indicator(ID_A, "[domain-name:value = 'a.example']");
    object["valid_until"] = json!("2024-02-01T00:00:00Z");
    let report = parse_stix_bundle(object.to_string().as_bytes()).unwrap();
    let mut indicator = report.indicators[0].clone();
    assert!(!indicator.is_active(datetime!(2023-12-31 23:59:59 UTC)));
    assert!(indicator.is_active(datetime!(2024-01-01 00:00:00 UTC)));
    assert!(indicator.is_active(datetime!(2024-01-31 23:59:59 UTC)));
    assert!(!indicator.is_active(datetime!(2024-02-01 00:00:00 UTC)));
    indicator.revoked = true;
    assert!(!indicator.is_active(datetime!(2024-01-15 00:00:00 UTC)));
}

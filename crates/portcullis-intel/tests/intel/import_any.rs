//! Pattern checking and importing either format by its first character, as
//! `portcullis intel check-pattern` and the import endpoints use them.

use portcullis_intel::{Pattern, import_bytes};

use crate::support::conformance_dir;

#[test]
fn check_pattern_accepts_valid_and_explains_invalid() {
    assert!(Pattern::parse("[ipv4-addr:value = '10.0.0.0/8']").is_ok());
    let error = Pattern::parse("[ipv4-addr:value = ]").unwrap_err();
    assert_eq!(
        error.to_string(),
        "expected a literal, found `]` at line 1, column 20"
    );
}

#[test]
fn import_reads_a_bundle_and_counts_by_type() {
    let bytes = std::fs::read(conformance_dir("stix-bundles").join("apt1.json")).unwrap();
    let report = import_bytes(&bytes).unwrap();
    assert_eq!(report.indicators.len(), 12);
    let counts = report.counts_by_type();
    assert_eq!(counts.get("ipv4-addr"), Some(&4), "{counts:?}");
    assert_eq!(counts.get("domain-name"), Some(&3), "{counts:?}");
    assert_eq!(report.other_objects.get("relationship"), Some(&30));
}

#[test]
fn import_reads_csv_and_lists_rejections() {
    let report = import_bytes(b"type,value\nipv4-addr,10.0.0.1\nipv4-addr,nope\n").unwrap();
    assert_eq!(report.indicators.len(), 1);
    let rejected: Vec<String> = report.rejected.iter().map(ToString::to_string).collect();
    assert_eq!(rejected, ["line 3: `nope` is not a valid ipv4-addr value"]);
    assert!(report.skipped.is_empty());
}

#[test]
fn import_sniffs_json_after_leading_white_space() {
    let bundle = br#"
        {"type": "bundle", "id": "bundle--1", "objects": []}"#;
    let report = import_bytes(bundle).unwrap();
    assert!(report.indicators.is_empty());
    assert!(report.rejected.is_empty(), "{:?}", report.rejected);
}

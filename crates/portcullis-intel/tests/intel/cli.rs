//! The functions behind `portcullis intel check-pattern` and `import`.

use std::io::Write as _;

use portcullis_intel::ImportError;
use portcullis_intel::cli::{check_pattern, import_file, render_import};

use crate::support::conformance_dir;

#[test]
fn check_pattern_accepts_valid_and_explains_invalid() {
    assert!(check_pattern("[ipv4-addr:value = '10.0.0.0/8']").is_ok());
    let error = check_pattern("[ipv4-addr:value = ]").unwrap_err();
    assert_eq!(
        error.to_string(),
        "expected a literal, found `]` at line 1, column 20"
    );
}

#[test]
fn import_reads_a_bundle_and_prints_counts_by_type() {
    let report = import_file(&conformance_dir("stix-bundles").join("apt1.json")).unwrap();
    let text = render_import(&report);
    assert!(text.starts_with("indicators: 12\n"), "{text}");
    assert!(text.contains("  ipv4-addr: 4\n"), "{text}");
    assert!(text.contains("  domain-name: 3\n"), "{text}");
    assert!(text.contains("  relationship: 30\n"), "{text}");
}

#[test]
fn import_reads_csv_and_lists_rejections() {
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(b"type,value\nipv4-addr,10.0.0.1\nipv4-addr,nope\n")
        .unwrap();
    let text = render_import(&import_file(file.path()).unwrap());
    assert_eq!(
        text,
        "indicators: 1\n  ipv4-addr: 1\nrejected: 1\n  line 3: `nope` is not a valid ipv4-addr value\n"
    );
}

#[test]
fn import_of_a_missing_file_names_it() {
    let error = import_file(std::path::Path::new("/no/such/file.json")).unwrap_err();
    assert!(matches!(&error, ImportError::Io { path, .. } if path == "/no/such/file.json"));
}

//! The OASIS validator's conformance strings (`shared/conformance/stix-patterns`):
//! every valid pattern parses, every invalid one is refused.

use portcullis_intel::Pattern;
use serde_json::Value;

fn conformance(file: &str) -> Vec<String> {
    crate::support::conformance_lines("stix-patterns", file)
}

#[test]
fn every_valid_conformance_pattern_parses() {
    let patterns = conformance("valid.txt");
    assert_eq!(patterns.len(), 60);
    let failures: Vec<String> = patterns
        .iter()
        .filter_map(|p| Pattern::parse(p).err().map(|e| format!("{p}\n    {e}")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} refused:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_invalid_conformance_pattern_is_refused() {
    let patterns = conformance("invalid.txt");
    assert_eq!(patterns.len(), 27);
    let accepted: Vec<&String> = patterns
        .iter()
        .filter(|p| Pattern::parse(p).is_ok())
        .collect();
    assert!(
        accepted.is_empty(),
        "{} accepted:\n{:#?}",
        accepted.len(),
        accepted
    );
}

/// Where the reference validator reports a syntax error (`line 1:N`, N from
/// 0), ours reports the same place (column N + 1).
#[test]
fn syntax_errors_point_where_the_reference_validator_points() {
    let mut mismatches = Vec::new();
    for line in conformance("invalid-expected-errors.jsonl") {
        let case: Value = serde_json::from_str(&line).unwrap();
        let pattern = case["pattern"].as_str().unwrap();
        let reference = case["reference_error"].as_str().unwrap();
        let error = Pattern::parse(pattern).unwrap_err();
        if let Some(at) = reference.strip_prefix("FAIL: Error found at line 1:") {
            let column: usize = at.split('.').next().unwrap().parse().unwrap();
            if error.column != column + 1 {
                mismatches.push(format!(
                    "{pattern}\n  reference: {reference}\n  ours: {error}"
                ));
            }
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

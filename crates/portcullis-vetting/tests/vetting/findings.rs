//! Recorded domain results and what a re-verification finds.

use portcullis_vetting::{
    DomainCheck, DomainFinding, MAX_FOUND_CHARS, MAX_FOUND_VALUES, reverification_finding,
};

fn unreachable() -> DomainCheck {
    DomainCheck::Unreachable {
        reason: "timeout".to_owned(),
    }
}

#[test]
fn mismatch_keeps_a_bounded_sample_of_untrusted_values() {
    let values = (0..100).map(|i| format!("{i}{}", "x".repeat(1_000)));
    let DomainCheck::TokenMismatch { found } = DomainCheck::token_mismatch(values) else {
        panic!("expected a mismatch");
    };
    assert_eq!(found.len(), MAX_FOUND_VALUES);
    assert!(
        found
            .iter()
            .all(|value| value.chars().count() == MAX_FOUND_CHARS)
    );
    assert!(found[0].starts_with('0'));
}

#[test]
fn unreachable_after_verification_is_no_finding() {
    assert_eq!(
        reverification_finding(&DomainCheck::Verified, &unreachable()),
        None
    );
    assert_eq!(
        reverification_finding(&DomainCheck::Verified, &DomainCheck::Verified),
        None
    );
}

#[test]
fn a_domain_never_verified_has_nothing_to_lose() {
    for previous in [
        DomainCheck::RecordMissing,
        unreachable(),
        DomainCheck::token_mismatch(vec![]),
    ] {
        assert_eq!(
            reverification_finding(&previous, &DomainCheck::RecordMissing),
            None
        );
    }
}

#[test]
fn vanished_record_is_a_finding() {
    assert_eq!(
        reverification_finding(&DomainCheck::Verified, &DomainCheck::RecordMissing),
        Some(DomainFinding::RecordVanished)
    );
}

#[test]
fn results_and_findings_are_stored_as_tagged_json() {
    let check = DomainCheck::token_mismatch(vec!["token=x".to_owned()]);
    let json = serde_json::to_value(&check).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"outcome": "token_mismatch", "found": ["token=x"]})
    );
    assert_eq!(serde_json::from_value::<DomainCheck>(json).unwrap(), check);
    assert_eq!(
        serde_json::to_value(DomainFinding::RecordVanished).unwrap(),
        serde_json::json!({"finding": "record_vanished"})
    );
    assert_eq!(
        serde_json::to_value(DomainCheck::Verified).unwrap(),
        serde_json::json!({"outcome": "verified"})
    );
}

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! Snapshot parsing: good input, bad input, and ScubaGear's own export.

mod support;

use portcullis_posture::{Snapshot, SnapshotError};
use serde_json::json;
use time::macros::datetime;

fn parse(value: &serde_json::Value) -> Result<Snapshot, SnapshotError> {
    Snapshot::parse(&serde_json::to_vec(value).unwrap())
}

#[test]
fn bytes_that_are_not_json_are_rejected_with_line_and_column() {
    let err = Snapshot::parse(b"{\n  \"service_plans\": [,]\n}").unwrap_err();
    match &err {
        SnapshotError::NotJson { line, column, .. } => assert_eq!((*line, *column), (2, 21)),
        other => panic!("unexpected {other:?}"),
    }
    assert!(
        err.to_string().starts_with("snapshot is not JSON: "),
        "{err}"
    );
}

#[test]
fn empty_input_is_not_json() {
    assert!(matches!(
        Snapshot::parse(b""),
        Err(SnapshotError::NotJson { .. })
    ));
}

#[test]
fn a_document_that_is_not_an_object_is_rejected() {
    let err = parse(&json!([1, 2])).unwrap_err();
    assert!(matches!(err, SnapshotError::WrongType { .. }), "{err:?}");
    assert!(
        err.to_string()
            .contains("a JSON object with snapshot sections"),
        "{err}"
    );
}

#[test]
fn a_wrongly_typed_nested_field_is_named_by_its_json_path() {
    let mut doc = support::compliant_snapshot();
    doc["conditional_access_policies"][1]["Conditions"]["Users"]["IncludeUsers"] = json!("All");
    let err = parse(&doc).unwrap_err();
    assert_eq!(
        err,
        SnapshotError::WrongType {
            path: "conditional_access_policies[1].Conditions.Users.IncludeUsers".to_owned(),
            message: "invalid type: string \"All\", expected a sequence".to_owned(),
        }
    );
}

#[test]
fn wrong_types_in_each_section_the_baseline_reads_are_rejected() {
    let cases = [
        (
            json!({"privileged_users": {"u1": {"roles": "Global Administrator"}}}),
            "privileged_users.u1.roles",
        ),
        (json!({"privileged_users": []}), "privileged_users"),
        (
            json!({"privileged_roles": [{"Assignments": [{"EndDateTime": 5}]}]}),
            "privileged_roles[0].Assignments[0].EndDateTime",
        ),
        (
            json!({"privileged_roles": [{"Rules": [{"Setting": {"IsApprovalRequired": "yes"}}]}]}),
            "privileged_roles[0].Rules[0].Setting.IsApprovalRequired",
        ),
        (
            json!({"service_plans": [{"ServicePlanName": 7}]}),
            "service_plans[0].ServicePlanName",
        ),
        (
            json!({"authentication_method": [{"authentication_method_feature_settings": [{"State": true}]}]}),
            "authentication_method[0].authentication_method_feature_settings[0].State",
        ),
        (
            json!({"scuba_config": {"Aad": {"MS.AAD.1.1v1": {"CapExclusions": {"Users": "x"}}}}}),
            "scuba_config.Aad.MS.AAD.1.1v1.CapExclusions.Users",
        ),
        (
            json!({"portcullis_partner_program": {"incident_response_hours": -3}}),
            "portcullis_partner_program.incident_response_hours",
        ),
        (
            json!({"portcullis_partner_program": {"security_contact": {"name": "A"}}}),
            "portcullis_partner_program.security_contact",
        ),
        (
            json!({"portcullis_partner_program": {"taken_at": "yesterday"}}),
            "portcullis_partner_program.taken_at",
        ),
    ];
    for (doc, path) in cases {
        match parse(&doc) {
            Err(SnapshotError::WrongType { path: got, .. }) => assert_eq!(got, path, "for {doc}"),
            other => panic!("{doc}: expected a wrong type at `{path}`, got {other:?}"),
        }
    }
}

#[test]
fn unknown_fields_and_missing_sections_are_accepted() {
    let snapshot =
        parse(&json!({"tenant_details": [{"x": 1}], "privileged_users": {"u": {"Extra": [1]}}}))
            .unwrap();
    assert!(snapshot.has_section("privileged_users"));
    assert!(!snapshot.has_section("conditional_access_policies"));
}

#[test]
fn a_null_section_counts_as_missing() {
    let snapshot = parse(&json!({"service_plans": null})).unwrap();
    assert!(!snapshot.has_section("service_plans"));
}

#[test]
fn a_single_object_where_scubagear_exports_an_array_is_wrapped() {
    let snapshot = parse(&json!({"service_plans": {"ServicePlanName": "AAD_PREMIUM_P2"}})).unwrap();
    assert_eq!(
        snapshot.document()["service_plans"],
        json!([{"ServicePlanName": "AAD_PREMIUM_P2"}])
    );
}

#[test]
fn the_partner_program_time_is_the_snapshot_time() {
    let snapshot = parse(&support::compliant_snapshot()).unwrap();
    assert_eq!(snapshot.taken_at(), Some(datetime!(2026-11-20 09:30 UTC)));
    let later = snapshot.with_taken_at(datetime!(2026-11-21 00:00 UTC));
    assert_eq!(later.taken_at(), Some(datetime!(2026-11-21 00:00 UTC)));
}

#[test]
fn a_snapshot_without_a_time_has_none() {
    assert_eq!(parse(&json!({})).unwrap().taken_at(), None);
}

#[test]
fn scubagear_sample_export_with_a_byte_order_mark_parses() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend(
        std::fs::read(support::conformance_dir().join("sample-provider-export.json")).unwrap(),
    );
    let snapshot = Snapshot::parse(&bytes).unwrap();
    assert!(snapshot.document()["conditional_access_policies"].is_array());
    assert!(snapshot.has_section("privileged_roles"));
}

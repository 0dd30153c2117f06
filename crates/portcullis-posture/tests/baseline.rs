#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! Baselines from a directory: additions, overrides, versions, rejected modules
//! and reloads that keep the working baseline.

mod support;

use std::path::Path;

use portcullis_posture::{
    Baseline, BaselineError, BaselineSet, Criticality, PostureConfig, Snapshot, Status, evaluate,
};

const EXTRA: &str = r#"package portcullis.requirement.acme_two_contacts

import data.portcullis.lib

requirement := {
	"id": "acme.contact-phone",
	"criticality": "SHOULD",
	"description": "The security contact has a phone number",
	"rationale": "Some incidents need a call",
	"sections": ["portcullis_partner_program"],
}

phone := lib.field(lib.field(input.portcullis_partner_program, "security_contact", {}), "phone", "")

result := {"status": "pass", "details": phone} if phone != "" else := {"status": "fail", "details": "no phone"}
"#;

/// Overrides the default 7.1 (by id, from another package): 2 to 4 admins.
const STRICTER_GA: &str = r#"package portcullis.requirement.acme_global_admins

import data.portcullis.lib

requirement := {
	"id": "aad.global-admin-count",
	"policy_id": "MS.AAD.7.1v1",
	"criticality": "SHALL",
	"description": "Between two and four users hold the Global Administrator role",
	"rationale": "Acme wants fewer",
	"sections": ["privileged_users"],
}

result := {"status": "pass", "details": "acme"} if {
	count(lib.global_admins) >= 2
	count(lib.global_admins) <= 4
} else := {"status": "fail", "details": "acme"}
"#;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).unwrap();
}

fn compliant() -> Snapshot {
    Snapshot::parse(&serde_json::to_vec(&support::compliant_snapshot()).unwrap()).unwrap()
}

#[test]
fn an_operator_module_adds_a_requirement() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "contact_phone.rego", EXTRA);
    write(dir.path(), "README.txt", "not a module");
    let baseline = Baseline::load_dir(dir.path()).unwrap();
    let added = baseline
        .requirements()
        .find(|r| r.id == "acme.contact-phone")
        .unwrap();
    assert_eq!(added.criticality, Criticality::Should);
    assert_eq!(baseline.requirements().count(), 17);
    let report = evaluate(
        &baseline,
        &compliant(),
        support::NOW,
        &PostureConfig::default(),
    );
    let r = report
        .results
        .iter()
        .find(|r| r.requirement_id == "acme.contact-phone")
        .unwrap();
    assert_eq!(
        (r.status, r.details.as_str()),
        (Status::Pass, "+1 555 0100")
    );
}

#[test]
fn an_operator_module_with_a_default_id_replaces_the_default() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ga.rego", STRICTER_GA);
    let baseline = Baseline::load_dir(dir.path()).unwrap();
    let matching: Vec<_> = baseline
        .requirements()
        .filter(|r| r.id == "aad.global-admin-count")
        .collect();
    assert_eq!(matching.len(), 1);
    assert!(matching[0].description.contains("four"));
    let report = evaluate(
        &baseline,
        &compliant(),
        support::NOW,
        &PostureConfig::default(),
    );
    let r = report
        .results
        .iter()
        .find(|r| r.requirement_id == "aad.global-admin-count")
        .unwrap();
    assert_eq!(r.details, "acme");
}

#[test]
fn the_version_records_the_declared_name_and_changes_with_content() {
    let default = Baseline::default_partner().unwrap();
    assert_eq!(default.version().declared(), "partner-2026.1");
    assert_eq!(default.version().digest().len(), 64);
    assert_eq!(
        default.version(),
        Baseline::default_partner().unwrap().version(),
        "deterministic"
    );

    let empty = tempfile::tempdir().unwrap();
    assert_eq!(
        Baseline::load_dir(empty.path()).unwrap().version(),
        default.version()
    );

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "extra.rego", EXTRA);
    let extended = Baseline::load_dir(dir.path()).unwrap();
    assert_eq!(extended.version().declared(), "partner-2026.1");
    assert_ne!(extended.version().digest(), default.version().digest());

    write(
        dir.path(),
        "version.rego",
        "package portcullis.baseline\n\nversion := \"acme-7\"\n",
    );
    let versioned = Baseline::load_dir(dir.path()).unwrap();
    assert_eq!(versioned.version().declared(), "acme-7");
    let report = evaluate(
        &versioned,
        &compliant(),
        support::NOW,
        &PostureConfig::default(),
    );
    assert_eq!(report.baseline_version, versioned.version().to_string());
    assert!(report.baseline_version.starts_with("acme-7+sha256:"));
}

#[test]
fn a_module_with_a_syntax_error_is_rejected_with_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "broken.rego",
        "package portcullis.requirement.broken\n\nresult := {\"status\": \n",
    );
    let err = Baseline::load_dir(dir.path()).unwrap_err();
    let BaselineError::Compile {
        file, line, column, ..
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(file.ends_with("broken.rego"), "{file}");
    assert_eq!((*line, *column), (4, 1));
    assert!(
        err.to_string()
            .contains("broken.rego` does not compile at line 4 column 1"),
        "{err}"
    );
}

#[test]
fn a_module_with_a_semantic_error_is_rejected_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let text = EXTRA.replace("phone != \"\"", "undefined_var != \"\"");
    write(dir.path(), "semantic.rego", &text);
    let err = Baseline::load_dir(dir.path()).unwrap_err();
    let BaselineError::Compile { file, line, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(file.ends_with("semantic.rego"), "{file}");
    assert_eq!(*line, 15, "{err}");
}

#[test]
fn modules_that_break_the_convention_are_rejected() {
    let cases = [
        (
            "package portcullis.requirement.x\n\nresult := {\"status\": \"pass\"}\n",
            "declares no `requirement` object",
        ),
        (
            "package portcullis.requirement.x\n\nrequirement := {\"id\": \"x\", \"criticality\": \"SHALL\", \"description\": \"d\", \"rationale\": \"r\"}\n",
            "declares no `result` rule",
        ),
        (
            "package portcullis.requirement.x\n\nrequirement := {\"id\": \"x\", \"criticality\": \"MUST\", \"description\": \"d\", \"rationale\": \"r\"}\nresult := {}\n",
            "`requirement.criticality` is invalid: unknown variant `MUST`, expected `SHALL` or `SHOULD`",
        ),
        (
            "package portcullis.requirement.x\n\nrequirement := {\"id\": \"x\", \"criticality\": \"SHALL\", \"description\": \"d\"}\nresult := {}\n",
            "`requirement` is invalid: missing field `rationale`",
        ),
        (
            "package portcullis.baseline\n\nversion := 3\n",
            "`version` must be a string, not `3`",
        ),
    ];
    for (text, message) in cases {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "m.rego", text);
        let err = Baseline::load_dir(dir.path()).unwrap_err();
        assert!(
            matches!(err, BaselineError::Invalid { .. }),
            "{text}: {err:?}"
        );
        assert!(err.to_string().contains(message), "{text}: {err}");
    }
}

#[test]
fn two_operator_modules_with_the_same_id_or_package_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.rego", EXTRA);
    write(
        dir.path(),
        "b.rego",
        &EXTRA.replace("acme_two_contacts", "acme_other"),
    );
    let err = Baseline::load_dir(dir.path()).unwrap_err();
    assert!(
        err.to_string()
            .contains("requirement id `acme.contact-phone` is already declared by"),
        "{err}"
    );

    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.rego", EXTRA);
    write(
        dir.path(),
        "b.rego",
        &EXTRA.replace("acme.contact-phone", "acme.other"),
    );
    let err = Baseline::load_dir(dir.path()).unwrap_err();
    assert!(
        err.to_string().contains(
            "package `data.portcullis.requirement.acme_two_contacts` is already declared by"
        ),
        "{err}"
    );
}

#[test]
fn a_missing_directory_is_an_io_error() {
    let err = Baseline::load_dir(Path::new("/nonexistent/portcullis-baseline")).unwrap_err();
    assert!(matches!(err, BaselineError::Io { .. }), "{err:?}");
    assert!(
        err.to_string()
            .starts_with("cannot read `/nonexistent/portcullis-baseline`"),
        "{err}"
    );
}

#[test]
fn a_failed_reload_keeps_the_working_baseline_and_a_good_one_replaces_it() {
    let mut set = BaselineSet::new(Baseline::default_partner().unwrap());
    let before = set.current().version().clone();

    let broken = tempfile::tempdir().unwrap();
    write(
        broken.path(),
        "broken.rego",
        "package portcullis.requirement.broken\nresult := {\n",
    );
    assert!(matches!(
        set.reload_dir(broken.path()),
        Err(BaselineError::Compile { .. })
    ));
    assert_eq!(
        set.current().version(),
        &before,
        "the old baseline stays in force"
    );
    let report = evaluate(
        &set.current(),
        &compliant(),
        support::NOW,
        &PostureConfig::default(),
    );
    assert!(report.compliant);

    let good = tempfile::tempdir().unwrap();
    write(good.path(), "extra.rego", EXTRA);
    let after = set.reload_dir(good.path()).unwrap().clone();
    assert_ne!(after, before);
    assert_eq!(set.current().version(), &after);
    assert!(
        set.current()
            .requirements()
            .any(|r| r.id == "acme.contact-phone")
    );
}

#[test]
fn a_result_that_breaks_the_convention_at_evaluation_is_an_error_not_a_pass() {
    let dir = tempfile::tempdir().unwrap();
    let text = EXTRA.replace(
        "result := {\"status\": \"pass\", \"details\": phone} if phone != \"\" else := {\"status\": \"fail\", \"details\": \"no phone\"}",
        "result := {\"status\": \"ok\"} if phone != \"\"",
    );
    write(dir.path(), "odd.rego", &text);
    let baseline = Baseline::load_dir(dir.path()).unwrap();
    let report = evaluate(
        &baseline,
        &compliant(),
        support::NOW,
        &PostureConfig::default(),
    );
    let r = report
        .results
        .iter()
        .find(|r| r.requirement_id == "acme.contact-phone")
        .unwrap();
    assert_eq!(
        (r.status, r.details.as_str()),
        (Status::Error, "the requirement's `result.status` is `ok`")
    );

    let mut doc = support::compliant_snapshot();
    doc["portcullis_partner_program"]["security_contact"]
        .as_object_mut()
        .unwrap()
        .remove("phone");
    let snapshot = Snapshot::parse(&serde_json::to_vec(&doc).unwrap()).unwrap();
    let report = evaluate(
        &baseline,
        &snapshot,
        support::NOW,
        &PostureConfig::default(),
    );
    let r = report
        .results
        .iter()
        .find(|r| r.requirement_id == "acme.contact-phone")
        .unwrap();
    assert_eq!(r.status, Status::Error);
    assert_eq!(
        r.details,
        "the requirement's `result` is undefined for this snapshot"
    );
}

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! Posture state and the grace period, at their boundary instants.

use portcullis_posture::{
    Criticality, PostureConfig, PostureState, Report, RequirementResult, Status, posture_state,
};
use time::Duration;
use time::macros::datetime;

fn result(id: &str, criticality: Criticality, status: Status) -> RequirementResult {
    RequirementResult {
        requirement_id: id.to_owned(),
        policy_id: None,
        criticality,
        status,
        details: String::new(),
    }
}

fn report(results: Vec<RequirementResult>) -> Report {
    let compliant = !results.iter().any(RequirementResult::is_gating_failure);
    Report {
        baseline_version: "test".to_owned(),
        evaluated_at: datetime!(2026-11-01 08:00 UTC),
        snapshot_taken_at: None,
        results,
        compliant,
    }
}

fn failing() -> Report {
    report(vec![
        result("a", Criticality::Shall, Status::Fail),
        result("b", Criticality::Shall, Status::Error),
        result("c", Criticality::Should, Status::Fail),
        result("d", Criticality::Shall, Status::Pass),
    ])
}

#[test]
fn a_compliant_report_is_compliant_whatever_the_time() {
    let r = report(vec![
        result("c", Criticality::Should, Status::Fail),
        result("d", Criticality::Shall, Status::NotApplicable),
    ]);
    let far = datetime!(2030-01-01 00:00 UTC);
    assert_eq!(
        posture_state(
            &r,
            Some(datetime!(2026-01-01 00:00 UTC)),
            far,
            &PostureConfig::default()
        ),
        PostureState::Compliant
    );
}

#[test]
fn noncompliant_lists_failing_and_erring_shall_requirements_and_the_grace_end() {
    let since = datetime!(2026-11-01 08:00 UTC);
    let state = posture_state(&failing(), Some(since), since, &PostureConfig::default());
    assert_eq!(
        state,
        PostureState::Noncompliant {
            failing: vec!["a".to_owned(), "b".to_owned()],
            grace_ends_at: datetime!(2026-11-15 08:00 UTC)
        }
    );
}

#[test]
fn one_millisecond_before_grace_end_is_noncompliant_and_grace_end_is_suspended() {
    let since = datetime!(2026-11-01 08:00 UTC);
    let config = PostureConfig::default();
    let end = since + Duration::days(14);
    let before = posture_state(
        &failing(),
        Some(since),
        end - Duration::milliseconds(1),
        &config,
    );
    assert!(
        matches!(before, PostureState::Noncompliant { grace_ends_at, .. } if grace_ends_at == end),
        "{before:?}"
    );
    let at = posture_state(&failing(), Some(since), end, &config);
    assert_eq!(
        at,
        PostureState::Suspended {
            failing: vec!["a".to_owned(), "b".to_owned()]
        }
    );
}

#[test]
fn the_grace_period_is_configurable() {
    let since = datetime!(2026-11-01 08:00 UTC);
    let config = PostureConfig {
        grace_period: Duration::hours(1),
        ..PostureConfig::default()
    };
    let at = posture_state(&failing(), Some(since), since + Duration::hours(1), &config);
    assert!(matches!(at, PostureState::Suspended { .. }));
}

#[test]
fn without_a_start_the_grace_period_runs_from_the_latest_evaluation() {
    let r = failing();
    let state = posture_state(&r, None, r.evaluated_at, &PostureConfig::default());
    assert!(
        matches!(state, PostureState::Noncompliant { grace_ends_at, .. } if grace_ends_at == r.evaluated_at + Duration::days(14))
    );
}

#[test]
fn the_defaults_are_thirty_days_stale_and_fourteen_days_grace() {
    let config = PostureConfig::default();
    assert_eq!(
        (config.stale_after, config.grace_period),
        (Duration::days(30), Duration::days(14))
    );
}

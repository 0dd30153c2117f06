use super::*;
use crate::vetting::application::tests::sample;

const T: Timestamp = Timestamp::from_unix_millis(1_700_000_000_000);

fn screened(level: RiskLevel) -> VettingCase {
    let mut case = VettingCase::submit(
        TenantId::generate(),
        sample(),
        "partner_admin token:a".into(),
        T,
    );
    case.begin_screening("system", T).unwrap();
    case.finish_screening(50, level, false, T).unwrap();
    case
}

#[test]
fn low_risk_auto_approval_passes_through_auto_approved() {
    let mut case = VettingCase::submit(TenantId::generate(), sample(), "p".into(), T);
    case.begin_screening("system", T).unwrap();
    let steps = case.finish_screening(5, RiskLevel::Low, true, T).unwrap();
    let path: Vec<_> = steps.iter().map(|t| (t.from, t.to)).collect();
    assert_eq!(
        path,
        [
            (CaseState::Screening, CaseState::AutoApproved),
            (CaseState::AutoApproved, CaseState::Approved)
        ]
    );
    assert!(case.state.authorizes());
}

#[test]
fn high_risk_needs_two_distinct_reviewers() {
    let mut case = screened(RiskLevel::High);
    assert_eq!(
        case.review("operator token:1", ReviewDecision::Approve, "ok", T)
            .unwrap(),
        ReviewOutcome::AwaitingApprovals { have: 1, need: 2 }
    );
    assert_eq!(case.state, CaseState::InReview);
    let again = case
        .review("operator token:1", ReviewDecision::Approve, "ok", T)
        .unwrap_err();
    assert_eq!(again.code, "duplicate_approval");
    let done = case
        .review("operator token:2", ReviewDecision::Approve, "ok", T)
        .unwrap();
    assert!(matches!(done, ReviewOutcome::Moved(t) if t.to == CaseState::Approved));
}

#[test]
fn medium_risk_needs_one_reviewer() {
    let mut case = screened(RiskLevel::Medium);
    case.review("operator token:1", ReviewDecision::Approve, "ok", T)
        .unwrap();
    assert_eq!(case.state, CaseState::Approved);
}

#[test]
fn submitter_never_approves_own_case() {
    let mut case = screened(RiskLevel::Low);
    let err = case
        .review("partner_admin token:a", ReviewDecision::Approve, "mine", T)
        .unwrap_err();
    assert_eq!(err.code, "reviewer_is_submitter");
    assert_eq!(case.state, CaseState::InReview);
}

#[test]
fn request_for_information_clears_approvals_and_returns_through_screening() {
    let mut case = screened(RiskLevel::High);
    case.review("operator token:1", ReviewDecision::Approve, "ok", T)
        .unwrap();
    case.review(
        "operator token:2",
        ReviewDecision::RequestInformation,
        "which officers?",
        T,
    )
    .unwrap();
    assert_eq!(case.state, CaseState::NeedsInformation);
    assert!(case.approvals.is_empty());
    case.amend(sample(), T).unwrap();
    case.begin_screening("system", T).unwrap();
    case.finish_screening(70, RiskLevel::High, false, T)
        .unwrap();
    assert_eq!(
        case.review("operator token:1", ReviewDecision::Approve, "ok", T)
            .unwrap(),
        ReviewOutcome::AwaitingApprovals { have: 1, need: 2 }
    );
}

#[test]
fn suspension_reinstatement_and_revocation() {
    let mut case = screened(RiskLevel::Low);
    case.review("operator token:1", ReviewDecision::Approve, "ok", T)
        .unwrap();
    case.suspend("operator token:1", "watchlist hit", T)
        .unwrap();
    assert!(!case.state.authorizes());
    case.reinstate("operator token:2", "false positive", T)
        .unwrap();
    assert!(case.state.authorizes());
    case.revoke("operator token:2", "fraud", T).unwrap();
    assert!(case.state.is_final());
    assert_eq!(
        case.reinstate("operator token:2", "x", T).unwrap_err().code,
        "invalid_transition"
    );
}

#[test]
fn only_the_documented_transitions_exist() {
    // Every (state, action) pair that is not in the diagram is refused.
    for state in CaseState::ALL {
        let mut case = screened(RiskLevel::Low);
        case.state = state;
        let ok = case.clone().begin_screening("s", T).is_ok();
        assert_eq!(
            ok,
            matches!(state, CaseState::Submitted | CaseState::NeedsInformation)
        );
        assert_eq!(
            case.clone()
                .review("r", ReviewDecision::Reject, "x", T)
                .is_ok(),
            state == CaseState::InReview
        );
        assert_eq!(
            case.clone().suspend("r", "x", T).is_ok(),
            state == CaseState::Approved
        );
        assert_eq!(
            case.clone().revoke("r", "x", T).is_ok(),
            matches!(state, CaseState::Approved | CaseState::Suspended)
        );
        assert_eq!(CaseState::parse(state.as_str()), Some(state));
    }
}

use super::*;
use crate::{
    AccessAssignment, AssignmentKind, GroupId, IsoDuration, Relationship, RelationshipTerms,
    RoleCatalog,
};

const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const HELPDESK_ADMIN: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const SECURITY_READER: &str = "5d6b6bb7-de71-4623-b4af-96380a352509";

fn at(s: i64) -> Timestamp {
    Timestamp::from_unix_millis(1_800_000_000_000 + s * 1_000)
}

fn role(id: &str) -> RoleId {
    RoleId::parse(id).unwrap()
}

fn world() -> (Relationship, Vec<AccessAssignment>) {
    let catalog = RoleCatalog::default_entra();
    let mut rel = Relationship::create(
        TenantId::generate(),
        TenantId::generate(),
        crate::relationship_name("Contoso support").unwrap(),
        RelationshipTerms {
            roles: [GLOBAL_ADMIN, HELPDESK_ADMIN, SECURITY_READER]
                .iter()
                .map(|r| role(r))
                .collect(),
            duration: IsoDuration::parse("P90D").unwrap(),
            auto_extend_duration: IsoDuration::parse("PT0S").unwrap(),
        },
        &catalog,
        at(0),
    )
    .unwrap();
    rel.request_approval(at(0)).unwrap();
    rel.approve(at(0)).unwrap();
    let a = |roles: &[&str]| {
        AccessAssignment::create(
            &rel,
            GroupId::generate(),
            roles.iter().map(|r| role(r)).collect(),
            AssignmentKind::Standing,
            at(1),
        )
        .unwrap()
    };
    let assignments = vec![a(&[GLOBAL_ADMIN, SECURITY_READER]), a(&[SECURITY_READER])];
    (rel, assignments)
}

fn review(scope: ReviewScope, remove_unreviewed: bool) -> (AccessReview, Vec<AccessAssignment>) {
    let (rel, assignments) = world();
    let items = review_items(
        &[ReviewedRelationship {
            relationship: &rel,
            assignments: &assignments,
        }],
        &RoleCatalog::default_entra(),
        scope,
        at(10),
    );
    let review = AccessReview {
        id: AccessReviewId::generate(),
        customer_tenant_id: rel.customer_tenant_id,
        partner_tenant_id: rel.partner_tenant_id,
        scope,
        remove_unreviewed,
        started_by: "customer_admin".into(),
        status: ReviewStatus::InProgress,
        created_at: at(10),
        due_at: at(10 + 14 * 86_400),
        reminded_at: None,
        completed_at: None,
        completed_by: None,
        items,
        version: 1,
    };
    (review, assignments)
}

#[test]
fn all_scope_lists_the_relationship_each_assignment_and_each_role() {
    let (r, _) = review(ReviewScope::All, false);
    let kinds: Vec<&str> = r.items.iter().map(|i| i.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "relationship",
            "assignment",
            "role",
            "role",
            "assignment",
            "role"
        ]
    );
}

#[test]
fn privileged_scope_lists_only_what_holds_a_privileged_role() {
    let (r, a) = review(ReviewScope::Privileged, false);
    let ids: Vec<&str> = r.items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            format!("relationship.{}", r.items[0].relationship_id),
            format!("assignment.{}", a[0].id),
            format!("role.{}.{GLOBAL_ADMIN}", a[0].id),
        ]
    );
    assert!(r.items.iter().all(|i| i.privileged));
}

#[test]
fn a_denied_role_is_taken_off_its_assignment_and_nothing_else_moves() {
    let (mut r, a) = review(ReviewScope::All, false);
    let id = format!("role.{}.{GLOBAL_ADMIN}", a[0].id);
    r.decide(&id, ReviewDecision::Deny, None, "ca", at(20))
        .unwrap()
        .unwrap();
    assert_eq!(
        r.removals(),
        [ReviewRemoval::Roles(
            a[0].relationship_id,
            a[0].id,
            BTreeSet::from([role(GLOBAL_ADMIN)])
        )]
    );
}

#[test]
fn a_denied_relationship_takes_its_assignments_and_roles_with_it() {
    let (mut r, a) = review(ReviewScope::All, false);
    let rel = a[0].relationship_id;
    r.decide(
        &format!("relationship.{rel}"),
        ReviewDecision::Deny,
        None,
        "ca",
        at(20),
    )
    .unwrap();
    r.decide(
        &format!("assignment.{}", a[1].id),
        ReviewDecision::Deny,
        None,
        "ca",
        at(20),
    )
    .unwrap();
    assert_eq!(r.removals(), [ReviewRemoval::Relationship(rel)]);
}

#[test]
fn unreviewed_access_goes_only_when_the_review_says_so_and_nothing_near_it_was_approved() {
    let (mut keep, _) = review(ReviewScope::All, false);
    assert!(keep.removals().is_empty());
    let (mut sweep, a) = review(ReviewScope::All, true);
    let rel = a[0].relationship_id;
    assert_eq!(sweep.removals(), [ReviewRemoval::Relationship(rel)]);
    // Approving one role keeps its assignment and the relationship; the
    // other assignment, unreviewed, goes.
    sweep
        .decide(
            &format!("role.{}.{SECURITY_READER}", a[0].id),
            ReviewDecision::Approve,
            None,
            "ca",
            at(20),
        )
        .unwrap();
    assert_eq!(
        sweep.removals(),
        [
            ReviewRemoval::Roles(rel, a[0].id, BTreeSet::from([role(GLOBAL_ADMIN)])),
            ReviewRemoval::Assignment(rel, a[1].id),
        ]
    );
    // Approving the relationship keeps everything under it.
    keep.remove_unreviewed = true;
    let rel = keep.items[0].relationship_id;
    keep.decide(
        &format!("relationship.{rel}"),
        ReviewDecision::Approve,
        None,
        "ca",
        at(20),
    )
    .unwrap();
    assert!(keep.removals().is_empty());
}

#[test]
fn completion_records_outcomes_and_closes_the_review() {
    let (mut r, a) = review(ReviewScope::All, false);
    let denied = format!("assignment.{}", a[1].id);
    r.decide(&denied, ReviewDecision::Deny, None, "ca", at(20))
        .unwrap();
    assert_eq!(
        r.decide("assignment.nope", ReviewDecision::Deny, None, "ca", at(20))
            .unwrap(),
        None
    );
    r.complete(&BTreeSet::new(), "ca", at(30)).unwrap();
    let removed: Vec<&str> = r
        .items
        .iter()
        .filter(|i| i.outcome == Some(ItemOutcome::Removed))
        .map(|i| i.id.as_str())
        .collect();
    assert_eq!(removed, [denied.as_str()]);
    assert_eq!(r.status, ReviewStatus::Completed);
    let err = r
        .decide(&denied, ReviewDecision::Approve, None, "ca", at(40))
        .unwrap_err();
    assert_eq!(err.code, "invalid_transition");
    assert!(r.complete(&BTreeSet::new(), "ca", at(40)).is_err());
}

#[test]
fn reminders_fall_due_three_days_before_the_end_once() {
    let (mut r, _) = review(ReviewScope::All, false);
    assert!(!r.reminder_due(at(10 + 10 * 86_400)));
    assert!(r.reminder_due(at(10 + 11 * 86_400)));
    r.reminded_at = Some(at(10 + 11 * 86_400));
    assert!(!r.reminder_due(at(10 + 12 * 86_400)));
}

#[test]
fn a_policy_is_due_after_its_period_and_checks_its_numbers() {
    let policy = ReviewPolicy {
        customer_tenant_id: TenantId::generate(),
        every_days: 90,
        duration_days: 14,
        scope: ReviewScope::Privileged,
        remove_unreviewed: false,
        created_at: at(0),
        updated_at: at(0),
        version: 1,
    };
    assert!(policy.due(None, at(0)));
    assert!(!policy.due(Some(at(0)), at(89 * 86_400)));
    assert!(policy.due(Some(at(0)), at(90 * 86_400)));
    assert!(ReviewPolicy::check(90, 14).is_ok());
    assert!(ReviewPolicy::check(0, 14).is_err());
    assert!(ReviewPolicy::check(366, 14).is_err());
    assert!(ReviewPolicy::check(90, 91).is_err());
    for word in ["approve", "deny", "not_reviewed"] {
        assert_eq!(ReviewDecision::parse(word).unwrap().as_str(), word);
    }
}

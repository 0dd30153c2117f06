//! The usage tracker counts allowed decisions per assignment, role, user,
//! action and UTC day, counts nothing for a deny, and hands everything over
//! exactly once; the recommendation engine's three rules and its cover.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::collections::BTreeSet;

use portcullis_decision::{
    Decision, DecisionRequest, DenyReason, Grant, RecommendParams, RoleUse, UsageFacts,
    UsageTracker, recommend,
};
use portcullis_domain::{
    AccessAssignment, Action, AssignmentId, AssignmentKind, AssignmentStatus, AuthStrength,
    DisplayName, GroupId, IsoDuration, RecommendationKind, Relationship, RelationshipId,
    RelationshipStatus, RoleCatalog, RoleId, TenantId, Timestamp, UsageWindow, UserId, day_of,
};

const DAY: i64 = 86_400_000;
const T: i64 = 1_800_000_000_000;
const GLOBAL_ADMIN: &str = "62e90394-69f5-4237-9190-012177145e10";
const GROUPS_ADMIN: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
const HELPDESK_ADMIN: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const PASSWORD_ADMIN: &str = "966707d0-3269-4727-9be2-8c3a10f19b9d";
const SECURITY_READER: &str = "5d6b6bb7-de71-4623-b4af-96380a352509";

fn role(id: &str) -> RoleId {
    RoleId::parse(id).unwrap()
}

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(T + ms)
}

fn request(user: UserId, action: &str) -> DecisionRequest {
    DecisionRequest {
        partner_tenant_id: TenantId::generate(),
        user_id: user,
        customer_tenant_id: TenantId::generate(),
        action: Action::parse(action).unwrap(),
        auth_strength: AuthStrength::PhishingResistant,
        source_ip: None,
    }
}

fn grant(assignment: AssignmentId, role_id: RoleId) -> Grant {
    Grant {
        relationship_id: RelationshipId::generate(),
        assignment_id: assignment,
        role_id,
        activation_id: None,
        privileged: false,
    }
}

fn allow(g: Grant) -> Decision {
    Decision::from_parts(BTreeSet::new(), Some(g))
}

#[test]
fn allowed_decisions_are_counted_per_key_and_day_and_denies_not_at_all() {
    let tracker = UsageTracker::default();
    let (alice, bob) = (UserId::generate(), UserId::generate());
    let assignment = AssignmentId::generate();
    let g = grant(assignment, role(GROUPS_ADMIN));
    let update = request(alice, "groups.update");
    for n in 0..3 {
        tracker.record(&update, &allow(g), at(n * 1000));
    }
    tracker.record(&update, &allow(g), at(DAY));
    tracker.record(&request(alice, "groups.read"), &allow(g), at(5));
    tracker.record(&request(bob, "groups.update"), &allow(g), at(7));
    // A deny, even one naming the grant that would have applied, counts nothing.
    let denied = Decision::from_parts([DenyReason::MfaRequired].into(), Some(g));
    tracker.record(&update, &denied, at(9));

    let mut counts = tracker.drain();
    counts.sort_by_key(|c| (c.user_id == bob, c.action.clone(), c.day));
    let seen: Vec<(bool, &str, i64, u64, i64)> = counts
        .iter()
        .map(|c| {
            (
                c.user_id == bob,
                c.action.as_str(),
                c.day - day_of(at(0)),
                c.allowed,
                c.last_used.unix_millis() - T,
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (false, "groups.read", 0, 1, 5),
            (false, "groups.update", 0, 3, 2000),
            (false, "groups.update", 1, 1, DAY),
            (true, "groups.update", 0, 1, 7),
        ]
    );
    assert!(
        counts
            .iter()
            .all(|c| c.relationship_id == g.relationship_id)
    );
    assert!(tracker.drain().is_empty(), "drained once");
}

#[test]
fn restored_counts_add_to_those_counted_meanwhile() {
    let tracker = UsageTracker::default();
    let user = UserId::generate();
    let g = grant(AssignmentId::generate(), role(GROUPS_ADMIN));
    let r = request(user, "groups.update");
    tracker.record(&r, &allow(g), at(10));
    let failed = tracker.drain();
    tracker.record(&r, &allow(g), at(20));
    tracker.restore(failed);
    let counts = tracker.drain();
    assert_eq!(counts.len(), 1);
    assert_eq!((counts[0].allowed, counts[0].last_used), (2, at(20)));
    assert_eq!(tracker.dropped(), 0);
}

/// One active relationship with `roles`, approved 30 days before `T`.
fn relationship(roles: &[&str]) -> Relationship {
    let created = at(-30 * DAY);
    Relationship {
        id: RelationshipId::generate(),
        partner_tenant_id: TenantId::generate(),
        customer_tenant_id: TenantId::generate(),
        display_name: DisplayName::parse("Contoso for Fabrikam").unwrap(),
        roles: roles.iter().map(|r| role(r)).collect(),
        duration: IsoDuration::parse("P365D").unwrap(),
        auto_extend_duration: IsoDuration::zero(),
        status: RelationshipStatus::Active,
        created_at: created,
        updated_at: created,
        approval_requested_at: Some(created),
        activated_at: Some(created),
        end_at: Some(created.saturating_add_millis(365 * DAY)),
        closed_at: None,
        closed_reason: None,
        version: 1,
    }
}

fn assignment(rel: &Relationship, roles: &[&str], created: Timestamp) -> AccessAssignment {
    AccessAssignment {
        id: AssignmentId::generate(),
        relationship_id: rel.id,
        group_id: GroupId::generate(),
        roles: roles.iter().map(|r| role(r)).collect(),
        kind: AssignmentKind::Standing,
        status: AssignmentStatus::Active,
        created_at: created,
        updated_at: created,
        version: 1,
    }
}

fn used(
    facts: &mut UsageFacts,
    rel: &Relationship,
    a: &AccessAssignment,
    r: &str,
    days: u32,
    actions: &[&str],
) {
    let u = RoleUse {
        allowed: u64::from(days) * 2,
        days_used: days,
        last_used: Some(at(0)),
    };
    facts.roles.entry((a.id, role(r))).or_default().add(u);
    let (total, set) = facts.relationships.entry(rel.id).or_default();
    total.add(u);
    set.extend(actions.iter().map(|x| Action::parse(x).unwrap()));
}

fn params(days: u32) -> RecommendParams {
    RecommendParams::new(UsageWindow::parse(Some(days)).unwrap(), at(0))
}

fn kinds(found: &[portcullis_domain::Recommendation]) -> Vec<(RecommendationKind, Option<RoleId>)> {
    found.iter().map(|r| (r.kind, r.role_id)).collect()
}

#[test]
fn an_unused_role_is_removed_and_a_rarely_used_privileged_one_made_eligible() {
    let catalog = RoleCatalog::default_entra();
    let rel = relationship(&[HELPDESK_ADMIN, SECURITY_READER]);
    let a = assignment(&rel, &[HELPDESK_ADMIN, SECURITY_READER], at(-20 * DAY));
    let mut facts = UsageFacts::default();
    used(
        &mut facts,
        &rel,
        &a,
        HELPDESK_ADMIN,
        1,
        &["users.password.reset"],
    );
    let found = recommend(
        &catalog,
        std::slice::from_ref(&rel),
        std::slice::from_ref(&a),
        &facts,
        &params(14),
    );
    assert_eq!(
        kinds(&found),
        [
            (RecommendationKind::RemoveRole, Some(role(SECURITY_READER))),
            (RecommendationKind::MakeEligible, None),
            (RecommendationKind::NarrowRelationship, None),
        ]
    );
    let remove = &found[0];
    assert_eq!(remove.evidence.roles_after, vec![role(HELPDESK_ADMIN)]);
    assert_eq!(remove.evidence.window_days, 14);
    assert!(remove.reduction.permitted_after < remove.reduction.permitted_before);

    // Used often, the privileged role stays standing.
    let mut often = UsageFacts::default();
    used(
        &mut often,
        &rel,
        &a,
        HELPDESK_ADMIN,
        9,
        &["users.password.reset"],
    );
    used(&mut often, &rel, &a, SECURITY_READER, 9, &["security.read"]);
    let found = recommend(&catalog, &[rel], &[a], &often, &params(14));
    assert!(
        found
            .iter()
            .all(|r| r.kind == RecommendationKind::NarrowRelationship),
        "{:?}",
        kinds(&found)
    );
}

#[test]
fn the_cover_prefers_narrow_and_unprivileged_roles_over_one_broad_role() {
    let catalog = RoleCatalog::default_entra();
    let rel = relationship(&[GLOBAL_ADMIN]);
    let a = assignment(&rel, &[GLOBAL_ADMIN], at(-20 * DAY));
    let mut facts = UsageFacts::default();
    used(
        &mut facts,
        &rel,
        &a,
        GLOBAL_ADMIN,
        20,
        &["groups.update", "users.password.reset"],
    );
    let found = recommend(
        &catalog,
        std::slice::from_ref(&rel),
        &[a],
        &facts,
        &params(14),
    );
    let narrow = found
        .iter()
        .find(|r| r.kind == RecommendationKind::NarrowRelationship)
        .unwrap();
    let after: BTreeSet<RoleId> = narrow.evidence.roles_after.iter().copied().collect();
    assert_eq!(after, [role(GROUPS_ADMIN), role(PASSWORD_ADMIN)].into());
    assert_eq!(narrow.evidence.roles_before, vec![role(GLOBAL_ADMIN)]);
    assert!(narrow.reduction.permitted_after * 5 < narrow.reduction.permitted_before);
    assert_eq!(narrow.id, format!("narrow_relationship.{}", rel.id));
}

#[test]
fn nothing_younger_than_the_window_or_inactive_is_judged() {
    let catalog = RoleCatalog::default_entra();
    let rel = relationship(&[HELPDESK_ADMIN, SECURITY_READER]);
    let young = assignment(&rel, &[SECURITY_READER], at(-DAY));
    let mut deleted = assignment(&rel, &[SECURITY_READER], at(-20 * DAY));
    deleted.status = AssignmentStatus::Deleted;
    let facts = UsageFacts::default();
    assert!(
        recommend(
            &catalog,
            std::slice::from_ref(&rel),
            &[young, deleted],
            &facts,
            &params(14)
        )
        .is_empty()
    );
    let mut ended = rel;
    ended.status = RelationshipStatus::Terminated;
    let a = assignment(&ended, &[SECURITY_READER], at(-20 * DAY));
    assert!(recommend(&catalog, &[ended], &[a], &facts, &params(14)).is_empty());
}

#[test]
fn a_relationship_already_least_privileged_is_left_alone() {
    let catalog = RoleCatalog::default_entra();
    let rel = relationship(&[GROUPS_ADMIN]);
    let a = assignment(&rel, &[GROUPS_ADMIN], at(-20 * DAY));
    let mut facts = UsageFacts::default();
    used(&mut facts, &rel, &a, GROUPS_ADMIN, 10, &["groups.update"]);
    let found = recommend(&catalog, &[rel], &[a], &facts, &params(14));
    assert!(found.is_empty(), "{:?}", kinds(&found));
}

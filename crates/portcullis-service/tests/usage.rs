//! Role usage and recommendations end to end through the service, on SQLite
//! and PostgreSQL: allowed decisions are counted as they happen and read
//! back per role, assignment and user; the three recommendations appear with
//! their evidence and reduction; applying each changes access as promised,
//! audited; a narrowing approved by the customer moves the assignments and
//! ends the old relationship.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod support;

use std::collections::BTreeSet;
use std::convert::identity;
use std::sync::Arc;

use portcullis_decision::{DecisionRequest, DenyReason, Effect};
use portcullis_domain::{
    Action, AssignmentId, AssignmentKind, AssignmentStatus, AuditFilter, AuthStrength, PageRequest,
    PrincipalKind, RecommendationKind, RelationshipId, RelationshipStatus, RoleId, TenantId,
    TenantKind, TestClock, Timestamp, UsageWindow, UserId,
};
use portcullis_service::{Caller, Portcullis, ServiceError, UsageQuery};
use portcullis_store::Store;
use portcullis_testkit::TestDb;
use support::{
    DAY, GLOBAL_ADMIN, GROUPS_ADMIN, HELPDESK_ADMIN, Partnership, T, admin, backends, role, service,
};

const PASSWORD_ADMIN: &str = "966707d0-3269-4727-9be2-8c3a10f19b9d";

/// Contoso serves Fabrikam through one relationship holding Global, Groups
/// and Helpdesk Administrator, approved at `T`: Alice's helpdesk group has
/// Groups + Helpdesk Administrator standing, Bob's admin group Global
/// Administrator standing.
struct World {
    _db: TestDb,
    store: Arc<dyn Store>,
    clock: Arc<TestClock>,
    app: Portcullis,
    partner: TenantId,
    customer: TenantId,
    alice: UserId,
    bob: UserId,
    relationship: RelationshipId,
    helpdesk: AssignmentId,
    admins: AssignmentId,
    partner_admin: Caller,
    customer_admin: Caller,
    other_partner_admin: Caller,
}

impl World {
    async fn new(db: TestDb) -> Self {
        let clock = Arc::new(TestClock::at(Timestamp::from_unix_millis(T)));
        let world = Partnership::new(&db, clock.clone(), identity).await;
        let other = world.tenant(TenantKind::Partner, "Northwind").await;
        let (alice, helpdesk) = world
            .user_in_group("alice@contoso.example", "Helpdesk")
            .await;
        let (bob, admins) = world.user_in_group("bob@contoso.example", "Admins").await;
        let (relationship, assignments, customer_admin) = world
            .approved_relationship(
                &[GLOBAL_ADMIN, GROUPS_ADMIN, HELPDESK_ADMIN],
                "P365D",
                &[
                    (helpdesk, &[GROUPS_ADMIN, HELPDESK_ADMIN]),
                    (admins, &[GLOBAL_ADMIN]),
                ],
            )
            .await;
        let Partnership {
            store,
            app,
            partner,
            customer,
        } = world;
        Self {
            partner_admin: admin(&app, PrincipalKind::PartnerAdmin, partner).await,
            other_partner_admin: admin(&app, PrincipalKind::PartnerAdmin, other).await,
            customer_admin,
            _db: db,
            store,
            clock,
            app,
            partner,
            customer,
            alice,
            bob,
            relationship,
            helpdesk: assignments[0],
            admins: assignments[1],
        }
    }

    async fn decide(&self, user: UserId, action: &str) -> portcullis_decision::Decision {
        let request = DecisionRequest {
            partner_tenant_id: self.partner,
            user_id: user,
            customer_tenant_id: self.customer,
            action: Action::parse(action).unwrap(),
            auth_strength: AuthStrength::PhishingResistant,
            source_ip: None,
        };
        self.app
            .decide(&service(), &[request])
            .await
            .unwrap()
            .remove(0)
    }

    /// Ten days after approval: Alice updates groups three times, Bob resets
    /// a password once, and Alice is refused something once (not counted).
    async fn use_access(&self) {
        self.clock.set(Timestamp::from_unix_millis(T + 10 * DAY));
        for _ in 0..3 {
            assert_eq!(
                self.decide(self.alice, "groups.update").await.effect,
                Effect::Allow
            );
        }
        assert_eq!(
            self.decide(self.bob, "users.password.reset").await.effect,
            Effect::Allow
        );
        assert_eq!(
            self.decide(self.alice, "federation.update").await.effect,
            Effect::Deny
        );
    }

    async fn operations(&self) -> Vec<String> {
        self.store
            .list_audit(
                &AuditFilter::default(),
                &PageRequest::first(PageRequest::MAX_LIMIT),
            )
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|r| r.operation)
            .collect()
    }
}

fn week() -> UsageWindow {
    UsageWindow::parse(Some(7)).unwrap()
}

#[tokio::test]
async fn allowed_decisions_are_counted_per_role_assignment_and_user() {
    for db in backends().await {
        let w = World::new(db).await;
        w.use_access().await;
        let usage = w
            .app
            .relationship_usage(&w.customer_admin, w.relationship, week())
            .await
            .unwrap();
        assert_eq!(usage.allowed, 4, "the deny is not counted");
        let by_role = |id: &str| {
            usage
                .roles
                .iter()
                .find(|r| r.role_id == role(id))
                .unwrap()
                .clone()
        };
        assert_eq!(by_role(GROUPS_ADMIN).allowed, 3);
        assert_eq!(by_role(GROUPS_ADMIN).days_used, 1);
        assert_eq!(by_role(GLOBAL_ADMIN).allowed, 1);
        assert_eq!(by_role(HELPDESK_ADMIN).allowed, 0);
        assert_eq!(by_role(HELPDESK_ADMIN).last_used, None);
        assert_eq!(
            by_role(GLOBAL_ADMIN).last_used,
            Some(Timestamp::from_unix_millis(T + 10 * DAY))
        );
        let helpdesk = usage
            .assignments
            .iter()
            .find(|a| a.assignment_id == w.helpdesk)
            .unwrap();
        assert_eq!(helpdesk.allowed, 3);
        assert_eq!(helpdesk.actions.len(), 1);
        assert_eq!(helpdesk.actions[0].action.as_str(), "groups.update");
        let alice = usage.users.iter().find(|u| u.user_id == w.alice).unwrap();
        assert_eq!((alice.allowed, alice.roles.len()), (3, 1));
        let bob = usage.users.iter().find(|u| u.user_id == w.bob).unwrap();
        assert_eq!(bob.allowed, 1);

        // A later read adds what was counted since, without double counting.
        w.decide(w.alice, "groups.update").await;
        let again = w
            .app
            .relationship_usage(&w.partner_admin, w.relationship, week())
            .await
            .unwrap();
        assert_eq!(again.allowed, 5);

        // The same through the listing, scoped per caller.
        let partner = w
            .app
            .usage_report(&w.partner_admin, UsageQuery::default(), week())
            .await
            .unwrap();
        assert_eq!(partner.items.len(), 1);
        assert_eq!(partner.items[0].allowed, 5);
        let stranger = w
            .app
            .usage_report(&w.other_partner_admin, UsageQuery::default(), week())
            .await
            .unwrap();
        assert!(stranger.items.is_empty());
        let prying = UsageQuery {
            partner_tenant_id: Some(w.partner),
            ..UsageQuery::default()
        };
        let pried = w
            .app
            .usage_report(&w.other_partner_admin, prying, week())
            .await
            .unwrap();
        assert!(
            pried.items.is_empty(),
            "another partner's filter finds nothing"
        );
        let err = w
            .app
            .relationship_usage(&w.other_partner_admin, w.relationship, week())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::NotFound(_)), "{err:?}");
        let err = w
            .app
            .usage_report(&service(), UsageQuery::default(), week())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");

        // Outside the window nothing is counted.
        let today = UsageWindow::parse(Some(1)).unwrap();
        w.clock.set(Timestamp::from_unix_millis(T + 12 * DAY));
        let later = w
            .app
            .relationship_usage(&w.partner_admin, w.relationship, today)
            .await
            .unwrap();
        assert_eq!(later.allowed, 0);
    }
}

#[tokio::test]
async fn recommendations_carry_evidence_and_reduction_and_spare_the_unwatched() {
    for db in backends().await {
        let w = World::new(db).await;
        w.use_access().await;
        let found = w
            .app
            .recommendations(&w.partner_admin, None, week())
            .await
            .unwrap();
        let kinds: BTreeSet<_> = found.iter().map(|r| (r.kind, r.id.clone())).collect();
        assert_eq!(found.len(), 3, "{kinds:?}");

        let remove = found
            .iter()
            .find(|r| r.kind == RecommendationKind::RemoveRole)
            .unwrap();
        assert_eq!(
            remove.id,
            format!("remove_role.{}.{}", w.helpdesk, HELPDESK_ADMIN)
        );
        assert_eq!(remove.evidence.allowed, 0);
        assert_eq!(remove.evidence.roles_after, vec![role(GROUPS_ADMIN)]);
        assert!(remove.reduction.permitted_after < remove.reduction.permitted_before);

        let eligible = found
            .iter()
            .find(|r| r.kind == RecommendationKind::MakeEligible)
            .unwrap();
        assert_eq!(eligible.assignment_id, Some(w.admins));
        assert_eq!(
            (eligible.evidence.allowed, eligible.evidence.days_used),
            (1, 1)
        );
        assert_eq!(eligible.reduction.permitted_after, 0);

        let narrow = found
            .iter()
            .find(|r| r.kind == RecommendationKind::NarrowRelationship)
            .unwrap();
        assert_eq!(narrow.relationship_id, w.relationship);
        let after: BTreeSet<RoleId> = narrow.evidence.roles_after.iter().copied().collect();
        assert_eq!(after, [role(GROUPS_ADMIN), role(PASSWORD_ADMIN)].into());
        let used: Vec<&str> = narrow
            .evidence
            .used_actions
            .iter()
            .map(Action::as_str)
            .collect();
        assert_eq!(used, ["groups.update", "users.password.reset"]);
        assert!(narrow.reduction.permitted_after * 5 < narrow.reduction.permitted_before);

        // Operators see the same; customers and other partners do not.
        let all = w
            .app
            .recommendations(&Caller::local_operator(), None, week())
            .await
            .unwrap();
        assert_eq!(all, found);
        let theirs = w
            .app
            .recommendations(&w.other_partner_admin, Some(w.partner), week())
            .await
            .unwrap();
        assert!(theirs.is_empty());
        let err = w
            .app
            .recommendations(&w.customer_admin, None, week())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");

        // A window longer than the assignments have existed judges nothing.
        let month = UsageWindow::parse(Some(30)).unwrap();
        assert!(
            w.app
                .recommendations(&w.partner_admin, None, month)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn applying_recommendations_removes_makes_eligible_and_narrows_with_approval() {
    for db in backends().await {
        let w = World::new(db).await;
        w.use_access().await;
        let remove = format!("remove_role.{}.{}", w.helpdesk, HELPDESK_ADMIN);
        let eligible = format!("make_eligible.{}", w.admins);
        let narrow = format!("narrow_relationship.{}", w.relationship);

        // Not the other partner's to apply, and the same answer as a ghost.
        let err = w
            .app
            .apply_recommendation(&w.other_partner_admin, &remove, week())
            .await
            .unwrap_err();
        let ghost = format!(
            "remove_role.{}.{}",
            AssignmentId::generate(),
            HELPDESK_ADMIN
        );
        let err2 = w
            .app
            .apply_recommendation(&w.other_partner_admin, &ghost, week())
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string().replace(&remove, "X"),
            err2.to_string().replace(&ghost, "X")
        );
        let err = w
            .app
            .apply_recommendation(&w.customer_admin, &remove, week())
            .await
            .unwrap_err();
        assert!(matches!(err, ServiceError::Forbidden(_)), "{err:?}");

        let applied = w
            .app
            .apply_recommendation(&w.partner_admin, &remove, week())
            .await
            .unwrap();
        let assignment = applied.assignment.unwrap();
        assert_eq!(assignment.roles, [role(GROUPS_ADMIN)].into());
        let err = w
            .app
            .apply_recommendation(&w.partner_admin, &remove, week())
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::NotFound(_)),
            "applied once, gone: {err:?}"
        );

        let applied = w
            .app
            .apply_recommendation(&w.partner_admin, &eligible, week())
            .await
            .unwrap();
        assert!(matches!(
            applied.assignment.unwrap().kind,
            AssignmentKind::Eligible { .. }
        ));
        let bob = w.decide(w.bob, "users.password.reset").await;
        assert!(
            bob.reasons.contains(&DenyReason::ActivationRequired),
            "{:?}",
            bob.reasons
        );

        let applied = w
            .app
            .apply_recommendation(&w.partner_admin, &narrow, week())
            .await
            .unwrap();
        let replacement = applied.relationship.unwrap();
        assert_eq!(replacement.status, RelationshipStatus::ApprovalPending);
        assert_eq!(
            replacement.roles,
            [role(GROUPS_ADMIN), role(PASSWORD_ADMIN)].into()
        );
        let err = w
            .app
            .apply_recommendation(&w.partner_admin, &narrow, week())
            .await
            .unwrap_err();
        assert!(
            matches!(err, ServiceError::Conflict(_)),
            "one request at a time: {err:?}"
        );

        // Until the customer approves, the old relationship still serves.
        assert_eq!(
            w.decide(w.alice, "groups.update").await.effect,
            Effect::Allow
        );
        w.app
            .approve_relationship(&w.customer_admin, replacement.id)
            .await
            .unwrap();
        let old = w
            .app
            .get_relationship(&w.partner_admin, w.relationship)
            .await
            .unwrap();
        assert_eq!(old.status, RelationshipStatus::TerminationRequested);
        let moved = w
            .app
            .list_assignments(&w.partner_admin, replacement.id, &PageRequest::first(10))
            .await
            .unwrap()
            .items;
        assert_eq!(
            moved.len(),
            1,
            "Bob's Global Administrator is not granted by the new one"
        );
        assert_eq!(moved[0].roles, [role(GROUPS_ADMIN)].into());
        assert_eq!(moved[0].status, AssignmentStatus::Active);
        let left = w
            .app
            .list_assignments(&w.partner_admin, w.relationship, &PageRequest::first(10))
            .await
            .unwrap()
            .items;
        assert!(left.iter().all(|a| a.status == AssignmentStatus::Deleted));
        let alice = w.decide(w.alice, "groups.update").await;
        assert_eq!(alice.effect, Effect::Allow);
        assert_eq!(alice.grant.unwrap().relationship_id, replacement.id);

        let ops = w.operations().await;
        for op in [
            "assignment.role.remove",
            "assignment.make_eligible",
            "relationship.narrow",
            "assignment.move",
            "relationship.supersede",
        ] {
            assert!(ops.iter().any(|o| o == op), "{op} audited: {ops:?}");
        }
    }
}

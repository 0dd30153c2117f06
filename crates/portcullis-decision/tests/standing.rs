//! What detection asks of the index: whether a customer is reachable
//! through a user's assignments, and where a partner tenant stands.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod support;

use portcullis_decision::{DecisionIndex, PartnerAccess};
use portcullis_domain::{
    AccessAssignment, AccessSnapshot, AssignmentKind, GroupId, GroupMember, IsoDuration,
    PartnerUser, Relationship, RelationshipTerms, RoleCatalog, Tenant, TenantId, TenantKind,
    Timestamp, UserId, UserPrincipalName, relationship_name,
};
use support::{DAY, HOUR, T0, name, role};

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(T0 + ms)
}

/// Partner P with users U (in group G) and V (in no group); customers C
/// (a relationship P↔C approved at T0 for 10 days, assigned to G) and D
/// (no relationship).
struct World {
    snapshot: AccessSnapshot,
    catalog: RoleCatalog,
    partner: TenantId,
    customer: TenantId,
    other_customer: TenantId,
    user: UserId,
    loner: UserId,
}

impl World {
    fn new(kind: AssignmentKind) -> Self {
        let catalog = RoleCatalog::default_entra();
        let tenant = |kind, n| Tenant {
            id: TenantId::generate(),
            kind,
            display_name: name(n),
            created_at: at(-DAY),
            updated_at: at(-DAY),
            version: 1,
        };
        let partner = tenant(TenantKind::Partner, "Contoso");
        let customer = tenant(TenantKind::Customer, "Fabrikam");
        let other = tenant(TenantKind::Customer, "Northwind");
        let person = |upn: &str| PartnerUser {
            id: UserId::generate(),
            tenant_id: partner.id,
            user_principal_name: UserPrincipalName::parse(upn).unwrap(),
            display_name: name("Someone"),
            enabled: true,
            created_at: at(-DAY),
            updated_at: at(-DAY),
            version: 1,
        };
        let (user, loner) = (
            person("alice@contoso.example"),
            person("bob@contoso.example"),
        );
        let group = GroupId::generate();
        let mut relationship = Relationship::create(
            partner.id,
            customer.id,
            relationship_name("Contoso for Fabrikam").unwrap(),
            RelationshipTerms {
                roles: [role(1)].into(),
                duration: IsoDuration::parse("P10D").unwrap(),
                auto_extend_duration: IsoDuration::parse("PT0S").unwrap(),
            },
            &catalog,
            at(-DAY),
        )
        .unwrap();
        relationship.request_approval(at(-DAY)).unwrap();
        relationship.approve(at(0)).unwrap();
        let assignment = AccessAssignment::create(
            &relationship,
            group,
            relationship.roles.clone(),
            kind,
            at(0),
        )
        .unwrap();
        Self {
            partner: partner.id,
            customer: customer.id,
            other_customer: other.id,
            user: user.id,
            loner: loner.id,
            snapshot: AccessSnapshot {
                authorized_partners: vec![partner.id],
                tenants: vec![partner, customer, other],
                memberships: vec![GroupMember {
                    group_id: group,
                    user_id: user.id,
                    added_at: at(-DAY),
                }],
                users: vec![user, loner],
                relationships: vec![relationship],
                assignments: vec![assignment],
                ..AccessSnapshot::default()
            },
            catalog,
        }
    }

    fn index(&self) -> DecisionIndex {
        DecisionIndex::from_snapshot(&self.snapshot, &self.catalog)
    }
}

#[test]
fn a_customer_is_reachable_only_through_the_users_own_active_assignment() {
    let w = World::new(AssignmentKind::Standing);
    let index = w.index();
    assert_eq!(index.reaches(w.user, w.customer, at(HOUR)), Some(true));
    assert_eq!(
        index.reaches(w.user, w.other_customer, at(HOUR)),
        Some(false),
        "no relationship with that customer"
    );
    assert_eq!(
        index.reaches(w.loner, w.customer, at(HOUR)),
        Some(false),
        "a colleague outside the assigned group"
    );
    assert_eq!(
        index.reaches(UserId::generate(), w.customer, at(HOUR)),
        None,
        "a user the index does not know"
    );
    // After the relationship's 10 days, nothing is reachable.
    assert_eq!(index.reaches(w.user, w.customer, at(11 * DAY)), Some(false));
}

#[test]
fn an_eligible_assignment_reaches_without_an_activation() {
    let w = World::new(AssignmentKind::Eligible {
        max_activation: IsoDuration::parse("PT8H").unwrap(),
        approval_required: false,
    });
    assert_eq!(w.index().reaches(w.user, w.customer, at(HOUR)), Some(true));
}

#[test]
fn a_contained_relationship_or_a_removed_membership_reaches_nothing() {
    let w = World::new(AssignmentKind::Standing);
    let mut index = w.index();
    let relationship = w.snapshot.relationships[0].id;
    index.set_relationship_contained(relationship, true);
    assert_eq!(index.reaches(w.user, w.customer, at(HOUR)), Some(false));
    index.set_relationship_contained(relationship, false);
    assert_eq!(index.reaches(w.user, w.customer, at(HOUR)), Some(true));
    index.remove_member(w.snapshot.memberships[0].group_id, w.user);
    assert_eq!(index.reaches(w.user, w.customer, at(HOUR)), Some(false));
}

#[test]
fn partner_access_follows_vetting_and_posture() {
    let w = World::new(AssignmentKind::Standing);
    let mut index = w.index();
    assert_eq!(
        index.partner_access(w.partner, at(0)),
        Some(PartnerAccess::Authorized)
    );
    index.set_posture_suspension(w.partner, Some(at(DAY)));
    assert_eq!(
        index.partner_access(w.partner, at(0)),
        Some(PartnerAccess::Noncompliant),
        "within the grace period"
    );
    assert_eq!(
        index.partner_access(w.partner, at(DAY)),
        Some(PartnerAccess::Suspended)
    );
    index.set_authorized(w.partner, false);
    assert_eq!(
        index.partner_access(w.partner, at(0)),
        Some(PartnerAccess::NotAuthorized)
    );
    index.set_vetting_suspended(w.partner, true);
    assert_eq!(
        index.partner_access(w.partner, at(0)),
        Some(PartnerAccess::VettingSuspended),
        "a suspended case is not a partner never approved"
    );
    index.set_authorized(w.partner, true);
    index.set_posture_suspension(w.partner, None);
    assert_eq!(
        index.partner_access(w.partner, at(0)),
        Some(PartnerAccess::Authorized),
        "authorized again (reinstated): the stale flag does not speak"
    );
    index.set_authorized(w.partner, false);
    index.set_vetting_suspended(w.partner, false);
    assert_eq!(
        index.partner_access(w.partner, at(0)),
        Some(PartnerAccess::NotAuthorized),
        "revoked after the suspension"
    );
    assert_eq!(
        index.partner_access(w.customer, at(0)),
        None,
        "a customer tenant"
    );
    assert_eq!(index.partner_access(TenantId::generate(), at(0)), None);
}

//! Least-privilege records built with the domain's own constructors, as the
//! service builds them, and the changes that store them.

use portcullis_domain::AuditOperation;
use std::collections::BTreeSet;

use portcullis_domain::{
    AccessAssignment, Activation, AssignmentKind, AuthStrength, GroupId, IsoDuration, PartnerUser,
    Relationship, RelationshipTerms, RoleCatalog, RoleId, SecurityGroup, Tenant, TenantId,
    TenantKind, UserId, relationship_name,
};
use portcullis_store::{AccessChange, AccessStore, GroupStore, SqlStore};

use crate::support::{ctx, describe, group, ms, partner, tenant, user};

pub const HELPDESK_ADMIN: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
pub const SECURITY_READER: &str = "5d6b6bb7-de71-4623-b4af-96380a352509";

pub fn roles(ids: &[&str]) -> BTreeSet<RoleId> {
    ids.iter().map(|id| RoleId::parse(id).unwrap()).collect()
}

pub fn duration(text: &str) -> IsoDuration {
    IsoDuration::parse(text).unwrap()
}

pub async fn customer(store: &SqlStore, display: &str) -> Tenant {
    tenant(store, TenantKind::Customer, display).await
}

/// A new relationship in `created`, with both roles, for 90 days.
pub fn drafted(partner: TenantId, customer: TenantId, display: &str, at: i64) -> Relationship {
    Relationship::create(
        partner,
        customer,
        relationship_name(display).unwrap(),
        RelationshipTerms {
            roles: roles(&[HELPDESK_ADMIN, SECURITY_READER]),
            duration: duration("P90D"),
            auto_extend_duration: duration("PT0S"),
        },
        &RoleCatalog::default_entra(),
        ms(at),
    )
    .unwrap()
}

/// A relationship sent for approval and approved at `at`, still at version 1
/// (as if it had been stored only now).
pub fn approved(partner: TenantId, customer: TenantId, display: &str, at: i64) -> Relationship {
    let mut r = drafted(partner, customer, display, at);
    r.request_approval(ms(at)).unwrap();
    r.approve(ms(at)).unwrap();
    r
}

pub fn eligible(max_activation: &str, approval_required: bool) -> AssignmentKind {
    AssignmentKind::Eligible {
        max_activation: duration(max_activation),
        approval_required,
    }
}

pub fn assignment(r: &Relationship, group: GroupId, kind: AssignmentKind) -> AccessAssignment {
    AccessAssignment::create(r, group, roles(&[HELPDESK_ADMIN]), kind, ms(20_000)).unwrap()
}

/// A one-hour activation request of `a` by `user`, from a phishing-resistant sign-in.
pub fn requested(a: &AccessAssignment, user: UserId, at: i64) -> Activation {
    Activation::request(
        a,
        user,
        describe("ticket 4711: password reset"),
        duration("PT1H"),
        AuthStrength::PhishingResistant,
        true,
        ms(at),
    )
    .unwrap()
}

pub fn create_relationship(r: &Relationship) -> AccessChange {
    AccessChange::Relationship {
        operation: AuditOperation::RelationshipCreate,
        before: None,
        after: Some(r.clone()),
    }
}

pub fn create_assignment(a: &AccessAssignment) -> AccessChange {
    AccessChange::Assignment {
        operation: AuditOperation::AssignmentCreate,
        before: None,
        after: Some(a.clone()),
    }
}

pub fn create_activation(a: &Activation) -> AccessChange {
    AccessChange::Activation {
        operation: AuditOperation::ActivationRequest,
        before: None,
        after: Some(a.clone()),
    }
}

/// Applies `changes` as the local operator at time 30 000.
pub async fn apply(store: &SqlStore, changes: Vec<AccessChange>) {
    store.apply(&ctx(30_000), changes).await.unwrap();
}

/// A partner with a user in a group, a customer, and an approved
/// relationship between them, all stored.
pub struct Setup {
    pub partner: Tenant,
    pub customer: Tenant,
    pub user: PartnerUser,
    pub group: SecurityGroup,
    pub relationship: Relationship,
}

pub async fn setup(store: &SqlStore) -> Setup {
    let partner = partner(store, "Contoso").await;
    let customer = customer(store, "Fabrikam").await;
    let user = user(store, partner.id, "alice@contoso.com").await;
    let group = group(store, partner.id, "Helpdesk").await;
    store
        .add_member(&ctx(4_000), partner.id, group.id, user.id)
        .await
        .unwrap();
    let relationship = approved(partner.id, customer.id, "Fabrikam helpdesk", 10_000);
    apply(store, vec![create_relationship(&relationship)]).await;
    Setup {
        partner,
        customer,
        user,
        group,
        relationship,
    }
}

/// Stores an assignment of `s.relationship` to `s.group`.
pub async fn assigned(store: &SqlStore, s: &Setup, kind: AssignmentKind) -> AccessAssignment {
    let a = assignment(&s.relationship, s.group.id, kind);
    apply(store, vec![create_assignment(&a)]).await;
    a
}

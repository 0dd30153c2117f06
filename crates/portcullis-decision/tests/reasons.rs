//! Every rule of the decision, one scenario at a time, answered by both the
//! index and the naive reference (which must agree).
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod support;

use std::collections::BTreeSet;

use portcullis_decision::{
    Decision, DecisionIndex, DecisionRequest, DenyReason, Effect, decide_naive,
};
use portcullis_domain::{
    AccessAssignment, AccessSnapshot, Action, Activation, ActivationStatus, AssignmentKind,
    AssignmentStatus, AuthStrength, CustomerRestrictions, Description, GroupId, GroupMember,
    HoursWindow, IsoDuration, PartnerUser, Relationship, RelationshipTerms, RoleCatalog, Tenant,
    TenantKind, Timestamp, UserId, UserOrAdmin, UserPrincipalName, relationship_name,
};
use support::{DAY, HOUR, T0, name, role};

const HELPDESK: usize = 0;
const READER: usize = 1;
const GROUPS_ADMIN: usize = 4;

/// A partner P with user U in group G; customer C; a relationship P↔C
/// approved at T0 for 10 days with Helpdesk Administrator, Security Reader
/// and Groups Administrator; a standing assignment of all three to G.
struct World {
    snapshot: AccessSnapshot,
    catalog: RoleCatalog,
}

fn at(ms: i64) -> Timestamp {
    Timestamp::from_unix_millis(T0 + ms)
}

impl World {
    fn new() -> Self {
        let catalog = RoleCatalog::default_entra();
        let tenant = |kind, n| Tenant {
            id: portcullis_domain::TenantId::generate(),
            kind,
            display_name: name(n),
            created_at: at(-DAY),
            updated_at: at(-DAY),
            version: 1,
        };
        let partner = tenant(TenantKind::Partner, "Contoso");
        let customer = tenant(TenantKind::Customer, "Fabrikam");
        let user = PartnerUser {
            id: UserId::generate(),
            tenant_id: partner.id,
            user_principal_name: UserPrincipalName::parse("alice@contoso.example").unwrap(),
            display_name: name("Alice"),
            enabled: true,
            created_at: at(-DAY),
            updated_at: at(-DAY),
            version: 1,
        };
        let group = GroupId::generate();
        let mut relationship = Relationship::create(
            partner.id,
            customer.id,
            relationship_name("Contoso for Fabrikam").unwrap(),
            RelationshipTerms {
                roles: [role(HELPDESK), role(READER), role(GROUPS_ADMIN)].into(),
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
            AssignmentKind::Standing,
            at(0),
        )
        .unwrap();
        let snapshot = AccessSnapshot {
            authorized_partners: vec![partner.id],
            tenants: vec![partner, customer],
            memberships: vec![GroupMember {
                group_id: group,
                user_id: user.id,
                added_at: at(-DAY),
            }],
            users: vec![user],
            relationships: vec![relationship],
            assignments: vec![assignment],
            ..AccessSnapshot::default()
        };
        Self { snapshot, catalog }
    }

    fn request(&self, action: &str, strength: AuthStrength) -> DecisionRequest {
        DecisionRequest {
            partner_tenant_id: self.snapshot.tenants[0].id,
            user_id: self.snapshot.users[0].id,
            customer_tenant_id: self.snapshot.tenants[1].id,
            action: Action::parse(action).unwrap(),
            auth_strength: strength,
            source_ip: Some("203.0.113.9".parse().unwrap()),
        }
    }

    /// Both engines' answer; they must agree.
    fn decide(&self, request: &DecisionRequest, now: Timestamp) -> Decision {
        let index = DecisionIndex::from_snapshot(&self.snapshot, &self.catalog);
        let fast = index.decide(request, now);
        assert_eq!(
            fast,
            decide_naive(&self.snapshot, &self.catalog, request, now)
        );
        fast
    }

    fn reasons(&self, request: &DecisionRequest, now: Timestamp) -> BTreeSet<DenyReason> {
        self.decide(request, now).reasons
    }

    fn make_eligible(&mut self, approval_required: bool) {
        self.snapshot.assignments[0].kind = AssignmentKind::Eligible {
            max_activation: IsoDuration::parse("PT8H").unwrap(),
            approval_required,
        };
    }

    fn activate(&mut self, from: i64, hours: i64) {
        let mut activation = Activation::request(
            &self.snapshot.assignments[0],
            self.snapshot.users[0].id,
            Description::parse("ticket 4711").unwrap(),
            IsoDuration::parse(&format!("PT{hours}H")).unwrap(),
            AuthStrength::PhishingResistant,
            true,
            at(from),
        )
        .unwrap();
        if activation.status == ActivationStatus::PendingApproval {
            let approver = UserOrAdmin {
                name: "customer_admin token:1",
                user: None,
            };
            activation.approve(approver, at(from)).unwrap();
        }
        assert_eq!(activation.status, ActivationStatus::Active);
        self.snapshot.activations.push(activation);
    }
}

fn only(reason: DenyReason) -> BTreeSet<DenyReason> {
    [reason].into()
}

#[test]
fn unprivileged_role_with_mfa_allows_and_names_the_grant() {
    let w = World::new();
    let d = w.decide(&w.request("groups.update", AuthStrength::Mfa), at(HOUR));
    assert_eq!(d.effect, Effect::Allow);
    let grant = d.grant.unwrap();
    assert_eq!(grant.role_id, role(GROUPS_ADMIN));
    assert_eq!(grant.relationship_id, w.snapshot.relationships[0].id);
    assert_eq!(grant.assignment_id, w.snapshot.assignments[0].id);
    assert!(!grant.privileged && grant.activation_id.is_none());
}

#[test]
fn least_privileged_role_is_the_grant() {
    // users.read is permitted by Helpdesk Administrator (privileged) and
    // Security Reader does not; Groups Administrator does not either.
    let w = World::new();
    let d = w.decide(
        &w.request("users.read", AuthStrength::PhishingResistant),
        at(HOUR),
    );
    assert_eq!(d.grant.unwrap().role_id, role(HELPDESK));
    // security.alerts.read: only Security Reader.
    let d = w.decide(
        &w.request("security.alerts.read", AuthStrength::Mfa),
        at(HOUR),
    );
    assert_eq!(
        (d.effect, d.grant.unwrap().role_id),
        (Effect::Allow, role(READER))
    );
}

#[test]
fn privileged_role_requires_phishing_resistant_mfa() {
    let w = World::new();
    let req = w.request("users.password.reset", AuthStrength::Mfa);
    assert_eq!(
        w.reasons(&req, at(HOUR)),
        only(DenyReason::PhishingResistantMfaRequired)
    );
    let req = w.request("users.password.reset", AuthStrength::PhishingResistant);
    assert!(w.decide(&req, at(HOUR)).is_allowed());
}

#[test]
fn no_mfa_denies_even_an_unprivileged_role() {
    let w = World::new();
    let d = w.decide(&w.request("groups.update", AuthStrength::None), at(HOUR));
    assert_eq!(d.reasons, only(DenyReason::MfaRequired));
    assert!(d.grant.is_some(), "the would-be grant is still explained");
}

#[test]
fn expired_relationship_denies_at_the_end_instant() {
    let w = World::new();
    let req = w.request("groups.update", AuthStrength::Mfa);
    assert!(w.decide(&req, at(10 * DAY - 1)).is_allowed());
    assert_eq!(
        w.reasons(&req, at(10 * DAY)),
        only(DenyReason::RelationshipExpired)
    );
}

#[test]
fn auto_extended_relationship_still_allows_after_its_first_end() {
    let mut w = World::new();
    w.snapshot.relationships[0].auto_extend_duration = IsoDuration::parse("P180D").unwrap();
    let req = w.request("groups.update", AuthStrength::Mfa);
    assert!(w.decide(&req, at(10 * DAY)).is_allowed());
    assert!(w.decide(&req, at(400 * DAY)).is_allowed());
}

#[test]
fn relationship_not_yet_approved_or_terminated_denies() {
    let mut w = World::new();
    let req = w.request("groups.update", AuthStrength::Mfa);
    w.snapshot.relationships[0]
        .request_termination(at(HOUR))
        .unwrap();
    assert_eq!(
        w.reasons(&req, at(HOUR)),
        only(DenyReason::NoActiveRelationship)
    );
    let mut pending = World::new();
    pending.snapshot.relationships[0].status =
        portcullis_domain::RelationshipStatus::ApprovalPending;
    assert_eq!(
        pending.reasons(&req_of(&pending), at(HOUR)),
        only(DenyReason::NoActiveRelationship)
    );
}

fn req_of(w: &World) -> DecisionRequest {
    w.request("groups.update", AuthStrength::Mfa)
}

#[test]
fn unauthorized_partner_denies() {
    let mut w = World::new();
    w.snapshot.authorized_partners.clear();
    assert_eq!(
        w.reasons(&req_of(&w), at(HOUR)),
        only(DenyReason::PartnerNotAuthorized)
    );
}

#[test]
fn noncompliant_partner_denies_from_the_end_of_its_grace_period() {
    let mut w = World::new();
    let partner = w.snapshot.tenants[0].id;
    w.snapshot.posture_suspensions = vec![(partner, at(HOUR))];
    assert_eq!(w.decide(&req_of(&w), at(HOUR - 1)).effect, Effect::Allow);
    assert_eq!(
        w.reasons(&req_of(&w), at(HOUR)),
        only(DenyReason::PartnerNoncompliant)
    );
    let mut index = DecisionIndex::from_snapshot(&w.snapshot, &w.catalog);
    index.set_posture_suspension(partner, None);
    assert_eq!(index.decide(&req_of(&w), at(HOUR)).effect, Effect::Allow);
}

#[test]
fn unknown_disabled_and_contained_users_deny() {
    let mut w = World::new();
    let mut stranger = req_of(&w);
    stranger.user_id = UserId::generate();
    assert_eq!(
        w.reasons(&stranger, at(HOUR)),
        only(DenyReason::UnknownUser)
    );

    w.snapshot.users[0].enabled = false;
    w.snapshot.contained_users.push(w.snapshot.users[0].id);
    assert_eq!(
        w.reasons(&req_of(&w), at(HOUR)),
        [DenyReason::UserDisabled, DenyReason::UserContained].into()
    );
}

#[test]
fn a_contained_relationship_grants_nothing_until_lifted() {
    let mut w = World::new();
    let relationship = w.snapshot.relationships[0].id;
    w.snapshot.contained_relationships.push(relationship);
    assert_eq!(
        w.reasons(&req_of(&w), at(HOUR)),
        only(DenyReason::RelationshipContained)
    );
    let mut index = DecisionIndex::from_snapshot(&w.snapshot, &w.catalog);
    index.set_relationship_contained(relationship, false);
    assert_eq!(index.decide(&req_of(&w), at(HOUR)).effect, Effect::Allow);
}

#[test]
fn user_of_another_partner_is_unknown_here() {
    let mut w = World::new();
    w.snapshot.users[0].tenant_id = portcullis_domain::TenantId::generate();
    assert!(
        w.reasons(&req_of(&w), at(HOUR))
            .contains(&DenyReason::UnknownUser)
    );
}

#[test]
fn user_outside_every_assigned_group_has_no_assignment() {
    let mut w = World::new();
    w.snapshot.memberships.clear();
    assert_eq!(
        w.reasons(&req_of(&w), at(HOUR)),
        only(DenyReason::NoAssignment)
    );
    let mut deleting = World::new();
    deleting.snapshot.assignments[0].status = AssignmentStatus::Deleting;
    assert_eq!(
        deleting.reasons(&req_of(&deleting), at(HOUR)),
        only(DenyReason::NoAssignment)
    );
}

#[test]
fn action_outside_every_role_is_not_permitted() {
    let w = World::new();
    let req = w.request("federation.update", AuthStrength::PhishingResistant);
    assert_eq!(
        w.reasons(&req, at(HOUR)),
        only(DenyReason::RoleDoesNotPermitAction)
    );
}

#[test]
fn eligible_assignment_needs_an_activation_active_now() {
    let mut w = World::new();
    w.make_eligible(false);
    let req = w.request("users.password.reset", AuthStrength::PhishingResistant);
    assert_eq!(
        w.reasons(&req, at(HOUR)),
        only(DenyReason::ActivationRequired)
    );

    w.activate(2 * HOUR, 1);
    assert_eq!(
        w.reasons(&req, at(2 * HOUR - 1)),
        only(DenyReason::ActivationRequired)
    );
    let d = w.decide(&req, at(2 * HOUR));
    assert!(d.is_allowed());
    assert_eq!(
        d.grant.unwrap().activation_id,
        Some(w.snapshot.activations[0].id)
    );
    assert_eq!(
        w.reasons(&req, at(3 * HOUR)),
        only(DenyReason::ActivationRequired),
        "ends exactly"
    );
}

#[test]
fn revoked_or_pending_activation_grants_nothing() {
    let mut w = World::new();
    w.make_eligible(true);
    w.activate(0, 4);
    let req = w.request("users.password.reset", AuthStrength::PhishingResistant);
    assert!(w.decide(&req, at(HOUR)).is_allowed());
    w.snapshot.activations[0].revoke(at(HOUR));
    assert_eq!(
        w.reasons(&req, at(HOUR)),
        only(DenyReason::ActivationRequired)
    );
    w.snapshot.activations[0].status = ActivationStatus::PendingApproval;
    assert_eq!(
        w.reasons(&req, at(HOUR)),
        only(DenyReason::ActivationRequired)
    );
}

#[test]
fn customer_ip_ranges_and_hours_restrict_access() {
    let mut w = World::new();
    let customer = w.snapshot.tenants[1].id;
    let req = req_of(&w);
    w.snapshot.restrictions.push((
        customer,
        CustomerRestrictions {
            allowed_ip_ranges: vec!["198.51.100.0/24".parse().unwrap()],
            allowed_hours: None,
        },
    ));
    assert_eq!(w.reasons(&req, at(HOUR)), only(DenyReason::IpNotAllowed));
    let mut inside = req.clone();
    inside.source_ip = Some("198.51.100.20".parse().unwrap());
    assert!(w.decide(&inside, at(HOUR)).is_allowed());
    let mut no_ip = req;
    no_ip.source_ip = None;
    assert_eq!(w.reasons(&no_ip, at(HOUR)), only(DenyReason::IpNotAllowed));

    let hour_of_t0 = u8::try_from(T0.rem_euclid(DAY) / HOUR).unwrap();
    w.snapshot.restrictions[0].1 = CustomerRestrictions {
        allowed_ip_ranges: Vec::new(),
        allowed_hours: Some(HoursWindow::new(hour_of_t0, (hour_of_t0 + 1) % 24).unwrap()),
    };
    let req = req_of(&w);
    assert!(w.decide(&req, at(0)).is_allowed());
    assert_eq!(
        w.reasons(&req, at(HOUR)),
        only(DenyReason::OutsideAllowedHours)
    );
}

#[test]
fn every_failed_condition_is_reported_at_once() {
    let mut w = World::new();
    w.snapshot.authorized_partners.clear();
    w.snapshot.users[0].enabled = false;
    w.snapshot.restrictions.push((
        w.snapshot.tenants[1].id,
        CustomerRestrictions {
            allowed_ip_ranges: vec!["10.0.0.0/8".parse().unwrap()],
            allowed_hours: None,
        },
    ));
    let req = w.request("users.password.reset", AuthStrength::Mfa);
    assert_eq!(
        w.reasons(&req, at(10 * DAY)),
        [
            DenyReason::PartnerNotAuthorized,
            DenyReason::UserDisabled,
            DenyReason::RelationshipExpired,
            DenyReason::IpNotAllowed
        ]
        .into()
    );
}

#[test]
fn index_follows_incremental_changes() {
    let w = World::new();
    let mut index = DecisionIndex::from_snapshot(&w.snapshot, &w.catalog);
    let req = req_of(&w);
    assert!(index.decide(&req, at(HOUR)).is_allowed());

    let mut terminated = w.snapshot.relationships[0].clone();
    terminated.request_termination(at(HOUR)).unwrap();
    index.upsert_relationship(&terminated);
    assert_eq!(
        index.decide(&req, at(HOUR)).reasons,
        only(DenyReason::NoActiveRelationship)
    );
    index.upsert_relationship(&w.snapshot.relationships[0]);
    assert!(index.decide(&req, at(HOUR)).is_allowed());

    index.remove_member(w.snapshot.memberships[0].group_id, w.snapshot.users[0].id);
    assert_eq!(
        index.decide(&req, at(HOUR)).reasons,
        only(DenyReason::NoAssignment)
    );
    index.add_member(w.snapshot.memberships[0].group_id, w.snapshot.users[0].id);
    index.set_contained(w.snapshot.users[0].id, true);
    assert_eq!(
        index.decide(&req, at(HOUR)).reasons,
        only(DenyReason::UserContained)
    );
    index.set_contained(w.snapshot.users[0].id, false);
    index.remove_group(w.snapshot.memberships[0].group_id);
    assert_eq!(
        index.decide(&req, at(HOUR)).reasons,
        only(DenyReason::NoAssignment)
    );
}

//! Updates may reach the index in any order — an assignment before its
//! relationship, a stale version before the current one, a record that is
//! added and removed again, the catalog last — and the index must still
//! answer what the naive reference answers on the final snapshot.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod support;

use portcullis_decision::{DecisionIndex, decide_naive};
use portcullis_domain::{
    AccessAssignment, AccessSnapshot, Activation, ActivationId, ActivationStatus, AssignmentId,
    AssignmentStatus, CustomerRestrictions, GroupId, PartnerUser, Relationship, RelationshipId,
    RelationshipStatus, RoleCatalog, Tenant, TenantId, TenantKind, Timestamp, UserId,
};
use proptest::prelude::*;
use support::{DAY, Rng, ecosystem, request};

/// One call on the index.
#[derive(Debug, Clone)]
enum Update {
    Catalog(RoleCatalog),
    Tenant(Tenant),
    RemoveTenant(TenantId),
    Authorize(TenantId, bool),
    Suspend(TenantId, Option<Timestamp>),
    User(PartnerUser),
    RemoveUser(UserId),
    Contain(UserId, bool),
    ContainRelationship(portcullis_domain::RelationshipId, bool),
    Member(GroupId, UserId),
    Unmember(GroupId, UserId),
    RemoveGroup(GroupId),
    Relationship(Relationship),
    RemoveRelationship(RelationshipId),
    Assignment(AccessAssignment),
    RemoveAssignment(AssignmentId),
    Activation(Activation),
    RemoveActivation(ActivationId),
    Restrict(TenantId, CustomerRestrictions),
}

fn apply(index: &mut DecisionIndex, update: Update) {
    match update {
        Update::Catalog(catalog) => index.set_catalog(&catalog),
        Update::Tenant(tenant) => index.upsert_tenant(&tenant),
        Update::RemoveTenant(id) => index.remove_tenant(id),
        Update::Authorize(id, yes) => index.set_authorized(id, yes),
        Update::Suspend(id, from) => index.set_posture_suspension(id, from),
        Update::User(user) => index.upsert_user(&user),
        Update::RemoveUser(id) => index.remove_user(id),
        Update::Contain(id, yes) => index.set_contained(id, yes),
        Update::ContainRelationship(id, yes) => index.set_relationship_contained(id, yes),
        Update::Member(group, user) => index.add_member(group, user),
        Update::Unmember(group, user) => index.remove_member(group, user),
        Update::RemoveGroup(group) => index.remove_group(group),
        Update::Relationship(r) => index.upsert_relationship(&r),
        Update::RemoveRelationship(id) => index.remove_relationship(id),
        Update::Assignment(a) => index.upsert_assignment(&a),
        Update::RemoveAssignment(id) => index.remove_assignment(id),
        Update::Activation(a) => index.upsert_activation(&a),
        Update::RemoveActivation(id) => index.remove_activation(id),
        Update::Restrict(id, r) => index.set_restrictions(id, r),
    }
}

/// The final version of a record, after nothing, after a stale version of
/// it, or after it was added and removed once.
fn history(rng: &mut Rng, last: Update, stale: Update, remove: Update) -> Vec<Update> {
    match rng.below(3) {
        0 => vec![last],
        1 => vec![stale, last],
        _ => vec![last.clone(), remove, last],
    }
}

/// Another relationship id: one of the snapshot's, or one never indexed.
fn some_relationship(rng: &mut Rng, s: &AccessSnapshot) -> RelationshipId {
    if s.relationships.is_empty() || rng.chance(30) {
        RelationshipId::generate()
    } else {
        rng.pick(&s.relationships).id
    }
}

/// Per-record histories for `s`, and records that come and go again.
fn histories(rng: &mut Rng, s: &AccessSnapshot) -> Vec<Vec<Update>> {
    let mut all: Vec<Vec<Update>> = vec![vec![Update::Catalog(RoleCatalog::default_entra())]];
    let tenant_ids: Vec<TenantId> = s.tenants.iter().map(|t| t.id).collect();
    for tenant in &s.tenants {
        let mut stale = tenant.clone();
        stale.kind = match tenant.kind {
            TenantKind::Partner => TenantKind::Customer,
            TenantKind::Customer => TenantKind::Partner,
        };
        let h = history(
            rng,
            Update::Tenant(tenant.clone()),
            Update::Tenant(stale),
            Update::RemoveTenant(tenant.id),
        );
        // Removing a tenant forgets its authorization and restrictions:
        // those come after the tenant's history.
        let mut h = h;
        if s.authorized_partners.contains(&tenant.id) {
            h.push(Update::Authorize(tenant.id, true));
        } else if rng.chance(30) {
            h.extend([
                Update::Authorize(tenant.id, true),
                Update::Authorize(tenant.id, false),
            ]);
        }
        if let Some((_, from)) = s.posture_suspensions.iter().find(|(t, _)| *t == tenant.id) {
            if rng.chance(50) {
                h.push(Update::Suspend(tenant.id, None));
            }
            h.push(Update::Suspend(tenant.id, Some(*from)));
        } else if rng.chance(30) {
            h.extend([
                Update::Suspend(tenant.id, Some(Timestamp::from_unix_millis(0))),
                Update::Suspend(tenant.id, None),
            ]);
        }
        if let Some((_, r)) = s.restrictions.iter().find(|(t, _)| *t == tenant.id) {
            if rng.chance(50) {
                h.push(Update::Restrict(tenant.id, CustomerRestrictions::default()));
            }
            h.push(Update::Restrict(tenant.id, r.clone()));
        } else if rng.chance(30) {
            h.extend([
                Update::Restrict(
                    tenant.id,
                    CustomerRestrictions {
                        allowed_ip_ranges: vec!["198.51.100.0/24".parse().unwrap()],
                        allowed_hours: None,
                    },
                ),
                Update::Restrict(tenant.id, CustomerRestrictions::default()),
            ]);
        }
        all.push(h);
    }
    // A tenant that comes and goes, with its authorization and restrictions.
    let ghost = TenantId::generate();
    all.push(vec![
        Update::Tenant(Tenant {
            id: ghost,
            ..s.tenants[0].clone()
        }),
        Update::Authorize(ghost, true),
        Update::Suspend(ghost, Some(Timestamp::from_unix_millis(0))),
        Update::RemoveTenant(ghost),
    ]);

    for user in &s.users {
        let mut stale = user.clone();
        stale.enabled = !user.enabled;
        stale.tenant_id = *rng.pick(&tenant_ids);
        all.push(vec![Update::User(stale), Update::User(user.clone())]);
        if s.contained_users.contains(&user.id) {
            all.push(vec![Update::Contain(user.id, true)]);
        } else if rng.chance(30) {
            all.push(vec![
                Update::Contain(user.id, true),
                Update::Contain(user.id, false),
            ]);
        }
    }
    for m in &s.memberships {
        all.push(history(
            rng,
            Update::Member(m.group_id, m.user_id),
            Update::Member(m.group_id, m.user_id),
            Update::Unmember(m.group_id, m.user_id),
        ));
    }
    // A user that comes and goes, in real groups; a group that comes and
    // goes, with real members.
    let groups: Vec<GroupId> = s.memberships.iter().map(|m| m.group_id).collect();
    if !groups.is_empty() && !s.users.is_empty() {
        let mut ghost = s.users[0].clone();
        ghost.id = UserId::generate();
        all.push(vec![
            Update::Member(*rng.pick(&groups), ghost.id),
            Update::User(ghost.clone()),
            Update::RemoveUser(ghost.id),
        ]);
        let group = GroupId::generate();
        let member = rng.pick(&s.users).id;
        all.push(vec![
            Update::Member(group, member),
            Update::RemoveGroup(group),
        ]);
    }

    for r in &s.relationships {
        if s.contained_relationships.contains(&r.id) {
            all.push(vec![Update::ContainRelationship(r.id, true)]);
        } else if rng.chance(30) {
            all.push(vec![
                Update::ContainRelationship(r.id, true),
                Update::ContainRelationship(r.id, false),
            ]);
        }
        let mut stale = r.clone();
        stale.partner_tenant_id = *rng.pick(&tenant_ids);
        stale.customer_tenant_id = *rng.pick(&tenant_ids);
        stale.status = RelationshipStatus::Active;
        stale.end_at = Some(Timestamp::from_unix_millis(support::T0 + 300 * DAY));
        all.push(history(
            rng,
            Update::Relationship(r.clone()),
            Update::Relationship(stale),
            Update::RemoveRelationship(r.id),
        ));
    }
    if let Some(r) = s.relationships.first() {
        let mut ghost = r.clone();
        ghost.id = RelationshipId::generate();
        ghost.status = RelationshipStatus::Active;
        all.push(vec![
            Update::Relationship(ghost.clone()),
            Update::RemoveRelationship(ghost.id),
        ]);
    }

    for a in &s.assignments {
        let mut stale = a.clone();
        stale.relationship_id = some_relationship(rng, s);
        stale.group_id = if groups.is_empty() {
            GroupId::generate()
        } else {
            *rng.pick(&groups)
        };
        stale.status = AssignmentStatus::Active;
        stale.roles = (0..support::ROLES.len()).map(support::role).collect();
        all.push(history(
            rng,
            Update::Assignment(a.clone()),
            Update::Assignment(stale),
            Update::RemoveAssignment(a.id),
        ));
        let mut ghost = a.clone();
        ghost.id = AssignmentId::generate();
        ghost.status = AssignmentStatus::Active;
        all.push(vec![
            Update::Assignment(ghost.clone()),
            Update::RemoveAssignment(ghost.id),
        ]);
    }

    for a in &s.activations {
        let mut stale = a.clone();
        stale.status = ActivationStatus::Active;
        stale.starts_at = Some(Timestamp::from_unix_millis(support::T0 - 30 * DAY));
        stale.ends_at = Some(Timestamp::from_unix_millis(support::T0 + 30 * DAY));
        if let Some(other) = s.assignments.first() {
            stale.assignment_id = other.id;
        }
        all.push(history(
            rng,
            Update::Activation(a.clone()),
            Update::Activation(stale.clone()),
            Update::RemoveActivation(a.id),
        ));
        stale.id = ActivationId::generate();
        all.push(vec![
            Update::Activation(stale.clone()),
            Update::RemoveActivation(stale.id),
        ]);
    }
    all
}

/// Interleaves the histories at random, each kept in its own order.
fn interleave(rng: &mut Rng, mut histories: Vec<Vec<Update>>) -> Vec<Update> {
    for h in &mut histories {
        h.reverse();
    }
    let mut out = Vec::new();
    while !histories.is_empty() {
        let i = rng.below(histories.len());
        out.push(histories[i].pop().unwrap());
        if histories[i].is_empty() {
            histories.swap_remove(i);
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn updates_in_any_order_reach_the_same_answers_as_the_final_snapshot(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let catalog = RoleCatalog::default_entra();
        let snapshot = ecosystem(&mut rng);
        let histories = histories(&mut rng, &snapshot);
        let updates = interleave(&mut rng, histories);
        let mut index = DecisionIndex::new(&RoleCatalog::new(Vec::new()).unwrap());
        for update in updates {
            apply(&mut index, update);
        }
        let rebuilt = DecisionIndex::from_snapshot(&snapshot, &catalog);
        prop_assert_eq!(index.counts(), rebuilt.counts());
        for _ in 0..60 {
            let req = request(&mut rng, &snapshot);
            let now = rng.time_around(12);
            let slow = decide_naive(&snapshot, &catalog, &req, now);
            prop_assert_eq!(&index.decide(&req, now), &slow, "seed {} request {:?} at {}", seed, req, now);
        }
    }
}

/// Moving a relationship to another pair of tenants carries its
/// assignments along; removing it and indexing it again restores them.
#[test]
fn a_relationship_keeps_its_assignments_across_moves_and_removal() {
    let catalog = RoleCatalog::default_entra();
    for seed in 0..200_u64 {
        let mut rng = Rng::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut snapshot = ecosystem(&mut rng);
        if snapshot.relationships.is_empty() {
            continue;
        }
        let mut index = DecisionIndex::from_snapshot(&snapshot, &catalog);
        let at = rng.below(snapshot.relationships.len());
        let customers: Vec<TenantId> = snapshot.tenants.iter().map(|t| t.id).collect();
        snapshot.relationships[at].customer_tenant_id = *rng.pick(&customers);
        index.remove_relationship(snapshot.relationships[at].id);
        index.upsert_relationship(&snapshot.relationships[at]);
        snapshot.relationships[at].partner_tenant_id = *rng.pick(&customers);
        index.upsert_relationship(&snapshot.relationships[at]);
        for _ in 0..40 {
            let req = request(&mut rng, &snapshot);
            let now = rng.time_around(12);
            assert_eq!(
                index.decide(&req, now),
                decide_naive(&snapshot, &catalog, &req, now),
                "seed {seed}"
            );
        }
    }
}

//! The fast path: hash maps from the request's keys straight to the few
//! relationships, assignments and activations that can matter.

use std::collections::BTreeSet;

/// Hash maps with foldhash: several times cheaper than SipHash on these
/// 16-byte keys, and seeded per process so ids cannot be chosen to collide.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

use portcullis_domain::{
    AccessAssignment, AccessSnapshot, Activation, ActivationId, AssignmentId, AssignmentKind,
    AssignmentStatus, AuthStrength, CustomerRestrictions, GroupId, PartnerUser, Relationship,
    RelationshipId, RelationshipStatus, Role, RoleCatalog, RoleId, Tenant, TenantId, TenantKind,
    Timestamp, UserId,
};

use crate::{Decision, DecisionRequest, DenyReason, Grant};

type Rank = (bool, usize, usize, RoleId);
/// Orders candidate grants: least-privileged role first, then ids.
type GrantKey = (Rank, RelationshipId, AssignmentId, Option<ActivationId>);

#[derive(Debug, Clone)]
struct RoleEntry {
    role: Role,
    rank: Rank,
}

#[derive(Debug, Clone, Copy)]
struct UserEntry {
    tenant: TenantId,
    enabled: bool,
}

/// The in-memory index the decision API answers from. Build it with
/// [`DecisionIndex::from_snapshot`], then keep it current with the
/// `upsert_*`, `remove_*` and `set_*` calls as the data changes.
#[derive(Debug, Clone, Default)]
pub struct DecisionIndex {
    roles: HashMap<RoleId, RoleEntry>,
    tenants: HashMap<TenantId, TenantKind>,
    authorized: HashSet<TenantId>,
    users: HashMap<UserId, UserEntry>,
    contained: HashSet<UserId>,
    groups_of: HashMap<UserId, Vec<GroupId>>,
    members_of: HashMap<GroupId, Vec<UserId>>,
    relationships: HashMap<RelationshipId, Relationship>,
    by_pair: HashMap<(TenantId, TenantId), Vec<RelationshipId>>,
    assignments: HashMap<AssignmentId, AccessAssignment>,
    by_relationship_group: HashMap<(RelationshipId, GroupId), Vec<AssignmentId>>,
    activations: HashMap<ActivationId, Activation>,
    by_user_assignment: HashMap<(UserId, AssignmentId), Vec<ActivationId>>,
    restrictions: HashMap<TenantId, CustomerRestrictions>,
}

fn remove_from<K: std::hash::Hash + Eq, V: PartialEq>(
    map: &mut HashMap<K, Vec<V>>,
    key: K,
    value: &V,
) {
    if let Some(values) = map.get_mut(&key) {
        values.retain(|v| v != value);
        if values.is_empty() {
            map.remove(&key);
        }
    }
}

fn add_to<K: std::hash::Hash + Eq, V: PartialEq>(map: &mut HashMap<K, Vec<V>>, key: K, value: V) {
    let values = map.entry(key).or_default();
    if !values.contains(&value) {
        values.push(value);
    }
}

impl DecisionIndex {
    pub fn new(catalog: &RoleCatalog) -> Self {
        let mut index = Self::default();
        index.set_catalog(catalog);
        index
    }

    /// Indexes a whole snapshot.
    pub fn from_snapshot(snapshot: &AccessSnapshot, catalog: &RoleCatalog) -> Self {
        let mut index = Self::new(catalog);
        for tenant in &snapshot.tenants {
            index.upsert_tenant(tenant);
        }
        for tenant in &snapshot.authorized_partners {
            index.set_authorized(*tenant, true);
        }
        for user in &snapshot.users {
            index.upsert_user(user);
        }
        for user in &snapshot.contained_users {
            index.set_contained(*user, true);
        }
        for member in &snapshot.memberships {
            index.add_member(member.group_id, member.user_id);
        }
        for relationship in &snapshot.relationships {
            index.upsert_relationship(relationship);
        }
        for assignment in &snapshot.assignments {
            index.upsert_assignment(assignment);
        }
        for activation in &snapshot.activations {
            index.upsert_activation(activation);
        }
        for (tenant, restrictions) in &snapshot.restrictions {
            index.set_restrictions(*tenant, restrictions.clone());
        }
        index
    }

    pub fn set_catalog(&mut self, catalog: &RoleCatalog) {
        self.roles = catalog
            .iter()
            .map(|role| {
                let entry = RoleEntry {
                    rank: role.privilege_rank(),
                    role: role.clone(),
                };
                (role.id, entry)
            })
            .collect();
    }

    pub fn upsert_tenant(&mut self, tenant: &Tenant) {
        self.tenants.insert(tenant.id, tenant.kind);
    }

    pub fn remove_tenant(&mut self, tenant: TenantId) {
        self.tenants.remove(&tenant);
        self.authorized.remove(&tenant);
        self.restrictions.remove(&tenant);
    }

    pub fn set_authorized(&mut self, tenant: TenantId, authorized: bool) {
        if authorized {
            self.authorized.insert(tenant);
        } else {
            self.authorized.remove(&tenant);
        }
    }

    pub fn upsert_user(&mut self, user: &PartnerUser) {
        self.users.insert(
            user.id,
            UserEntry {
                tenant: user.tenant_id,
                enabled: user.enabled,
            },
        );
    }

    /// Forgets the user and its memberships.
    pub fn remove_user(&mut self, user: UserId) {
        self.users.remove(&user);
        self.contained.remove(&user);
        for group in self.groups_of.remove(&user).unwrap_or_default() {
            remove_from(&mut self.members_of, group, &user);
        }
    }

    pub fn set_contained(&mut self, user: UserId, contained: bool) {
        if contained {
            self.contained.insert(user);
        } else {
            self.contained.remove(&user);
        }
    }

    pub fn add_member(&mut self, group: GroupId, user: UserId) {
        add_to(&mut self.groups_of, user, group);
        add_to(&mut self.members_of, group, user);
    }

    pub fn remove_member(&mut self, group: GroupId, user: UserId) {
        remove_from(&mut self.groups_of, user, &group);
        remove_from(&mut self.members_of, group, &user);
    }

    /// Forgets the group's memberships.
    pub fn remove_group(&mut self, group: GroupId) {
        for user in self.members_of.remove(&group).unwrap_or_default() {
            remove_from(&mut self.groups_of, user, &group);
        }
    }

    pub fn upsert_relationship(&mut self, relationship: &Relationship) {
        self.remove_relationship(relationship.id);
        add_to(
            &mut self.by_pair,
            (
                relationship.partner_tenant_id,
                relationship.customer_tenant_id,
            ),
            relationship.id,
        );
        self.relationships
            .insert(relationship.id, relationship.clone());
    }

    pub fn remove_relationship(&mut self, id: RelationshipId) {
        if let Some(old) = self.relationships.remove(&id) {
            remove_from(
                &mut self.by_pair,
                (old.partner_tenant_id, old.customer_tenant_id),
                &id,
            );
        }
    }

    pub fn upsert_assignment(&mut self, assignment: &AccessAssignment) {
        self.remove_assignment(assignment.id);
        add_to(
            &mut self.by_relationship_group,
            (assignment.relationship_id, assignment.group_id),
            assignment.id,
        );
        self.assignments.insert(assignment.id, assignment.clone());
    }

    pub fn remove_assignment(&mut self, id: AssignmentId) {
        if let Some(old) = self.assignments.remove(&id) {
            remove_from(
                &mut self.by_relationship_group,
                (old.relationship_id, old.group_id),
                &id,
            );
        }
    }

    pub fn upsert_activation(&mut self, activation: &Activation) {
        self.remove_activation(activation.id);
        add_to(
            &mut self.by_user_assignment,
            (activation.user_id, activation.assignment_id),
            activation.id,
        );
        self.activations.insert(activation.id, activation.clone());
    }

    pub fn remove_activation(&mut self, id: ActivationId) {
        if let Some(old) = self.activations.remove(&id) {
            remove_from(
                &mut self.by_user_assignment,
                (old.user_id, old.assignment_id),
                &id,
            );
        }
    }

    pub fn set_restrictions(&mut self, customer: TenantId, restrictions: CustomerRestrictions) {
        if restrictions == CustomerRestrictions::default() {
            self.restrictions.remove(&customer);
        } else {
            self.restrictions.insert(customer, restrictions);
        }
    }

    /// How many records the index holds, by kind (for metrics and benches).
    pub fn counts(&self) -> [(&'static str, usize); 7] {
        [
            ("tenants", self.tenants.len()),
            ("users", self.users.len()),
            ("memberships", self.groups_of.values().map(Vec::len).sum()),
            ("relationships", self.relationships.len()),
            ("assignments", self.assignments.len()),
            ("activations", self.activations.len()),
            ("restrictions", self.restrictions.len()),
        ]
    }

    /// Decides `request` at `now`; see the crate documentation for the rules.
    pub fn decide(&self, request: &DecisionRequest, now: Timestamp) -> Decision {
        let mut reasons = BTreeSet::new();
        let partner = request.partner_tenant_id;

        let is_partner = self.tenants.get(&partner) == Some(&TenantKind::Partner);
        if !is_partner || !self.authorized.contains(&partner) {
            reasons.insert(DenyReason::PartnerNotAuthorized);
        }

        let user = self
            .users
            .get(&request.user_id)
            .filter(|u| u.tenant == partner);
        match user {
            None => {
                reasons.insert(DenyReason::UnknownUser);
            }
            Some(entry) => {
                if !entry.enabled {
                    reasons.insert(DenyReason::UserDisabled);
                }
                if self.contained.contains(&request.user_id) {
                    reasons.insert(DenyReason::UserContained);
                }
            }
        }

        let mut active: Vec<RelationshipId> = Vec::new();
        let mut expired = false;
        for id in self
            .by_pair
            .get(&(partner, request.customer_tenant_id))
            .map(Vec::as_slice)
            .unwrap_or_default()
        {
            let Some(relationship) = self.relationships.get(id) else {
                continue;
            };
            match relationship.status_at(now) {
                RelationshipStatus::Active => active.push(*id),
                RelationshipStatus::Expired => expired = true,
                _ => {}
            }
        }
        if active.is_empty() {
            reasons.insert(if expired {
                DenyReason::RelationshipExpired
            } else {
                DenyReason::NoActiveRelationship
            });
        }

        let grant = if user.is_some() && !active.is_empty() {
            self.find_grant(request, &active, now, &mut reasons)
        } else {
            None
        };

        if let Some(found) = &grant {
            if request.auth_strength == AuthStrength::None {
                reasons.insert(DenyReason::MfaRequired);
            }
            if found.privileged && request.auth_strength != AuthStrength::PhishingResistant {
                reasons.insert(DenyReason::PhishingResistantMfaRequired);
            }
        }

        if let Some(restrictions) = self.restrictions.get(&request.customer_tenant_id) {
            if !restrictions.allows_ip(request.source_ip) {
                reasons.insert(DenyReason::IpNotAllowed);
            }
            if !restrictions.allows_time(now) {
                reasons.insert(DenyReason::OutsideAllowedHours);
            }
        }

        Decision::from_parts(reasons, grant)
    }

    /// The least-privileged grant of the action through the user's groups'
    /// active assignments in `active` relationships, or the reason there is none.
    fn find_grant(
        &self,
        request: &DecisionRequest,
        active: &[RelationshipId],
        now: Timestamp,
        reasons: &mut BTreeSet<DenyReason>,
    ) -> Option<Grant> {
        let groups = self
            .groups_of
            .get(&request.user_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut any_assignment = false;
        let mut eligible_would_permit = false;
        let mut best: Option<(GrantKey, Grant)> = None;
        for relationship in active {
            for group in groups {
                let Some(ids) = self.by_relationship_group.get(&(*relationship, *group)) else {
                    continue;
                };
                for id in ids {
                    let Some(assignment) = self.assignments.get(id) else {
                        continue;
                    };
                    if assignment.status != AssignmentStatus::Active {
                        continue;
                    }
                    any_assignment = true;
                    let activations = self.active_activations(request.user_id, assignment, now);
                    for role_id in &assignment.roles {
                        let Some(entry) = self.roles.get(role_id) else {
                            continue;
                        };
                        if !entry.role.permits(&request.action) {
                            continue;
                        }
                        if activations.is_empty() {
                            eligible_would_permit = true;
                        }
                        for activation in &activations {
                            let key = (
                                entry.rank,
                                assignment.relationship_id,
                                assignment.id,
                                *activation,
                            );
                            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                                let grant = Grant {
                                    relationship_id: assignment.relationship_id,
                                    assignment_id: assignment.id,
                                    role_id: *role_id,
                                    activation_id: *activation,
                                    privileged: entry.role.privileged,
                                };
                                best = Some((key, grant));
                            }
                        }
                    }
                }
            }
        }
        if !any_assignment {
            reasons.insert(DenyReason::NoAssignment);
            return None;
        }
        match best {
            Some((_, grant)) => Some(grant),
            None => {
                reasons.insert(if eligible_would_permit {
                    DenyReason::ActivationRequired
                } else {
                    DenyReason::RoleDoesNotPermitAction
                });
                None
            }
        }
    }

    /// `[None]` for a standing assignment; the user's activations active at
    /// `now` for an eligible one (possibly none).
    fn active_activations(
        &self,
        user: UserId,
        assignment: &AccessAssignment,
        now: Timestamp,
    ) -> Vec<Option<ActivationId>> {
        match assignment.kind {
            AssignmentKind::Standing => vec![None],
            AssignmentKind::Eligible { .. } => self
                .by_user_assignment
                .get(&(user, assignment.id))
                .map(Vec::as_slice)
                .unwrap_or_default()
                .iter()
                .filter(|id| {
                    self.activations
                        .get(id)
                        .is_some_and(|a| a.is_active_at(now))
                })
                .map(|id| Some(*id))
                .collect(),
        }
    }
}

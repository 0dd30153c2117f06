//! The fast path: hash maps from the request's keys straight to compact
//! records of what can matter, laid out so that a decision takes few hops
//! through memory (at full benchmark scale the index is far larger than the
//! caches, and each hop is a likely cache miss):
//!
//! - user id → account and group memberships ([`users`]);
//! - (partner, customer) → the relationships' lifetimes (the domain's
//!   `RelationshipLifetime`, inline), each with its active assignments,
//!   their roles as small numbers ([`links`], [`roles`], [`matcher`]);
//! - (user, assignment) → running activation windows ([`activations`]);
//! - small maps for tenants, authorization, containment and restrictions;
//! - what detection asks of an event ([`standing`]).

mod activations;
mod decide;
mod links;
mod matcher;
mod numbers;
mod pairs;
mod roles;
mod search;
mod standing;
mod users;

/// Hash maps with foldhash: several times cheaper than SipHash on these
/// 16-byte keys, and seeded per process so ids cannot be chosen to collide.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

use portcullis_domain::{
    AccessAssignment, AccessSnapshot, Activation, ActivationId, AssignmentId, CustomerRestrictions,
    GroupId, PartnerUser, Relationship, RelationshipId, RoleCatalog, Tenant, TenantId, TenantKind,
    Timestamp, UserId,
};

use activations::Activations;
use links::Links;
use numbers::Numbers;
use roles::RoleTable;
pub use search::{SearchPage, SearchSession};
pub use standing::PartnerAccess;
use users::{GroupIx, People};

/// The in-memory index the decision API answers from. Build it with
/// [`DecisionIndex::from_snapshot`], then keep it current with the
/// `upsert_*`, `remove_*` and `set_*` calls as the data changes.
#[derive(Debug, Clone, Default)]
pub struct DecisionIndex {
    roles: RoleTable,
    tenants: HashMap<TenantId, TenantKind>,
    authorized: HashSet<TenantId>,
    /// Partners whose vetting case is suspended (by an operator, a
    /// re-screen or a partner containment), as against never approved.
    vetting_suspended: HashSet<TenantId>,
    /// Non-compliant partners and the instant their suspension starts.
    posture: HashMap<TenantId, Timestamp>,
    people: People,
    groups: Numbers<GroupId>,
    contained: HashSet<UserId>,
    contained_relationships: HashSet<RelationshipId>,
    links: Links,
    activations: Activations,
    restrictions: HashMap<TenantId, CustomerRestrictions>,
    /// For the searches only: which tenants relationships link.
    pairs: pairs::Pairs,
    /// For the searches only: the actions the catalog names.
    vocabulary: search::Vocabulary,
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
        for (tenant, from) in &snapshot.posture_suspensions {
            index.set_posture_suspension(*tenant, Some(*from));
        }
        for user in &snapshot.users {
            index.upsert_user(user);
        }
        for user in &snapshot.contained_users {
            index.set_contained(*user, true);
        }
        for relationship in &snapshot.contained_relationships {
            index.set_relationship_contained(*relationship, true);
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
        self.roles.set_catalog(catalog);
        self.vocabulary = search::Vocabulary::of(catalog);
    }

    pub fn upsert_tenant(&mut self, tenant: &Tenant) {
        self.tenants.insert(tenant.id, tenant.kind);
    }

    pub fn remove_tenant(&mut self, tenant: TenantId) {
        self.tenants.remove(&tenant);
        self.authorized.remove(&tenant);
        self.vetting_suspended.remove(&tenant);
        self.posture.remove(&tenant);
        self.restrictions.remove(&tenant);
    }

    /// The instant from which a non-compliant partner is suspended; `None`
    /// when its posture is compliant (or was never assessed).
    pub fn set_posture_suspension(&mut self, tenant: TenantId, from: Option<Timestamp>) {
        match from {
            Some(from) => {
                self.posture.insert(tenant, from);
            }
            None => {
                self.posture.remove(&tenant);
            }
        }
    }

    pub fn set_authorized(&mut self, tenant: TenantId, authorized: bool) {
        if authorized {
            self.authorized.insert(tenant);
        } else {
            self.authorized.remove(&tenant);
        }
    }

    /// Whether the partner's vetting case is suspended. Decisions do not
    /// read it (an unauthorized partner is denied either way); detection
    /// does, to tell a suspension from a partner never approved.
    pub fn set_vetting_suspended(&mut self, tenant: TenantId, suspended: bool) {
        if suspended {
            self.vetting_suspended.insert(tenant);
        } else {
            self.vetting_suspended.remove(&tenant);
        }
    }

    pub fn upsert_user(&mut self, user: &PartnerUser) {
        self.people.upsert(user);
    }

    /// Forgets the user and its memberships.
    pub fn remove_user(&mut self, user: UserId) {
        self.people.remove(user);
        self.contained.remove(&user);
    }

    /// A contained relationship grants nothing until the containment lifts.
    pub fn set_relationship_contained(&mut self, relationship: RelationshipId, contained: bool) {
        if contained {
            self.contained_relationships.insert(relationship);
        } else {
            self.contained_relationships.remove(&relationship);
        }
    }

    pub fn set_contained(&mut self, user: UserId, contained: bool) {
        if contained {
            self.contained.insert(user);
        } else {
            self.contained.remove(&user);
        }
    }

    /// Adds the membership; a group beyond the 2^32 the index can number
    /// is left out (its members gain nothing through it).
    pub fn add_member(&mut self, group: GroupId, user: UserId) {
        if let Some(n) = self.groups.intern(group) {
            self.people.add_member(GroupIx(n), user);
        }
    }

    pub fn remove_member(&mut self, group: GroupId, user: UserId) {
        if let Some(n) = self.groups.get(group) {
            self.people.remove_member(GroupIx(n), user);
        }
    }

    /// Forgets the group's memberships.
    pub fn remove_group(&mut self, group: GroupId) {
        if let Some(n) = self.groups.get(group) {
            self.people.remove_group(GroupIx(n));
        }
    }

    pub fn upsert_relationship(&mut self, relationship: &Relationship) {
        self.links.upsert_relationship(relationship);
        self.pairs.upsert_relationship(relationship);
    }

    pub fn remove_relationship(&mut self, id: RelationshipId) {
        self.links.remove_relationship(id);
        self.pairs.remove_relationship(id);
    }

    pub fn upsert_assignment(&mut self, assignment: &AccessAssignment) {
        let group = self.groups.intern(assignment.group_id).map(GroupIx);
        self.links
            .upsert_assignment(assignment, group, &mut self.roles);
    }

    pub fn remove_assignment(&mut self, id: AssignmentId) {
        self.links.remove_assignment(id);
    }

    pub fn upsert_activation(&mut self, activation: &Activation) {
        self.activations.upsert(activation);
    }

    pub fn remove_activation(&mut self, id: ActivationId) {
        self.activations.remove(id);
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
            ("users", self.people.user_count()),
            ("memberships", self.people.membership_count()),
            ("relationships", self.links.relationship_count()),
            ("assignments", self.links.assignment_count()),
            ("activations", self.activations.count()),
            ("restrictions", self.restrictions.len()),
        ]
    }
}

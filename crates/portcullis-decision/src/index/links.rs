//! Relationships by (partner, customer) pair, each holding its active
//! assignments inline: from the request's two tenants, one hash lookup
//! reaches the relationships' lifetimes and one more their assignments.

use portcullis_domain::{
    AccessAssignment, AssignmentId, AssignmentKind, AssignmentStatus, Relationship, RelationshipId,
    RelationshipLifetime as Lifetime, TenantId,
};
use smallvec::SmallVec;

use super::HashMap;
use super::roles::{RoleIx, RoleTable};
use super::users::GroupIx;

type Pair = (TenantId, TenantId);

/// An active assignment, as the decision reads it.
#[derive(Debug, Clone)]
pub(super) struct Assigned {
    pub(super) id: AssignmentId,
    pub(super) group: GroupIx,
    pub(super) eligible: bool,
    pub(super) roles: SmallVec<[RoleIx; 4]>,
}

/// A relationship, as the decision reads it, with its active assignments.
#[derive(Debug, Clone)]
pub(super) struct Linked {
    pub(super) id: RelationshipId,
    pub(super) lifetime: Lifetime,
    pub(super) assignments: SmallVec<[Assigned; 4]>,
}

/// Relationships and assignments, kept so that each can be replaced or
/// removed on its own, in any order: an assignment whose relationship is not
/// (or no longer) indexed waits in `unlinked` until it is.
#[derive(Debug, Clone, Default)]
pub(super) struct Links {
    by_pair: HashMap<Pair, SmallVec<[Linked; 1]>>,
    pair_of: HashMap<RelationshipId, Pair>,
    unlinked: HashMap<RelationshipId, SmallVec<[Assigned; 4]>>,
    /// Every assignment indexed, active or not, and its relationship.
    relationship_of: HashMap<AssignmentId, RelationshipId>,
}

impl Links {
    /// The relationships between `partner` and `customer`.
    pub(super) fn between(&self, partner: TenantId, customer: TenantId) -> &[Linked] {
        self.by_pair
            .get(&(partner, customer))
            .map(SmallVec::as_slice)
            .unwrap_or_default()
    }

    pub(super) fn relationship_count(&self) -> usize {
        self.pair_of.len()
    }

    pub(super) fn assignment_count(&self) -> usize {
        self.relationship_of.len()
    }

    pub(super) fn upsert_relationship(&mut self, relationship: &Relationship) {
        let assignments = self.detach(relationship.id);
        let pair = (
            relationship.partner_tenant_id,
            relationship.customer_tenant_id,
        );
        self.by_pair.entry(pair).or_default().push(Linked {
            id: relationship.id,
            lifetime: Lifetime::of(relationship),
            assignments,
        });
        self.pair_of.insert(relationship.id, pair);
    }

    /// Forgets the relationship; its assignments stay, unlinked.
    pub(super) fn remove_relationship(&mut self, id: RelationshipId) {
        let assignments = self.detach(id);
        if !assignments.is_empty() {
            self.unlinked.insert(id, assignments);
        }
    }

    /// Indexes the assignment; `group` is the number of its group, `None`
    /// when there was none to give (it then grants nothing).
    pub(super) fn upsert_assignment(
        &mut self,
        assignment: &AccessAssignment,
        group: Option<GroupIx>,
        roles: &mut RoleTable,
    ) {
        self.remove_assignment(assignment.id);
        self.relationship_of
            .insert(assignment.id, assignment.relationship_id);
        let (AssignmentStatus::Active, Some(group)) = (assignment.status, group) else {
            return;
        };
        let assigned = Assigned {
            id: assignment.id,
            group,
            eligible: matches!(assignment.kind, AssignmentKind::Eligible { .. }),
            roles: assignment
                .roles
                .iter()
                .filter_map(|role| roles.intern(*role))
                .collect(),
        };
        match self.linked_mut(assignment.relationship_id) {
            Some(linked) => linked.assignments.push(assigned),
            None => self
                .unlinked
                .entry(assignment.relationship_id)
                .or_default()
                .push(assigned),
        }
    }

    pub(super) fn remove_assignment(&mut self, id: AssignmentId) {
        let Some(relationship) = self.relationship_of.remove(&id) else {
            return;
        };
        if let Some(linked) = self.linked_mut(relationship) {
            linked.assignments.retain(|a| a.id != id);
        } else if let Some(waiting) = self.unlinked.get_mut(&relationship) {
            waiting.retain(|a| a.id != id);
            if waiting.is_empty() {
                self.unlinked.remove(&relationship);
            }
        }
    }

    fn linked_mut(&mut self, id: RelationshipId) -> Option<&mut Linked> {
        let pair = self.pair_of.get(&id)?;
        self.by_pair.get_mut(pair)?.iter_mut().find(|l| l.id == id)
    }

    /// Takes the relationship out of its pair (or its assignments out of
    /// `unlinked`) and returns its assignments.
    fn detach(&mut self, id: RelationshipId) -> SmallVec<[Assigned; 4]> {
        let Some(pair) = self.pair_of.remove(&id) else {
            return self.unlinked.remove(&id).unwrap_or_default();
        };
        let Some(list) = self.by_pair.get_mut(&pair) else {
            return SmallVec::new();
        };
        let taken = list
            .iter()
            .position(|l| l.id == id)
            .map(|at| list.swap_remove(at).assignments);
        if list.is_empty() {
            self.by_pair.remove(&pair);
        }
        taken.unwrap_or_default()
    }
}

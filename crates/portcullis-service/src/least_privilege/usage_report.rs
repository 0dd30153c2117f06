//! Assembling a relationship's usage report from the stored totals: per
//! role, action, assignment and user.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use portcullis_domain::{
    AccessAssignment, Action, ActionUsage, AssignmentId, AssignmentKind, AssignmentUsage,
    Relationship, RelationshipUsage, RoleCatalog, RoleId, RoleUsage, Timestamp, UsageTotal, UserId,
    UserUsage,
};

/// Allowed decisions, days and last use of one thing.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    allowed: u64,
    days_used: u32,
    last_used: Option<Timestamp>,
}

impl Tally {
    fn add(&mut self, allowed: u64, days: u32, last: Option<Timestamp>) {
        self.allowed += allowed;
        self.days_used = self.days_used.max(days);
        self.last_used = self.last_used.max(last);
    }

    fn add_total(&mut self, t: &UsageTotal) {
        self.add(t.allowed, t.days_used, Some(t.last_used));
    }
}

/// Tallies by role and by action of one slice of the totals.
#[derive(Debug, Default)]
struct Breakdown {
    all: Tally,
    roles: BTreeMap<RoleId, Tally>,
    actions: BTreeMap<Action, Tally>,
}

impl Breakdown {
    fn add(&mut self, t: &UsageTotal) {
        self.all.add_total(t);
        self.roles.entry(t.role_id).or_default().add_total(t);
        self.actions
            .entry(t.action.clone())
            .or_default()
            .add_total(t);
    }

    /// The roles named (used or not) and any other used role, in id order.
    fn roles(&self, named: &BTreeSet<RoleId>, catalog: &RoleCatalog) -> Vec<RoleUsage> {
        let ids: BTreeSet<RoleId> = named.iter().chain(self.roles.keys()).copied().collect();
        ids.into_iter()
            .map(|id| {
                let tally = self.roles.get(&id).copied().unwrap_or_default();
                let role = catalog.get(id);
                RoleUsage {
                    role_id: id,
                    role_name: role.map_or_else(|| id.to_string(), |r| r.name.clone()),
                    privileged: role.is_some_and(|r| r.privileged),
                    allowed: tally.allowed,
                    days_used: tally.days_used,
                    last_used: tally.last_used,
                }
            })
            .collect()
    }

    fn actions(&self) -> Vec<ActionUsage> {
        self.actions
            .iter()
            .map(|(action, t)| ActionUsage {
                action: action.clone(),
                allowed: t.allowed,
                last_used: t.last_used,
            })
            .collect()
    }
}

/// The usage report of `relationship` from its assignments and the totals
/// of its keys; `days` holds the exact distinct days per assignment and role.
pub(crate) fn relationship_usage(
    relationship: &Relationship,
    assignments: &[AccessAssignment],
    totals: &[&UsageTotal],
    days: &HashMap<(AssignmentId, RoleId), u32>,
    catalog: &RoleCatalog,
) -> RelationshipUsage {
    let mut whole = Breakdown::default();
    let mut by_assignment: HashMap<AssignmentId, Breakdown> = HashMap::new();
    let mut by_user: BTreeMap<UserId, Breakdown> = BTreeMap::new();
    for t in totals {
        whole.add(t);
        by_assignment.entry(t.assignment_id).or_default().add(t);
        by_user.entry(t.user_id).or_default().add(t);
    }
    // Exact days per assignment role; a relationship's role takes the most
    // of its assignments.
    for (assignment, breakdown) in &mut by_assignment {
        for (role, tally) in &mut breakdown.roles {
            tally.days_used = days.get(&(*assignment, *role)).copied().unwrap_or(0);
            let at_relationship = whole.roles.entry(*role).or_default();
            at_relationship.days_used = at_relationship.days_used.max(tally.days_used);
        }
    }
    let empty = Breakdown::default();
    let assignments = assignments
        .iter()
        .map(|a| {
            let b = by_assignment.get(&a.id).unwrap_or(&empty);
            AssignmentUsage {
                assignment_id: a.id,
                group_id: a.group_id,
                eligible: a.kind != AssignmentKind::Standing,
                allowed: b.all.allowed,
                last_used: b.all.last_used,
                roles: b.roles(&a.roles, catalog),
                actions: b.actions(),
            }
        })
        .collect();
    let users = by_user
        .iter()
        .map(|(user, b)| UserUsage {
            user_id: *user,
            allowed: b.all.allowed,
            last_used: b.all.last_used,
            roles: b.roles(&BTreeSet::new(), catalog),
            actions: b.actions(),
        })
        .collect();
    RelationshipUsage {
        relationship_id: relationship.id,
        partner_tenant_id: relationship.partner_tenant_id,
        customer_tenant_id: relationship.customer_tenant_id,
        display_name: relationship.display_name.to_string(),
        allowed: whole.all.allowed,
        last_used: whole.all.last_used,
        roles: whole.roles(&relationship.roles, catalog),
        actions: whole.actions(),
        assignments,
        users,
    }
}

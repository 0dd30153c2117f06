//! The three rules, each turning what it finds into a [`Recommendation`]
//! with its evidence and reduction.

use std::collections::BTreeSet;

use portcullis_domain::{
    AccessAssignment, AssignmentKind, Evidence, Recommendation, RecommendationId, Reduction,
    Relationship, RoleCatalog, RoleId, Timestamp,
};

use super::vocabulary::Vocabulary;
use super::{RecommendParams, RoleUse, UsageFacts, cover};

pub(super) struct Rules<'a> {
    pub(super) catalog: &'a RoleCatalog,
    pub(super) vocabulary: &'a Vocabulary,
    pub(super) facts: &'a UsageFacts,
    pub(super) params: &'a RecommendParams,
    pub(super) since: Timestamp,
}

/// What differs between the recommendations of one rule.
struct Finding {
    id: RecommendationId,
    summary: String,
    action: &'static str,
    used: RoleUse,
    used_actions: Vec<portcullis_domain::Action>,
    roles_before: Vec<RoleId>,
    roles_after: Vec<RoleId>,
    reduction: Reduction,
}

impl Rules<'_> {
    fn role_name(&self, role: RoleId) -> String {
        self.catalog
            .get(role)
            .map_or_else(|| role.to_string(), |r| r.name.clone())
    }

    fn permitted<'r>(&self, roles: impl IntoIterator<Item = &'r RoleId>) -> u32 {
        self.vocabulary.permitted(roles).len()
    }

    fn build(&self, relationship: &Relationship, finding: Finding) -> Recommendation {
        let (assignment_id, role_id) = match finding.id {
            RecommendationId::RemoveRole {
                assignment_id,
                role_id,
            } => (Some(assignment_id), Some(role_id)),
            RecommendationId::MakeEligible { assignment_id } => (Some(assignment_id), None),
            RecommendationId::NarrowRelationship { .. } => (None, None),
        };
        Recommendation {
            id: finding.id.to_string(),
            kind: finding.id.kind(),
            partner_tenant_id: relationship.partner_tenant_id,
            customer_tenant_id: relationship.customer_tenant_id,
            relationship_id: relationship.id,
            assignment_id,
            role_id,
            summary: finding.summary,
            action: finding.action.to_owned(),
            evidence: Evidence {
                window_days: self.params.window.days(),
                since: self.since,
                allowed: finding.used.allowed,
                days_used: finding.used.days_used,
                last_used: finding.used.last_used,
                used_actions: finding.used_actions,
                roles_before: finding.roles_before,
                roles_after: finding.roles_after,
            },
            reduction: finding.reduction,
        }
    }

    fn role_use(&self, assignment: &AccessAssignment, role: RoleId) -> RoleUse {
        self.facts
            .roles
            .get(&(assignment.id, role))
            .copied()
            .unwrap_or_default()
    }

    /// Each role of the assignment that allowed nothing in the window.
    pub(super) fn remove_roles(
        &self,
        relationship: &Relationship,
        assignment: &AccessAssignment,
    ) -> Vec<Recommendation> {
        let before = self.permitted(&assignment.roles);
        let days = self.params.window.days();
        assignment
            .roles
            .iter()
            .filter(|role| self.role_use(assignment, **role).allowed == 0)
            .map(|role| {
                let after: Vec<RoleId> =
                    assignment.roles.iter().copied().filter(|r| r != role).collect();
                let finding = Finding {
                    id: RecommendationId::RemoveRole {
                        assignment_id: assignment.id,
                        role_id: *role,
                    },
                    summary: format!(
                        "{} allowed nothing through this assignment in the last {days} days: remove it",
                        self.role_name(*role)
                    ),
                    action: "removes the role from the assignment at once (the assignment is deleted when it was its last role)",
                    used: RoleUse::default(),
                    used_actions: Vec::new(),
                    roles_before: assignment.roles.iter().copied().collect(),
                    reduction: Reduction {
                        permitted_before: before,
                        permitted_after: self.permitted(&after),
                    },
                    roles_after: after,
                };
                self.build(relationship, finding)
            })
            .collect()
    }

    /// The standing assignment, when its privileged roles are used rarely.
    pub(super) fn make_eligible(
        &self,
        relationship: &Relationship,
        assignment: &AccessAssignment,
    ) -> Option<Recommendation> {
        if assignment.kind != AssignmentKind::Standing {
            return None;
        }
        let mut total = RoleUse::default();
        let mut privileged_used = false;
        for role in &assignment.roles {
            let used = self.role_use(assignment, *role);
            if used.days_used > self.params.rare_days {
                return None;
            }
            let privileged = self.catalog.get(*role).is_some_and(|r| r.privileged);
            privileged_used |= privileged && used.allowed > 0;
            total.add(used);
        }
        if !privileged_used {
            return None;
        }
        let roles: Vec<RoleId> = assignment.roles.iter().copied().collect();
        let finding = Finding {
            id: RecommendationId::MakeEligible {
                assignment_id: assignment.id,
            },
            summary: format!(
                "this standing assignment's privileged roles were used on {} of the last {} days: make it eligible (just-in-time)",
                total.days_used,
                self.params.window.days()
            ),
            action: "makes the assignment eligible at once: members activate it (at most PT2H, no second approver) when they need it",
            used: total,
            used_actions: Vec::new(),
            roles_before: roles.clone(),
            roles_after: roles,
            reduction: Reduction {
                permitted_before: self.permitted(&assignment.roles),
                permitted_after: 0,
            },
        };
        Some(self.build(relationship, finding))
    }

    /// The relationship, when a set of roles permitting fewer actions covers
    /// every action used through it.
    pub(super) fn narrow(&self, relationship: &Relationship) -> Option<Recommendation> {
        let (used, actions) = self.facts.relationships.get(&relationship.id)?;
        if actions.is_empty() {
            return None;
        }
        let wanted = self.vocabulary.set_of(actions);
        let cover = cover::least_privileged_cover(self.catalog, self.vocabulary, &wanted)?;
        let before = self.permitted(&relationship.roles);
        let after = self.permitted(&cover);
        if after >= before || cover == relationship.roles {
            return None;
        }
        let names: BTreeSet<String> = cover.iter().map(|r| self.role_name(*r)).collect();
        let finding = Finding {
            id: RecommendationId::NarrowRelationship {
                relationship_id: relationship.id,
            },
            summary: format!(
                "the {} actions used through this relationship in the last {} days need only {}: ask the customer for a relationship with just these roles",
                actions.len(),
                self.params.window.days(),
                names.into_iter().collect::<Vec<_>>().join(", ")
            ),
            action: "requests a relationship with these roles for the customer to approve; on approval the assignments move to it and this relationship ends",
            used: *used,
            used_actions: actions.iter().cloned().collect(),
            roles_before: relationship.roles.iter().copied().collect(),
            roles_after: cover.into_iter().collect(),
            reduction: Reduction {
                permitted_before: before,
                permitted_after: after,
            },
        };
        Some(self.build(relationship, finding))
    }
}

//! Least-privilege recommendations: computed from the stored usage and the
//! partner's relationships and assignments, and applied by the partner.

use std::collections::{BTreeSet, HashMap, HashSet};

use portcullis_decision::{RecommendParams, RoleUse, UsageFacts, recommend};
use portcullis_domain::{
    AccessAssignment, AppliedRecommendation, AssignmentKind, AuditOperation, IsoDuration,
    Recommendation, RecommendationId, Relationship, RoleId, TenantId, UsageFilter, UsageWindow,
};

use super::assignments::assignment_not_found;
use crate::caller_rules;
use crate::{Caller, Portcullis, ServiceError};

/// How long an activation of an assignment made eligible by a
/// recommendation may last.
pub const ELIGIBLE_MAX_ACTIVATION: &str = "PT2H";

fn recommendation_not_found(id: &str) -> ServiceError {
    ServiceError::NotFound(format!("recommendation `{id}` not found"))
}

impl Portcullis {
    /// The recommendations for the partners the caller may see: operators
    /// every partner's (or `partner`'s), partner admins their own; naming
    /// another partner finds nothing.
    pub async fn recommendations(
        &self,
        caller: &Caller,
        partner: Option<TenantId>,
        window: UsageWindow,
    ) -> Result<Vec<Recommendation>, ServiceError> {
        let scope = caller_rules::partner_scope(&caller.principal, "read recommendations")?;
        match scope.narrow(partner) {
            Some(partner) => self.compute_recommendations(partner, window).await,
            None => Ok(Vec::new()),
        }
    }

    pub(crate) async fn compute_recommendations(
        &self,
        partner: Option<TenantId>,
        window: UsageWindow,
    ) -> Result<Vec<Recommendation>, ServiceError> {
        self.flush_usage().await?;
        let now = self.clock.now();
        let snapshot = self.store.access_snapshot().await?;
        let relationships: Vec<Relationship> = snapshot
            .relationships
            .into_iter()
            .filter(|r| partner.is_none_or(|p| r.partner_tenant_id == p))
            .collect();
        let ids: HashSet<_> = relationships.iter().map(|r| r.id).collect();
        let assignments: Vec<AccessAssignment> = snapshot
            .assignments
            .into_iter()
            .filter(|a| ids.contains(&a.relationship_id))
            .collect();
        let facts = self
            .usage_facts(&UsageFilter {
                partner_tenant_id: partner,
                first_day: window.first_day(now),
                ..UsageFilter::default()
            })
            .await?;
        Ok(recommend(
            &self.decisions.catalog(),
            &relationships,
            &assignments,
            &facts,
            &RecommendParams::new(window, now),
        ))
    }

    /// The stored usage as the recommendation engine reads it.
    async fn usage_facts(&self, filter: &UsageFilter) -> Result<UsageFacts, ServiceError> {
        let days: HashMap<_, u32> = self
            .store
            .usage_days(filter)
            .await?
            .into_iter()
            .map(|d| ((d.assignment_id, d.role_id), d.days_used))
            .collect();
        let mut facts = UsageFacts::default();
        for t in self.store.usage_totals(filter).await? {
            let key = (t.assignment_id, t.role_id);
            let used = RoleUse {
                allowed: t.allowed,
                days_used: t.days_used,
                last_used: Some(t.last_used),
            };
            let role = facts.roles.entry(key).or_default();
            role.add(used);
            role.days_used = days.get(&key).copied().unwrap_or(role.days_used);
            let (total, actions) = facts.relationships.entry(t.relationship_id).or_default();
            total.add(used);
            actions.insert(t.action);
        }
        Ok(facts)
    }

    /// The partner applies one of its recommendations, as it stands now:
    /// a removal or eligibility at once, a narrowing as a new relationship
    /// request for the customer to approve.
    pub async fn apply_recommendation(
        &self,
        caller: &Caller,
        id: &str,
        window: UsageWindow,
    ) -> Result<AppliedRecommendation, ServiceError> {
        let scope = caller_rules::may_apply_recommendations(&caller.principal)?;
        let parsed = RecommendationId::parse(id)?;
        let partner = self
            .partner_of(parsed)
            .await?
            .filter(|p| scope.covers(*p))
            .ok_or_else(|| recommendation_not_found(id))?;
        let wanted = parsed.to_string();
        let recommendation = self
            .compute_recommendations(Some(partner), window)
            .await?
            .into_iter()
            .find(|r| r.id == wanted)
            .ok_or_else(|| recommendation_not_found(id))?;
        let mut applied = AppliedRecommendation {
            recommendation,
            assignment: None,
            relationship: None,
        };
        match parsed {
            RecommendationId::RemoveRole {
                assignment_id,
                role_id,
            } => {
                applied.assignment = Some(self.remove_role(caller, assignment_id, role_id).await?);
            }
            RecommendationId::MakeEligible { assignment_id } => {
                applied.assignment = Some(self.make_eligible(caller, assignment_id).await?);
            }
            RecommendationId::NarrowRelationship { relationship_id } => {
                let roles: BTreeSet<RoleId> = applied
                    .recommendation
                    .evidence
                    .roles_after
                    .iter()
                    .copied()
                    .collect();
                applied.relationship = Some(
                    self.narrow_relationship(caller, relationship_id, roles)
                        .await?,
                );
            }
        }
        Ok(applied)
    }

    /// The partner whose record a recommendation id names, if it exists.
    async fn partner_of(&self, id: RecommendationId) -> Result<Option<TenantId>, ServiceError> {
        let relationship = match id {
            RecommendationId::RemoveRole { assignment_id, .. }
            | RecommendationId::MakeEligible { assignment_id } => {
                match self.store.get_assignment(assignment_id).await? {
                    Some(a) => a.relationship_id,
                    None => return Ok(None),
                }
            }
            RecommendationId::NarrowRelationship { relationship_id } => relationship_id,
        };
        Ok(self
            .store
            .get_relationship(relationship)
            .await?
            .map(|r| r.partner_tenant_id))
    }

    async fn stored_assignment(
        &self,
        id: portcullis_domain::AssignmentId,
    ) -> Result<AccessAssignment, ServiceError> {
        self.store
            .get_assignment(id)
            .await?
            .ok_or_else(|| assignment_not_found(id))
    }

    /// Removes an unused role; the assignment goes with its last role.
    async fn remove_role(
        &self,
        caller: &Caller,
        id: portcullis_domain::AssignmentId,
        role: RoleId,
    ) -> Result<AccessAssignment, ServiceError> {
        let before = self.stored_assignment(id).await?;
        self.remove_assignment_roles(caller, before, &BTreeSet::from([role]))
            .await
    }

    /// Makes a standing assignment eligible.
    async fn make_eligible(
        &self,
        caller: &Caller,
        id: portcullis_domain::AssignmentId,
    ) -> Result<AccessAssignment, ServiceError> {
        let before = self.stored_assignment(id).await?;
        let mut after = before.clone();
        after.kind = AssignmentKind::Eligible {
            max_activation: IsoDuration::parse(ELIGIBLE_MAX_ACTIVATION)?,
            approval_required: false,
        };
        self.save_assignment(
            caller,
            AuditOperation::AssignmentMakeEligible,
            before,
            after,
        )
        .await
    }
}

//! What a reviewer sees beside each item: its usage over the window, read
//! from the stored role usage counters, and the partner's least-privilege
//! recommendations about it.

use std::collections::{BTreeSet, HashMap};

use portcullis_domain::{
    AccessReview, RelationshipUsage, ReviewItem, ReviewItemEvidence, ReviewItemKind, UsageFilter,
    UsageWindow,
};

use crate::{Portcullis, ServiceError};

/// The usage of one item out of its relationship's report.
fn item_usage(item: &ReviewItem, usage: Option<&RelationshipUsage>) -> ReviewItemEvidence {
    let mut evidence = ReviewItemEvidence {
        item_id: item.id.clone(),
        allowed: 0,
        days_used: 0,
        last_used: None,
        recommendations: Vec::new(),
    };
    let Some(usage) = usage else {
        return evidence;
    };
    let assignment = usage
        .assignments
        .iter()
        .find(|a| Some(a.assignment_id) == item.assignment_id);
    match item.kind {
        ReviewItemKind::Relationship => {
            evidence.allowed = usage.allowed;
            evidence.last_used = usage.last_used;
            evidence.days_used = usage.roles.iter().map(|r| r.days_used).max().unwrap_or(0);
        }
        ReviewItemKind::Assignment => {
            if let Some(a) = assignment {
                evidence.allowed = a.allowed;
                evidence.last_used = a.last_used;
                evidence.days_used = a.roles.iter().map(|r| r.days_used).max().unwrap_or(0);
            }
        }
        ReviewItemKind::Role => {
            if let Some(role) =
                assignment.and_then(|a| a.roles.iter().find(|r| Some(r.role_id) == item.role_id))
            {
                evidence.allowed = role.allowed;
                evidence.last_used = role.last_used;
                evidence.days_used = role.days_used;
            }
        }
    }
    evidence
}

impl Portcullis {
    /// The evidence of every item of `review`, in item order.
    pub(crate) async fn review_evidence(
        &self,
        review: &AccessReview,
        window: UsageWindow,
    ) -> Result<Vec<ReviewItemEvidence>, ServiceError> {
        let relationship_ids: BTreeSet<_> =
            review.items.iter().map(|i| i.relationship_id).collect();
        let mut relationships = Vec::new();
        for id in &relationship_ids {
            if let Some(r) = self.store.get_relationship(*id).await? {
                relationships.push(r);
            }
        }
        let filter = UsageFilter {
            partner_tenant_id: Some(review.partner_tenant_id),
            customer_tenant_id: Some(review.customer_tenant_id),
            relationship_id: None,
            first_day: window.first_day(self.clock.now()),
        };
        let usage = self.usage_of(&relationships, &filter).await?;
        let by_relationship: HashMap<_, _> = usage.iter().map(|u| (u.relationship_id, u)).collect();
        // Only the recommendations about this customer's relationships.
        let recommendations: Vec<_> = self
            .compute_recommendations(Some(review.partner_tenant_id), window)
            .await?
            .into_iter()
            .filter(|r| relationship_ids.contains(&r.relationship_id))
            .collect();
        Ok(review
            .items
            .iter()
            .map(|item| {
                let mut evidence =
                    item_usage(item, by_relationship.get(&item.relationship_id).copied());
                evidence.recommendations = recommendations
                    .iter()
                    .filter(|r| {
                        r.relationship_id == item.relationship_id
                            && match item.kind {
                                ReviewItemKind::Relationship => r.assignment_id.is_none(),
                                ReviewItemKind::Assignment => {
                                    r.assignment_id == item.assignment_id && r.role_id.is_none()
                                }
                                ReviewItemKind::Role => {
                                    r.assignment_id == item.assignment_id
                                        && r.role_id == item.role_id
                                }
                            }
                    })
                    .cloned()
                    .collect();
                evidence
            })
            .collect())
    }
}

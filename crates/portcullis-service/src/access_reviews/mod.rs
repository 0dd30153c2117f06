//! Customer access reviews (the Entra access-review model): a customer
//! admin, or its review policy, starts a review of one partner's access to
//! its tenant; reviewers approve or deny each relationship, assignment and
//! role, seeing its usage and the recommendations beside it; completing
//! the review removes what was denied (and, when the review says so, what
//! nobody reviewed). Every step is audited (`access_review.*`) and
//! announced to webhooks, the customer's own included.
//!
//! Customer admins run their tenant's reviews; operators read every
//! review; partner admins and services are refused. Another tenant's
//! review is 404, as a missing one.

mod evidence;
mod outcome;
mod policy;

use portcullis_domain::{
    AccessReview, AccessReviewDetail, AccessReviewFilter, AccessReviewId, AuditOperation,
    DEFAULT_REVIEW_DAYS, MAX_JUSTIFICATION, Page, PageRequest, RelationshipFilter, ReviewDecision,
    ReviewScope, ReviewStatus, ReviewedRelationship, TenantId, TenantKind, UsageWindow,
    check_review_days, review_items,
};

use crate::caller_rules;
use crate::webhooks::review_announcement;
use crate::{Caller, Portcullis, ServiceError};

pub use policy::{ReviewPolicyInput, ReviewRound};

/// What a customer admin asks for when starting a review.
#[derive(Debug, Clone)]
pub struct NewAccessReview {
    pub partner_tenant_id: TenantId,
    pub scope: ReviewScope,
    pub remove_unreviewed: bool,
    /// Days the review stays open (1 to 90; default 14).
    pub duration_days: Option<u32>,
}

/// One reviewer decision.
#[derive(Debug, Clone)]
pub struct ItemDecision {
    pub item_id: String,
    pub decision: ReviewDecision,
    pub justification: Option<String>,
}

pub(crate) fn review_not_found(id: impl std::fmt::Display) -> ServiceError {
    ServiceError::NotFound(format!("access review `{id}` not found"))
}

fn partner_not_found(id: TenantId) -> ServiceError {
    ServiceError::NotFound(format!("partner tenant `{id}` not found"))
}

impl Portcullis {
    /// A review the caller may read (`mutate`: run); 404 for another tenant's.
    async fn review_for(
        &self,
        caller: &Caller,
        id: &str,
        mutate: bool,
    ) -> Result<AccessReview, ServiceError> {
        let scope = if mutate {
            caller_rules::may_run_access_reviews(&caller.principal)?
        } else {
            caller_rules::access_review_scope(&caller.principal)?
        };
        let key = AccessReviewId::parse(id).map_err(|_| review_not_found(id))?;
        self.store
            .get_access_review(key)
            .await?
            .filter(|r| scope.is_none_or(|own| r.customer_tenant_id == own))
            .ok_or_else(|| review_not_found(id))
    }

    /// A customer admin starts a review of one partner's access to its tenant.
    pub async fn start_access_review(
        &self,
        caller: &Caller,
        new: NewAccessReview,
    ) -> Result<AccessReview, ServiceError> {
        let customer =
            caller_rules::may_run_access_reviews(&caller.principal)?.ok_or_else(|| {
                ServiceError::Forbidden("only a customer admin starts a review".into())
            })?;
        let (partner, scope) = (new.partner_tenant_id, new.scope);
        self.begin_review(caller, customer, new)
            .await?
            .ok_or_else(|| {
                portcullis_domain::RuleViolation::new(
                    "nothing_to_review",
                    format!(
                        "partner `{partner}` holds no active access in scope `{}` in this tenant",
                        scope.as_str()
                    ),
                )
                .into()
            })
    }

    /// Starts a review; `None` when there is nothing in scope to review.
    pub(crate) async fn begin_review(
        &self,
        caller: &Caller,
        customer: TenantId,
        new: NewAccessReview,
    ) -> Result<Option<AccessReview>, ServiceError> {
        let days = new.duration_days.unwrap_or(DEFAULT_REVIEW_DAYS);
        check_review_days(days)?;
        let partner = new.partner_tenant_id;
        // A partner with no relationship to this customer is as unknown as
        // a random id.
        let relationships = self.relationships_between(customer, partner).await?;
        if relationships.is_empty()
            || self
                .store
                .get_tenant(partner)
                .await?
                .is_none_or(|t| t.kind != TenantKind::Partner)
        {
            return Err(partner_not_found(partner));
        }
        let open = self
            .store
            .list_access_reviews(
                &AccessReviewFilter {
                    customer_tenant_id: Some(customer),
                    partner_tenant_id: Some(partner),
                    status: Some(ReviewStatus::InProgress),
                },
                &PageRequest::first(1),
            )
            .await?;
        if let Some(open) = open.items.first() {
            return Err(ServiceError::Conflict(format!(
                "access review `{}` of this partner is still in progress; complete it first",
                open.id
            )));
        }
        let now = self.clock.now();
        let mut assignments = Vec::new();
        for r in &relationships {
            assignments.push(self.all_assignments(r.id).await?);
        }
        let reviewed: Vec<ReviewedRelationship<'_>> = relationships
            .iter()
            .zip(&assignments)
            .map(|(relationship, assignments)| ReviewedRelationship {
                relationship,
                assignments,
            })
            .collect();
        let items = review_items(&reviewed, &self.decisions.catalog(), new.scope, now);
        if items.is_empty() {
            return Ok(None);
        }
        let review = AccessReview {
            id: AccessReviewId::generate(),
            customer_tenant_id: customer,
            partner_tenant_id: partner,
            scope: new.scope,
            remove_unreviewed: new.remove_unreviewed,
            started_by: caller.principal.audit_name(),
            status: ReviewStatus::InProgress,
            created_at: now,
            due_at: now.saturating_add_seconds(i64::from(days) * 86_400),
            reminded_at: None,
            completed_at: None,
            completed_by: None,
            items,
            version: 1,
        };
        let ctx = caller.audit(now).announcing(vec![review_announcement(
            AuditOperation::AccessReviewStart,
            &review,
        )]);
        self.store.create_access_review(&ctx, &review).await?;
        Ok(Some(review))
    }

    /// Every relationship between the pair (any status).
    async fn relationships_between(
        &self,
        customer: TenantId,
        partner: TenantId,
    ) -> Result<Vec<portcullis_domain::Relationship>, ServiceError> {
        self.every_relationship(&RelationshipFilter {
            partner_tenant_id: Some(partner),
            customer_tenant_id: Some(customer),
            ..RelationshipFilter::default()
        })
        .await
    }

    /// Every relationship `filter` selects, all pages.
    pub(crate) async fn every_relationship(
        &self,
        filter: &RelationshipFilter,
    ) -> Result<Vec<portcullis_domain::Relationship>, ServiceError> {
        let mut out = Vec::new();
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let found = self.store.list_relationships(filter, &page).await?;
            out.extend(found.items);
            match found.next {
                Some(next) => page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?,
                None => return Ok(out),
            }
        }
    }

    /// Reviews the caller may see, oldest first: a customer admin its
    /// tenant's (naming another customer finds nothing), operators all.
    pub async fn list_access_reviews(
        &self,
        caller: &Caller,
        mut filter: AccessReviewFilter,
        page: &PageRequest,
    ) -> Result<Page<AccessReview>, ServiceError> {
        if let Some(own) = caller_rules::access_review_scope(&caller.principal)? {
            if filter.customer_tenant_id.is_some_and(|c| c != own) {
                return Ok(Page {
                    items: Vec::new(),
                    next: None,
                });
            }
            filter.customer_tenant_id = Some(own);
        }
        Ok(self.store.list_access_reviews(&filter, page).await?)
    }

    /// A review with each item's usage over `window` and the
    /// recommendations about it.
    pub async fn get_access_review(
        &self,
        caller: &Caller,
        id: &str,
        window: UsageWindow,
    ) -> Result<AccessReviewDetail, ServiceError> {
        let review = self.review_for(caller, id, false).await?;
        let evidence = self.review_evidence(&review, window).await?;
        Ok(AccessReviewDetail {
            review,
            window_days: window.days(),
            evidence,
        })
    }

    /// Records reviewer decisions (one audited change for all of them);
    /// an item the review does not hold is 404 and nothing is recorded.
    pub async fn decide_access_review(
        &self,
        caller: &Caller,
        id: &str,
        if_match: Option<i64>,
        decisions: Vec<ItemDecision>,
    ) -> Result<AccessReview, ServiceError> {
        let before = self.review_for(caller, id, true).await?;
        crate::least_privilege::check_if_match(before.version, if_match)?;
        if decisions.is_empty() {
            return Err(
                portcullis_domain::ValidationError::new("decisions", "lists no decision").into(),
            );
        }
        let now = self.clock.now();
        let by = caller.principal.audit_name();
        let mut after = before.clone();
        for d in decisions {
            let justification = d
                .justification
                .filter(|j| !j.trim().is_empty())
                .map(|j| portcullis_domain::free_text("justification", &j, MAX_JUSTIFICATION))
                .transpose()?;
            if after
                .decide(&d.item_id, d.decision, justification, &by, now)?
                .is_none()
            {
                return Err(ServiceError::NotFound(format!(
                    "item `{}` not found in this review",
                    d.item_id.chars().take(64).collect::<String>()
                )));
            }
        }
        after.version = before.version + 1;
        self.store
            .update_access_review(
                &caller.audit(now).announcing(vec![review_announcement(
                    AuditOperation::AccessReviewDecide,
                    &after,
                )]),
                AuditOperation::AccessReviewDecide,
                &after,
            )
            .await
            .map_err(|e| ServiceError::from_store(e, || review_not_found(id).to_string()))?;
        Ok(after)
    }

    /// Completes a review: removes what it denies (each removal audited as
    /// its own relationship or assignment change), then records the
    /// outcome of every item.
    pub async fn complete_access_review(
        &self,
        caller: &Caller,
        id: &str,
        if_match: Option<i64>,
    ) -> Result<AccessReview, ServiceError> {
        let review = self.review_for(caller, id, true).await?;
        crate::least_privilege::check_if_match(review.version, if_match)?;
        self.finish_review(caller, review).await
    }

    pub(crate) async fn finish_review(
        &self,
        caller: &Caller,
        before: AccessReview,
    ) -> Result<AccessReview, ServiceError> {
        if !before.is_open() {
            return Err(portcullis_domain::RuleViolation::new(
                "invalid_transition",
                "the review is already completed",
            )
            .into());
        }
        let gone = self.apply_review_removals(caller, &before).await?;
        let now = self.clock.now();
        let mut after = before.clone();
        after.complete(&gone, &caller.principal.audit_name(), now)?;
        after.version = before.version + 1;
        self.store
            .update_access_review(
                &caller.audit(now).announcing(vec![review_announcement(
                    AuditOperation::AccessReviewComplete,
                    &after,
                )]),
                AuditOperation::AccessReviewComplete,
                &after,
            )
            .await
            .map_err(|e| ServiceError::from_store(e, || review_not_found(before.id).to_string()))?;
        Ok(after)
    }
}

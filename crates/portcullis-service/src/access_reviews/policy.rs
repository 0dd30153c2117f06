//! Recurring reviews: each customer's review policy, and the worker step
//! that starts the reviews it asks for, sends reminders before a review's
//! due date, and completes overdue reviews (as `system`).

use portcullis_domain::{
    AccessReview, AuditOperation, DEFAULT_REVIEW_DAYS, DEFAULT_REVIEW_EVERY_DAYS,
    REMIND_BEFORE_SECONDS, RelationshipFilter, RelationshipStatus, ReviewPolicy, ReviewScope,
    TenantId,
};

use super::NewAccessReview;
use crate::caller_rules;
use crate::{Caller, Portcullis, ServiceError};

/// The most reviews one round reminds or completes.
const ROUND_BATCH: u32 = 100;

/// What a customer admin sets; absent numbers take the defaults (every
/// 90 days, open 14 days, privileged roles only).
#[derive(Debug, Clone, Default)]
pub struct ReviewPolicyInput {
    pub every_days: Option<u32>,
    pub duration_days: Option<u32>,
    pub scope: Option<ReviewScope>,
    pub remove_unreviewed: bool,
}

/// What one round of the review worker did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewRound {
    pub started: usize,
    pub reminded: usize,
    pub completed: usize,
}

fn policy_not_found(tenant: TenantId) -> ServiceError {
    ServiceError::NotFound(format!("tenant `{tenant}` has no access review policy"))
}

/// The tenant whose policy the caller reads: operators any; a customer
/// admin only its own (another is 404).
fn policy_tenant(caller: &Caller, tenant: TenantId) -> Result<(), ServiceError> {
    match caller_rules::access_review_scope(&caller.principal)? {
        Some(own) if own != tenant => Err(crate::caller_rules::tenant_not_found(tenant)),
        _ => Ok(()),
    }
}

fn own_tenant(caller: &Caller, tenant: TenantId) -> Result<(), ServiceError> {
    caller_rules::may_set_review_policy(&caller.principal, tenant)
}

impl Portcullis {
    /// A customer admin sets its tenant's recurring review policy.
    pub async fn set_review_policy(
        &self,
        caller: &Caller,
        tenant: TenantId,
        input: ReviewPolicyInput,
        if_match: Option<i64>,
    ) -> Result<ReviewPolicy, ServiceError> {
        own_tenant(caller, tenant)?;
        let every_days = input.every_days.unwrap_or(DEFAULT_REVIEW_EVERY_DAYS);
        let duration_days = input.duration_days.unwrap_or(DEFAULT_REVIEW_DAYS);
        ReviewPolicy::check(every_days, duration_days)?;
        let now = self.clock.now();
        let before = self.store.get_review_policy(tenant).await?;
        let policy = ReviewPolicy {
            customer_tenant_id: tenant,
            every_days,
            duration_days,
            scope: input.scope.unwrap_or(ReviewScope::Privileged),
            remove_unreviewed: input.remove_unreviewed,
            created_at: before.as_ref().map_or(now, |b| b.created_at),
            updated_at: now,
            version: before.as_ref().map_or(1, |b| b.version + 1),
        };
        self.store
            .put_review_policy(&caller.audit(now), &policy, if_match)
            .await
            .map_err(|e| ServiceError::from_store(e, || policy_not_found(tenant).to_string()))?;
        Ok(policy)
    }

    pub async fn get_review_policy(
        &self,
        caller: &Caller,
        tenant: TenantId,
    ) -> Result<ReviewPolicy, ServiceError> {
        policy_tenant(caller, tenant)?;
        self.store
            .get_review_policy(tenant)
            .await?
            .ok_or_else(|| policy_not_found(tenant))
    }

    pub async fn delete_review_policy(
        &self,
        caller: &Caller,
        tenant: TenantId,
    ) -> Result<(), ServiceError> {
        own_tenant(caller, tenant)?;
        self.store
            .delete_review_policy(&caller.audit(self.clock.now()), tenant)
            .await
            .map_err(|e| ServiceError::from_store(e, || policy_not_found(tenant).to_string()))
    }

    /// One round of the review worker: starts the reviews policies ask
    /// for, reminds reviewers of reviews due within three days, and
    /// completes overdue reviews, all as `system`.
    pub async fn access_review_round(&self) -> Result<ReviewRound, ServiceError> {
        let system = Caller::system();
        let mut round = ReviewRound::default();
        for policy in self.store.list_review_policies().await? {
            round.started += self.run_policy(&system, &policy).await?;
        }
        let now = self.clock.now();
        let due = self
            .store
            .open_access_reviews_due(
                now.saturating_add_seconds(REMIND_BEFORE_SECONDS),
                ROUND_BATCH,
            )
            .await?;
        for review in due {
            if now >= review.due_at {
                match self.finish_review(&system, review).await {
                    Ok(_) => round.completed += 1,
                    Err(err) => tracing::warn!(%err, "an overdue access review was not completed"),
                }
            } else if review.reminder_due(now) {
                self.remind(&system, review).await?;
                round.reminded += 1;
            }
        }
        Ok(round)
    }

    /// Starts a review of each partner with active access to the policy's
    /// customer whose last review is older than the policy's period.
    async fn run_policy(
        &self,
        system: &Caller,
        policy: &ReviewPolicy,
    ) -> Result<usize, ServiceError> {
        let customer = policy.customer_tenant_id;
        let filter = RelationshipFilter {
            customer_tenant_id: Some(customer),
            status: Some(RelationshipStatus::Active),
            ..RelationshipFilter::default()
        };
        let mut partners: Vec<TenantId> = Vec::new();
        for r in self.every_relationship(&filter).await? {
            if !partners.contains(&r.partner_tenant_id) {
                partners.push(r.partner_tenant_id);
            }
        }
        let now = self.clock.now();
        let mut started = 0;
        for partner in partners {
            let last = self.store.last_access_review_at(customer, partner).await?;
            if !policy.due(last, now) {
                continue;
            }
            let new = NewAccessReview {
                partner_tenant_id: partner,
                scope: policy.scope,
                remove_unreviewed: policy.remove_unreviewed,
                duration_days: Some(policy.duration_days),
            };
            match self.begin_review(system, customer, new).await {
                Ok(Some(_)) => started += 1,
                Ok(None) => {}
                // One still open: the next round tries again.
                Err(ServiceError::Conflict(_)) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(started)
    }

    async fn remind(&self, system: &Caller, before: AccessReview) -> Result<(), ServiceError> {
        let now = self.clock.now();
        let mut after = before.clone();
        after.reminded_at = Some(now);
        after.version = before.version + 1;
        self.store
            .update_access_review(
                &system
                    .audit(now)
                    .announcing(vec![crate::webhooks::review_announcement(
                        AuditOperation::AccessReviewRemind,
                        &after,
                    )]),
                AuditOperation::AccessReviewRemind,
                &after,
            )
            .await?;
        Ok(())
    }
}

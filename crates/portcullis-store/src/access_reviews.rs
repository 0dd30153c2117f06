//! Customer access reviews and each customer's review policy, created,
//! changed and deleted with their audit records (`access_review.*`).
//!
//! A review is kept whole as JSON (its items, decisions and outcomes);
//! the columns beside it are what lists and the review worker select on.

use async_trait::async_trait;
use portcullis_domain::{
    AccessReview, AccessReviewFilter, AccessReviewId, AuditOperation, Page, PageRequest,
    ReviewPolicy, TenantId, Timestamp,
};
use sqlx::any::AnyRow;

use crate::mutation::check_version;
use crate::paging::Keyset;
use crate::{AuditContext, SqlStore, StoreError, rows};

#[async_trait]
pub trait AccessReviewStore {
    async fn create_access_review(
        &self,
        ctx: &AuditContext,
        review: &AccessReview,
    ) -> Result<(), StoreError>;
    async fn get_access_review(
        &self,
        id: AccessReviewId,
    ) -> Result<Option<AccessReview>, StoreError>;
    /// Reviews in id order (oldest first), as `filter` narrows them.
    async fn list_access_reviews(
        &self,
        filter: &AccessReviewFilter,
        page: &PageRequest,
    ) -> Result<Page<AccessReview>, StoreError>;
    /// Replaces a review with `after`, recorded as `operation`; a version
    /// mismatch when it changed since `after.version - 1`.
    async fn update_access_review(
        &self,
        ctx: &AuditContext,
        operation: AuditOperation,
        after: &AccessReview,
    ) -> Result<(), StoreError>;
    /// When the latest review of `partner`'s access to `customer` started.
    async fn last_access_review_at(
        &self,
        customer: TenantId,
        partner: TenantId,
    ) -> Result<Option<Timestamp>, StoreError>;
    /// Open reviews due for a reminder or completion at `before`, at most `limit`.
    async fn open_access_reviews_due(
        &self,
        before: Timestamp,
        limit: u32,
    ) -> Result<Vec<AccessReview>, StoreError>;
    /// Creates or replaces a customer's policy (`access_review.policy.set`).
    async fn put_review_policy(
        &self,
        ctx: &AuditContext,
        policy: &ReviewPolicy,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError>;
    async fn get_review_policy(
        &self,
        customer: TenantId,
    ) -> Result<Option<ReviewPolicy>, StoreError>;
    /// Removes a customer's policy; not found when it has none.
    async fn delete_review_policy(
        &self,
        ctx: &AuditContext,
        customer: TenantId,
    ) -> Result<(), StoreError>;
    /// Every customer's policy (one per customer).
    async fn list_review_policies(&self) -> Result<Vec<ReviewPolicy>, StoreError>;
}

fn review_from_row(row: &AnyRow) -> Result<AccessReview, StoreError> {
    rows::json(row, "body")
}

fn policy_from_row(row: &AnyRow) -> Result<ReviewPolicy, StoreError> {
    rows::json(row, "body")
}

#[async_trait]
impl AccessReviewStore for SqlStore {
    async fn create_access_review(
        &self,
        ctx: &AuditContext,
        review: &AccessReview,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        sqlx::query(
            "INSERT INTO access_reviews (id, customer_tenant_id, partner_tenant_id, status, \
             created_at, due_at, body, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(review.id.to_string())
        .bind(review.customer_tenant_id.to_string())
        .bind(review.partner_tenant_id.to_string())
        .bind(review.status.as_str())
        .bind(review.created_at.unix_millis())
        .bind(review.due_at.unix_millis())
        .bind(rows::to_json(review)?)
        .bind(review.version)
        .execute(m.conn())
        .await?;
        m.announce(ctx).await?;
        m.commit(ctx.draft(
            AuditOperation::AccessReviewStart,
            Some(review.customer_tenant_id),
            review.id,
            None,
            Some(review),
        ))
        .await
    }

    async fn get_access_review(
        &self,
        id: AccessReviewId,
    ) -> Result<Option<AccessReview>, StoreError> {
        let row = sqlx::query("SELECT body FROM access_reviews WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(review_from_row).transpose()
    }

    async fn list_access_reviews(
        &self,
        filter: &AccessReviewFilter,
        page: &PageRequest,
    ) -> Result<Page<AccessReview>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(
            "SELECT body FROM access_reviews WHERE ($1 IS NULL OR customer_tenant_id = $1) \
             AND ($2 IS NULL OR partner_tenant_id = $2) AND ($3 IS NULL OR status = $3) \
             AND ($4 IS NULL OR id > $4) ORDER BY id LIMIT $5",
        )
        .bind(filter.customer_tenant_id.map(|t| t.to_string()))
        .bind(filter.partner_tenant_id.map(|t| t.to_string()))
        .bind(filter.status.map(|s| s.as_str()))
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, review_from_row, |r| r.id.to_string())
    }

    async fn update_access_review(
        &self,
        ctx: &AuditContext,
        operation: AuditOperation,
        after: &AccessReview,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = sqlx::query("SELECT body FROM access_reviews WHERE id = $1")
            .bind(after.id.to_string())
            .fetch_optional(m.conn())
            .await?
            .as_ref()
            .map(review_from_row)
            .transpose()?
            .ok_or(StoreError::NotFound)?;
        check_version(before.version, Some(after.version - 1))?;
        sqlx::query(
            "UPDATE access_reviews SET status = $1, due_at = $2, body = $3, version = $4 \
             WHERE id = $5",
        )
        .bind(after.status.as_str())
        .bind(after.due_at.unix_millis())
        .bind(rows::to_json(after)?)
        .bind(after.version)
        .bind(after.id.to_string())
        .execute(m.conn())
        .await?;
        m.announce(ctx).await?;
        m.commit(ctx.draft(
            operation,
            Some(after.customer_tenant_id),
            after.id,
            Some(&before),
            Some(after),
        ))
        .await
    }

    async fn last_access_review_at(
        &self,
        customer: TenantId,
        partner: TenantId,
    ) -> Result<Option<Timestamp>, StoreError> {
        let row = sqlx::query(
            "SELECT MAX(created_at) AS latest FROM access_reviews \
             WHERE customer_tenant_id = $1 AND partner_tenant_id = $2",
        )
        .bind(customer.to_string())
        .bind(partner.to_string())
        .fetch_one(self.pool())
        .await?;
        rows::opt_time(&row, "latest")
    }

    async fn open_access_reviews_due(
        &self,
        before: Timestamp,
        limit: u32,
    ) -> Result<Vec<AccessReview>, StoreError> {
        let rows = sqlx::query(
            "SELECT body FROM access_reviews WHERE status = 'in_progress' AND due_at <= $1 \
             ORDER BY due_at, id LIMIT $2",
        )
        .bind(before.unix_millis())
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(review_from_row).collect()
    }

    async fn put_review_policy(
        &self,
        ctx: &AuditContext,
        policy: &ReviewPolicy,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        let before =
            sqlx::query("SELECT body FROM access_review_policies WHERE customer_tenant_id = $1")
                .bind(policy.customer_tenant_id.to_string())
                .fetch_optional(m.conn())
                .await?
                .as_ref()
                .map(policy_from_row)
                .transpose()?;
        if let Some(b) = &before {
            check_version(b.version, expected_version)?;
        }
        sqlx::query("DELETE FROM access_review_policies WHERE customer_tenant_id = $1")
            .bind(policy.customer_tenant_id.to_string())
            .execute(m.conn())
            .await?;
        sqlx::query(
            "INSERT INTO access_review_policies (customer_tenant_id, body, version) \
             VALUES ($1, $2, $3)",
        )
        .bind(policy.customer_tenant_id.to_string())
        .bind(rows::to_json(policy)?)
        .bind(policy.version)
        .execute(m.conn())
        .await?;
        m.announce(ctx).await?;
        m.commit(ctx.draft(
            AuditOperation::AccessReviewPolicySet,
            Some(policy.customer_tenant_id),
            policy.customer_tenant_id,
            before.as_ref(),
            Some(policy),
        ))
        .await
    }

    async fn get_review_policy(
        &self,
        customer: TenantId,
    ) -> Result<Option<ReviewPolicy>, StoreError> {
        let row =
            sqlx::query("SELECT body FROM access_review_policies WHERE customer_tenant_id = $1")
                .bind(customer.to_string())
                .fetch_optional(self.pool())
                .await?;
        row.as_ref().map(policy_from_row).transpose()
    }

    async fn delete_review_policy(
        &self,
        ctx: &AuditContext,
        customer: TenantId,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        let before =
            sqlx::query("SELECT body FROM access_review_policies WHERE customer_tenant_id = $1")
                .bind(customer.to_string())
                .fetch_optional(m.conn())
                .await?
                .as_ref()
                .map(policy_from_row)
                .transpose()?
                .ok_or(StoreError::NotFound)?;
        sqlx::query("DELETE FROM access_review_policies WHERE customer_tenant_id = $1")
            .bind(customer.to_string())
            .execute(m.conn())
            .await?;
        m.announce(ctx).await?;
        m.commit(ctx.draft(
            AuditOperation::AccessReviewPolicyDelete,
            Some(customer),
            customer,
            Some(&before),
            None::<&ReviewPolicy>,
        ))
        .await
    }

    async fn list_review_policies(&self) -> Result<Vec<ReviewPolicy>, StoreError> {
        let rows =
            sqlx::query("SELECT body FROM access_review_policies ORDER BY customer_tenant_id")
                .fetch_all(self.pool())
                .await?;
        rows.iter().map(policy_from_row).collect()
    }
}

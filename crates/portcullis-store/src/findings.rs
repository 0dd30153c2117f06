//! Detection findings: upserted as evidence grows, triaged by operators.
//! Every change is audited in its own transaction: `finding.create`,
//! `finding.update`, `finding.status`.

use async_trait::async_trait;
use portcullis_domain::{
    AuditOperation, Finding, FindingFilter, FindingStatus, Page, PageRequest, RecordId, TenantId,
};
use sqlx::any::AnyRow;

use crate::conditions::Conditions;
use crate::mutation::check_version;
use crate::paging::Keyset;
use crate::{AuditContext, SqlStore, StoreError, rows};

#[async_trait]
pub trait FindingStore {
    /// Inserts a new finding or replaces an existing one (same id) with
    /// grown evidence; a finding an operator closed is not reopened here.
    async fn upsert_finding(
        &self,
        ctx: &AuditContext,
        finding: &Finding,
    ) -> Result<Finding, StoreError>;
    async fn get_finding(&self, id: RecordId) -> Result<Option<Finding>, StoreError>;
    /// The open (`New` or `In Progress`) finding of a user and rule, if any.
    async fn open_finding(
        &self,
        user_id: &str,
        rule_id: &str,
    ) -> Result<Option<Finding>, StoreError>;
    async fn list_detection_findings(
        &self,
        filter: &FindingFilter,
        page: &PageRequest,
    ) -> Result<Page<Finding>, StoreError>;
    /// Changes a finding's status (version-checked), audited.
    async fn set_finding_status(
        &self,
        ctx: &AuditContext,
        id: RecordId,
        status: FindingStatus,
        reason: Option<&str>,
        expected_version: Option<i64>,
    ) -> Result<Finding, StoreError>;
}

const FINDING_COLUMNS: &str = "id, rule_id, severity_id, status, status_reason, partner_tenant_id, \
     user_id, title, first_seen, last_seen, evidence_count, body, created_at, updated_at, version, \
     confidence, explanation, customers";

fn finding_from_row(row: &AnyRow) -> Result<Finding, StoreError> {
    Ok(Finding {
        id: rows::parsed(row, "id", RecordId::parse)?,
        rule_id: rows::text(row, "rule_id")?,
        severity_id: rows::int(row, "severity_id")?,
        status: rows::named(row, "status", FindingStatus::parse)?,
        status_reason: rows::opt_text(row, "status_reason")?,
        partner_tenant_id: rows::opt_text(row, "partner_tenant_id")?,
        user_id: rows::opt_text(row, "user_id")?,
        title: rows::text(row, "title")?,
        first_seen: rows::time(row, "first_seen")?,
        last_seen: rows::time(row, "last_seen")?,
        evidence_count: rows::int(row, "evidence_count")?,
        confidence: rows::float(row, "confidence")?,
        explanation: rows::text(row, "explanation")?,
        body: rows::json(row, "body")?,
        created_at: rows::time(row, "created_at")?,
        updated_at: rows::time(row, "updated_at")?,
        version: rows::int(row, "version")?,
        customers: rows::json(row, "customers")?,
    })
}

pub(crate) async fn fetch_finding(
    conn: &mut sqlx::AnyConnection,
    id: RecordId,
) -> Result<Option<Finding>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {FINDING_COLUMNS} FROM findings WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(finding_from_row).transpose()
}

pub(crate) async fn write_finding(
    conn: &mut sqlx::AnyConnection,
    f: &Finding,
    insert: bool,
) -> Result<(), StoreError> {
    let sql = if insert {
        format!(
            "INSERT INTO findings ({FINDING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             $10, $11, $12, $13, $14, $15, $16, $17, $18)"
        )
    } else {
        "UPDATE findings SET rule_id = $2, severity_id = $3, status = $4, status_reason = $5, \
         partner_tenant_id = $6, user_id = $7, title = $8, first_seen = $9, last_seen = $10, \
         evidence_count = $11, body = $12, created_at = $13, updated_at = $14, version = $15, \
         confidence = $16, explanation = $17, customers = $18 WHERE id = $1"
            .to_owned()
    };
    sqlx::query(&sql)
        .bind(f.id.to_string())
        .bind(&f.rule_id)
        .bind(f.severity_id)
        .bind(f.status.as_str())
        .bind(f.status_reason.as_deref())
        .bind(f.partner_tenant_id.as_deref())
        .bind(f.user_id.as_deref())
        .bind(&f.title)
        .bind(f.first_seen.unix_millis())
        .bind(f.last_seen.unix_millis())
        .bind(f.evidence_count)
        .bind(rows::to_json(&f.body)?)
        .bind(f.created_at.unix_millis())
        .bind(f.updated_at.unix_millis())
        .bind(f.version)
        .bind(f.confidence)
        .bind(&f.explanation)
        .bind(rows::to_json(&f.customers)?)
        .execute(&mut *conn)
        .await?;
    // The index of customers: it only grows, as the list does.
    for customer in &f.customers {
        sqlx::query(
            "INSERT INTO finding_customers (finding_id, customer_tenant_id) VALUES ($1, $2) \
             ON CONFLICT DO NOTHING",
        )
        .bind(f.id.to_string())
        .bind(customer.to_string())
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

#[async_trait]
impl FindingStore for SqlStore {
    async fn upsert_finding(
        &self,
        ctx: &AuditContext,
        finding: &Finding,
    ) -> Result<Finding, StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = fetch_finding(m.conn(), finding.id).await?;
        let mut after = finding.clone();
        let operation = match &before {
            None => {
                after.version = 1;
                write_finding(m.conn(), &after, true).await?;
                AuditOperation::FindingCreate
            }
            Some(b) => {
                // Evidence grows; the status an operator set stays.
                after.status = b.status;
                after.status_reason = b.status_reason.clone();
                after.created_at = b.created_at;
                after.first_seen = b.first_seen.min(after.first_seen);
                after.version = b.version + 1;
                // Customers touched earlier stay (the engine keeps only
                // the latest evidence).
                after.add_customers(b.customers.iter().copied());
                write_finding(m.conn(), &after, false).await?;
                AuditOperation::FindingUpdate
            }
        };
        let tenant = after
            .partner_tenant_id
            .as_deref()
            .and_then(|t| TenantId::parse(t).ok());
        m.commit(ctx.draft(operation, tenant, after.id, before.as_ref(), Some(&after)))
            .await?;
        Ok(after)
    }

    async fn get_finding(&self, id: RecordId) -> Result<Option<Finding>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        fetch_finding(&mut conn, id).await
    }

    async fn open_finding(
        &self,
        user_id: &str,
        rule_id: &str,
    ) -> Result<Option<Finding>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {FINDING_COLUMNS} FROM findings WHERE user_id = $1 AND rule_id = $2 \
             AND status IN ('New', 'In Progress') ORDER BY id DESC LIMIT 1"
        ))
        .bind(user_id)
        .bind(rule_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(finding_from_row).transpose()
    }

    async fn list_detection_findings(
        &self,
        filter: &FindingFilter,
        page: &PageRequest,
    ) -> Result<Page<Finding>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let mut conditions = Conditions::default();
        conditions
            .text("status = {}", filter.status.clone())
            .text("rule_id = {}", filter.rule_id.clone())
            .text("partner_tenant_id = {}", filter.partner_tenant_id.clone())
            .text("user_id = {}", filter.user_id.clone())
            .int("last_seen >= {}", filter.since.map(|t| t.unix_millis()))
            .text("id > {}", keys.after())
            .text(
                "id IN (SELECT finding_id FROM finding_customers WHERE customer_tenant_id = {})",
                filter.customer_tenant_id.map(|t| t.to_string()),
            );
        let rows = conditions
            .fetch(
                self.pool(),
                &format!("SELECT {FINDING_COLUMNS} FROM findings"),
                "ORDER BY id",
                keys.fetch(),
            )
            .await?;
        keys.page(&rows, finding_from_row, |f| f.id.to_string())
    }

    async fn set_finding_status(
        &self,
        ctx: &AuditContext,
        id: RecordId,
        status: FindingStatus,
        reason: Option<&str>,
        expected_version: Option<i64>,
    ) -> Result<Finding, StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = fetch_finding(m.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(before.version, expected_version)?;
        let mut after = before.clone();
        after.status = status;
        after.status_reason = reason.map(str::to_owned);
        after.updated_at = ctx.at;
        after.version = before.version + 1;
        write_finding(m.conn(), &after, false).await?;
        let tenant = after
            .partner_tenant_id
            .as_deref()
            .and_then(|t| TenantId::parse(t).ok());
        m.commit(ctx.draft(
            AuditOperation::FindingStatus,
            tenant,
            id,
            Some(&before),
            Some(&after),
        ))
        .await?;
        Ok(after)
    }
}

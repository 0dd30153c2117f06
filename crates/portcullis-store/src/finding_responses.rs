//! A partner admin's acknowledgement and resolution of findings about its
//! own users (`finding.acknowledge`, `finding.resolve`), and the response
//! times they make.

use async_trait::async_trait;
use portcullis_domain::{
    AuditOperation, Finding, FindingResponse, FindingStatus, RecordId, TenantId, Timestamp,
};
use sqlx::any::AnyRow;

use crate::findings::{fetch_finding, write_finding};
use crate::mutation::check_version;
use crate::{AuditContext, SqlStore, StoreError, rows};

/// The most findings one response-time measure reads.
pub const MAX_MEASURED_FINDINGS: i64 = 10_000;

/// What the partner does to a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingAnswer {
    /// Seen and being worked on: the finding becomes `In Progress`.
    Acknowledge,
    /// Dealt with: the finding becomes `Resolved`.
    Resolve,
}

#[async_trait]
pub trait FindingResponseStore {
    /// Records the answer of the partner admin in `ctx` to a finding: its
    /// status changes and the first acknowledgement (or resolution) time
    /// and author are kept, in one audited transaction.
    async fn answer_finding(
        &self,
        ctx: &AuditContext,
        id: RecordId,
        answer: FindingAnswer,
        reason: Option<&str>,
        expected_version: Option<i64>,
    ) -> Result<(Finding, FindingResponse), StoreError>;
    async fn finding_response(&self, id: RecordId) -> Result<Option<FindingResponse>, StoreError>;
    /// The findings about `partner`'s users raised since `since`, each
    /// with its response so far (at most 10,000, the newest).
    async fn finding_responses(
        &self,
        partner: &str,
        since: Timestamp,
    ) -> Result<Vec<FindingResponse>, StoreError>;
}

const RESPONSE_COLUMNS: &str = "f.id AS finding_id, f.partner_tenant_id AS partner_tenant_id, \
     f.created_at AS raised_at, r.acknowledged_at AS acknowledged_at, \
     r.acknowledged_by AS acknowledged_by, r.resolved_at AS resolved_at, r.resolved_by AS resolved_by";

fn response_from_row(row: &AnyRow) -> Result<FindingResponse, StoreError> {
    Ok(FindingResponse {
        finding_id: rows::parsed(row, "finding_id", RecordId::parse)?,
        partner_tenant_id: rows::opt_text(row, "partner_tenant_id")?.unwrap_or_default(),
        raised_at: rows::time(row, "raised_at")?,
        acknowledged_at: rows::opt_time(row, "acknowledged_at")?,
        acknowledged_by: rows::opt_text(row, "acknowledged_by")?,
        resolved_at: rows::opt_time(row, "resolved_at")?,
        resolved_by: rows::opt_text(row, "resolved_by")?,
    })
}

async fn fetch_response(
    conn: &mut sqlx::AnyConnection,
    id: RecordId,
) -> Result<Option<FindingResponse>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {RESPONSE_COLUMNS} FROM findings f LEFT JOIN finding_responses r \
         ON r.finding_id = f.id WHERE f.id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(response_from_row).transpose()
}

#[async_trait]
impl FindingResponseStore for SqlStore {
    async fn answer_finding(
        &self,
        ctx: &AuditContext,
        id: RecordId,
        answer: FindingAnswer,
        reason: Option<&str>,
        expected_version: Option<i64>,
    ) -> Result<(Finding, FindingResponse), StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = fetch_finding(m.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(before.version, expected_version)?;
        let mut response = fetch_response(m.conn(), id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut after = before.clone();
        let operation = match answer {
            FindingAnswer::Acknowledge => {
                if after.status == FindingStatus::New {
                    after.status = FindingStatus::InProgress;
                }
                if response.acknowledged_at.is_none() {
                    response.acknowledged_at = Some(ctx.at);
                    response.acknowledged_by = Some(ctx.actor.clone());
                }
                AuditOperation::FindingAcknowledge
            }
            FindingAnswer::Resolve => {
                after.status = FindingStatus::Resolved;
                if response.resolved_at.is_none() {
                    response.resolved_at = Some(ctx.at);
                    response.resolved_by = Some(ctx.actor.clone());
                }
                AuditOperation::FindingResolve
            }
        };
        if let Some(reason) = reason {
            after.status_reason = Some(reason.to_owned());
        }
        after.updated_at = ctx.at;
        after.version = before.version + 1;
        write_finding(m.conn(), &after, false).await?;
        sqlx::query("DELETE FROM finding_responses WHERE finding_id = $1")
            .bind(id.to_string())
            .execute(&mut *m.conn())
            .await?;
        sqlx::query(
            "INSERT INTO finding_responses (finding_id, partner_tenant_id, raised_at, \
             acknowledged_at, acknowledged_by, resolved_at, resolved_by) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(id.to_string())
        .bind(&response.partner_tenant_id)
        .bind(response.raised_at.unix_millis())
        .bind(response.acknowledged_at.map(Timestamp::unix_millis))
        .bind(response.acknowledged_by.as_deref())
        .bind(response.resolved_at.map(Timestamp::unix_millis))
        .bind(response.resolved_by.as_deref())
        .execute(&mut *m.conn())
        .await?;
        let tenant = after
            .partner_tenant_id
            .as_deref()
            .and_then(|t| TenantId::parse(t).ok());
        m.commit(ctx.draft(operation, tenant, id, Some(&before), Some(&after)))
            .await?;
        Ok((after, response))
    }

    async fn finding_response(&self, id: RecordId) -> Result<Option<FindingResponse>, StoreError> {
        let mut conn = self.pool().acquire().await?;
        fetch_response(&mut conn, id).await
    }

    async fn finding_responses(
        &self,
        partner: &str,
        since: Timestamp,
    ) -> Result<Vec<FindingResponse>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {RESPONSE_COLUMNS} FROM findings f LEFT JOIN finding_responses r \
             ON r.finding_id = f.id WHERE f.partner_tenant_id = $1 AND f.created_at >= $2 \
             ORDER BY f.created_at DESC LIMIT $3"
        ))
        .bind(partner)
        .bind(since.unix_millis())
        .bind(MAX_MEASURED_FINDINGS)
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(response_from_row).collect()
    }
}

//! Tenant security posture: uploaded configuration snapshots, their
//! evaluation reports, and each partner's posture state; the contract and
//! its SQL implementation.

use async_trait::async_trait;
use portcullis_domain::{
    AuditOperation, MAX_SNAPSHOT_BYTES, Page, PageRequest, PartnerPosture, PostureFilter,
    PostureReportRecord, PostureSnapshotInfo, PostureStanding, RecordId, TenantId, TenantKind,
};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor};

use crate::mutation::Mutation;
use crate::paging::Keyset;
use crate::{AuditContext, SqlStore, StoreError, rows};

#[async_trait]
pub trait PostureStore {
    /// Stores an uploaded snapshot (its document at most
    /// [`MAX_SNAPSHOT_BYTES`]) with its report and the partner's new state,
    /// in one transaction: audit `posture.snapshot.upload`, then
    /// `posture.state.<state>` when the state changes. `state.version` must
    /// be the stored version + 1 (1 for the partner's first state).
    async fn upload_posture_snapshot(
        &self,
        ctx: &AuditContext,
        snapshot: &PostureSnapshotInfo,
        document: &str,
        report: &PostureReportRecord,
        state: &PartnerPosture,
    ) -> Result<(), StoreError>;

    /// Stores a re-evaluation (a new report of a stored snapshot, or none
    /// when only time moved the state) and the partner's new state: audit
    /// `posture.state.<state>` when the state changes, `posture.evaluate`
    /// otherwise. Version-checked as in `upload_posture_snapshot`.
    async fn record_posture(
        &self,
        ctx: &AuditContext,
        report: Option<&PostureReportRecord>,
        state: &PartnerPosture,
    ) -> Result<(), StoreError>;

    /// A snapshot's record and document.
    async fn posture_snapshot(
        &self,
        id: RecordId,
    ) -> Result<Option<(PostureSnapshotInfo, String)>, StoreError>;

    async fn posture_report(&self, id: RecordId)
    -> Result<Option<PostureReportRecord>, StoreError>;

    /// The partner's most recent report.
    async fn latest_posture_report(
        &self,
        tenant: TenantId,
    ) -> Result<Option<PostureReportRecord>, StoreError>;

    async fn partner_posture(&self, tenant: TenantId)
    -> Result<Option<PartnerPosture>, StoreError>;

    /// The partner's `limit` most recent reports, newest first (its
    /// posture trend).
    async fn recent_posture_reports(
        &self,
        tenant: TenantId,
        limit: u32,
    ) -> Result<Vec<PostureReportRecord>, StoreError>;

    /// Partners with a posture state, in tenant id order.
    async fn list_partner_postures(
        &self,
        filter: &PostureFilter,
        page: &PageRequest,
    ) -> Result<Page<PartnerPosture>, StoreError>;
}

const SNAPSHOT_COLUMNS: &str = "id, tenant_id, received_at, taken_at, uploaded_by, size_bytes";
const REPORT_COLUMNS: &str =
    "id, snapshot_id, tenant_id, baseline_version, evaluated_at, compliant, report";
pub(crate) const STATE_COLUMNS: &str = "tenant_id, state, failing, noncompliant_since, grace_ends_at, \
     snapshot_id, snapshot_taken_at, report_id, baseline_version, updated_at, version";

fn snapshot_from_row(row: &AnyRow) -> Result<PostureSnapshotInfo, StoreError> {
    Ok(PostureSnapshotInfo {
        id: rows::parsed(row, "id", RecordId::parse)?,
        tenant_id: rows::parsed(row, "tenant_id", TenantId::parse)?,
        received_at: rows::time(row, "received_at")?,
        taken_at: rows::opt_time(row, "taken_at")?,
        uploaded_by: rows::text(row, "uploaded_by")?,
        size_bytes: rows::int(row, "size_bytes")?,
    })
}

fn report_from_row(row: &AnyRow) -> Result<PostureReportRecord, StoreError> {
    Ok(PostureReportRecord {
        id: rows::parsed(row, "id", RecordId::parse)?,
        snapshot_id: rows::parsed(row, "snapshot_id", RecordId::parse)?,
        tenant_id: rows::parsed(row, "tenant_id", TenantId::parse)?,
        baseline_version: rows::text(row, "baseline_version")?,
        evaluated_at: rows::time(row, "evaluated_at")?,
        compliant: rows::flag(row, "compliant")?,
        report: rows::json(row, "report")?,
    })
}

pub(crate) fn state_from_row(row: &AnyRow) -> Result<PartnerPosture, StoreError> {
    Ok(PartnerPosture {
        tenant_id: rows::parsed(row, "tenant_id", TenantId::parse)?,
        state: rows::named(row, "state", PostureStanding::parse)?,
        failing: rows::json(row, "failing")?,
        noncompliant_since: rows::opt_time(row, "noncompliant_since")?,
        grace_ends_at: rows::opt_time(row, "grace_ends_at")?,
        snapshot_id: rows::parsed(row, "snapshot_id", RecordId::parse)?,
        snapshot_taken_at: rows::time(row, "snapshot_taken_at")?,
        report_id: rows::parsed(row, "report_id", RecordId::parse)?,
        baseline_version: rows::text(row, "baseline_version")?,
        updated_at: rows::time(row, "updated_at")?,
        version: rows::int(row, "version")?,
    })
}

async fn fetch_state<'e>(
    exec: impl Executor<'e, Database = Any>,
    tenant: TenantId,
) -> Result<Option<PartnerPosture>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {STATE_COLUMNS} FROM partner_postures WHERE tenant_id = $1"
    ))
    .bind(tenant.to_string())
    .fetch_optional(exec)
    .await?;
    row.as_ref().map(state_from_row).transpose()
}

async fn insert_report(
    conn: &mut AnyConnection,
    report: &PostureReportRecord,
) -> Result<(), StoreError> {
    sqlx::query(&format!(
        "INSERT INTO posture_reports ({REPORT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)"
    ))
    .bind(report.id.to_string())
    .bind(report.snapshot_id.to_string())
    .bind(report.tenant_id.to_string())
    .bind(&report.baseline_version)
    .bind(report.evaluated_at.unix_millis())
    .bind(i64::from(report.compliant))
    .bind(rows::to_json(&report.report)?)
    .execute(conn)
    .await?;
    Ok(())
}

/// Writes the partner's state, checking that it is the next version of the
/// stored one; returns the stored one.
async fn write_state(
    m: &mut Mutation,
    state: &PartnerPosture,
) -> Result<Option<PartnerPosture>, StoreError> {
    let before = fetch_state(m.conn(), state.tenant_id).await?;
    let current = before.as_ref().map_or(0, |b| b.version);
    if state.version != current + 1 {
        return Err(StoreError::VersionMismatch { current });
    }
    sqlx::query(&format!(
        "INSERT INTO partner_postures ({STATE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (tenant_id) DO UPDATE SET state = excluded.state, failing = excluded.failing, \
         noncompliant_since = excluded.noncompliant_since, grace_ends_at = excluded.grace_ends_at, \
         snapshot_id = excluded.snapshot_id, snapshot_taken_at = excluded.snapshot_taken_at, report_id = excluded.report_id, \
         baseline_version = excluded.baseline_version, updated_at = excluded.updated_at, \
         version = excluded.version"
    ))
    .bind(state.tenant_id.to_string())
    .bind(state.state.as_str())
    .bind(rows::to_json(&state.failing)?)
    .bind(state.noncompliant_since.map(|t| t.unix_millis()))
    .bind(state.grace_ends_at.map(|t| t.unix_millis()))
    .bind(state.snapshot_id.to_string())
    .bind(state.snapshot_taken_at.unix_millis())
    .bind(state.report_id.to_string())
    .bind(&state.baseline_version)
    .bind(state.updated_at.unix_millis())
    .bind(state.version)
    .execute(m.conn())
    .await?;
    Ok(before)
}

/// The audit draft of a state change, if the state changed.
fn state_draft(
    ctx: &AuditContext,
    before: Option<&PartnerPosture>,
    after: &PartnerPosture,
) -> Option<portcullis_domain::AuditDraft> {
    (before.map(|b| b.state) != Some(after.state)).then(|| {
        ctx.draft(
            AuditOperation::posture_became(after.state),
            Some(after.tenant_id),
            after.tenant_id,
            before,
            Some(after),
        )
    })
}

fn same_tenant(report: &PostureReportRecord, state: &PartnerPosture) -> Result<(), StoreError> {
    if report.tenant_id == state.tenant_id && report.id == state.report_id {
        Ok(())
    } else {
        Err(StoreError::InvalidChange(
            "a posture state must follow the report stored with it".into(),
        ))
    }
}

#[async_trait]
impl PostureStore for SqlStore {
    async fn upload_posture_snapshot(
        &self,
        ctx: &AuditContext,
        snapshot: &PostureSnapshotInfo,
        document: &str,
        report: &PostureReportRecord,
        state: &PartnerPosture,
    ) -> Result<(), StoreError> {
        if document.len() > MAX_SNAPSHOT_BYTES {
            return Err(StoreError::InvalidChange(format!(
                "a snapshot document of {} bytes is over the {MAX_SNAPSHOT_BYTES}-byte limit",
                document.len()
            )));
        }
        same_tenant(report, state)?;
        if report.snapshot_id != snapshot.id || report.tenant_id != snapshot.tenant_id {
            return Err(StoreError::InvalidChange(
                "a report must be of the snapshot stored with it".into(),
            ));
        }
        let mut m = self.begin_mutation().await?;
        crate::tenants::require_kind(m.conn(), snapshot.tenant_id, TenantKind::Partner).await?;
        let size = i64::try_from(document.len()).unwrap_or(i64::MAX);
        sqlx::query(&format!(
            "INSERT INTO posture_snapshots ({SNAPSHOT_COLUMNS}, document) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)"
        ))
        .bind(snapshot.id.to_string())
        .bind(snapshot.tenant_id.to_string())
        .bind(snapshot.received_at.unix_millis())
        .bind(snapshot.taken_at.map(|t| t.unix_millis()))
        .bind(&snapshot.uploaded_by)
        .bind(size)
        .bind(document)
        .execute(m.conn())
        .await?;
        insert_report(m.conn(), report).await?;
        let before = write_state(&mut m, state).await?;
        let stored = PostureSnapshotInfo {
            size_bytes: size,
            ..snapshot.clone()
        };
        let upload = ctx.draft(
            AuditOperation::PostureSnapshotUpload,
            Some(snapshot.tenant_id),
            snapshot.id,
            None,
            Some(&stored),
        );
        match state_draft(ctx, before.as_ref(), state) {
            Some(change) => {
                m.record(upload).await?;
                m.commit(change).await
            }
            None => m.commit(upload).await,
        }
    }

    async fn record_posture(
        &self,
        ctx: &AuditContext,
        report: Option<&PostureReportRecord>,
        state: &PartnerPosture,
    ) -> Result<(), StoreError> {
        if let Some(report) = report {
            same_tenant(report, state)?;
        }
        let mut m = self.begin_mutation().await?;
        if let Some(report) = report {
            insert_report(m.conn(), report).await?;
        }
        let before = write_state(&mut m, state).await?;
        let draft = state_draft(ctx, before.as_ref(), state).unwrap_or_else(|| {
            ctx.draft(
                AuditOperation::PostureEvaluate,
                Some(state.tenant_id),
                state.tenant_id,
                before.as_ref(),
                Some(state),
            )
        });
        m.commit(draft).await
    }

    async fn posture_snapshot(
        &self,
        id: RecordId,
    ) -> Result<Option<(PostureSnapshotInfo, String)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {SNAPSHOT_COLUMNS}, document FROM posture_snapshots WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| Ok((snapshot_from_row(&row)?, rows::text(&row, "document")?)))
            .transpose()
    }

    async fn posture_report(
        &self,
        id: RecordId,
    ) -> Result<Option<PostureReportRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM posture_reports WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(report_from_row).transpose()
    }

    async fn latest_posture_report(
        &self,
        tenant: TenantId,
    ) -> Result<Option<PostureReportRecord>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM posture_reports WHERE tenant_id = $1 \
             ORDER BY evaluated_at DESC, id DESC LIMIT 1"
        ))
        .bind(tenant.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(report_from_row).transpose()
    }

    async fn recent_posture_reports(
        &self,
        tenant: TenantId,
        limit: u32,
    ) -> Result<Vec<PostureReportRecord>, StoreError> {
        let found = sqlx::query(&format!(
            "SELECT {REPORT_COLUMNS} FROM posture_reports WHERE tenant_id = $1 \
             ORDER BY evaluated_at DESC, id DESC LIMIT $2"
        ))
        .bind(tenant.to_string())
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await?;
        found.iter().map(report_from_row).collect()
    }

    async fn partner_posture(
        &self,
        tenant: TenantId,
    ) -> Result<Option<PartnerPosture>, StoreError> {
        fetch_state(self.pool(), tenant).await
    }

    async fn list_partner_postures(
        &self,
        filter: &PostureFilter,
        page: &PageRequest,
    ) -> Result<Page<PartnerPosture>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {STATE_COLUMNS} FROM partner_postures WHERE ($1 IS NULL OR state = $1) \
             AND ($2 IS NULL OR tenant_id > $2) ORDER BY tenant_id LIMIT $3"
        ))
        .bind(filter.state.map(PostureStanding::as_str))
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, state_from_row, |p| p.tenant_id.to_string())
    }
}

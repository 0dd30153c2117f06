//! The contract for tenant security posture: uploaded configuration
//! snapshots, their evaluation reports, and each partner's posture state.
//! Implemented by `SqlStore` in `posture_sql.rs`.

use async_trait::async_trait;
use portcullis_domain::{
    Page, PageRequest, PartnerPosture, PostureFilter, PostureReportRecord, PostureSnapshotInfo,
    RecordId, TenantId,
};

use crate::{AuditContext, StoreError};

#[async_trait]
pub trait PostureStore {
    /// Stores an uploaded snapshot (its document at most
    /// [`MAX_SNAPSHOT_BYTES`](portcullis_domain::MAX_SNAPSHOT_BYTES)) with its report and the partner's new state,
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

    /// Partners with a posture state, in tenant id order.
    async fn list_partner_postures(
        &self,
        filter: &PostureFilter,
        page: &PageRequest,
    ) -> Result<Page<PartnerPosture>, StoreError>;
}

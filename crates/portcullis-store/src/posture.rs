//! The contract for tenant security posture: uploaded configuration
//! snapshots, their evaluation reports, and each partner's posture state.
//! Implemented by `SqlStore` in `posture_sql.rs`.

use async_trait::async_trait;
use portcullis_domain::{Page, PageRequest, PostureStanding, RecordId, TenantId, Timestamp};
use serde::{Deserialize, Serialize};

use crate::{AuditContext, StoreError};

/// The largest snapshot document the store keeps: 8 MiB.
pub const MAX_SNAPSHOT_BYTES: usize = 8 * 1024 * 1024;

/// A stored configuration snapshot, without its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PostureSnapshotInfo {
    pub id: RecordId,
    pub tenant_id: TenantId,
    pub received_at: Timestamp,
    /// When the configuration was captured, if the document says so.
    pub taken_at: Option<Timestamp>,
    /// The audit name of the uploader.
    pub uploaded_by: String,
    pub size_bytes: i64,
}

/// The evaluation of one snapshot against one baseline version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PostureReportRecord {
    pub id: RecordId,
    pub snapshot_id: RecordId,
    pub tenant_id: TenantId,
    pub baseline_version: String,
    pub evaluated_at: Timestamp,
    /// No `SHALL` requirement failed or erred.
    pub compliant: bool,
    /// The report: `{"baseline_version", "results": [...], "compliant"}`.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

/// A partner's posture state, derived from its latest report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartnerPosture {
    pub tenant_id: TenantId,
    pub state: PostureStanding,
    /// Ids of the failing or erring `SHALL` requirements (empty when compliant).
    pub failing: Vec<String>,
    /// When the current run of non-compliance began.
    pub noncompliant_since: Option<Timestamp>,
    /// The first instant of suspension, while `noncompliant`.
    pub grace_ends_at: Option<Timestamp>,
    /// The snapshot and report the state was derived from.
    pub snapshot_id: RecordId,
    /// When that snapshot was captured (its upload time when it does not
    /// say): a compliant partner turns non-compliant once it is stale.
    pub snapshot_taken_at: Timestamp,
    pub report_id: RecordId,
    pub baseline_version: String,
    pub updated_at: Timestamp,
    /// Counts the changes of this record (1 on creation).
    pub version: i64,
}

impl PartnerPosture {
    /// The first instant at which decisions deny this partner with
    /// `partner_noncompliant`: the end of its grace period while
    /// non-compliant, the distant past once suspended, never when compliant.
    pub fn suspended_from(&self) -> Option<Timestamp> {
        match self.state {
            PostureStanding::Compliant => None,
            PostureStanding::Noncompliant => self.grace_ends_at,
            PostureStanding::Suspended => Some(Timestamp::from_unix_millis(i64::MIN)),
        }
    }
}

/// Which partners to list; every filter is optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct PostureFilter {
    pub state: Option<PostureStanding>,
}

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

    /// Partners with a posture state, in tenant id order.
    async fn list_partner_postures(
        &self,
        filter: &PostureFilter,
        page: &PageRequest,
    ) -> Result<Page<PartnerPosture>, StoreError>;
}

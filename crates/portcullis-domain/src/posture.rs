//! Tenant security posture: where a partner stands, and the snapshots,
//! reports and states that say so.

use serde::{Deserialize, Serialize};

use crate::{RecordId, TenantId, Timestamp};

/// Where a partner stands for gating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostureStanding {
    /// No `SHALL` requirement fails.
    Compliant,
    /// `SHALL` requirements fail: no new relationships or assignments;
    /// suspended when the grace period ends.
    Noncompliant,
    /// The grace period is over: decisions deny with `partner_noncompliant`.
    Suspended,
}

impl PostureStanding {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Compliant => "compliant",
            Self::Noncompliant => "noncompliant",
            Self::Suspended => "suspended",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "compliant" => Some(Self::Compliant),
            "noncompliant" => Some(Self::Noncompliant),
            "suspended" => Some(Self::Suspended),
            _ => None,
        }
    }
}

/// The largest snapshot document Portcullis keeps: 8 MiB.
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

//! Tenant security posture: partners upload their tenant configuration,
//! the baseline in force judges it at once, and the partner's posture state
//! gates what it may do. A baseline change re-judges every partner's latest
//! snapshot; a periodic round suspends partners whose grace period ended
//! and turns stale snapshots non-compliant.
//!
//! The evaluation itself lives in `portcullis-posture`; this module stores
//! snapshots, reports and states (each change audited in its transaction)
//! and emits state changes as activity events.

mod config;
mod events;
mod judge;
mod reassess;
mod score;
mod score_round;
mod upload;

use portcullis_domain::PostureStanding;
use portcullis_domain::{PartnerPosture, PostureReportRecord, PostureSnapshotInfo};
use portcullis_domain::{RuleViolation, TenantId};
use serde::Serialize;

use crate::{Portcullis, ServiceError};

pub use config::PostureConfig;
pub(crate) use config::PostureRuntime;
pub use reassess::{BaselineReload, PostureRound, ReassessReport};

/// What an upload stored: the snapshot, its report and the partner's state.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PostureUpload {
    pub snapshot: PostureSnapshotInfo,
    pub report: PostureReportRecord,
    pub posture: PartnerPosture,
}

/// The baseline in force.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BaselineInfo {
    /// `<declared>+sha256:<12 hex>`, as every report records it.
    pub version: String,
    pub declared: String,
    /// The SHA-256 of all modules.
    pub digest: String,
    /// Each requirement: id, policy_id, criticality, description,
    /// rationale, sections.
    #[schema(value_type = Vec<Object>)]
    pub requirements: Vec<portcullis_posture::Requirement>,
}

impl Portcullis {
    /// The same application with these posture settings.
    #[must_use]
    pub fn with_posture(mut self, config: PostureConfig) -> Self {
        self.posture = std::sync::Arc::new(PostureRuntime::new(config));
        self
    }

    /// Refuses while the partner's posture is non-compliant or suspended
    /// (`partner_noncompliant`): no new relationships or assignments.
    pub(crate) async fn posture_may_act(&self, partner: TenantId) -> Result<(), ServiceError> {
        let refuse = |why: String| -> ServiceError {
            RuleViolation::new(
                "partner_noncompliant",
                format!("partner tenant `{partner}` {why}"),
            )
            .into()
        };
        match self.store.partner_posture(partner).await? {
            None if self.posture.config.require_snapshot => {
                Err(refuse("has not uploaded a posture snapshot".to_owned()))
            }
            None => Ok(()),
            Some(p) if p.state == PostureStanding::Compliant => Ok(()),
            Some(p) => Err(refuse(format!(
                "is {} with its tenant security posture (failing: {})",
                p.state.as_str(),
                p.failing.join(", ")
            ))),
        }
    }
}

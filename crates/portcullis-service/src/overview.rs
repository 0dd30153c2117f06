//! The operator's overview counts, each one aggregate query in the store,
//! so an overview answers in the same time whatever the ecosystem's size.

use portcullis_domain::PostureStanding;
use portcullis_domain::vetting::CaseState;

use crate::{Caller, Portcullis, ServiceError, caller_rules};

/// Windows (in days) of the "relationships expiring" counts.
pub const EXPIRY_WINDOWS_DAYS: [i64; 3] = [30, 7, 1];

/// What the operator's overview counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OverviewCounts {
    /// Vetting cases per state; states without a case are left out.
    pub cases: Vec<(CaseState, i64)>,
    /// Open findings (`New` or `In Progress`) per OCSF severity id, most severe first.
    pub open_findings: Vec<(i64, i64)>,
    /// Active relationships ending within each of [`EXPIRY_WINDOWS_DAYS`], in that order.
    pub expiring: Vec<(i64, i64)>,
    /// Partners per posture standing; standings without a partner are left out.
    pub postures: Vec<(PostureStanding, i64)>,
}

impl Portcullis {
    /// The overview's counts (operators).
    pub async fn overview_counts(&self, caller: &Caller) -> Result<OverviewCounts, ServiceError> {
        caller_rules::require_operator(&caller.principal, "read the overview")?;
        let now = self.clock.now();
        let mut expiring = Vec::new();
        for days in EXPIRY_WINDOWS_DAYS {
            let until = now.saturating_add_seconds(days * 86_400);
            let n = self.store.count_relationships_ending(now, until).await?;
            expiring.push((days, n));
        }
        Ok(OverviewCounts {
            cases: self.store.count_cases_by_state().await?,
            open_findings: self.store.count_open_findings_by_severity().await?,
            expiring,
            postures: self.store.count_postures_by_standing().await?,
        })
    }
}

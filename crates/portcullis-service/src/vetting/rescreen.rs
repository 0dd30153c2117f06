//! The end every re-screen shares, whatever it screened against
//! (watchlists or threat intelligence): a changed outcome is counted and
//! stored with the new findings, an approved partner is suspended when
//! asked, all audited as `vetting.rescreen` in one transaction.

use portcullis_domain::vetting::{CaseState, VettingCase};
use portcullis_domain::vetting::{ScreeningOutcome, VettingConcern};
use portcullis_domain::{AuditOperation, Timestamp};
use portcullis_store::CaseUpdate;

use super::RescreenReport;
use crate::{Caller, Portcullis, ServiceError};

/// A partner's re-screen whose outcome changed.
pub(crate) struct Rescreened {
    pub case: VettingCase,
    pub outcome: ScreeningOutcome,
    /// Findings for the hits the previous outcome did not have.
    pub findings: Vec<VettingConcern>,
    /// Why to suspend the partner (when approved), if the new hits call for it.
    pub suspend_because: Option<&'static str>,
}

impl Portcullis {
    /// Counts, suspends when asked, and saves a changed re-screen.
    pub(crate) async fn save_rescreen(
        &self,
        caller: &Caller,
        rescreened: Rescreened,
        now: Timestamp,
        report: &mut RescreenReport,
    ) -> Result<(), ServiceError> {
        let Rescreened {
            mut case,
            outcome,
            findings,
            suspend_because,
        } = rescreened;
        report.outcomes_changed += 1;
        report.findings_opened += findings.len();
        let expected = case.version;
        let mut transitions = Vec::new();
        if let Some(reason) = suspend_because
            && case.state == CaseState::Approved
        {
            transitions.push(case.suspend("system", reason, now)?);
            report.suspended.push(case.tenant_id);
        }
        let update = CaseUpdate {
            operation: Some(AuditOperation::VettingRescreen),
            transitions,
            outcomes: vec![outcome],
            findings,
            ..CaseUpdate::default()
        };
        self.save_vetting(caller, &case, expected, update, now)
            .await?;
        Ok(())
    }
}

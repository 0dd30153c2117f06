//! Partner admins acknowledge and resolve findings about their own users;
//! when and by whom is kept, so the partner's time to respond can be
//! measured (the 24-hour requirement of the security score).

use portcullis_domain::{Finding, FindingResponse, RecordId, RuleViolation};
use portcullis_store::FindingAnswer;

use crate::caller_rules;
use crate::{Caller, Portcullis, ServiceError};

fn finding_not_found(id: RecordId) -> ServiceError {
    ServiceError::NotFound(format!("finding `{id}` not found"))
}

impl Portcullis {
    /// A partner admin answers a finding about its partner's users: an
    /// acknowledgement moves a `New` finding to `In Progress`, a
    /// resolution makes it `Resolved`; the first of each is timed. A
    /// finding already closed (`Resolved`, `Suppressed`) is not reopened.
    pub async fn answer_finding(
        &self,
        caller: &Caller,
        id: RecordId,
        answer: FindingAnswer,
        reason: Option<&str>,
        expected_version: Option<i64>,
    ) -> Result<(Finding, FindingResponse), ServiceError> {
        let own = caller_rules::may_answer_findings(&caller.principal)?;
        let finding = self
            .store
            .get_finding(id)
            .await?
            .filter(|f| f.partner_tenant_id == Some(own.to_string()))
            .ok_or_else(|| finding_not_found(id))?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if let Some(text) = reason {
            portcullis_domain::free_text("reason", text, 1000)?;
        }
        if !finding.status.is_open() {
            return Err(RuleViolation::new(
                "invalid_transition",
                format!("the finding is already `{}`", finding.status),
            )
            .into());
        }
        self.store
            .answer_finding(
                &caller.audit(self.clock.now()),
                id,
                answer,
                reason,
                expected_version,
            )
            .await
            .map_err(|e| ServiceError::from_store(e, || format!("finding `{id}` not found")))
    }

    /// When a finding was acknowledged and resolved, and by whom: operators
    /// any finding's, a partner admin its partner's.
    pub async fn finding_response(
        &self,
        caller: &Caller,
        id: RecordId,
    ) -> Result<FindingResponse, ServiceError> {
        // Scoped as reading the finding itself.
        self.get_detection_finding(caller, id).await?;
        self.store
            .finding_response(id)
            .await?
            .ok_or_else(|| finding_not_found(id))
    }
}

//! Reviewers' decisions and an approved partner's standing.

use portcullis_domain::AuditOperation;
use portcullis_domain::vetting::VettingConcern;
use portcullis_domain::vetting::{
    CaseId, CaseTransition, ReviewDecision, ReviewOutcome, VettingCase,
};
use portcullis_domain::{RecordId, Timestamp};
use portcullis_store::CaseUpdate;
use portcullis_vetting::{DomainCheck, reverification_finding};

use super::CaseDetail;
use super::checks::record;
use crate::caller_rules;
use crate::{Caller, Portcullis, ServiceError};

/// What a reviewer did, and where the case stands.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReviewResult {
    /// Distinct approvals still missing (two are needed for a high-risk case).
    pub approvals_missing: usize,
    pub detail: CaseDetail,
}

impl Portcullis {
    /// Saves `case` with `update`, and keeps the decision index in step with
    /// the partner's authorization.
    pub(crate) async fn save_vetting(
        &self,
        caller: &Caller,
        case: &VettingCase,
        expected: i64,
        update: CaseUpdate,
        now: Timestamp,
    ) -> Result<VettingCase, ServiceError> {
        let saved = self
            .store
            .save_case(&caller.audit(now), case, expected, update)
            .await
            .map_err(|e| ServiceError::from_store(e, || format!("case `{}` not found", case.id)))?;
        // The partner's authorization as the store now has it: another case
        // of the same partner (a revoked one, say) does not speak for it.
        self.refresh_partner_vetting(saved.tenant_id).await?;
        Ok(saved)
    }

    /// An operator reviews a case `in_review`. A reviewer never approves a
    /// case they submitted; a high-risk case needs two distinct approvals.
    pub async fn review_case(
        &self,
        caller: &Caller,
        id: CaseId,
        decision: ReviewDecision,
        reason: &str,
        expected_version: Option<i64>,
    ) -> Result<ReviewResult, ServiceError> {
        caller_rules::may_review_vetting(&caller.principal)?;
        let mut case = self.visible_case(caller, id).await?;
        let expected = expected_version.unwrap_or(case.version);
        let now = self.clock.now();
        let outcome = case.review(&caller.principal.audit_name(), decision, reason, now)?;
        let (transitions, missing) = match outcome {
            ReviewOutcome::Moved(t) => (vec![t], 0),
            ReviewOutcome::AwaitingApprovals { have, need } => (Vec::new(), need - have),
        };
        let update = CaseUpdate {
            operation: Some(AuditOperation::VettingCaseReview),
            transitions,
            ..CaseUpdate::default()
        };
        let saved = self
            .save_vetting(caller, &case, expected, update, now)
            .await?;
        Ok(ReviewResult {
            approvals_missing: missing,
            detail: self.case_detail(saved).await?,
        })
    }

    async fn standing_change(
        &self,
        caller: &Caller,
        id: CaseId,
        reason: &str,
        change: impl FnOnce(
            &mut VettingCase,
            &str,
            &str,
            Timestamp,
        ) -> Result<CaseTransition, portcullis_domain::RuleViolation>,
    ) -> Result<CaseDetail, ServiceError> {
        caller_rules::may_change_standing(&caller.principal)?;
        let mut case = self.visible_case(caller, id).await?;
        let expected = case.version;
        let now = self.clock.now();
        let t = change(&mut case, &caller.principal.audit_name(), reason, now)?;
        let update = CaseUpdate {
            transitions: vec![t],
            ..CaseUpdate::default()
        };
        let saved = self
            .save_vetting(caller, &case, expected, update, now)
            .await?;
        self.case_detail(saved).await
    }

    /// `approved → suspended`: every decision for the partner denies at once.
    pub async fn suspend_partner(
        &self,
        caller: &Caller,
        id: CaseId,
        reason: &str,
    ) -> Result<CaseDetail, ServiceError> {
        self.standing_change(caller, id, reason, VettingCase::suspend)
            .await
    }

    /// `suspended → approved`.
    pub async fn reinstate_partner(
        &self,
        caller: &Caller,
        id: CaseId,
        reason: &str,
    ) -> Result<CaseDetail, ServiceError> {
        self.standing_change(caller, id, reason, VettingCase::reinstate)
            .await
    }

    /// `approved | suspended → revoked`, for good.
    pub async fn revoke_partner(
        &self,
        caller: &Caller,
        id: CaseId,
        reason: &str,
    ) -> Result<CaseDetail, ServiceError> {
        self.standing_change(caller, id, reason, VettingCase::revoke)
            .await
    }

    /// Checks the domain record of a case again. A record that vanished
    /// after a success opens a finding; the result is recorded either way.
    pub async fn reverify_domain(
        &self,
        caller: &Caller,
        id: CaseId,
    ) -> Result<CaseDetail, ServiceError> {
        caller_rules::require_operator(&caller.principal, "re-verify domains")?;
        let case = self.visible_case(caller, id).await?;
        let saved = self.reverify(caller, case).await?;
        self.case_detail(saved).await
    }

    pub(crate) async fn reverify(
        &self,
        caller: &Caller,
        case: VettingCase,
    ) -> Result<VettingCase, ServiceError> {
        let mut challenge = self.store.domain_challenge(case.id).await?.ok_or_else(|| {
            ServiceError::Internal(format!("case `{}` has no challenge", case.id))
        })?;
        let now = self.clock.now();
        let previous = if challenge.last_outcome.as_deref() == Some("verified") {
            DomainCheck::Verified
        } else {
            DomainCheck::RecordMissing
        };
        let current = self.check_domain(&challenge).await;
        let check = record(&case, "domain_ownership", None, &current, now);
        challenge.last_checked_at = Some(now);
        // An unreachable resolver changes nothing we know about the record.
        if !matches!(current, DomainCheck::Unreachable { .. }) {
            challenge.last_outcome = Some(check.outcome.clone());
        }
        if current.is_verified() && challenge.verified_at.is_none() {
            challenge.verified_at = Some(now);
        }
        let findings = reverification_finding(&previous, &current)
            .map(|finding| VettingConcern {
                id: RecordId::generate(),
                tenant_id: case.tenant_id,
                case_id: Some(case.id),
                kind: "domain_record_vanished".into(),
                severity: "medium".into(),
                summary: format!(
                    "the ownership record of `{}` no longer carries the challenge token",
                    challenge.domain
                ),
                detail: serde_json::to_value(&finding).unwrap_or_default(),
                status: "open".into(),
                created_at: now,
                updated_at: now,
            })
            .into_iter()
            .collect();
        let update = CaseUpdate {
            operation: Some(AuditOperation::VettingDomainReverify),
            checks: vec![check],
            challenge: Some(challenge),
            findings,
            ..CaseUpdate::default()
        };
        let expected = case.version;
        self.save_vetting(caller, &case, expected, update, now)
            .await
    }
}

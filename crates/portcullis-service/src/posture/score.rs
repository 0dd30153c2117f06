//! The partner security score (0–100; weights in `portcullis_domain::score`
//! and `docs/least-privilege.md`): computed from the partner's latest
//! posture report, its vetting case, its open findings and how fast its
//! admins answered the last 30 days' findings. Each computation is kept as
//! the partner's score of the day (the history); a floor, when configured,
//! stops a partner below it from proposing relationships.

use portcullis_domain::vetting::{CaseFilter, CaseState};
use portcullis_domain::{
    FindingFilter, FindingStatus, PageRequest, PartnerScore, RESPONSE_WINDOW_DAYS,
    RequirementTally, ResponseTimes, RuleViolation, ScoreInputs, ScorePoint, TenantId, TenantKind,
    VettingLevel, day_of,
};
use portcullis_posture::{Criticality, Report, Status};

use crate::caller_rules;
use crate::{Caller, Portcullis, ServiceError};

/// The longest score history one read returns, in days.
pub const MAX_SCORE_HISTORY_DAYS: i64 = 365;

fn tally(report: &Report) -> RequirementTally {
    let mut t = RequirementTally::default();
    for r in &report.results {
        let passed = u32::from(r.status == Status::Pass);
        match (r.criticality, r.status) {
            (_, Status::NotApplicable) => {}
            (Criticality::Shall, _) => {
                t.shall_total += 1;
                t.shall_passed += passed;
            }
            (Criticality::Should, _) => {
                t.should_total += 1;
                t.should_passed += passed;
            }
        }
    }
    t
}

fn vetting_level(state: CaseState) -> VettingLevel {
    match state {
        CaseState::Approved | CaseState::AutoApproved => VettingLevel::Approved,
        CaseState::Submitted
        | CaseState::Screening
        | CaseState::InReview
        | CaseState::NeedsInformation => VettingLevel::InProgress,
        CaseState::Rejected | CaseState::Suspended | CaseState::Revoked => VettingLevel::None,
    }
}

impl Portcullis {
    /// The partner's score now, kept as its score of the day.
    pub(crate) async fn compute_score(
        &self,
        partner: TenantId,
    ) -> Result<PartnerScore, ServiceError> {
        let now = self.clock.now();
        let posture = match self.store.latest_posture_report(partner).await? {
            Some(record) => serde_json::from_value::<Report>(record.report)
                .ok()
                .map(|r| tally(&r)),
            None => None,
        };
        let cases = self
            .store
            .list_cases(
                &CaseFilter {
                    tenant_id: Some(partner),
                    state: None,
                },
                &PageRequest::first(PageRequest::MAX_LIMIT),
            )
            .await?;
        // The newest case (ids are time-ordered) is the one that stands.
        let vetting = cases
            .items
            .iter()
            .max_by_key(|c| c.id)
            .map_or(VettingLevel::None, |c| vetting_level(c.state));
        let mut open_findings = Vec::new();
        for status in [FindingStatus::New, FindingStatus::InProgress] {
            let filter = FindingFilter {
                status: Some(status.as_str().to_owned()),
                partner_tenant_id: Some(partner.to_string()),
                ..FindingFilter::default()
            };
            let page = self
                .store
                .list_detection_findings(&filter, &PageRequest::first(PageRequest::MAX_LIMIT))
                .await?;
            open_findings.extend(page.items.iter().map(|f| f.severity_id));
        }
        let since = now.saturating_add_seconds(-RESPONSE_WINDOW_DAYS * 86_400);
        let responses = self
            .store
            .finding_responses(&partner.to_string(), since)
            .await?;
        let inputs = ScoreInputs {
            posture,
            vetting,
            open_findings,
            response: ResponseTimes::measure(&responses, now),
        };
        let score = PartnerScore::compute(partner, &inputs, now);
        self.store.record_score(&score).await?;
        Ok(score)
    }

    /// The partner's score: operators any partner's, a partner admin its own.
    pub async fn partner_score(
        &self,
        caller: &Caller,
        partner: TenantId,
    ) -> Result<PartnerScore, ServiceError> {
        self.score_partner(caller, partner).await?;
        self.compute_score(partner).await
    }

    /// The partner's daily scores over the last `days` (1 to 365), oldest first.
    pub async fn score_history(
        &self,
        caller: &Caller,
        partner: TenantId,
        days: i64,
    ) -> Result<Vec<ScorePoint>, ServiceError> {
        self.score_partner(caller, partner).await?;
        if !(1..=MAX_SCORE_HISTORY_DAYS).contains(&days) {
            return Err(portcullis_domain::ValidationError::new(
                "days",
                format!("must be 1 to {MAX_SCORE_HISTORY_DAYS}"),
            )
            .into());
        }
        let today = day_of(self.clock.now());
        Ok(self.store.score_history(partner, today - days + 1).await?)
    }

    /// A partner tenant in the caller's scope (404 otherwise, as for an unknown one).
    async fn score_partner(&self, caller: &Caller, partner: TenantId) -> Result<(), ServiceError> {
        let scope = caller_rules::partner_scope(&caller.principal, "read security scores")?;
        if !scope.covers(partner) {
            return Err(caller_rules::tenant_not_found(partner));
        }
        self.store
            .get_tenant(partner)
            .await?
            .filter(|t| t.kind == TenantKind::Partner)
            .ok_or_else(|| caller_rules::tenant_not_found(partner))?;
        Ok(())
    }

    /// With a floor configured: refuses a partner whose score is below it.
    pub(crate) async fn score_may_act(&self, partner: TenantId) -> Result<(), ServiceError> {
        let Some(floor) = self.tightening.config.score_floor else {
            return Ok(());
        };
        let score = self.compute_score(partner).await?;
        if score.score < floor {
            return Err(RuleViolation::new(
                "score_below_floor",
                format!(
                    "partner tenant `{partner}` has a security score of {}, below the floor of {floor}",
                    score.score
                ),
            )
            .into());
        }
        Ok(())
    }
}

//! Applying, screening, and reading cases.

use portcullis_domain::AuditOperation;
use portcullis_domain::vetting::{Application, CaseId, CaseState, VettingCase};
use portcullis_domain::vetting::{CaseFilter, DomainChallenge};
use portcullis_domain::{Page, PageRequest, RuleViolation, TenantId, TenantKind};
use portcullis_store::CaseUpdate;
use portcullis_vetting::{ChallengeToken, WebsiteDomain};

use super::checks::level;
use super::{CaseDetail, ChallengeInstructions};
use crate::caller_rules;
use crate::{Caller, Portcullis, ServiceError};

pub(crate) fn case_not_found(id: CaseId) -> ServiceError {
    ServiceError::NotFound(format!("case `{id}` not found"))
}

/// The application with its fields checked and its website domain in the
/// normal form the DNS check uses (public suffixes and IPs refused).
fn checked(application: Application) -> Result<(Application, WebsiteDomain), ServiceError> {
    let application = application.normalized()?;
    let domain = WebsiteDomain::parse(&application.website_domain).map_err(|err| {
        portcullis_domain::ValidationError::new("website_domain", err.to_string())
    })?;
    let application = Application {
        website_domain: domain.as_str().to_owned(),
        ..application
    };
    Ok((application, domain))
}

impl Portcullis {
    /// A case the caller may see: operators see all, a partner admin its
    /// own tenant's; anyone else is refused.
    pub(crate) async fn visible_case(
        &self,
        caller: &Caller,
        id: CaseId,
    ) -> Result<VettingCase, ServiceError> {
        let scope = caller_rules::vetting_scope(&caller.principal)?;
        let case = self
            .store
            .get_case(id)
            .await?
            .ok_or_else(|| case_not_found(id))?;
        if scope.covers(case.tenant_id) {
            Ok(case)
        } else {
            // Another tenant's case does not exist for this caller.
            Err(case_not_found(id))
        }
    }

    /// A partner admin applies for its own tenant; an operator on behalf of
    /// any partner tenant. The case starts `submitted` with a DNS challenge
    /// to publish before asking for screening.
    pub async fn submit_application(
        &self,
        caller: &Caller,
        tenant: TenantId,
        application: Application,
    ) -> Result<CaseDetail, ServiceError> {
        caller_rules::may_manage_partner_directory(&caller.principal, tenant)?;
        self.tenant_of_kind(tenant, TenantKind::Partner, "only partner tenants apply")
            .await?;
        let (application, domain) = checked(application)?;
        let token = ChallengeToken::generate_os().map_err(|err| {
            ServiceError::Internal(format!("cannot draw a challenge token: {err}"))
        })?;
        let now = self.clock.now();
        let case = VettingCase::submit(tenant, application, caller.principal.audit_name(), now);
        let challenge = DomainChallenge {
            case_id: case.id,
            domain: domain.as_str().to_owned(),
            token: token.as_str().to_owned(),
            issued_at: now,
            verified_at: None,
            last_checked_at: None,
            last_outcome: None,
        };
        self.store
            .create_case(&caller.audit(now), &case, &challenge)
            .await?;
        self.case_detail(case).await
    }

    /// Runs every check and moves the case to review (or approves it, when
    /// auto-approval is on and the case qualifies). Asked for by the
    /// applicant once its DNS record is published, or by an operator.
    pub async fn screen_case(
        &self,
        caller: &Caller,
        id: CaseId,
    ) -> Result<CaseDetail, ServiceError> {
        let case = self.visible_case(caller, id).await?;
        if case.state != CaseState::Submitted {
            return Err(RuleViolation::new(
                "invalid_transition",
                format!("cannot screen a case that is `{}`", case.state),
            )
            .into());
        }
        self.screen_and_save(caller, case, CaseUpdate::default())
            .await
    }

    /// The applicant answers a request for information with a corrected
    /// application; the case is screened again, then reviewed.
    pub async fn amend_application(
        &self,
        caller: &Caller,
        id: CaseId,
        application: Application,
    ) -> Result<CaseDetail, ServiceError> {
        let mut case = self.visible_case(caller, id).await?;
        let before = case.application.website_domain.clone();
        let (application, _) = checked(application)?;
        if application.website_domain != before {
            return Err(RuleViolation::new(
                "domain_change",
                "the website domain of a case cannot change; withdraw and apply again",
            )
            .into());
        }
        case.amend(application, self.clock.now())?;
        self.screen_and_save(
            caller,
            case,
            CaseUpdate {
                operation: Some(AuditOperation::VettingCaseAmend),
                ..CaseUpdate::default()
            },
        )
        .await
    }

    async fn screen_and_save(
        &self,
        caller: &Caller,
        mut case: VettingCase,
        mut update: CaseUpdate,
    ) -> Result<CaseDetail, ServiceError> {
        let expected = case.version;
        let challenge = self.store.domain_challenge(case.id).await?.ok_or_else(|| {
            ServiceError::Internal(format!("case `{}` has no challenge", case.id))
        })?;
        let now = self.clock.now();
        let actor = caller.principal.audit_name();
        update.transitions.push(case.begin_screening(&actor, now)?);
        let found = self.run_checks(&case, &challenge, now).await?;
        update.transitions.extend(case.finish_screening(
            found.assessment.score,
            level(&found.assessment),
            found.auto_approve,
            now,
        )?);
        update.checks = found.records;
        update.challenge = Some(found.challenge);
        update.outcomes.extend(found.outcomes);
        let saved = self
            .save_vetting(caller, &case, expected, update, now)
            .await?;
        self.case_detail(saved).await
    }

    pub(crate) async fn case_detail(&self, case: VettingCase) -> Result<CaseDetail, ServiceError> {
        let challenge = self.store.domain_challenge(case.id).await?.ok_or_else(|| {
            ServiceError::Internal(format!("case `{}` has no challenge", case.id))
        })?;
        Ok(CaseDetail {
            transitions: self.store.case_transitions(case.id).await?,
            checks: self.store.case_checks(case.id).await?,
            challenge: ChallengeInstructions::from(&challenge),
            case,
        })
    }

    pub async fn get_case(&self, caller: &Caller, id: CaseId) -> Result<CaseDetail, ServiceError> {
        let case = self.visible_case(caller, id).await?;
        self.case_detail(case).await
    }

    /// Operators list every case; a partner admin only its tenant's.
    pub async fn list_cases(
        &self,
        caller: &Caller,
        mut filter: CaseFilter,
        page: &PageRequest,
    ) -> Result<Page<VettingCase>, ServiceError> {
        match caller_rules::vetting_scope(&caller.principal)?.narrow(filter.tenant_id) {
            Some(tenant) => filter.tenant_id = tenant,
            None => {
                return Ok(Page::from_rows(
                    Vec::new(),
                    page.limit(),
                    |_: &VettingCase| String::new(),
                ));
            }
        }
        Ok(self.store.list_cases(&filter, page).await?)
    }

    /// Cases waiting for a reviewer, riskiest first (operators).
    pub async fn review_queue(
        &self,
        caller: &Caller,
        page: &PageRequest,
    ) -> Result<Page<VettingCase>, ServiceError> {
        caller_rules::require_operator(&caller.principal, "read the review queue")?;
        Ok(self.store.review_queue(page).await?)
    }
}

impl Portcullis {
    /// Vetting findings: operators see all (or one partner's), a partner
    /// admin its own.
    pub async fn list_vetting_findings(
        &self,
        caller: &Caller,
        tenant: Option<TenantId>,
        page: &PageRequest,
    ) -> Result<Page<portcullis_domain::vetting::VettingConcern>, ServiceError> {
        let Some(tenant) = caller_rules::vetting_scope(&caller.principal)?.narrow(tenant) else {
            return Ok(Page::from_rows(Vec::new(), page.limit(), |_| String::new()));
        };
        Ok(self.store.list_findings(tenant, page).await?)
    }

    /// Every stored change of a partner's screening outcome.
    pub async fn screening_history(
        &self,
        caller: &Caller,
        tenant: TenantId,
    ) -> Result<Vec<portcullis_domain::vetting::ScreeningOutcome>, ServiceError> {
        caller_rules::may_manage_partner_directory(&caller.principal, tenant)?;
        Ok(self.store.outcome_history(tenant).await?)
    }
}

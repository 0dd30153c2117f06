//! Detection findings and containment: operators triage findings; a
//! contained partner user is denied at once on every node, a contained
//! partner tenant is suspended through vetting; lifting is an audited
//! operator action.

use portcullis_domain::vetting::{CaseFilter, CaseState};
use portcullis_domain::{
    AuditOperation, Containment, ContainmentFilter, ContainmentKind, ContainmentMode, Finding,
    FindingFilter, FindingStatus, Page, PageRequest, PrincipalKind, RecordId, TenantId, TenantKind,
    UserId,
};

use crate::caller_rules::{self, PartnerScope};
use crate::{Caller, Portcullis, ServiceError};

fn finding_not_found(id: RecordId) -> ServiceError {
    ServiceError::NotFound(format!("finding `{id}` not found"))
}

/// Whose findings a caller reads: every one, a partner's (about its own
/// users), or those concerning a customer's tenant (redacted of every other
/// customer).
enum FindingScope {
    Partner(PartnerScope),
    Customer(TenantId),
}

fn finding_scope(caller: &Caller) -> Result<FindingScope, ServiceError> {
    let principal = &caller.principal;
    if principal.kind() == PrincipalKind::CustomerAdmin {
        let own = principal
            .tenant()
            .ok_or_else(|| ServiceError::Internal("a customer admin without a tenant".into()))?;
        return Ok(FindingScope::Customer(own));
    }
    caller_rules::partner_scope(principal, "read findings").map(FindingScope::Partner)
}

fn nothing(page: &PageRequest) -> Page<Finding> {
    Page::from_rows(Vec::new(), page.limit(), |_: &Finding| String::new())
}

impl Portcullis {
    /// Findings: operators see all; a partner admin its partner's; a
    /// customer admin those concerning its tenant, as
    /// [`Finding::for_customer`] shows them.
    pub async fn list_detection_findings(
        &self,
        caller: &Caller,
        mut filter: FindingFilter,
        page: &PageRequest,
    ) -> Result<Page<Finding>, ServiceError> {
        match finding_scope(caller)? {
            FindingScope::Partner(PartnerScope::All) => {}
            FindingScope::Partner(PartnerScope::Own(own)) => {
                let own = own.to_string();
                if filter.partner_tenant_id.as_ref().is_some_and(|w| *w != own) {
                    return Ok(nothing(page));
                }
                filter.partner_tenant_id = Some(own);
            }
            FindingScope::Customer(own) => {
                if filter.customer_tenant_id.is_some_and(|w| w != own) {
                    return Ok(nothing(page));
                }
                filter.customer_tenant_id = Some(own);
                let mut found = self.store.list_detection_findings(&filter, page).await?;
                found.items = found.items.iter().map(|f| f.for_customer(own)).collect();
                return Ok(found);
            }
        }
        Ok(self.store.list_detection_findings(&filter, page).await?)
    }

    pub async fn get_detection_finding(
        &self,
        caller: &Caller,
        id: RecordId,
    ) -> Result<Finding, ServiceError> {
        let scope = finding_scope(caller)?;
        let finding = self
            .store
            .get_finding(id)
            .await?
            .ok_or_else(|| finding_not_found(id))?;
        match scope {
            FindingScope::Partner(PartnerScope::All) => Ok(finding),
            FindingScope::Partner(PartnerScope::Own(own))
                if finding.partner_tenant_id == Some(own.to_string()) =>
            {
                Ok(finding)
            }
            FindingScope::Customer(own) if finding.concerns(own) => Ok(finding.for_customer(own)),
            FindingScope::Partner(_) | FindingScope::Customer(_) => Err(finding_not_found(id)),
        }
    }

    /// Operators move a finding to `In Progress`, `Resolved` or
    /// `Suppressed` (with a reason), audited.
    pub async fn set_finding_status(
        &self,
        caller: &Caller,
        id: RecordId,
        status: &str,
        reason: Option<&str>,
        expected_version: Option<i64>,
    ) -> Result<Finding, ServiceError> {
        caller_rules::may_change_findings(&caller.principal)?;
        let Some(status) = FindingStatus::parse(status) else {
            return Err(portcullis_domain::ValidationError::new(
                "status",
                format!("`{status}` is not one of `New`, `In Progress`, `Resolved`, `Suppressed`"),
            )
            .into());
        };
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if let Some(text) = reason {
            portcullis_domain::free_text("reason", text, 1000)?;
        }
        if status == FindingStatus::Suppressed && reason.is_none() {
            return Err(portcullis_domain::ValidationError::new(
                "reason",
                "is required to suppress a finding",
            )
            .into());
        }
        self.store
            .set_finding_status(
                &caller.audit(self.clock.now()),
                id,
                status,
                reason,
                expected_version,
            )
            .await
            .map_err(|e| ServiceError::from_store(e, || format!("finding `{id}` not found")))
    }

    /// Contains a partner user or partner tenant (operators, or the
    /// containment policy acting on a finding).
    pub async fn contain(
        &self,
        caller: &Caller,
        kind: ContainmentKind,
        target: &str,
        reason: &str,
        finding: Option<RecordId>,
    ) -> Result<Containment, ServiceError> {
        caller_rules::may_contain(&caller.principal)?;
        self.containment_target_exists(kind, target).await?;
        self.contain_as(
            caller,
            kind,
            target,
            reason,
            finding,
            ContainmentMode::Enforced,
        )
        .await
    }

    /// The target an operator names exists and is of `kind` (a user, a
    /// relationship, a partner tenant); otherwise 404 like any unknown id.
    async fn containment_target_exists(
        &self,
        kind: ContainmentKind,
        target: &str,
    ) -> Result<(), ServiceError> {
        let found = match kind {
            ContainmentKind::User => self
                .store
                .find_user(UserId::parse(target)?)
                .await?
                .is_some(),
            ContainmentKind::Partner => self
                .store
                .get_tenant(TenantId::parse(target)?)
                .await?
                .is_some_and(|t| t.kind == TenantKind::Partner),
            ContainmentKind::Relationship => {
                let id = portcullis_domain::RelationshipId::parse(target)?;
                self.store.get_relationship(id).await?.is_some()
            }
        };
        if found {
            Ok(())
        } else {
            Err(ServiceError::NotFound(format!(
                "{} `{target}` not found",
                kind.as_str()
            )))
        }
    }

    /// Contains, or in shadow mode only records the containment: a shadow
    /// containment suspends no partner and denies nothing.
    pub(crate) async fn contain_as(
        &self,
        caller: &Caller,
        kind: ContainmentKind,
        target: &str,
        reason: &str,
        finding: Option<RecordId>,
        mode: ContainmentMode,
    ) -> Result<Containment, ServiceError> {
        caller_rules::may_contain(&caller.principal)?;
        let now = self.clock.now();
        let target_id = match kind {
            ContainmentKind::User => UserId::parse(target)?.to_string(),
            ContainmentKind::Partner => TenantId::parse(target)?.to_string(),
            ContainmentKind::Relationship => {
                let id = portcullis_domain::RelationshipId::parse(target)?;
                self.store.get_relationship(id).await?.ok_or_else(|| {
                    ServiceError::NotFound(format!("relationship `{id}` not found"))
                })?;
                id.to_string()
            }
        };
        if let Some(id) = finding {
            self.store
                .get_finding(id)
                .await?
                .ok_or_else(|| finding_not_found(id))?;
        }
        let containment = Containment {
            id: RecordId::generate(),
            kind,
            target_id: target_id.clone(),
            mode,
            finding_id: finding,
            reason: reason.to_owned(),
            created_at: now,
            created_by: caller.principal.audit_name(),
            lifted_at: None,
            lifted_by: None,
            lift_reason: None,
        };
        if containment.is_in_force() && kind == ContainmentKind::Partner {
            let tenant = TenantId::parse(&target_id)?;
            let case = self.standing_case(tenant, CaseState::Approved).await?;
            self.suspend_partner(caller, case, &format!("contained: {reason}"))
                .await?;
        }
        let announcements = self
            .containment_announcements(AuditOperation::ContainmentCreate, &containment)
            .await;
        self.store
            .create_containment(&caller.audit(now).announcing(announcements), &containment)
            .await
            .map_err(|e| ServiceError::from_store(e, || "not found".into()))?;
        self.apply_containment(&containment);
        Ok(containment)
    }

    /// Lifts a containment (operators), audited; a partner's case is reinstated.
    pub async fn lift_containment(
        &self,
        caller: &Caller,
        id: RecordId,
        reason: &str,
    ) -> Result<Containment, ServiceError> {
        caller_rules::may_lift_containment(&caller.principal)?;
        let current = self
            .store
            .get_containment(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("containment `{id}` not found")))?;
        if current.kind == ContainmentKind::Partner && current.is_in_force() {
            let tenant = TenantId::parse(&current.target_id)?;
            let case = self.standing_case(tenant, CaseState::Suspended).await?;
            self.reinstate_partner(caller, case, &format!("containment lifted: {reason}"))
                .await?;
        }
        // The record as the store will leave it, announced with the lift.
        let now = self.clock.now();
        let ctx = caller.audit(now);
        let expected = Containment {
            lifted_at: Some(now),
            lifted_by: Some(ctx.actor.clone()),
            lift_reason: Some(reason.to_owned()),
            ..current
        };
        let announcements = self
            .containment_announcements(AuditOperation::ContainmentLift, &expected)
            .await;
        let lifted = self
            .store
            .lift_containment(&ctx.announcing(announcements), id, reason)
            .await
            .map_err(|e| ServiceError::from_store(e, || format!("containment `{id}` not found")))?;
        self.apply_containment(&lifted);
        Ok(lifted)
    }

    /// Containments (operators): active or all, enforced or shadow, or
    /// those a finding led to.
    pub async fn list_containments(
        &self,
        caller: &Caller,
        filter: &ContainmentFilter,
        page: &PageRequest,
    ) -> Result<Page<Containment>, ServiceError> {
        caller_rules::require_operator(&caller.principal, "read containments")?;
        Ok(self.store.list_containments(filter, page).await?)
    }

    /// Makes the decision index follow a containment; a shadow one never
    /// reaches it.
    pub(crate) fn apply_containment(&self, c: &Containment) {
        if c.mode == ContainmentMode::Shadow {
            return;
        }
        let contained = c.lifted_at.is_none();
        match c.kind {
            ContainmentKind::User => {
                if let Ok(user) = UserId::parse(&c.target_id) {
                    self.decisions
                        .update(|index| index.set_contained(user, contained));
                }
            }
            ContainmentKind::Relationship => {
                if let Ok(id) = portcullis_domain::RelationshipId::parse(&c.target_id) {
                    self.decisions
                        .update(|index| index.set_relationship_contained(id, contained));
                }
            }
            ContainmentKind::Partner => {}
        }
    }

    /// The partner's case in `state`.
    async fn standing_case(
        &self,
        tenant: TenantId,
        state: CaseState,
    ) -> Result<portcullis_domain::vetting::CaseId, ServiceError> {
        let cases = self
            .store
            .list_cases(
                &CaseFilter {
                    tenant_id: Some(tenant),
                    state: Some(state),
                },
                &PageRequest::first(1),
            )
            .await?;
        cases.items.first().map(|c| c.id).ok_or_else(|| {
            portcullis_domain::RuleViolation::new(
                "invalid_transition",
                format!("partner tenant `{tenant}` has no `{state}` vetting case"),
            )
            .into()
        })
    }
}

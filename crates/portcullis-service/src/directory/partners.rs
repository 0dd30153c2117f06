//! Partner authorization (as vetting decided it) and customer restrictions.

use portcullis_domain::{CustomerRestrictions, RuleViolation, TenantId, TenantKind};

use crate::caller_rules;
use crate::{Caller, Portcullis, ServiceError};

impl Portcullis {
    /// Whether the partner may act as a partner at all: its vetting case is
    /// approved (not submitted, in review, suspended or revoked), and its
    /// posture is not non-compliant or suspended (`partner_noncompliant`),
    /// and its security score is not below a configured floor
    /// (`score_below_floor`).
    pub(crate) async fn partner_may_act(&self, partner: TenantId) -> Result<(), ServiceError> {
        if self.store.partner_authorized(partner).await? {
            self.posture_may_act(partner).await?;
            self.score_may_act(partner).await
        } else {
            Err(RuleViolation::new(
                "partner_not_authorized",
                format!("partner tenant `{partner}` is not authorized to act as a partner"),
            )
            .into())
        }
    }

    pub async fn partner_authorized(
        &self,
        caller: &Caller,
        partner: TenantId,
    ) -> Result<bool, ServiceError> {
        caller_rules::may_read_tenant(&caller.principal, partner)?;
        Ok(self.store.partner_authorized(partner).await?)
    }

    /// A customer admin (or an operator) sets the customer's restrictions.
    pub async fn set_restrictions(
        &self,
        caller: &Caller,
        customer: TenantId,
        restrictions: CustomerRestrictions,
    ) -> Result<CustomerRestrictions, ServiceError> {
        // Operators, or the customer's own admin (a partner admin reaches
        // only its own partner tenant, which is of the wrong kind).
        caller_rules::may_read_tenant(&caller.principal, customer)?;
        self.tenant_of_kind(
            customer,
            TenantKind::Customer,
            "restrictions belong to customers",
        )
        .await?;
        let ctx = caller.audit(self.clock.now());
        self.store
            .set_restrictions(&ctx, customer, &restrictions)
            .await?;
        let copy = restrictions.clone();
        self.decisions
            .update(|index| index.set_restrictions(customer, copy));
        Ok(restrictions)
    }

    pub async fn restrictions(
        &self,
        caller: &Caller,
        customer: TenantId,
    ) -> Result<CustomerRestrictions, ServiceError> {
        caller_rules::may_read_tenant(&caller.principal, customer)?;
        Ok(self.store.restrictions(customer).await?)
    }
}

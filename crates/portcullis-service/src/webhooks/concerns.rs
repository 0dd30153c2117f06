//! Customer-side alerts: which customer tenants an event concerns, and the
//! announcements of access changes, containments, findings and access
//! reviews to webhooks.
//!
//! Every event goes to operators' subscriptions; a customer admin's
//! subscription receives an event only when the event concerns that
//! customer's tenant. Announcing happens after the change is committed; a
//! failure to enqueue is logged and does not undo the change.

use portcullis_domain::{
    AccessReview, AuditOperation, Containment, ContainmentKind, Finding, RelationshipFilter,
    RelationshipId, RelationshipStatus, TenantId,
};
use portcullis_store::AccessChange;
use serde_json::{Value, json};

use crate::{Portcullis, ServiceError};

/// The customer tenants a finding concerns: those its evidence touched
/// (the list only grows as the finding is updated).
pub(crate) fn finding_customers(finding: &Finding) -> Vec<TenantId> {
    finding.customers.clone()
}

/// What a customer receives of a finding: who, what, how bad and when —
/// never the whole OCSF body, which may name other customers.
fn finding_for_customer(finding: &Finding, customer: TenantId) -> Value {
    json!({
        "customer_tenant_id": customer,
        "finding_id": finding.id,
        "rule_id": finding.rule_id,
        "severity_id": finding.severity_id,
        "status": finding.status,
        "title": finding.title,
        "partner_tenant_id": finding.partner_tenant_id,
        "user_id": finding.user_id,
        "first_seen": finding.first_seen,
        "last_seen": finding.last_seen,
    })
}

impl Portcullis {
    async fn announce(
        &self,
        event: &str,
        payload: &Value,
        key: Option<&str>,
        concerns: &[TenantId],
        operators: bool,
    ) {
        if let Err(err) = self
            .enqueue_webhook_concerning(event, payload, key, concerns, operators)
            .await
        {
            tracing::warn!(%err, event, "webhook event not queued");
        }
    }

    /// Announces committed relationship and assignment changes: each as the
    /// event named by its operation (`relationship.terminate`,
    /// `assignment.role.remove`, …), concerning the relationship's customer.
    pub(crate) async fn announce_access_changes(&self, changes: &[AccessChange]) {
        for change in changes {
            let (operation, relationship, payload) = match change {
                AccessChange::Relationship {
                    operation,
                    before,
                    after,
                } => match after.as_ref().or(before.as_ref()) {
                    Some(r) => (
                        *operation,
                        r.clone(),
                        json!({"relationship_id": r.id, "before": before, "after": after}),
                    ),
                    None => continue,
                },
                AccessChange::Assignment {
                    operation,
                    before,
                    after,
                } => {
                    let Some(a) = after.as_ref().or(before.as_ref()) else {
                        continue;
                    };
                    match self.store.get_relationship(a.relationship_id).await {
                        Ok(Some(r)) => (
                            *operation,
                            r,
                            json!({"relationship_id": a.relationship_id, "assignment_id": a.id,
                                   "before": before, "after": after}),
                        ),
                        _ => continue,
                    }
                }
                AccessChange::Activation { .. } | AccessChange::Narrowing(_) => continue,
            };
            let mut payload = payload;
            if let Some(fields) = payload.as_object_mut() {
                fields.insert(
                    "customer_tenant_id".into(),
                    json!(relationship.customer_tenant_id),
                );
                fields.insert(
                    "partner_tenant_id".into(),
                    json!(relationship.partner_tenant_id),
                );
            }
            self.announce(
                operation.as_str(),
                &payload,
                None,
                &[relationship.customer_tenant_id],
                true,
            )
            .await;
        }
    }

    /// The customers a containment concerns: a relationship's customer; a
    /// partner's active customers; a user's through its finding.
    async fn containment_customers(
        &self,
        containment: &Containment,
    ) -> Result<Vec<TenantId>, ServiceError> {
        match containment.kind {
            ContainmentKind::Relationship => {
                let id = RelationshipId::parse(&containment.target_id)?;
                Ok(self
                    .store
                    .get_relationship(id)
                    .await?
                    .map(|r| vec![r.customer_tenant_id])
                    .unwrap_or_default())
            }
            ContainmentKind::Partner => {
                let partner = TenantId::parse(&containment.target_id)?;
                self.active_customers_of(partner).await
            }
            ContainmentKind::User => match containment.finding_id {
                Some(id) => Ok(self
                    .store
                    .get_finding(id)
                    .await?
                    .map(|f| finding_customers(&f))
                    .unwrap_or_default()),
                None => Ok(Vec::new()),
            },
        }
    }

    /// Customers with an active relationship with `partner`.
    async fn active_customers_of(&self, partner: TenantId) -> Result<Vec<TenantId>, ServiceError> {
        let filter = RelationshipFilter {
            partner_tenant_id: Some(partner),
            status: Some(RelationshipStatus::Active),
            ..RelationshipFilter::default()
        };
        let mut out: Vec<TenantId> = Vec::new();
        for r in self.every_relationship(&filter).await? {
            if !out.contains(&r.customer_tenant_id) {
                out.push(r.customer_tenant_id);
            }
        }
        Ok(out)
    }

    /// Announces a containment created or lifted: the whole record to
    /// operators, and to each concerned customer the same record under its
    /// own tenant id.
    pub(crate) async fn announce_containment(
        &self,
        operation: AuditOperation,
        containment: &Containment,
    ) {
        let payload = json!({"containment": containment});
        self.announce(operation.as_str(), &payload, None, &[], true)
            .await;
        let customers = match self.containment_customers(containment).await {
            Ok(customers) => customers,
            Err(err) => {
                tracing::warn!(%err, "containment customers not found; operators only");
                Vec::new()
            }
        };
        for customer in customers {
            let payload = json!({"customer_tenant_id": customer, "containment": containment});
            self.announce(operation.as_str(), &payload, None, &[customer], false)
                .await;
        }
    }

    /// Announces a finding: the OCSF body to operators, and to each
    /// customer it concerns ([`finding_customers`]) a summary of its own.
    pub(crate) async fn announce_finding(&self, event: &str, finding: &Finding, key: &str) {
        self.announce(event, &finding.body, Some(key), &[], true)
            .await;
        for customer in finding_customers(finding) {
            let payload = finding_for_customer(finding, customer);
            self.announce(event, &payload, Some(key), &[customer], false)
                .await;
        }
    }

    /// Announces a change of an access review to the reviewing customer
    /// (and operators).
    pub(crate) async fn announce_review(&self, operation: AuditOperation, review: &AccessReview) {
        let payload = json!({
            "customer_tenant_id": review.customer_tenant_id,
            "partner_tenant_id": review.partner_tenant_id,
            "review": review,
        });
        self.announce(
            operation.as_str(),
            &payload,
            None,
            &[review.customer_tenant_id],
            true,
        )
        .await;
    }
}

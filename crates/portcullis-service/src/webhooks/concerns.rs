//! Customer-side alerts: which customer tenants an event concerns, and the
//! announcements of access changes, containments, findings and access
//! reviews to webhooks.
//!
//! Every event goes to operators' subscriptions; a customer admin's
//! subscription receives an event only when the event concerns that
//! customer's tenant.
//!
//! Access changes (relationships, assignments, activations), access
//! reviews and containments are announced in the transaction that makes
//! them (an [`Announcement`] carried by the audit context): the change and
//! its deliveries are committed together. Findings are announced after the
//! detection round has stored them (the store merges a finding into the one
//! it updates, so its event is known only then); a failure to enqueue one
//! is logged and does not undo the finding.

use portcullis_domain::{
    AccessReview, Activation, AuditOperation, Containment, ContainmentKind, Finding, Relationship,
    RelationshipFilter, RelationshipId, RelationshipStatus, TenantId,
};
use portcullis_store::{AccessChange, Announcement};
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

    /// The webhook events of relationship, assignment and activation
    /// changes, enqueued in the same transaction as the changes: each as
    /// the event named by its operation (`relationship.terminate`,
    /// `assignment.role.remove`, `activation.approve`, …), concerning the
    /// relationship's customer. A relationship or assignment created in the
    /// same batch is found in the batch.
    pub(crate) async fn access_announcements(
        &self,
        changes: &[AccessChange],
    ) -> Result<Vec<Announcement>, ServiceError> {
        let mut out = Vec::new();
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
                    let Some(r) = self.batch_relationship(changes, a.relationship_id).await? else {
                        continue;
                    };
                    (
                        *operation,
                        r,
                        json!({"relationship_id": a.relationship_id, "assignment_id": a.id,
                               "before": before, "after": after}),
                    )
                }
                AccessChange::Activation {
                    operation,
                    before,
                    after,
                } => {
                    let Some(a) = after.as_ref().or(before.as_ref()) else {
                        continue;
                    };
                    let Some(r) = self.activation_relationship(changes, a).await? else {
                        continue;
                    };
                    (
                        *operation,
                        r.clone(),
                        json!({"relationship_id": r.id, "assignment_id": a.assignment_id,
                               "activation_id": a.id, "user_id": a.user_id,
                               "before": before, "after": after}),
                    )
                }
                AccessChange::Narrowing(_) => continue,
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
            out.push(announcement(
                operation.as_str(),
                payload,
                None,
                vec![relationship.customer_tenant_id],
                true,
            ));
        }
        Ok(out)
    }

    /// A relationship as the batch leaves it, or as stored.
    async fn batch_relationship(
        &self,
        changes: &[AccessChange],
        id: RelationshipId,
    ) -> Result<Option<Relationship>, ServiceError> {
        let in_batch = changes.iter().find_map(|c| match c {
            AccessChange::Relationship { before, after, .. } => after
                .as_ref()
                .or(before.as_ref())
                .filter(|r| r.id == id)
                .cloned(),
            _ => None,
        });
        match in_batch {
            Some(r) => Ok(Some(r)),
            None => Ok(self.store.get_relationship(id).await?),
        }
    }

    /// The relationship an activation's assignment belongs to.
    async fn activation_relationship(
        &self,
        changes: &[AccessChange],
        activation: &Activation,
    ) -> Result<Option<Relationship>, ServiceError> {
        let in_batch = changes.iter().find_map(|c| match c {
            AccessChange::Assignment { before, after, .. } => after
                .as_ref()
                .or(before.as_ref())
                .filter(|a| a.id == activation.assignment_id)
                .map(|a| a.relationship_id),
            _ => None,
        });
        let relationship = match in_batch {
            Some(id) => Some(id),
            None => self
                .store
                .get_assignment(activation.assignment_id)
                .await?
                .map(|a| a.relationship_id),
        };
        match relationship {
            Some(id) => self.batch_relationship(changes, id).await,
            None => Ok(None),
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

    /// The webhook events of a containment created or lifted, enqueued
    /// with it: the whole record to operators, and to each concerned
    /// customer the same record under its own tenant id.
    pub(crate) async fn containment_announcements(
        &self,
        operation: AuditOperation,
        containment: &Containment,
    ) -> Vec<Announcement> {
        let payload = json!({"containment": containment});
        let mut out = vec![announcement(
            operation.as_str(),
            payload,
            None,
            Vec::new(),
            true,
        )];
        let customers = match self.containment_customers(containment).await {
            Ok(customers) => customers,
            Err(err) => {
                tracing::warn!(%err, "containment customers not found; operators only");
                Vec::new()
            }
        };
        for customer in customers {
            let payload = json!({"customer_tenant_id": customer, "containment": containment});
            out.push(announcement(
                operation.as_str(),
                payload,
                None,
                vec![customer],
                false,
            ));
        }
        out
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
}

/// One webhook event, for [`AuditContext::announcing`](portcullis_store::AuditContext::announcing).
fn announcement(
    event: &str,
    payload: Value,
    key: Option<&str>,
    concerns: Vec<TenantId>,
    operators: bool,
) -> Announcement {
    Announcement {
        event_type: event.to_owned(),
        payload,
        dedupe_key: key.map(str::to_owned),
        concerns,
        operators,
    }
}

/// The webhook event of a change of an access review, enqueued with it:
/// to the reviewing customer (and operators).
pub(crate) fn review_announcement(
    operation: AuditOperation,
    review: &AccessReview,
) -> Announcement {
    let payload = json!({
        "customer_tenant_id": review.customer_tenant_id,
        "partner_tenant_id": review.partner_tenant_id,
        "review": review,
    });
    announcement(
        operation.as_str(),
        payload,
        None,
        vec![review.customer_tenant_id],
        true,
    )
}

//! Relationship templates: a partner saves the terms and assignments it
//! proposes to customers alike, then applies them to many customers in one
//! call — one relationship request per customer, sent for approval with
//! its assignments pending, exactly as the one-by-one flow makes them.

use std::collections::BTreeSet;

use portcullis_domain::{
    AccessAssignment, AuditOperation, BulkItem, BulkOutcome, BulkReport, DisplayName, Relationship,
    RelationshipTemplate, RelationshipTerms, TemplateAssignment, TemplateId, TenantId, TenantKind,
};
use portcullis_store::AccessChange;

use crate::caller_rules::{self, PartnerScope};
use crate::{Caller, Portcullis, ServiceError};

/// What a partner saves as a template.
#[derive(Debug, Clone)]
pub struct NewTemplate {
    /// The partner; a partner admin may leave it out (its own).
    pub partner_tenant_id: Option<TenantId>,
    pub name: DisplayName,
    pub name_pattern: String,
    pub terms: RelationshipTerms,
    pub assignments: Vec<TemplateAssignment>,
}

/// Progress of a long call: the report so far, after each item.
pub type Progress<'a> = &'a (dyn Fn(&BulkReport) + Send + Sync);

fn template_not_found(id: TemplateId) -> ServiceError {
    ServiceError::NotFound(format!("template `{id}` not found"))
}

fn templates_scope(caller: &Caller) -> Result<PartnerScope, ServiceError> {
    caller_rules::partner_scope(&caller.principal, "manage relationship templates")
}

impl Portcullis {
    /// Saves a template (a partner admin for its partner, an operator for any).
    pub async fn create_template(
        &self,
        caller: &Caller,
        new: NewTemplate,
    ) -> Result<RelationshipTemplate, ServiceError> {
        let partner = match (templates_scope(caller)?, new.partner_tenant_id) {
            (PartnerScope::Own(own), Some(p)) if p != own => {
                return Err(caller_rules::tenant_not_found(p));
            }
            (PartnerScope::Own(own), _) => own,
            (PartnerScope::All, Some(p)) => p,
            (PartnerScope::All, None) => {
                return Err(portcullis_domain::ValidationError::new(
                    "partner_tenant_id",
                    "is required of operators",
                )
                .into());
            }
        };
        self.tenant_of_kind(partner, TenantKind::Partner, "templates belong to partners")
            .await?;
        self.template_groups_exist(partner, &new.assignments)
            .await?;
        let template = RelationshipTemplate::create(
            partner,
            new.name,
            &new.name_pattern,
            new.terms,
            new.assignments,
            &self.decisions.catalog(),
            self.clock.now(),
            TemplateId::generate(),
        )?;
        self.store
            .create_template(&caller.audit(self.clock.now()), &template)
            .await?;
        Ok(template)
    }

    /// Every group a template assigns to is one of the partner's.
    async fn template_groups_exist(
        &self,
        partner: TenantId,
        assignments: &[TemplateAssignment],
    ) -> Result<(), ServiceError> {
        let groups: BTreeSet<_> = assignments.iter().map(|a| a.group_id).collect();
        for group in groups {
            if self.store.get_group(partner, group).await?.is_none() {
                return Err(ServiceError::NotFound(format!(
                    "group `{group}` not found in the partner tenant"
                )));
            }
        }
        Ok(())
    }

    /// The templates the caller may see: a partner admin its own, an
    /// operator every partner's (or one's).
    pub async fn list_templates(
        &self,
        caller: &Caller,
        partner: Option<TenantId>,
    ) -> Result<Vec<RelationshipTemplate>, ServiceError> {
        match templates_scope(caller)?.narrow(partner) {
            None => Ok(Vec::new()),
            Some(partner) => Ok(self.store.list_templates(partner).await?),
        }
    }

    pub async fn get_template(
        &self,
        caller: &Caller,
        id: TemplateId,
    ) -> Result<RelationshipTemplate, ServiceError> {
        let scope = templates_scope(caller)?;
        self.store
            .get_template(id)
            .await?
            .filter(|t| scope.covers(t.partner_tenant_id))
            .ok_or_else(|| template_not_found(id))
    }

    pub async fn delete_template(
        &self,
        caller: &Caller,
        id: TemplateId,
    ) -> Result<(), ServiceError> {
        self.get_template(caller, id).await?;
        self.store
            .delete_template(&caller.audit(self.clock.now()), id)
            .await
            .map_err(|e| ServiceError::from_store(e, || format!("template `{id}` not found")))
    }

    /// Applies a template to each customer: one relationship request per
    /// customer (created, sent for approval, its assignments pending), or
    /// with `dry_run` only the checks. At most the configured cap of
    /// customers per call; each customer's result is reported, and a
    /// failure does not stop the others.
    pub async fn apply_template(
        &self,
        caller: &Caller,
        id: TemplateId,
        customers: &[TenantId],
        dry_run: bool,
        progress: Progress<'_>,
    ) -> Result<BulkReport, ServiceError> {
        let template = self.get_template(caller, id).await?;
        let customers = self.bulk_targets(customers, "customer_tenant_ids")?;
        self.partner_may_act(template.partner_tenant_id).await?;
        self.template_groups_exist(template.partner_tenant_id, &template.assignments)
            .await?;
        let mut report = BulkReport::new("apply_template", dry_run, customers.len());
        for customer in customers {
            let item = match self
                .apply_template_to(caller, &template, customer, dry_run)
                .await
            {
                Ok(relationship) => BulkItem {
                    target: customer.to_string(),
                    outcome: if dry_run {
                        BulkOutcome::WouldDo
                    } else {
                        BulkOutcome::Done
                    },
                    relationship_id: (!dry_run).then(|| relationship.id.to_string()),
                    error: None,
                },
                Err(e) => failed_item(customer.to_string(), &e),
            };
            report.push(item);
            progress(&report);
        }
        Ok(report)
    }

    async fn apply_template_to(
        &self,
        caller: &Caller,
        template: &RelationshipTemplate,
        customer: TenantId,
        dry_run: bool,
    ) -> Result<Relationship, ServiceError> {
        let tenant = self
            .store
            .get_tenant(customer)
            .await?
            .filter(|t| t.kind == TenantKind::Customer)
            .ok_or_else(|| caller_rules::tenant_not_found(customer))?;
        let now = self.clock.now();
        let created = Relationship::create(
            template.partner_tenant_id,
            customer,
            template.relationship_name(tenant.display_name.as_str(), now)?,
            template.terms(),
            &self.decisions.catalog(),
            now,
        )?;
        let mut sent = created.clone();
        sent.request_approval(now)?;
        sent.version = created.version + 1;
        let mut changes = vec![
            AccessChange::Relationship {
                operation: AuditOperation::RelationshipCreate,
                before: None,
                after: Some(created.clone()),
            },
            AccessChange::Relationship {
                operation: AuditOperation::RelationshipRequestApproval,
                before: Some(created),
                after: Some(sent.clone()),
            },
        ];
        for a in &template.assignments {
            let assignment =
                AccessAssignment::create(&sent, a.group_id, a.roles.clone(), a.kind.clone(), now)?;
            changes.push(AccessChange::Assignment {
                operation: AuditOperation::AssignmentCreate,
                before: None,
                after: Some(assignment),
            });
        }
        if !dry_run {
            self.apply_access(caller, changes).await?;
        }
        Ok(sent)
    }

    /// The distinct targets of a bulk call, in the order named, within the cap.
    pub(crate) fn bulk_targets<T: Copy + Ord>(
        &self,
        named: &[T],
        field: &'static str,
    ) -> Result<Vec<T>, ServiceError> {
        let cap = self.tightening.config.bulk_cap();
        let mut seen = BTreeSet::new();
        let targets: Vec<T> = named.iter().copied().filter(|t| seen.insert(*t)).collect();
        if targets.is_empty() {
            return Err(portcullis_domain::ValidationError::new(field, "names nothing").into());
        }
        if targets.len() > cap {
            return Err(portcullis_domain::ValidationError::new(
                field,
                format!(
                    "names {} items; one call takes at most {cap}",
                    targets.len()
                ),
            )
            .into());
        }
        Ok(targets)
    }
}

/// An item that failed, with the error's text (an internal error says only that).
pub(crate) fn failed_item(target: String, error: &ServiceError) -> BulkItem {
    BulkItem {
        target,
        outcome: BulkOutcome::Failed,
        relationship_id: None,
        error: Some(error.to_string()),
    }
}

//! Bulk changes across a partner's relationships — remove a role (Global
//! Administrator by default), change auto-extend, terminate — with a dry
//! run, a result per relationship and a cap per call. Every relationship
//! named must be the caller's (otherwise the whole call is `404`, as for an
//! unknown id, and nothing changes); each change is its own audited
//! transaction, made through the same use case as one by one.

use portcullis_domain::{
    AuditOperation, BulkItem, BulkOperation, BulkOutcome, BulkReport, GLOBAL_ADMINISTRATOR,
    IsoDuration, Relationship, RelationshipId, RelationshipStatus, RoleId, TemplateId, TenantId,
};

use super::relationships::RelationshipPatch;
use super::templates::{Progress, failed_item};
use crate::caller_rules::{self, Side};
use crate::{Caller, Portcullis, ServiceError};

/// A bulk call that can run in the background.
#[derive(Debug, Clone)]
pub enum BulkJob {
    Relationships {
        operation: BulkOperation,
        relationship_ids: Vec<RelationshipId>,
        dry_run: bool,
    },
    ApplyTemplate {
        template_id: TemplateId,
        customer_tenant_ids: Vec<TenantId>,
        dry_run: bool,
    },
}

impl Portcullis {
    /// Applies `operation` to each relationship (see the module).
    pub async fn bulk_relationships(
        &self,
        caller: &Caller,
        operation: &BulkOperation,
        ids: &[RelationshipId],
        dry_run: bool,
        progress: Progress<'_>,
    ) -> Result<BulkReport, ServiceError> {
        let relationships = self.bulk_relationships_of(caller, ids).await?;
        let mut report = BulkReport::new(operation.as_str(), dry_run, relationships.len());
        for relationship in relationships {
            let target = relationship.id.to_string();
            let item = match self
                .bulk_item(caller, operation, relationship, dry_run)
                .await
            {
                Ok(outcome) => BulkItem {
                    relationship_id: Some(target.clone()),
                    target,
                    outcome,
                    error: None,
                },
                Err(e) => failed_item(target, &e),
            };
            report.push(item);
            progress(&report);
        }
        Ok(report)
    }

    /// The relationships a bulk call names, each the caller's to change;
    /// any other is `404` for the whole call.
    pub(super) async fn bulk_relationships_of(
        &self,
        caller: &Caller,
        ids: &[RelationshipId],
    ) -> Result<Vec<Relationship>, ServiceError> {
        caller_rules::partner_scope(&caller.principal, "change relationships in bulk")?;
        let ids = self.bulk_targets(ids, "relationship_ids")?;
        let mut relationships = Vec::with_capacity(ids.len());
        for id in ids {
            let relationship = self
                .relationship_as(
                    caller,
                    id,
                    &[Side::Platform, Side::Partner],
                    "change relationships in bulk",
                )
                .await?;
            relationships.push(relationship);
        }
        Ok(relationships)
    }

    async fn bulk_item(
        &self,
        caller: &Caller,
        operation: &BulkOperation,
        relationship: Relationship,
        dry_run: bool,
    ) -> Result<BulkOutcome, ServiceError> {
        let now = self.clock.now();
        let in_force = self.decisions.catalog();
        let catalog = in_force.as_ref();
        let mut trial = relationship.clone();
        let would = match operation {
            BulkOperation::RemoveRole { role_id } => {
                let role = match role_id {
                    Some(r) => *r,
                    None => RoleId::parse(GLOBAL_ADMINISTRATOR)?,
                };
                if !relationship.roles.contains(&role) {
                    return Ok(BulkOutcome::Unchanged);
                }
                let mut remaining = relationship.roles.clone();
                remaining.remove(&role);
                if relationship.status == RelationshipStatus::Created {
                    let mut terms = trial.terms();
                    terms.roles = remaining.clone();
                    trial.change_terms(terms, catalog)?;
                } else {
                    trial.remove_privileged_roles(remaining.clone(), catalog, now)?;
                }
                Some(RelationshipPatch {
                    roles: Some(remaining),
                    ..RelationshipPatch::default()
                })
            }
            BulkOperation::SetAutoExtend {
                auto_extend_duration,
            } => {
                if !trial.set_auto_extend(auto_extend_duration.clone(), catalog, now)? {
                    return Ok(BulkOutcome::Unchanged);
                }
                None
            }
            BulkOperation::Terminate => {
                if matches!(
                    relationship.status_at(now),
                    RelationshipStatus::Terminated | RelationshipStatus::TerminationRequested
                ) {
                    return Ok(BulkOutcome::Unchanged);
                }
                trial.request_termination(now)?;
                None
            }
        };
        if dry_run {
            return Ok(BulkOutcome::WouldDo);
        }
        let id = relationship.id;
        match operation {
            BulkOperation::RemoveRole { .. } => {
                let patch = would.unwrap_or_default();
                self.update_relationship(caller, id, None, patch).await?;
            }
            BulkOperation::SetAutoExtend {
                auto_extend_duration,
            } => {
                self.set_auto_extend(caller, id, auto_extend_duration.clone())
                    .await?;
            }
            BulkOperation::Terminate => {
                self.terminate_relationship(caller, id).await?;
            }
        }
        Ok(BulkOutcome::Done)
    }

    /// The partner (or an operator) changes whether a created or active
    /// relationship renews itself (`relationship.auto_extend_change`).
    pub async fn set_auto_extend(
        &self,
        caller: &Caller,
        id: RelationshipId,
        extend: IsoDuration,
    ) -> Result<Relationship, ServiceError> {
        let before = self
            .relationship_as(
                caller,
                id,
                &[Side::Platform, Side::Partner],
                "change auto-extension",
            )
            .await?;
        let mut after = before.clone();
        if !after.set_auto_extend(extend, &self.decisions.catalog(), self.clock.now())? {
            return Ok(before);
        }
        self.save_relationship(
            caller,
            AuditOperation::RelationshipAutoExtendChange,
            before,
            after,
            Vec::new(),
        )
        .await
    }

    /// Runs a bulk call with its progress reported after each item.
    pub async fn run_bulk(
        &self,
        caller: &Caller,
        job: &BulkJob,
        progress: Progress<'_>,
    ) -> Result<BulkReport, ServiceError> {
        match job {
            BulkJob::Relationships {
                operation,
                relationship_ids,
                dry_run,
            } => {
                self.bulk_relationships(caller, operation, relationship_ids, *dry_run, progress)
                    .await
            }
            BulkJob::ApplyTemplate {
                template_id,
                customer_tenant_ids,
                dry_run,
            } => {
                self.apply_template(
                    caller,
                    *template_id,
                    customer_tenant_ids,
                    *dry_run,
                    progress,
                )
                .await
            }
        }
    }

    /// The most relationships (or customers) one bulk call may name.
    pub fn bulk_cap(&self) -> usize {
        self.tightening.config.bulk_cap()
    }
}

//! Narrowing a relationship's roles: a relationship cannot gain or swap
//! roles once active, so the partner asks the customer for a new one with
//! the smaller set (`relationship.narrow`); when the customer approves it,
//! each assignment of the old relationship moves to it with the roles the
//! new one still grants (`assignment.move`) and the old relationship ends
//! (`relationship.supersede`), all in the approval's transaction.

use std::collections::BTreeSet;

use portcullis_domain::{
    AccessAssignment, AssignmentStatus, AuditOperation, Relationship, RelationshipId,
    RelationshipNarrowing, RelationshipStatus, RelationshipTerms, RoleId, Timestamp,
    relationship_name,
};
use portcullis_store::AccessChange;

use crate::{Caller, Portcullis, ServiceError};

/// The new relationship's name: the old one's, marked, within 50 characters.
fn narrowed_name(
    old: &str,
    now: Timestamp,
) -> Result<portcullis_domain::DisplayName, ServiceError> {
    let date = now.to_offset_date_time().date();
    let suffix = format!(" (narrowed {date})");
    let room = 50usize.saturating_sub(suffix.chars().count());
    let base: String = old.chars().take(room).collect();
    Ok(relationship_name(base.trim_end())
        .or_else(|_| relationship_name("narrowed"))
        .map(|b| format!("{}{suffix}", b.as_str()))
        .and_then(|n| relationship_name(&n))?)
}

impl Portcullis {
    /// Proposes a relationship with `roles` to replace `id`, already sent
    /// to the customer for approval.
    pub(crate) async fn narrow_relationship(
        &self,
        caller: &Caller,
        id: RelationshipId,
        roles: BTreeSet<RoleId>,
    ) -> Result<Relationship, ServiceError> {
        let (old, _side) = self.relationship_for(caller, id).await?;
        self.partner_may_act(old.partner_tenant_id).await?;
        for pending in self.store.narrowings_replacing(id).await? {
            let still_pending = self
                .store
                .get_relationship(pending.relationship_id)
                .await?
                .is_some_and(|r| {
                    r.status_at(self.clock.now()) == RelationshipStatus::ApprovalPending
                });
            if still_pending {
                return Err(ServiceError::Conflict(format!(
                    "relationship `{}` already awaits the customer's approval to replace this one",
                    pending.relationship_id
                )));
            }
        }
        let now = self.clock.now();
        let created = Relationship::create(
            old.partner_tenant_id,
            old.customer_tenant_id,
            narrowed_name(old.display_name.as_str(), now)?,
            RelationshipTerms {
                roles: roles.clone(),
                duration: old.duration.clone(),
                auto_extend_duration: old.auto_extend_duration.clone(),
            },
            &self.decisions.catalog(),
            now,
        )?;
        let mut sent = created.clone();
        sent.request_approval(now)?;
        sent.version = created.version + 1;
        let narrowing = RelationshipNarrowing {
            relationship_id: created.id,
            replaces_id: old.id,
            roles_before: old.roles.iter().copied().collect(),
            roles_after: roles.into_iter().collect(),
            created_at: now,
        };
        self.apply_access(
            caller,
            vec![
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
                AccessChange::Narrowing(narrowing),
            ],
        )
        .await?;
        Ok(sent)
    }

    /// When `approved` replaces another relationship: the changes that move
    /// the old one's assignments to it and end the old one (none otherwise).
    pub(crate) async fn narrowing_moves(
        &self,
        approved: &Relationship,
        now: Timestamp,
    ) -> Result<Vec<AccessChange>, ServiceError> {
        let Some(narrowing) = self.store.narrowing(approved.id).await? else {
            return Ok(Vec::new());
        };
        let Some(old) = self.store.get_relationship(narrowing.replaces_id).await? else {
            return Ok(Vec::new());
        };
        let mut changes = Vec::new();
        for assignment in self.all_assignments(old.id).await? {
            if !matches!(
                assignment.status,
                AssignmentStatus::Active | AssignmentStatus::Pending
            ) {
                continue;
            }
            let kept: BTreeSet<RoleId> = assignment
                .roles
                .intersection(&approved.roles)
                .copied()
                .collect();
            if !kept.is_empty() {
                let moved = AccessAssignment::create(
                    approved,
                    assignment.group_id,
                    kept,
                    assignment.kind.clone(),
                    now,
                )?;
                changes.push(AccessChange::Assignment {
                    operation: AuditOperation::AssignmentMove,
                    before: None,
                    after: Some(moved),
                });
            }
            let mut gone = assignment.clone();
            gone.status = AssignmentStatus::Deleted;
            gone.updated_at = now;
            gone.version += 1;
            changes.push(AccessChange::Assignment {
                operation: AuditOperation::AssignmentMove,
                before: Some(assignment),
                after: Some(gone),
            });
        }
        if old.status_at(now) == RelationshipStatus::Active {
            let mut ended = old.clone();
            ended.request_termination(now)?;
            ended.updated_at = now;
            ended.version += 1;
            changes.push(AccessChange::Relationship {
                operation: AuditOperation::RelationshipSupersede,
                before: Some(old),
                after: Some(ended),
            });
        }
        Ok(changes)
    }
}

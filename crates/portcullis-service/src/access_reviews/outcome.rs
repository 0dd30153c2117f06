//! Applying a completed review: each removal goes through the same
//! audited access-change path as every other relationship and assignment
//! change (`relationship.terminate`, `assignment.delete`,
//! `assignment.role.remove`), so the decision index, other nodes and
//! webhooks follow as they do for any change.

use std::collections::BTreeSet;

use portcullis_domain::{
    AccessAssignment, AccessReview, AssignmentStatus, AuditOperation, RelationshipStatus,
    ReviewItemKind, ReviewRemoval, RoleId,
};
use portcullis_store::AccessChange;

use crate::{Caller, Portcullis, ServiceError};

impl Portcullis {
    /// Applies the removals `review` decided; returns the ids of the items
    /// whose access was already gone.
    pub(crate) async fn apply_review_removals(
        &self,
        caller: &Caller,
        review: &AccessReview,
    ) -> Result<BTreeSet<String>, ServiceError> {
        let mut gone = BTreeSet::new();
        let reason = format!("denied in access review {}", review.id);
        for removal in review.removals() {
            match removal {
                ReviewRemoval::Relationship(id) => {
                    if !self.end_relationship(caller, id, &reason).await? {
                        gone.insert(format!("relationship.{id}"));
                    }
                }
                ReviewRemoval::Assignment(_, id) => {
                    if self.live_assignment(id).await?.is_none() {
                        gone.insert(format!("assignment.{id}"));
                        continue;
                    }
                    self.take_roles(caller, id, None).await?;
                }
                ReviewRemoval::Roles(_, id, roles) => {
                    let Some(assignment) = self.live_assignment(id).await? else {
                        gone.extend(roles.iter().map(|r| format!("role.{id}.{r}")));
                        continue;
                    };
                    let held: BTreeSet<RoleId> =
                        roles.intersection(&assignment.roles).copied().collect();
                    gone.extend(roles.difference(&held).map(|r| format!("role.{id}.{r}")));
                    if !held.is_empty() {
                        self.take_roles(caller, id, Some(&held)).await?;
                    }
                }
            }
        }
        // Items under a relationship or assignment that was already gone
        // were already gone too.
        for item in &review.items {
            let parent_gone = gone.contains(&format!("relationship.{}", item.relationship_id))
                || (item.kind == ReviewItemKind::Role
                    && item
                        .assignment_id
                        .is_some_and(|a| gone.contains(&format!("assignment.{a}"))));
            if parent_gone && review.removes(item) {
                gone.insert(item.id.clone());
            }
        }
        Ok(gone)
    }

    /// Terminates an active relationship; `false` when it no longer was.
    async fn end_relationship(
        &self,
        caller: &Caller,
        id: portcullis_domain::RelationshipId,
        reason: &str,
    ) -> Result<bool, ServiceError> {
        let now = self.clock.now();
        let Some(before) = self.store.get_relationship(id).await? else {
            return Ok(false);
        };
        if before.status_at(now) != RelationshipStatus::Active {
            return Ok(false);
        }
        let mut after = before.clone();
        after.request_termination(now)?;
        after.closed_reason = Some(reason.to_owned());
        after.updated_at = now;
        after.version = before.version + 1;
        self.apply_access(
            caller,
            vec![AccessChange::Relationship {
                operation: AuditOperation::RelationshipTerminate,
                before: Some(before),
                after: Some(after),
            }],
        )
        .await?;
        Ok(true)
    }

    async fn live_assignment(
        &self,
        id: portcullis_domain::AssignmentId,
    ) -> Result<Option<AccessAssignment>, ServiceError> {
        Ok(self.store.get_assignment(id).await?.filter(|a| {
            matches!(
                a.status,
                AssignmentStatus::Active | AssignmentStatus::Pending
            )
        }))
    }

    /// Removes `roles` from an assignment (all of them: `None`); the
    /// assignment is deleted when no role stays.
    async fn take_roles(
        &self,
        caller: &Caller,
        id: portcullis_domain::AssignmentId,
        roles: Option<&BTreeSet<RoleId>>,
    ) -> Result<(), ServiceError> {
        let Some(before) = self.live_assignment(id).await? else {
            return Ok(());
        };
        let mut after = before.clone();
        let kept: BTreeSet<RoleId> = match roles {
            Some(roles) => before.roles.difference(roles).copied().collect(),
            None => BTreeSet::new(),
        };
        let operation = if kept.is_empty() {
            after.status = AssignmentStatus::Deleted;
            if roles.is_some() {
                AuditOperation::AssignmentRoleRemove
            } else {
                AuditOperation::AssignmentDelete
            }
        } else {
            let relationship = self
                .store
                .get_relationship(before.relationship_id)
                .await?
                .ok_or_else(|| {
                    ServiceError::NotFound(format!(
                        "relationship `{}` not found",
                        before.relationship_id
                    ))
                })?;
            after.change_roles(kept, &relationship)?;
            AuditOperation::AssignmentRoleRemove
        };
        after.updated_at = self.clock.now();
        after.version = before.version + 1;
        self.apply_access(
            caller,
            vec![AccessChange::Assignment {
                operation,
                before: Some(before),
                after: Some(after),
            }],
        )
        .await
    }
}

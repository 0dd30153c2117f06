//! Access assignments: a partner grants some of a relationship's roles to
//! one of its security groups, standing or eligible.

use portcullis_domain::AuditOperation;
use std::collections::BTreeSet;

use portcullis_domain::{
    AccessAssignment, AssignmentId, AssignmentKind, AssignmentStatus, GroupId, Page, PageRequest,
    RelationshipId, RoleId,
};
use portcullis_store::AccessChange;

use super::access_writes::check_if_match;
use crate::caller_rules::{self, Side};
use crate::{Caller, Portcullis, ServiceError};

#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub group_id: GroupId,
    pub roles: BTreeSet<RoleId>,
    pub kind: AssignmentKind,
}

#[derive(Debug, Clone, Default)]
pub struct AssignmentPatch {
    pub roles: Option<BTreeSet<RoleId>>,
}

pub(crate) fn assignment_not_found(id: AssignmentId) -> ServiceError {
    ServiceError::NotFound(format!("access assignment `{id}` not found"))
}

impl Portcullis {
    /// An assignment of `relationship`, for a party of it.
    async fn assignment_for(
        &self,
        caller: &Caller,
        relationship: RelationshipId,
        id: AssignmentId,
    ) -> Result<(AccessAssignment, portcullis_domain::Relationship, Side), ServiceError> {
        let (rel, side) = self.relationship_for(caller, relationship).await?;
        let assignment = self
            .store
            .get_assignment(id)
            .await?
            .filter(|a| a.relationship_id == relationship)
            .ok_or_else(|| assignment_not_found(id))?;
        Ok((assignment, rel, side))
    }

    /// The partner grants roles of the relationship to one of its groups.
    pub async fn create_assignment(
        &self,
        caller: &Caller,
        relationship: RelationshipId,
        new: NewAssignment,
    ) -> Result<AccessAssignment, ServiceError> {
        let rel = self
            .relationship_as(
                caller,
                relationship,
                &[Side::Platform, Side::Partner],
                "assign roles to groups",
            )
            .await?;
        self.partner_may_act(rel.partner_tenant_id).await?;
        if self
            .store
            .get_group(rel.partner_tenant_id, new.group_id)
            .await?
            .is_none()
        {
            return Err(ServiceError::NotFound(format!(
                "group `{}` not found in the partner tenant",
                new.group_id
            )));
        }
        let assignment =
            AccessAssignment::create(&rel, new.group_id, new.roles, new.kind, self.clock.now())?;
        self.apply_access(
            caller,
            vec![AccessChange::Assignment {
                operation: AuditOperation::AssignmentCreate,
                before: None,
                after: Some(assignment.clone()),
            }],
        )
        .await?;
        Ok(assignment)
    }

    pub async fn get_assignment(
        &self,
        caller: &Caller,
        relationship: RelationshipId,
        id: AssignmentId,
    ) -> Result<AccessAssignment, ServiceError> {
        Ok(self.assignment_for(caller, relationship, id).await?.0)
    }

    pub async fn list_assignments(
        &self,
        caller: &Caller,
        relationship: RelationshipId,
        page: &PageRequest,
    ) -> Result<Page<AccessAssignment>, ServiceError> {
        self.relationship_for(caller, relationship).await?;
        Ok(self.store.list_assignments(relationship, page).await?)
    }

    /// New roles, a subset of the relationship's.
    pub async fn update_assignment(
        &self,
        caller: &Caller,
        relationship: RelationshipId,
        id: AssignmentId,
        if_match: Option<i64>,
        patch: AssignmentPatch,
    ) -> Result<AccessAssignment, ServiceError> {
        let (before, rel, side) = self.assignment_for(caller, relationship, id).await?;
        caller_rules::require_side(
            &caller.principal,
            side,
            &[Side::Platform, Side::Partner],
            "change assignments",
        )?;
        check_if_match(before.version, if_match)?;
        let mut after = before.clone();
        if let Some(roles) = patch.roles {
            after.change_roles(roles, &rel)?;
        }
        after.updated_at = self.clock.now();
        after.version = before.version + 1;
        self.apply_access(
            caller,
            vec![AccessChange::Assignment {
                operation: AuditOperation::AssignmentUpdate,
                before: Some(before),
                after: Some(after.clone()),
            }],
        )
        .await?;
        Ok(after)
    }

    /// Removes an assignment: it grants nothing from now on; its record
    /// stays as `deleted` for the history. Either party may remove one.
    pub async fn delete_assignment(
        &self,
        caller: &Caller,
        relationship: RelationshipId,
        id: AssignmentId,
        if_match: Option<i64>,
    ) -> Result<AccessAssignment, ServiceError> {
        let (before, _rel, _side) = self.assignment_for(caller, relationship, id).await?;
        check_if_match(before.version, if_match)?;
        self.remove_assignment(caller, before).await
    }

    /// Deletes `before` (`assignment.delete`) once the caller has been
    /// authorized: by either party, or by an access review's denial.
    pub(crate) async fn remove_assignment(
        &self,
        caller: &Caller,
        before: AccessAssignment,
    ) -> Result<AccessAssignment, ServiceError> {
        if before.status == AssignmentStatus::Deleted {
            return Ok(before);
        }
        let mut after = before.clone();
        after.status = AssignmentStatus::Deleted;
        self.save_assignment(caller, AuditOperation::AssignmentDelete, before, after)
            .await
    }

    /// Takes `roles` off `before` (`assignment.role.remove`); the
    /// assignment is deleted when no role stays. Once the caller has been
    /// authorized: a partner applying a recommendation, or an access
    /// review's denial.
    pub(crate) async fn remove_assignment_roles(
        &self,
        caller: &Caller,
        before: AccessAssignment,
        roles: &BTreeSet<RoleId>,
    ) -> Result<AccessAssignment, ServiceError> {
        let kept: BTreeSet<RoleId> = before.roles.difference(roles).copied().collect();
        let mut after = before.clone();
        if kept.is_empty() {
            after.status = AssignmentStatus::Deleted;
        } else {
            let relationship = self
                .store
                .get_relationship(before.relationship_id)
                .await?
                .ok_or_else(|| {
                    super::relationships::relationship_not_found(before.relationship_id)
                })?;
            after.change_roles(kept, &relationship)?;
        }
        self.save_assignment(caller, AuditOperation::AssignmentRoleRemove, before, after)
            .await
    }

    /// Writes one assignment change and updates the index.
    pub(crate) async fn save_assignment(
        &self,
        caller: &Caller,
        operation: AuditOperation,
        before: AccessAssignment,
        mut after: AccessAssignment,
    ) -> Result<AccessAssignment, ServiceError> {
        after.updated_at = self.clock.now();
        after.version = before.version + 1;
        self.apply_access(
            caller,
            vec![AccessChange::Assignment {
                operation,
                before: Some(before),
                after: Some(after.clone()),
            }],
        )
        .await?;
        Ok(after)
    }
}

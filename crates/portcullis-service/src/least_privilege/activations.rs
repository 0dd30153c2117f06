//! Just-in-time activations of eligible assignments.

use portcullis_domain::{
    Activation, ActivationId, AssignmentId, AuditOperation, AuthStrength, Description, GroupId,
    IsoDuration, PageRequest, RuleViolation, TenantId, UserId, UserOrAdmin,
};
use portcullis_store::AccessChange;

use super::assignments::assignment_not_found;
use crate::caller_rules::{self, Side};
use crate::{Caller, Portcullis, ServiceError};

/// A partner user's request to activate an eligible assignment.
#[derive(Debug, Clone)]
pub struct NewActivation {
    pub assignment_id: AssignmentId,
    pub user_id: UserId,
    pub justification: Description,
    pub duration: IsoDuration,
    /// The strength of the user's current session.
    pub auth_strength: AuthStrength,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActivationDecision {
    Approve,
    Deny,
}

fn activation_not_found(id: ActivationId) -> ServiceError {
    ServiceError::NotFound(format!("activation `{id}` not found"))
}

impl Portcullis {
    /// A partner admin (or an operator) activates an eligible assignment for
    /// one of the partner's users, stating the strength of that user's sign-in.
    pub async fn request_activation(
        &self,
        caller: &Caller,
        new: NewActivation,
    ) -> Result<Activation, ServiceError> {
        let scope = caller_rules::partner_scope(&caller.principal, "request activations")?;
        let assignment = self
            .store
            .get_assignment(new.assignment_id)
            .await?
            .ok_or_else(|| assignment_not_found(new.assignment_id))?;
        let relationship = self
            .store
            .get_relationship(assignment.relationship_id)
            .await?
            .ok_or_else(|| {
                ServiceError::Internal("an assignment without its relationship".into())
            })?;
        if !scope.covers(relationship.partner_tenant_id) {
            return Err(assignment_not_found(new.assignment_id));
        }
        let now = self.clock.now();
        if !relationship.is_active_at(now) {
            return Err(RuleViolation::new(
                "relationship_not_active",
                format!(
                    "the relationship is `{}`",
                    relationship.status_at(now).as_str()
                ),
            )
            .into());
        }
        let user = self
            .store
            .get_user(relationship.partner_tenant_id, new.user_id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("user `{}` not found", new.user_id)))?;
        if !self
            .is_group_member(relationship.partner_tenant_id, assignment.group_id, user.id)
            .await?
        {
            return Err(RuleViolation::new(
                "not_in_group",
                format!(
                    "user `{}` is not a member of the assignment's group",
                    user.id
                ),
            )
            .into());
        }
        let privileged = assignment.roles.iter().any(|r| {
            self.decisions
                .catalog()
                .get(*r)
                .is_some_and(|role| role.privileged)
        });
        let mut activation = Activation::request(
            &assignment,
            user.id,
            new.justification,
            new.duration,
            new.auth_strength,
            privileged,
            now,
        )?;
        activation.requested_by = Some(caller.principal.audit_name());
        self.apply_access(
            caller,
            vec![AccessChange::Activation {
                operation: AuditOperation::ActivationRequest,
                before: None,
                after: Some(activation.clone()),
            }],
        )
        .await?;
        Ok(activation)
    }

    /// Whether `user` is a member of the partner's `group`, read a page at
    /// a time until found.
    async fn is_group_member(
        &self,
        partner: TenantId,
        group: GroupId,
        user: UserId,
    ) -> Result<bool, ServiceError> {
        let mut page = PageRequest::first(200);
        loop {
            let members = self.store.list_members(partner, group, &page).await?;
            if members.items.iter().any(|m| m.user_id == user) {
                return Ok(true);
            }
            match members.next {
                Some(cursor) => page = PageRequest::new(Some(200), Some(cursor))?,
                None => return Ok(false),
            }
        }
    }

    pub async fn get_activation(
        &self,
        caller: &Caller,
        id: ActivationId,
    ) -> Result<Activation, ServiceError> {
        Ok(self.activation_for(caller, id).await?.0)
    }

    async fn activation_for(
        &self,
        caller: &Caller,
        id: ActivationId,
    ) -> Result<(Activation, Side), ServiceError> {
        caller_rules::may_touch_relationships(&caller.principal)?;
        let activation = self
            .store
            .get_activation(id)
            .await?
            .ok_or_else(|| activation_not_found(id))?;
        let assignment = self
            .store
            .get_assignment(activation.assignment_id)
            .await?
            .ok_or_else(|| activation_not_found(id))?;
        let (_, side) = self
            .relationship_for(caller, assignment.relationship_id)
            .await
            .map_err(|e| match e {
                ServiceError::NotFound(_) => activation_not_found(id),
                other => other,
            })?;
        Ok((activation, side))
    }

    /// A second person approves or denies: the customer, or another partner
    /// admin — never whoever requested it.
    pub async fn decide_activation(
        &self,
        caller: &Caller,
        id: ActivationId,
        decision: ActivationDecision,
    ) -> Result<Activation, ServiceError> {
        let (before, side) = self.activation_for(caller, id).await?;
        caller_rules::require_side(
            &caller.principal,
            side,
            &[Side::Partner, Side::Customer],
            "approve activations",
        )?;
        let name = caller.principal.audit_name();
        if before.requested_by.as_deref() == Some(name.as_str()) {
            return Err(RuleViolation::new(
                "self_approval",
                "the requester may not approve or deny their own activation",
            )
            .into());
        }
        let approver = UserOrAdmin {
            name: &name,
            user: None,
        };
        let now = self.clock.now();
        let mut after = before.clone();
        match decision {
            ActivationDecision::Approve => after.approve(approver, now)?,
            ActivationDecision::Deny => after.deny(approver)?,
        }
        after.version = before.version + 1;
        let operation = match decision {
            ActivationDecision::Approve => AuditOperation::ActivationApprove,
            ActivationDecision::Deny => AuditOperation::ActivationDeny,
        };
        self.apply_access(
            caller,
            vec![AccessChange::Activation {
                operation,
                before: Some(before),
                after: Some(after.clone()),
            }],
        )
        .await?;
        Ok(after)
    }

    /// Ends an activation early (either party, or an operator).
    pub async fn revoke_activation(
        &self,
        caller: &Caller,
        id: ActivationId,
    ) -> Result<Activation, ServiceError> {
        let (before, _side) = self.activation_for(caller, id).await?;
        let mut after = before.clone();
        after.revoke(self.clock.now());
        if after == before {
            return Ok(before);
        }
        after.version = before.version + 1;
        self.apply_access(
            caller,
            vec![AccessChange::Activation {
                operation: AuditOperation::ActivationRevoke,
                before: Some(before),
                after: Some(after.clone()),
            }],
        )
        .await?;
        Ok(after)
    }
}

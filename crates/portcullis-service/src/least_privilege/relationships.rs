//! Delegated admin relationships: the partner proposes, the customer
//! approves or rejects, either side terminates.

use std::collections::BTreeSet;

use portcullis_domain::{
    AssignmentStatus, AuditOperation, DisplayName, IsoDuration, Page, PageRequest, Relationship,
    RelationshipFilter, RelationshipId, RelationshipTerms, RoleId, TenantId, TenantKind, Timestamp,
};
use portcullis_store::AccessChange;

use super::access_writes::check_if_match;
use crate::caller_rules::{self, Side, TenantScope, tenant_not_found};
use crate::{Caller, Portcullis, ServiceError};

/// What a partner proposes.
#[derive(Debug, Clone)]
pub struct NewRelationship {
    pub partner_tenant_id: TenantId,
    pub customer_tenant_id: TenantId,
    pub display_name: DisplayName,
    pub roles: BTreeSet<RoleId>,
    pub duration: IsoDuration,
    pub auto_extend_duration: IsoDuration,
}

/// Changes to a relationship; absent fields stay.
#[derive(Debug, Clone, Default)]
pub struct RelationshipPatch {
    pub display_name: Option<DisplayName>,
    pub roles: Option<BTreeSet<RoleId>>,
    pub duration: Option<IsoDuration>,
    pub auto_extend_duration: Option<IsoDuration>,
}

pub(crate) fn relationship_not_found(id: RelationshipId) -> ServiceError {
    ServiceError::NotFound(format!("relationship `{id}` not found"))
}

impl Portcullis {
    /// A relationship and the caller's side in it; 404 for anyone who is
    /// not a party (or an operator).
    pub(crate) async fn relationship_for(
        &self,
        caller: &Caller,
        id: RelationshipId,
    ) -> Result<(Relationship, Side), ServiceError> {
        caller_rules::may_touch_relationships(&caller.principal)?;
        let relationship = self
            .store
            .get_relationship(id)
            .await?
            .ok_or_else(|| relationship_not_found(id))?;
        let side = caller_rules::relationship_side(
            &caller.principal,
            relationship.partner_tenant_id,
            relationship.customer_tenant_id,
            || relationship_not_found(id),
        )?;
        Ok((relationship, side))
    }

    /// As [`Self::relationship_for`], refusing a caller whose side is not
    /// one of `allowed` (`what` says what it may not do).
    pub(crate) async fn relationship_as(
        &self,
        caller: &Caller,
        id: RelationshipId,
        allowed: &[Side],
        what: &str,
    ) -> Result<Relationship, ServiceError> {
        let (relationship, side) = self.relationship_for(caller, id).await?;
        caller_rules::require_side(&caller.principal, side, allowed, what)?;
        Ok(relationship)
    }

    /// The partner (or an operator for it) proposes a relationship to a customer.
    pub async fn create_relationship(
        &self,
        caller: &Caller,
        new: NewRelationship,
    ) -> Result<Relationship, ServiceError> {
        let side = caller_rules::relationship_side(
            &caller.principal,
            new.partner_tenant_id,
            new.customer_tenant_id,
            || tenant_not_found(new.partner_tenant_id),
        )?;
        caller_rules::require_side(
            &caller.principal,
            side,
            &[Side::Platform, Side::Partner],
            "propose relationships",
        )?;
        for (tenant, kind) in [
            (new.partner_tenant_id, TenantKind::Partner),
            (new.customer_tenant_id, TenantKind::Customer),
        ] {
            let found = self
                .store
                .get_tenant(tenant)
                .await?
                .filter(|t| t.kind == kind || side == Side::Platform)
                .ok_or_else(|| tenant_not_found(tenant))?;
            // Only operators learn that a tenant exists but is of another
            // kind: to a partner, another partner's tenant is as unknown
            // as a random id.
            if found.kind != kind {
                return Err(ServiceError::WrongTenantKind(format!(
                    "tenant `{tenant}` is not a {} tenant",
                    kind.as_str()
                )));
            }
        }
        self.partner_may_act(new.partner_tenant_id).await?;
        let relationship = Relationship::create(
            new.partner_tenant_id,
            new.customer_tenant_id,
            new.display_name,
            RelationshipTerms {
                roles: new.roles,
                duration: new.duration,
                auto_extend_duration: new.auto_extend_duration,
            },
            &self.decisions.catalog(),
            self.clock.now(),
        )?;
        self.apply_access(
            caller,
            vec![AccessChange::Relationship {
                operation: AuditOperation::RelationshipCreate,
                before: None,
                after: Some(relationship.clone()),
            }],
        )
        .await?;
        Ok(relationship)
    }

    pub async fn get_relationship(
        &self,
        caller: &Caller,
        id: RelationshipId,
    ) -> Result<Relationship, ServiceError> {
        Ok(self.relationship_for(caller, id).await?.0)
    }

    /// Operators list all; a partner admin its partner's; a customer admin its customer's.
    pub async fn list_relationships(
        &self,
        caller: &Caller,
        mut filter: RelationshipFilter,
        page: &PageRequest,
    ) -> Result<Page<Relationship>, ServiceError> {
        match caller_rules::tenant_scope(&caller.principal, "list relationships")? {
            TenantScope::All => {}
            TenantScope::Partner(own) => filter.partner_tenant_id = Some(own),
            TenantScope::Customer(own) => filter.customer_tenant_id = Some(own),
        }
        Ok(self.store.list_relationships(&filter, page).await?)
    }

    /// While `created`, the partner changes name and terms; while `active`,
    /// either side may remove privileged roles (never add).
    pub async fn update_relationship(
        &self,
        caller: &Caller,
        id: RelationshipId,
        if_match: Option<i64>,
        patch: RelationshipPatch,
    ) -> Result<Relationship, ServiceError> {
        let (before, side) = self.relationship_for(caller, id).await?;
        check_if_match(before.version, if_match)?;
        let mut after = before.clone();
        let now = self.clock.now();
        if before.status == portcullis_domain::RelationshipStatus::Created {
            caller_rules::require_side(
                &caller.principal,
                side,
                &[Side::Platform, Side::Partner],
                "change a proposed relationship",
            )?;
            if let Some(name) = patch.display_name {
                after.display_name = name;
            }
            let mut terms = after.terms();
            if let Some(roles) = patch.roles {
                terms.roles = roles;
            }
            if let Some(duration) = patch.duration {
                terms.duration = duration;
            }
            if let Some(extend) = patch.auto_extend_duration {
                terms.auto_extend_duration = extend;
            }
            after.change_terms(terms, &self.decisions.catalog())?;
        } else {
            if patch.display_name.is_some()
                || patch.duration.is_some()
                || patch.auto_extend_duration.is_some()
            {
                return Err(portcullis_domain::RuleViolation::new(
                    "invalid_transition",
                    format!(
                        "the name and terms change only while `created`; the relationship is `{}`",
                        before.status_at(now).as_str()
                    ),
                )
                .into());
            }
            if let Some(roles) = patch.roles {
                after.remove_privileged_roles(roles, &self.decisions.catalog(), now)?;
            }
        }
        self.save_relationship(
            caller,
            AuditOperation::RelationshipUpdate,
            before,
            after,
            Vec::new(),
        )
        .await
    }

    /// The partner sends the proposal to the customer.
    pub async fn request_approval(
        &self,
        caller: &Caller,
        id: RelationshipId,
    ) -> Result<Relationship, ServiceError> {
        let before = self
            .relationship_as(
                caller,
                id,
                &[Side::Platform, Side::Partner],
                "send relationships for approval",
            )
            .await?;
        self.partner_may_act(before.partner_tenant_id).await?;
        let mut after = before.clone();
        after.request_approval(self.clock.now())?;
        self.save_relationship(
            caller,
            AuditOperation::RelationshipRequestApproval,
            before,
            after,
            Vec::new(),
        )
        .await
    }

    /// The customer approves: the relationship and its pending assignments become active.
    pub async fn approve_relationship(
        &self,
        caller: &Caller,
        id: RelationshipId,
    ) -> Result<Relationship, ServiceError> {
        let before = self
            .relationship_as(
                caller,
                id,
                &[Side::Customer],
                "approve relationships (only the customer does)",
            )
            .await?;
        let now = self.clock.now();
        let mut after = before.clone();
        after.approve(now)?;
        let mut activations = self.pending_assignment_activations(id, now).await?;
        // A narrowed replacement takes over the assignments of the
        // relationship it replaces, which ends.
        activations.extend(self.narrowing_moves(&after, now).await?);
        self.save_relationship(
            caller,
            AuditOperation::RelationshipApprove,
            before,
            after,
            activations,
        )
        .await
    }

    /// The activation of every `pending` assignment of relationship `id`,
    /// as of `now`.
    async fn pending_assignment_activations(
        &self,
        id: RelationshipId,
        now: Timestamp,
    ) -> Result<Vec<AccessChange>, ServiceError> {
        let mut activations = Vec::new();
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let assignments = self.store.list_assignments(id, &page).await?;
            for assignment in assignments.items {
                if assignment.status == AssignmentStatus::Pending {
                    let mut active = assignment.clone();
                    active.status = AssignmentStatus::Active;
                    active.updated_at = now;
                    active.version += 1;
                    activations.push(AccessChange::Assignment {
                        operation: AuditOperation::AssignmentActivate,
                        before: Some(assignment),
                        after: Some(active),
                    });
                }
            }
            match assignments.next {
                Some(next) => page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?,
                None => return Ok(activations),
            }
        }
    }

    /// A proposal that was never sent may be withdrawn by the partner.
    pub async fn delete_relationship(
        &self,
        caller: &Caller,
        id: RelationshipId,
        if_match: Option<i64>,
    ) -> Result<(), ServiceError> {
        let before = self
            .relationship_as(
                caller,
                id,
                &[Side::Platform, Side::Partner],
                "withdraw relationships",
            )
            .await?;
        check_if_match(before.version, if_match)?;
        if before.status != portcullis_domain::RelationshipStatus::Created {
            return Err(portcullis_domain::RuleViolation::new(
                "invalid_transition",
                format!(
                    "only a `created` relationship can be deleted; this one is `{}` (terminate it instead)",
                    before.status.as_str()
                ),
            )
            .into());
        }
        let assignments = self
            .store
            .list_assignments(id, &PageRequest::first(1))
            .await?;
        if !assignments.items.is_empty() {
            return Err(ServiceError::Conflict(
                "the relationship still has access assignments; delete them first".into(),
            ));
        }
        self.apply_access(
            caller,
            vec![AccessChange::Relationship {
                operation: AuditOperation::RelationshipDelete,
                before: Some(before),
                after: None,
            }],
        )
        .await
    }
}

//! Read-only views of relationships for other interfaces (the Graph view):
//! what was done to a relationship, the customers a partner serves, and the
//! names of the customers a caller deals with.

use portcullis_domain::AuditOperation;
use std::collections::{BTreeMap, BTreeSet};

use portcullis_domain::{AuditFilter, RelationshipFilter};
use portcullis_domain::{
    AuditRecord, DisplayName, GroupId, PageRequest, RelationshipId, RelationshipStatus, Tenant,
    TenantId,
};

use crate::caller_rules::{self, PartnerScope, TenantScope};
use crate::{Caller, Portcullis, ServiceError};

/// The audit operations of a relationship's lifecycle actions.
pub const LIFECYCLE_OPERATIONS: [AuditOperation; 4] = [
    AuditOperation::RelationshipRequestApproval,
    AuditOperation::RelationshipApprove,
    AuditOperation::RelationshipReject,
    AuditOperation::RelationshipTerminate,
];

impl Portcullis {
    /// The display names of the partner security groups assigned in a
    /// relationship, for either party: a customer admin learns the names
    /// of the groups that hold (or held) roles in its tenant through this
    /// relationship, and of no other group of the partner.
    pub async fn assigned_group_names(
        &self,
        caller: &Caller,
        id: RelationshipId,
    ) -> Result<BTreeMap<GroupId, DisplayName>, ServiceError> {
        let (relationship, _side) = self.relationship_for(caller, id).await?;
        let mut groups = BTreeSet::new();
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let assignments = self.store.list_assignments(id, &page).await?;
            groups.extend(assignments.items.iter().map(|a| a.group_id));
            match assignments.next {
                Some(next) => page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?,
                None => break,
            }
        }
        let mut names = BTreeMap::new();
        for group in groups {
            if let Some(found) = self
                .store
                .get_group(relationship.partner_tenant_id, group)
                .await?
            {
                names.insert(group, found.display_name);
            }
        }
        Ok(names)
    }

    /// The audit records of the lifecycle actions taken on a relationship
    /// (see [`LIFECYCLE_OPERATIONS`]), oldest first, for a party of it.
    ///
    /// The audit log is not indexed by target: this reads the partner's
    /// records of those operations since the relationship was created and
    /// keeps the relationship's own, so it costs one pass over the
    /// partner's lifecycle records of that period.
    pub async fn relationship_history(
        &self,
        caller: &Caller,
        id: RelationshipId,
    ) -> Result<Vec<AuditRecord>, ServiceError> {
        let (relationship, _side) = self.relationship_for(caller, id).await?;
        let target = id.to_string();
        let mut found = Vec::new();
        for operation in LIFECYCLE_OPERATIONS {
            let filter = AuditFilter {
                tenant_id: Some(relationship.partner_tenant_id),
                operation: Some(operation.as_str().to_owned()),
                since: Some(relationship.created_at),
                ..AuditFilter::default()
            };
            let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
            loop {
                let records = self.store.list_audit(&filter, &page).await?;
                found.extend(records.items.into_iter().filter(|r| r.target_id == target));
                match records.next {
                    Some(next) => {
                        page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?;
                    }
                    None => break,
                }
            }
        }
        found.sort_by_key(|r| r.seq);
        Ok(found)
    }

    /// The customers with at least one relationship active now: with the
    /// caller's partner tenant for a partner admin, with any partner for an
    /// operator; ordered by id. Reads every stored-active relationship of
    /// the partner.
    pub async fn delegated_customers(&self, caller: &Caller) -> Result<Vec<Tenant>, ServiceError> {
        let partner =
            match caller_rules::partner_scope(&caller.principal, "list a partner's customers")? {
                PartnerScope::All => None,
                PartnerScope::Own(own) => Some(own),
            };
        let now = self.clock.now();
        let filter = RelationshipFilter {
            partner_tenant_id: partner,
            customer_tenant_id: None,
            status: Some(RelationshipStatus::Active),
        };
        let mut customers = BTreeSet::new();
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let relationships = self.store.list_relationships(&filter, &page).await?;
            customers.extend(
                relationships
                    .items
                    .iter()
                    .filter(|r| r.is_active_at(now))
                    .map(|r| r.customer_tenant_id),
            );
            match relationships.next {
                Some(next) => page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?,
                None => break,
            }
        }
        let mut tenants = Vec::with_capacity(customers.len());
        for id in customers {
            if let Some(tenant) = self.store.get_tenant(id).await? {
                tenants.push(tenant);
            }
        }
        Ok(tenants)
    }

    /// The display names of those of `customers` the caller deals with:
    /// any for an operator, its own tenant for a customer admin, for a
    /// partner admin the customers that approved a relationship with it
    /// (no name before the customer approved anything).
    /// Others are left out, whether or not they exist.
    pub async fn customer_names(
        &self,
        caller: &Caller,
        customers: &BTreeSet<TenantId>,
    ) -> Result<BTreeMap<TenantId, DisplayName>, ServiceError> {
        let scope = caller_rules::tenant_scope(&caller.principal, "manage relationships")?;
        let mut names = BTreeMap::new();
        for &customer in customers {
            let visible = match scope {
                TenantScope::All => true,
                TenantScope::Customer(own) => own == customer,
                TenantScope::Partner(own) => self.customer_approved(own, customer).await?,
            };
            if visible && let Some(tenant) = self.store.get_tenant(customer).await? {
                names.insert(customer, tenant.display_name);
            }
        }
        Ok(names)
    }

    /// Whether `customer` ever approved a relationship with `partner`:
    /// until it has, the partner learns nothing of it but the id it sent.
    async fn customer_approved(
        &self,
        partner: TenantId,
        customer: TenantId,
    ) -> Result<bool, ServiceError> {
        let filter = RelationshipFilter {
            partner_tenant_id: Some(partner),
            customer_tenant_id: Some(customer),
            status: None,
        };
        let mut page = PageRequest::first(PageRequest::MAX_LIMIT);
        loop {
            let found = self.store.list_relationships(&filter, &page).await?;
            if found.items.iter().any(|r| r.activated_at.is_some()) {
                return Ok(true);
            }
            match found.next {
                Some(next) => page = PageRequest::new(Some(PageRequest::MAX_LIMIT), Some(next))?,
                None => return Ok(false),
            }
        }
    }
}

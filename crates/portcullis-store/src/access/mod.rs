//! Least-privilege data: relationships, access assignments, activations,
//! partner authorization and customer restrictions, and the access snapshot
//! the decision index is built from. The contract and its `SqlStore`
//! implementation, which each kind of record's module serves.

mod activations;
mod apply;
mod assignments;
pub(crate) mod authorization;
#[cfg(feature = "test-fixtures")]
mod fixtures;
mod narrowings;
pub(crate) mod relationships;
mod restrictions;
mod snapshot;

use async_trait::async_trait;
use portcullis_domain::{
    AccessAssignment, AccessSnapshot, Activation, ActivationFilter, ActivationId, AssignmentId,
    AuditOperation, CustomerRestrictions, Page, PageRequest, Relationship, RelationshipFilter,
    RelationshipId, RelationshipNarrowing, TenantId,
};

use crate::{AuditContext, SqlStore, StoreError};

/// One change to least-privilege data, applied with others in one
/// transaction by [`AccessStore::apply`], each with its own audit record.
///
/// `before: None, after: Some` inserts; `Some, Some` updates, refused with
/// [`StoreError::VersionMismatch`] unless the stored version still equals
/// `before.version` (the store writes `after` with `version = before.version + 1`);
/// `Some, None` deletes (same version check).
#[derive(Debug, Clone)]
pub enum AccessChange {
    Relationship {
        operation: AuditOperation,
        before: Option<Relationship>,
        after: Option<Relationship>,
    },
    Assignment {
        operation: AuditOperation,
        before: Option<AccessAssignment>,
        after: Option<AccessAssignment>,
    },
    Activation {
        operation: AuditOperation,
        before: Option<Activation>,
        after: Option<Activation>,
    },
    /// Records that a new relationship replaces another with fewer roles
    /// (`relationship.narrow`); both must exist by then in the batch.
    Narrowing(RelationshipNarrowing),
}

#[async_trait]
pub trait AccessStore {
    /// Applies the changes atomically; a conflict on any one (duplicate
    /// relationship name per partner, stale version, missing row) applies none.
    ///
    /// Not found: an updated or deleted record is missing, or a new one
    /// names a missing tenant, relationship or assignment, or a group or
    /// user outside the relationship's partner tenant. Conflict: a tenant
    /// of the wrong kind, a duplicate name, a deletion of a record still
    /// referenced. [`StoreError::InvalidChange`]: an insert not at version 1,
    /// an update not to `before.version + 1`, or one that changes the id,
    /// the owner or the creation time.
    async fn apply(&self, ctx: &AuditContext, changes: Vec<AccessChange>)
    -> Result<(), StoreError>;

    async fn get_relationship(
        &self,
        id: RelationshipId,
    ) -> Result<Option<Relationship>, StoreError>;
    async fn list_relationships(
        &self,
        filter: &RelationshipFilter,
        page: &PageRequest,
    ) -> Result<Page<Relationship>, StoreError>;

    async fn get_assignment(
        &self,
        id: AssignmentId,
    ) -> Result<Option<AccessAssignment>, StoreError>;
    /// Not found when the relationship does not exist.
    async fn list_assignments(
        &self,
        relationship: RelationshipId,
        page: &PageRequest,
    ) -> Result<Page<AccessAssignment>, StoreError>;

    async fn get_activation(&self, id: ActivationId) -> Result<Option<Activation>, StoreError>;
    async fn list_activations(
        &self,
        filter: &ActivationFilter,
        page: &PageRequest,
    ) -> Result<Page<Activation>, StoreError>;

    /// The narrowing that `relationship` is, if it replaces another.
    async fn narrowing(
        &self,
        relationship: RelationshipId,
    ) -> Result<Option<RelationshipNarrowing>, StoreError>;
    /// The narrowings requested to replace `relationship`, oldest first.
    async fn narrowings_replacing(
        &self,
        relationship: RelationshipId,
    ) -> Result<Vec<RelationshipNarrowing>, StoreError>;

    /// `false` when the partner was never authorized.
    async fn partner_authorized(&self, tenant: TenantId) -> Result<bool, StoreError>;

    async fn set_restrictions(
        &self,
        ctx: &AuditContext,
        customer: TenantId,
        restrictions: &CustomerRestrictions,
    ) -> Result<(), StoreError>;
    /// The default (no restriction) when none were set.
    async fn restrictions(&self, customer: TenantId) -> Result<CustomerRestrictions, StoreError>;

    /// The whole access picture in one consistent read, for rebuilding the
    /// decision index (contained users and relationships come from active containments).
    async fn access_snapshot(&self) -> Result<AccessSnapshot, StoreError>;
}

#[async_trait]
impl AccessStore for SqlStore {
    async fn apply(
        &self,
        ctx: &AuditContext,
        changes: Vec<AccessChange>,
    ) -> Result<(), StoreError> {
        self.apply_changes(ctx, changes).await
    }

    async fn get_relationship(
        &self,
        id: RelationshipId,
    ) -> Result<Option<Relationship>, StoreError> {
        self.relationship(id).await
    }

    async fn list_relationships(
        &self,
        filter: &RelationshipFilter,
        page: &PageRequest,
    ) -> Result<Page<Relationship>, StoreError> {
        self.relationships(filter, page).await
    }

    async fn get_assignment(
        &self,
        id: AssignmentId,
    ) -> Result<Option<AccessAssignment>, StoreError> {
        self.assignment(id).await
    }

    async fn list_assignments(
        &self,
        relationship: RelationshipId,
        page: &PageRequest,
    ) -> Result<Page<AccessAssignment>, StoreError> {
        self.assignments(relationship, page).await
    }

    async fn get_activation(&self, id: ActivationId) -> Result<Option<Activation>, StoreError> {
        self.activation(id).await
    }

    async fn list_activations(
        &self,
        filter: &ActivationFilter,
        page: &PageRequest,
    ) -> Result<Page<Activation>, StoreError> {
        self.activations(filter, page).await
    }

    async fn narrowing(
        &self,
        relationship: RelationshipId,
    ) -> Result<Option<RelationshipNarrowing>, StoreError> {
        Ok(self
            .narrowings_where("relationship_id", relationship)
            .await?
            .pop())
    }

    async fn narrowings_replacing(
        &self,
        relationship: RelationshipId,
    ) -> Result<Vec<RelationshipNarrowing>, StoreError> {
        self.narrowings_where("replaces_id", relationship).await
    }

    async fn partner_authorized(&self, tenant: TenantId) -> Result<bool, StoreError> {
        self.read_partner_authorized(tenant).await
    }

    async fn set_restrictions(
        &self,
        ctx: &AuditContext,
        customer: TenantId,
        restrictions: &CustomerRestrictions,
    ) -> Result<(), StoreError> {
        self.write_restrictions(ctx, customer, restrictions).await
    }

    async fn restrictions(&self, customer: TenantId) -> Result<CustomerRestrictions, StoreError> {
        self.read_restrictions(customer).await
    }

    async fn access_snapshot(&self) -> Result<AccessSnapshot, StoreError> {
        self.snapshot().await
    }
}

//! The contract every backend fulfils.

use async_trait::async_trait;
use portcullis_domain::{
    ApiToken, AuditChainBreak, AuditFilter, AuditRecord, GroupId, GroupMember, GroupPatch,
    NewGroup, NewTenant, NewUser, Page, PageRequest, PartnerUser, SecurityGroup, Tenant, TenantId,
    TenantKind, TenantPatch, TokenId, UserId, UserPatch,
};

use crate::{AuditContext, Backend, StoreError};

/// Everything Portcullis keeps.
#[async_trait]
pub trait Store:
    TenantStore
    + UserStore
    + GroupStore
    + TokenStore
    + AuditStore
    + crate::AccessStore
    + crate::EventStore
    + crate::VettingStore
    + crate::WatchlistStore
    + crate::IntelStore
    + crate::FindingStore
    + crate::PostureStore
    + crate::WebhookStore
    + Send
    + Sync
    + std::fmt::Debug
{
    fn backend(&self) -> Backend;
    /// Succeeds when the database answers a trivial query.
    async fn ping(&self) -> Result<(), StoreError>;
    /// Notifications of commits (PostgreSQL); `None` where one process owns
    /// the database.
    async fn change_listener(&self) -> Result<Option<crate::ChangeListener>, StoreError>;
}

#[async_trait]
pub trait TenantStore {
    async fn create_tenant(&self, ctx: &AuditContext, new: NewTenant)
    -> Result<Tenant, StoreError>;
    async fn get_tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError>;
    async fn list_tenants(
        &self,
        kind: Option<TenantKind>,
        page: &PageRequest,
    ) -> Result<Page<Tenant>, StoreError>;
    async fn update_tenant(
        &self,
        ctx: &AuditContext,
        id: TenantId,
        expected_version: Option<i64>,
        patch: TenantPatch,
    ) -> Result<Tenant, StoreError>;
    /// Refused with a conflict while the tenant has users or groups or is
    /// party to a relationship; revokes the tenant's tokens and drops its
    /// partner authorization and customer restrictions in the same transaction.
    async fn delete_tenant(
        &self,
        ctx: &AuditContext,
        id: TenantId,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError>;
}

/// Partner users, always addressed within their tenant.
#[async_trait]
pub trait UserStore {
    async fn create_user(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        new: NewUser,
    ) -> Result<PartnerUser, StoreError>;
    async fn get_user(
        &self,
        tenant: TenantId,
        id: UserId,
    ) -> Result<Option<PartnerUser>, StoreError>;
    async fn list_users(
        &self,
        tenant: TenantId,
        page: &PageRequest,
    ) -> Result<Page<PartnerUser>, StoreError>;
    async fn update_user(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        id: UserId,
        expected_version: Option<i64>,
        patch: UserPatch,
    ) -> Result<PartnerUser, StoreError>;
    /// Also removes the user from every group; refused with a conflict
    /// while activations name the user.
    async fn delete_user(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        id: UserId,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError>;
}

/// Partner security groups and their membership, addressed within their tenant.
#[async_trait]
pub trait GroupStore {
    async fn create_group(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        new: NewGroup,
    ) -> Result<SecurityGroup, StoreError>;
    async fn get_group(
        &self,
        tenant: TenantId,
        id: GroupId,
    ) -> Result<Option<SecurityGroup>, StoreError>;
    async fn list_groups(
        &self,
        tenant: TenantId,
        page: &PageRequest,
    ) -> Result<Page<SecurityGroup>, StoreError>;
    async fn update_group(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        id: GroupId,
        expected_version: Option<i64>,
        patch: GroupPatch,
    ) -> Result<SecurityGroup, StoreError>;
    /// Also empties the group; refused with a conflict while access
    /// assignments grant it roles.
    async fn delete_group(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        id: GroupId,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError>;
    /// Adds a user of the same tenant; a conflict if already a member.
    async fn add_member(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        group: GroupId,
        user: UserId,
    ) -> Result<GroupMember, StoreError>;
    async fn remove_member(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        group: GroupId,
        user: UserId,
    ) -> Result<(), StoreError>;
    async fn list_members(
        &self,
        tenant: TenantId,
        group: GroupId,
        page: &PageRequest,
    ) -> Result<Page<GroupMember>, StoreError>;
}

/// API tokens: only hashes of their secrets are kept.
#[async_trait]
pub trait TokenStore {
    async fn create_token(
        &self,
        ctx: &AuditContext,
        token: &ApiToken,
        secret_hash: &str,
    ) -> Result<(), StoreError>;
    /// The token whose secret hashes to `secret_hash`, with that stored hash.
    async fn find_token(&self, secret_hash: &str)
    -> Result<Option<(ApiToken, String)>, StoreError>;
    async fn get_token(&self, id: TokenId) -> Result<Option<ApiToken>, StoreError>;
    async fn list_tokens(&self, page: &PageRequest) -> Result<Page<ApiToken>, StoreError>;
    /// Marks the token revoked (idempotent on an already revoked token).
    async fn revoke_token(&self, ctx: &AuditContext, id: TokenId) -> Result<ApiToken, StoreError>;
}

#[async_trait]
pub trait AuditStore {
    async fn list_audit(
        &self,
        filter: &AuditFilter,
        page: &PageRequest,
    ) -> Result<Page<AuditRecord>, StoreError>;
    /// The sequence number of the last audit record (0 when there is none).
    async fn audit_head_seq(&self) -> Result<i64, StoreError>;
    /// Walks the whole chain in one consistent snapshot: `Ok(Ok(n))` when
    /// `n` records verify, `Ok(Err(break))` naming the first bad sequence.
    async fn verify_audit(&self) -> Result<Result<i64, AuditChainBreak>, StoreError>;
}

//! Partner security groups and their membership, addressed within their
//! tenant: the contract and its SQL implementation.

use async_trait::async_trait;
use portcullis_domain::{
    AuditOperation, Description, DisplayName, GroupId, GroupMember, GroupPatch, NewGroup, Page,
    PageRequest, SecurityGroup, TenantId, UserId,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

use crate::error::{on_reference, on_unique};
use crate::mutation::check_version;
use crate::paging::Keyset;
use crate::{AuditContext, SqlStore, StoreError, rows};

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

const COLUMNS: &str = "id, tenant_id, display_name, description, created_at, updated_at, version";

fn from_row(row: &AnyRow) -> Result<SecurityGroup, StoreError> {
    Ok(SecurityGroup {
        id: rows::parsed(row, "id", GroupId::parse)?,
        tenant_id: rows::parsed(row, "tenant_id", TenantId::parse)?,
        display_name: rows::parsed(row, "display_name", DisplayName::parse)?,
        description: rows::opt_parsed(row, "description", Description::parse)?,
        created_at: rows::time(row, "created_at")?,
        updated_at: rows::time(row, "updated_at")?,
        version: rows::int(row, "version")?,
    })
}

pub(crate) fn member_from_row(row: &AnyRow) -> Result<GroupMember, StoreError> {
    Ok(GroupMember {
        group_id: rows::parsed(row, "group_id", GroupId::parse)?,
        user_id: rows::parsed(row, "user_id", UserId::parse)?,
        added_at: rows::time(row, "added_at")?,
    })
}

async fn fetch<'e>(
    exec: impl Executor<'e, Database = Any>,
    tenant: TenantId,
    id: GroupId,
) -> Result<Option<SecurityGroup>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM security_groups WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant.to_string())
    .bind(id.to_string())
    .fetch_optional(exec)
    .await?;
    row.as_ref().map(from_row).transpose()
}

fn duplicate_name(name: &DisplayName) -> StoreError {
    StoreError::Conflict(format!(
        "a group named `{name}` already exists in this tenant"
    ))
}

#[async_trait]
impl GroupStore for SqlStore {
    async fn create_group(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        new: NewGroup,
    ) -> Result<SecurityGroup, StoreError> {
        let group = SecurityGroup {
            id: GroupId::generate(),
            tenant_id: tenant,
            display_name: new.display_name,
            description: new.description,
            created_at: ctx.at,
            updated_at: ctx.at,
            version: 1,
        };
        let mut m = self.begin_mutation().await?;
        if crate::tenants::fetch(m.conn(), tenant).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO security_groups (id, tenant_id, display_name, description, created_at, \
             updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(group.id.to_string())
        .bind(tenant.to_string())
        .bind(group.display_name.as_str())
        .bind(group.description.as_ref().map(Description::as_str))
        .bind(group.created_at.unix_millis())
        .bind(group.updated_at.unix_millis())
        .bind(group.version)
        .execute(m.conn())
        .await
        .map_err(on_unique(|| duplicate_name(&group.display_name)))?;
        m.commit(ctx.draft(
            AuditOperation::GroupCreate,
            Some(tenant),
            group.id,
            None,
            Some(&group),
        ))
        .await?;
        Ok(group)
    }

    async fn get_group(
        &self,
        tenant: TenantId,
        id: GroupId,
    ) -> Result<Option<SecurityGroup>, StoreError> {
        fetch(self.pool(), tenant, id).await
    }

    async fn list_groups(
        &self,
        tenant: TenantId,
        page: &PageRequest,
    ) -> Result<Page<SecurityGroup>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM security_groups WHERE tenant_id = $1 \
             AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3"
        ))
        .bind(tenant.to_string())
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, from_row, |g| g.id.to_string())
    }

    async fn update_group(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        id: GroupId,
        expected_version: Option<i64>,
        patch: GroupPatch,
    ) -> Result<SecurityGroup, StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = fetch(m.conn(), tenant, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(before.version, expected_version)?;
        let mut after = before.clone();
        if let Some(name) = patch.display_name {
            after.display_name = name;
        }
        if let Some(description) = patch.description {
            after.description = description;
        }
        after.updated_at = ctx.at;
        after.version += 1;
        sqlx::query(
            "UPDATE security_groups SET display_name = $1, description = $2, updated_at = $3, \
             version = $4 WHERE id = $5 AND version = $6",
        )
        .bind(after.display_name.as_str())
        .bind(after.description.as_ref().map(Description::as_str))
        .bind(after.updated_at.unix_millis())
        .bind(after.version)
        .bind(id.to_string())
        .bind(before.version)
        .execute(m.conn())
        .await
        .map_err(on_unique(|| duplicate_name(&after.display_name)))?;
        m.commit(ctx.draft(
            AuditOperation::GroupUpdate,
            Some(tenant),
            id,
            Some(&before),
            Some(&after),
        ))
        .await?;
        Ok(after)
    }

    async fn delete_group(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        id: GroupId,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = fetch(m.conn(), tenant, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(before.version, expected_version)?;
        sqlx::query("DELETE FROM group_members WHERE group_id = $1")
            .bind(id.to_string())
            .execute(m.conn())
            .await?;
        sqlx::query("DELETE FROM security_groups WHERE id = $1")
            .bind(id.to_string())
            .execute(m.conn())
            .await
            .map_err(on_reference(|| {
                StoreError::Conflict(format!(
                    "group `{id}` has access assignments and cannot be deleted"
                ))
            }))?;
        m.commit(ctx.draft(
            AuditOperation::GroupDelete,
            Some(tenant),
            id,
            Some(&before),
            None,
        ))
        .await
    }

    async fn add_member(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        group: GroupId,
        user: UserId,
    ) -> Result<GroupMember, StoreError> {
        let mut m = self.begin_mutation().await?;
        if fetch(m.conn(), tenant, group).await?.is_none()
            || crate::users::fetch(m.conn(), tenant, user).await?.is_none()
        {
            return Err(StoreError::NotFound);
        }
        let member = GroupMember {
            group_id: group,
            user_id: user,
            added_at: ctx.at,
        };
        sqlx::query("INSERT INTO group_members (group_id, user_id, added_at) VALUES ($1, $2, $3)")
            .bind(group.to_string())
            .bind(user.to_string())
            .bind(member.added_at.unix_millis())
            .execute(m.conn())
            .await
            .map_err(on_unique(|| {
                StoreError::Conflict(format!(
                    "user `{user}` is already a member of group `{group}`"
                ))
            }))?;
        m.commit(ctx.draft(
            AuditOperation::GroupMemberAdd,
            Some(tenant),
            group,
            None,
            Some(&member),
        ))
        .await?;
        Ok(member)
    }

    async fn remove_member(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        group: GroupId,
        user: UserId,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        if fetch(m.conn(), tenant, group).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let row = sqlx::query(
            "SELECT group_id, user_id, added_at FROM group_members WHERE group_id = $1 AND user_id = $2",
        )
        .bind(group.to_string())
        .bind(user.to_string())
        .fetch_optional(m.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        let before = member_from_row(&row)?;
        sqlx::query("DELETE FROM group_members WHERE group_id = $1 AND user_id = $2")
            .bind(group.to_string())
            .bind(user.to_string())
            .execute(m.conn())
            .await?;
        m.commit(ctx.draft(
            AuditOperation::GroupMemberRemove,
            Some(tenant),
            group,
            Some(&before),
            None,
        ))
        .await
    }

    async fn list_members(
        &self,
        tenant: TenantId,
        group: GroupId,
        page: &PageRequest,
    ) -> Result<Page<GroupMember>, StoreError> {
        if fetch(self.pool(), tenant, group).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(
            "SELECT group_id, user_id, added_at FROM group_members WHERE group_id = $1 \
             AND ($2 IS NULL OR user_id > $2) ORDER BY user_id LIMIT $3",
        )
        .bind(group.to_string())
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, member_from_row, |m| m.user_id.to_string())
    }
}

//! Partner users, always addressed within their tenant: the contract and
//! its SQL implementation.

use async_trait::async_trait;
use portcullis_domain::{
    AuditOperation, DisplayName, NewUser, Page, PageRequest, PartnerUser, TenantId, UserId,
    UserPatch, UserPrincipalName,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Executor};

use crate::error::{on_reference, on_unique};
use crate::mutation::check_version;
use crate::paging::Keyset;
use crate::{AuditContext, SqlStore, StoreError, rows};

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
    /// The user `id` in whichever tenant holds it: for callers that are
    /// handed a bare user id (an operator's containment target).
    async fn find_user(&self, id: UserId) -> Result<Option<PartnerUser>, StoreError>;
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

pub(crate) const COLUMNS: &str =
    "id, tenant_id, user_principal_name, display_name, enabled, created_at, updated_at, version";

pub(crate) fn from_row(row: &AnyRow) -> Result<PartnerUser, StoreError> {
    Ok(PartnerUser {
        id: rows::parsed(row, "id", UserId::parse)?,
        tenant_id: rows::parsed(row, "tenant_id", TenantId::parse)?,
        user_principal_name: rows::parsed(row, "user_principal_name", UserPrincipalName::parse)?,
        display_name: rows::parsed(row, "display_name", DisplayName::parse)?,
        enabled: rows::flag(row, "enabled")?,
        created_at: rows::time(row, "created_at")?,
        updated_at: rows::time(row, "updated_at")?,
        version: rows::int(row, "version")?,
    })
}

pub(crate) async fn fetch<'e>(
    exec: impl Executor<'e, Database = Any>,
    tenant: TenantId,
    id: UserId,
) -> Result<Option<PartnerUser>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM partner_users WHERE tenant_id = $1 AND id = $2"
    ))
    .bind(tenant.to_string())
    .bind(id.to_string())
    .fetch_optional(exec)
    .await?;
    row.as_ref().map(from_row).transpose()
}

fn duplicate_upn(upn: &UserPrincipalName) -> StoreError {
    StoreError::Conflict(format!(
        "a user named `{upn}`, or a name confusable with it, already exists in this tenant"
    ))
}

/// Fills in the skeleton of users written before migration 0014. A user
/// whose name is confusable with an earlier one in its tenant keeps no
/// skeleton (and is logged), since refusing to start would lock the
/// operator out of renaming it.
pub(crate) async fn backfill_skeletons(store: &SqlStore) -> Result<(), StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM partner_users WHERE upn_skeleton IS NULL ORDER BY created_at, id"
    ))
    .fetch_all(store.pool())
    .await?;
    for row in &rows {
        let user = from_row(row)?;
        let filled = sqlx::query("UPDATE partner_users SET upn_skeleton = $1 WHERE id = $2")
            .bind(user.user_principal_name.skeleton())
            .bind(user.id.to_string())
            .execute(store.pool())
            .await;
        match filled {
            Ok(_) => {}
            Err(e) if crate::error::is_unique_violation(&e) => {
                tracing::warn!(
                    user = %user.id,
                    tenant = %user.tenant_id,
                    upn = %user.user_principal_name,
                    "a user principal name is confusable with another in its tenant; rename one"
                );
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(())
}

#[async_trait]
impl UserStore for SqlStore {
    async fn create_user(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        new: NewUser,
    ) -> Result<PartnerUser, StoreError> {
        let user = PartnerUser {
            id: UserId::generate(),
            tenant_id: tenant,
            user_principal_name: new.user_principal_name,
            display_name: new.display_name,
            enabled: new.enabled,
            created_at: ctx.at,
            updated_at: ctx.at,
            version: 1,
        };
        let mut m = self.begin_mutation().await?;
        if crate::tenants::fetch(m.conn(), tenant).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO partner_users (id, tenant_id, user_principal_name, display_name, enabled, \
             created_at, updated_at, version, upn_skeleton) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(user.id.to_string())
        .bind(tenant.to_string())
        .bind(user.user_principal_name.as_str())
        .bind(user.display_name.as_str())
        .bind(i64::from(user.enabled))
        .bind(user.created_at.unix_millis())
        .bind(user.updated_at.unix_millis())
        .bind(user.version)
        .bind(user.user_principal_name.skeleton())
        .execute(m.conn())
        .await
        .map_err(on_unique(|| duplicate_upn(&user.user_principal_name)))?;
        m.commit(ctx.draft(
            AuditOperation::UserCreate,
            Some(tenant),
            user.id,
            None,
            Some(&user),
        ))
        .await?;
        Ok(user)
    }

    async fn get_user(
        &self,
        tenant: TenantId,
        id: UserId,
    ) -> Result<Option<PartnerUser>, StoreError> {
        fetch(self.pool(), tenant, id).await
    }

    async fn find_user(&self, id: UserId) -> Result<Option<PartnerUser>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM partner_users WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(from_row).transpose()
    }

    async fn list_users(
        &self,
        tenant: TenantId,
        page: &PageRequest,
    ) -> Result<Page<PartnerUser>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM partner_users WHERE tenant_id = $1 \
             AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3"
        ))
        .bind(tenant.to_string())
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, from_row, |u| u.id.to_string())
    }

    async fn update_user(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        id: UserId,
        expected_version: Option<i64>,
        patch: UserPatch,
    ) -> Result<PartnerUser, StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = fetch(m.conn(), tenant, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(before.version, expected_version)?;
        let mut after = before.clone();
        if let Some(upn) = patch.user_principal_name {
            after.user_principal_name = upn;
        }
        if let Some(name) = patch.display_name {
            after.display_name = name;
        }
        if let Some(enabled) = patch.enabled {
            after.enabled = enabled;
        }
        after.updated_at = ctx.at;
        after.version += 1;
        sqlx::query(
            "UPDATE partner_users SET user_principal_name = $1, display_name = $2, enabled = $3, \
             updated_at = $4, version = $5, upn_skeleton = $8 WHERE id = $6 AND version = $7",
        )
        .bind(after.user_principal_name.as_str())
        .bind(after.display_name.as_str())
        .bind(i64::from(after.enabled))
        .bind(after.updated_at.unix_millis())
        .bind(after.version)
        .bind(id.to_string())
        .bind(before.version)
        .bind(after.user_principal_name.skeleton())
        .execute(m.conn())
        .await
        .map_err(on_unique(|| duplicate_upn(&after.user_principal_name)))?;
        m.commit(ctx.draft(
            AuditOperation::UserUpdate,
            Some(tenant),
            id,
            Some(&before),
            Some(&after),
        ))
        .await?;
        Ok(after)
    }

    async fn delete_user(
        &self,
        ctx: &AuditContext,
        tenant: TenantId,
        id: UserId,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = fetch(m.conn(), tenant, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        check_version(before.version, expected_version)?;
        sqlx::query("DELETE FROM group_members WHERE user_id = $1")
            .bind(id.to_string())
            .execute(m.conn())
            .await?;
        sqlx::query("DELETE FROM partner_users WHERE id = $1")
            .bind(id.to_string())
            .execute(m.conn())
            .await
            .map_err(on_reference(|| {
                StoreError::Conflict(format!("user `{id}` has activations and cannot be deleted"))
            }))?;
        m.commit(ctx.draft(
            AuditOperation::UserDelete,
            Some(tenant),
            id,
            Some(&before),
            None,
        ))
        .await
    }
}

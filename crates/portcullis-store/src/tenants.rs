//! Tenants (partners and customers): the contract and its SQL
//! implementation.

use async_trait::async_trait;
use portcullis_domain::{
    AuditOperation, DisplayName, NewTenant, Page, PageRequest, Tenant, TenantId, TenantKind,
    TenantPatch, ValidationError,
};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor};

use crate::mutation::check_version;
use crate::paging::Keyset;
use crate::{AuditContext, SqlStore, StoreError, rows};

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

pub(crate) const COLUMNS: &str = "id, kind, display_name, created_at, updated_at, version";

pub(crate) fn from_row(row: &AnyRow) -> Result<Tenant, StoreError> {
    Ok(Tenant {
        id: rows::parsed(row, "id", TenantId::parse)?,
        kind: rows::parsed(row, "kind", |s| {
            TenantKind::parse(s).ok_or_else(|| ValidationError::new("kind", format!("`{s}`")))
        })?,
        display_name: rows::parsed(row, "display_name", DisplayName::parse)?,
        created_at: rows::time(row, "created_at")?,
        updated_at: rows::time(row, "updated_at")?,
        version: rows::int(row, "version")?,
    })
}

pub(crate) async fn fetch<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: TenantId,
) -> Result<Option<Tenant>, StoreError> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM tenants WHERE id = $1"))
        .bind(id.to_string())
        .fetch_optional(exec)
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Refuses a tenant that does not exist (not found) or is of the other kind.
pub(crate) async fn require_kind(
    conn: &mut AnyConnection,
    id: TenantId,
    kind: TenantKind,
) -> Result<(), StoreError> {
    let tenant = fetch(conn, id).await?.ok_or(StoreError::NotFound)?;
    if tenant.kind != kind {
        return Err(StoreError::Conflict(format!(
            "tenant `{id}` is not a {} tenant",
            kind.as_str()
        )));
    }
    Ok(())
}

#[async_trait]
impl TenantStore for SqlStore {
    async fn create_tenant(
        &self,
        ctx: &AuditContext,
        new: NewTenant,
    ) -> Result<Tenant, StoreError> {
        let tenant = Tenant {
            id: new.id,
            kind: new.kind,
            display_name: new.display_name,
            created_at: ctx.at,
            updated_at: ctx.at,
            version: 1,
        };
        let mut m = self.begin_mutation().await?;
        if fetch(m.conn(), tenant.id).await?.is_some() {
            return Err(StoreError::Conflict(format!(
                "tenant `{}` already exists",
                tenant.id
            )));
        }
        sqlx::query(
            "INSERT INTO tenants (id, kind, display_name, created_at, updated_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(tenant.id.to_string())
        .bind(tenant.kind.as_str())
        .bind(tenant.display_name.as_str())
        .bind(tenant.created_at.unix_millis())
        .bind(tenant.updated_at.unix_millis())
        .bind(tenant.version)
        .execute(m.conn())
        .await?;
        m.commit(ctx.draft(
            AuditOperation::TenantCreate,
            Some(tenant.id),
            tenant.id,
            None,
            Some(&tenant),
        ))
        .await?;
        Ok(tenant)
    }

    async fn get_tenant(&self, id: TenantId) -> Result<Option<Tenant>, StoreError> {
        fetch(self.pool(), id).await
    }

    async fn list_tenants(
        &self,
        kind: Option<TenantKind>,
        page: &PageRequest,
    ) -> Result<Page<Tenant>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM tenants WHERE ($1 IS NULL OR kind = $1) \
             AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3"
        ))
        .bind(kind.map(TenantKind::as_str))
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, from_row, |t| t.id.to_string())
    }

    async fn update_tenant(
        &self,
        ctx: &AuditContext,
        id: TenantId,
        expected_version: Option<i64>,
        patch: TenantPatch,
    ) -> Result<Tenant, StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = fetch(m.conn(), id).await?.ok_or(StoreError::NotFound)?;
        check_version(before.version, expected_version)?;
        let mut after = before.clone();
        if let Some(name) = patch.display_name {
            after.display_name = name;
        }
        after.updated_at = ctx.at;
        after.version += 1;
        sqlx::query(
            "UPDATE tenants SET display_name = $1, updated_at = $2, version = $3 \
             WHERE id = $4 AND version = $5",
        )
        .bind(after.display_name.as_str())
        .bind(after.updated_at.unix_millis())
        .bind(after.version)
        .bind(id.to_string())
        .bind(before.version)
        .execute(m.conn())
        .await?;
        m.commit(ctx.draft(
            AuditOperation::TenantUpdate,
            Some(id),
            id,
            Some(&before),
            Some(&after),
        ))
        .await?;
        Ok(after)
    }

    async fn delete_tenant(
        &self,
        ctx: &AuditContext,
        id: TenantId,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = fetch(m.conn(), id).await?.ok_or(StoreError::NotFound)?;
        check_version(before.version, expected_version)?;
        let members = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM partner_users WHERE tenant_id = $1) \
             + (SELECT COUNT(*) FROM security_groups WHERE tenant_id = $1) AS n",
        )
        .bind(id.to_string())
        .fetch_one(m.conn())
        .await?;
        if rows::int(&members, "n")? > 0 {
            return Err(StoreError::Conflict(format!(
                "tenant `{id}` still has users or groups; delete them first"
            )));
        }
        let relationships = sqlx::query(
            "SELECT COUNT(*) AS n FROM relationships \
             WHERE partner_tenant_id = $1 OR customer_tenant_id = $1",
        )
        .bind(id.to_string())
        .fetch_one(m.conn())
        .await?;
        if rows::int(&relationships, "n")? > 0 {
            return Err(StoreError::Conflict(format!(
                "tenant `{id}` is party to relationships and cannot be deleted"
            )));
        }
        // A partner's vetting record is evidence: it outlives nothing it vouched for.
        let cases = sqlx::query("SELECT COUNT(*) AS n FROM vetting_cases WHERE tenant_id = $1")
            .bind(id.to_string())
            .fetch_one(m.conn())
            .await?;
        if rows::int(&cases, "n")? > 0 {
            return Err(StoreError::Conflict(format!(
                "tenant `{id}` has a vetting history and cannot be deleted"
            )));
        }
        // The tenant's own settings go with it; the audit log keeps their history.
        for table in ["partner_authorizations", "customer_restrictions"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE tenant_id = $1"))
                .bind(id.to_string())
                .execute(m.conn())
                .await?;
        }
        for token in crate::tokens::revoke_for_tenant(&mut m, ctx, id).await? {
            tracing::info!(token = %token.id, tenant = %id, "token revoked with its tenant");
        }
        sqlx::query("DELETE FROM tenants WHERE id = $1")
            .bind(id.to_string())
            .execute(m.conn())
            .await?;
        m.commit(ctx.draft(
            AuditOperation::TenantDelete,
            Some(id),
            id,
            Some(&before),
            None,
        ))
        .await
    }
}

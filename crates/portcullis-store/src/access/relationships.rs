//! Delegated admin relationships in SQL.

use async_trait::async_trait;
use portcullis_domain::{
    DisplayName, IsoDuration, Page, PageRequest, Relationship, RelationshipFilter, RelationshipId,
    RelationshipStatus, TenantId, TenantKind,
};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor};

use super::apply::{AccessRecord, StoredRecord};
use crate::error::{on_reference, on_unique};
use crate::paging::Keyset;
use crate::{SqlStore, StoreError, rows};

pub(crate) const COLUMNS: &str = "id, partner_tenant_id, customer_tenant_id, display_name, roles, \
     duration, auto_extend_duration, status, created_at, updated_at, approval_requested_at, \
     activated_at, end_at, closed_at, version, closed_reason";

pub(crate) fn from_row(row: &AnyRow) -> Result<Relationship, StoreError> {
    Ok(Relationship {
        id: rows::parsed(row, "id", RelationshipId::parse)?,
        partner_tenant_id: rows::parsed(row, "partner_tenant_id", TenantId::parse)?,
        customer_tenant_id: rows::parsed(row, "customer_tenant_id", TenantId::parse)?,
        display_name: rows::parsed(row, "display_name", DisplayName::parse)?,
        roles: rows::json(row, "roles")?,
        duration: rows::parsed(row, "duration", IsoDuration::parse)?,
        auto_extend_duration: rows::parsed(row, "auto_extend_duration", IsoDuration::parse)?,
        status: rows::named(row, "status", RelationshipStatus::parse)?,
        created_at: rows::time(row, "created_at")?,
        updated_at: rows::time(row, "updated_at")?,
        approval_requested_at: rows::opt_time(row, "approval_requested_at")?,
        activated_at: rows::opt_time(row, "activated_at")?,
        end_at: rows::opt_time(row, "end_at")?,
        closed_at: rows::opt_time(row, "closed_at")?,
        closed_reason: rows::opt_text(row, "closed_reason")?,
        version: rows::int(row, "version")?,
    })
}

async fn fetch<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: RelationshipId,
) -> Result<Option<Relationship>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM relationships WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(exec)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The partner tenant a stored relationship belongs to.
pub(crate) async fn partner_of(
    conn: &mut AnyConnection,
    id: RelationshipId,
) -> Result<Option<TenantId>, StoreError> {
    let row = sqlx::query("SELECT partner_tenant_id FROM relationships WHERE id = $1")
        .bind(id.to_string())
        .fetch_optional(conn)
        .await?;
    row.map(|row| rows::parsed(&row, "partner_tenant_id", TenantId::parse))
        .transpose()
}

fn duplicate_name(name: &DisplayName) -> StoreError {
    StoreError::Conflict(format!(
        "a relationship named `{name}` already exists for this partner"
    ))
}

#[async_trait]
impl AccessRecord for Relationship {
    const WHAT: &'static str = "relationship";

    fn id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn keeps_fixed_fields(&self, after: &Self) -> bool {
        self.id == after.id
            && self.partner_tenant_id == after.partner_tenant_id
            && self.customer_tenant_id == after.customer_tenant_id
            && self.created_at == after.created_at
    }

    async fn stored(
        conn: &mut AnyConnection,
        id: &str,
    ) -> Result<Option<StoredRecord>, StoreError> {
        let row = sqlx::query("SELECT version, partner_tenant_id FROM relationships WHERE id = $1")
            .bind(id)
            .fetch_optional(conn)
            .await?;
        StoredRecord::read(row.as_ref())
    }

    async fn owner_of_new(&self, conn: &mut AnyConnection) -> Result<TenantId, StoreError> {
        crate::tenants::require_kind(&mut *conn, self.partner_tenant_id, TenantKind::Partner)
            .await?;
        crate::tenants::require_kind(conn, self.customer_tenant_id, TenantKind::Customer).await?;
        Ok(self.partner_tenant_id)
    }

    async fn insert(&self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO relationships ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, \
             $10, $11, $12, $13, $14, $15, $16)"
        ))
        .bind(self.id.to_string())
        .bind(self.partner_tenant_id.to_string())
        .bind(self.customer_tenant_id.to_string())
        .bind(self.display_name.as_str())
        .bind(rows::to_json(&self.roles)?)
        .bind(self.duration.as_str())
        .bind(self.auto_extend_duration.as_str())
        .bind(self.status.as_str())
        .bind(self.created_at.unix_millis())
        .bind(self.updated_at.unix_millis())
        .bind(self.approval_requested_at.map(|t| t.unix_millis()))
        .bind(self.activated_at.map(|t| t.unix_millis()))
        .bind(self.end_at.map(|t| t.unix_millis()))
        .bind(self.closed_at.map(|t| t.unix_millis()))
        .bind(self.version)
        .bind(self.closed_reason.as_deref())
        .execute(conn)
        .await
        .map_err(on_unique(|| duplicate_name(&self.display_name)))?;
        Ok(())
    }

    async fn update(&self, conn: &mut AnyConnection, expected: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE relationships SET display_name = $1, roles = $2, duration = $3, \
             auto_extend_duration = $4, status = $5, updated_at = $6, approval_requested_at = $7, \
             activated_at = $8, end_at = $9, closed_at = $10, version = $11, \
             closed_reason = $12 WHERE id = $13 AND version = $14",
        )
        .bind(self.display_name.as_str())
        .bind(rows::to_json(&self.roles)?)
        .bind(self.duration.as_str())
        .bind(self.auto_extend_duration.as_str())
        .bind(self.status.as_str())
        .bind(self.updated_at.unix_millis())
        .bind(self.approval_requested_at.map(|t| t.unix_millis()))
        .bind(self.activated_at.map(|t| t.unix_millis()))
        .bind(self.end_at.map(|t| t.unix_millis()))
        .bind(self.closed_at.map(|t| t.unix_millis()))
        .bind(self.version)
        .bind(self.closed_reason.as_deref())
        .bind(self.id.to_string())
        .bind(expected)
        .execute(conn)
        .await
        .map_err(on_unique(|| duplicate_name(&self.display_name)))?;
        Ok(done.rows_affected())
    }

    async fn delete(&self, conn: &mut AnyConnection) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM relationships WHERE id = $1 AND version = $2")
            .bind(self.id.to_string())
            .bind(self.version)
            .execute(conn)
            .await
            .map_err(on_reference(|| {
                StoreError::Conflict(format!(
                    "relationship `{}` has access assignments and cannot be deleted",
                    self.id
                ))
            }))?;
        Ok(done.rows_affected())
    }
}

impl SqlStore {
    pub(crate) async fn relationship(
        &self,
        id: RelationshipId,
    ) -> Result<Option<Relationship>, StoreError> {
        fetch(self.pool(), id).await
    }

    pub(crate) async fn relationships(
        &self,
        filter: &RelationshipFilter,
        page: &PageRequest,
    ) -> Result<Page<Relationship>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM relationships WHERE ($1 IS NULL OR partner_tenant_id = $1) \
             AND ($2 IS NULL OR customer_tenant_id = $2) AND ($3 IS NULL OR status = $3) \
             AND ($4 IS NULL OR id > $4) ORDER BY id LIMIT $5"
        ))
        .bind(filter.partner_tenant_id.map(|t| t.to_string()))
        .bind(filter.customer_tenant_id.map(|t| t.to_string()))
        .bind(filter.status.map(RelationshipStatus::as_str))
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, from_row, |r| r.id.to_string())
    }
}

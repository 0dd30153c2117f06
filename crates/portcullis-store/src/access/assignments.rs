//! Access assignments in SQL: a relationship's roles granted to one partner
//! security group.

use async_trait::async_trait;
use portcullis_domain::{
    AccessAssignment, AssignmentId, AssignmentStatus, GroupId, Page, PageRequest, RelationshipId,
    TenantId,
};
use sqlx::any::AnyRow;
use sqlx::{Any, AnyConnection, Executor};

use super::apply::{AccessRecord, StoredRecord};
use crate::error::on_reference;
use crate::paging::Keyset;
use crate::{SqlStore, StoreError, rows};

pub(crate) const COLUMNS: &str =
    "id, relationship_id, group_id, roles, kind, status, created_at, updated_at, version";

pub(crate) fn from_row(row: &AnyRow) -> Result<AccessAssignment, StoreError> {
    Ok(AccessAssignment {
        id: rows::parsed(row, "id", AssignmentId::parse)?,
        relationship_id: rows::parsed(row, "relationship_id", RelationshipId::parse)?,
        group_id: rows::parsed(row, "group_id", GroupId::parse)?,
        roles: rows::json(row, "roles")?,
        kind: rows::json(row, "kind")?,
        status: rows::named(row, "status", AssignmentStatus::parse)?,
        created_at: rows::time(row, "created_at")?,
        updated_at: rows::time(row, "updated_at")?,
        version: rows::int(row, "version")?,
    })
}

async fn fetch<'e>(
    exec: impl Executor<'e, Database = Any>,
    id: AssignmentId,
) -> Result<Option<AccessAssignment>, StoreError> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM access_assignments WHERE id = $1"
    ))
    .bind(id.to_string())
    .fetch_optional(exec)
    .await?;
    row.as_ref().map(from_row).transpose()
}

/// The partner tenant a stored assignment belongs to, through its relationship.
pub(crate) async fn partner_of(
    conn: &mut AnyConnection,
    id: AssignmentId,
) -> Result<Option<TenantId>, StoreError> {
    Ok(stored(conn, &id.to_string()).await?.map(|s| s.partner))
}

async fn stored(conn: &mut AnyConnection, id: &str) -> Result<Option<StoredRecord>, StoreError> {
    let row = sqlx::query(
        "SELECT a.version AS version, r.partner_tenant_id AS partner_tenant_id \
         FROM access_assignments a JOIN relationships r ON r.id = a.relationship_id \
         WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    StoredRecord::read(row.as_ref())
}

#[async_trait]
impl AccessRecord for AccessAssignment {
    const WHAT: &'static str = "access assignment";

    fn id(&self) -> String {
        self.id.to_string()
    }

    fn version(&self) -> i64 {
        self.version
    }

    fn keeps_fixed_fields(&self, after: &Self) -> bool {
        self.id == after.id
            && self.relationship_id == after.relationship_id
            && self.group_id == after.group_id
            && self.created_at == after.created_at
    }

    async fn stored(
        conn: &mut AnyConnection,
        id: &str,
    ) -> Result<Option<StoredRecord>, StoreError> {
        stored(conn, id).await
    }

    /// The relationship must exist, and the group must be one of its partner's.
    async fn owner_of_new(&self, conn: &mut AnyConnection) -> Result<TenantId, StoreError> {
        let partner = super::relationships::partner_of(&mut *conn, self.relationship_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let group = sqlx::query("SELECT id FROM security_groups WHERE tenant_id = $1 AND id = $2")
            .bind(partner.to_string())
            .bind(self.group_id.to_string())
            .fetch_optional(conn)
            .await?;
        group.map(|_| partner).ok_or(StoreError::NotFound)
    }

    async fn insert(&self, conn: &mut AnyConnection) -> Result<(), StoreError> {
        sqlx::query(&format!(
            "INSERT INTO access_assignments ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        ))
        .bind(self.id.to_string())
        .bind(self.relationship_id.to_string())
        .bind(self.group_id.to_string())
        .bind(rows::to_json(&self.roles)?)
        .bind(rows::to_json(&self.kind)?)
        .bind(self.status.as_str())
        .bind(self.created_at.unix_millis())
        .bind(self.updated_at.unix_millis())
        .bind(self.version)
        .execute(conn)
        .await?;
        Ok(())
    }

    async fn update(&self, conn: &mut AnyConnection, expected: i64) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE access_assignments SET roles = $1, kind = $2, status = $3, updated_at = $4, \
             version = $5 WHERE id = $6 AND version = $7",
        )
        .bind(rows::to_json(&self.roles)?)
        .bind(rows::to_json(&self.kind)?)
        .bind(self.status.as_str())
        .bind(self.updated_at.unix_millis())
        .bind(self.version)
        .bind(self.id.to_string())
        .bind(expected)
        .execute(conn)
        .await?;
        Ok(done.rows_affected())
    }

    async fn delete(&self, conn: &mut AnyConnection) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM access_assignments WHERE id = $1 AND version = $2")
            .bind(self.id.to_string())
            .bind(self.version)
            .execute(conn)
            .await
            .map_err(on_reference(|| {
                StoreError::Conflict(format!(
                    "access assignment `{}` has activations and cannot be deleted",
                    self.id
                ))
            }))?;
        Ok(done.rows_affected())
    }
}

impl SqlStore {
    pub(crate) async fn assignment(
        &self,
        id: AssignmentId,
    ) -> Result<Option<AccessAssignment>, StoreError> {
        fetch(self.pool(), id).await
    }

    /// The assignments of one relationship; not found when it does not exist.
    pub(crate) async fn assignments(
        &self,
        relationship: RelationshipId,
        page: &PageRequest,
    ) -> Result<Page<AccessAssignment>, StoreError> {
        if self.relationship(relationship).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM access_assignments WHERE relationship_id = $1 \
             AND ($2 IS NULL OR id > $2) ORDER BY id LIMIT $3"
        ))
        .bind(relationship.to_string())
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, from_row, |a| a.id.to_string())
    }
}

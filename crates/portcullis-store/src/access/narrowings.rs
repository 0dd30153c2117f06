//! Narrowed relationship requests: which relationship a new one replaces.
//! Written by [`AccessStore::apply`](super::AccessStore::apply) as an
//! [`AccessChange::Narrowing`](super::AccessChange::Narrowing), audited as
//! `relationship.narrow`.

use portcullis_domain::{AuditDraft, AuditOperation, RelationshipId, RelationshipNarrowing};
use sqlx::any::AnyRow;

use super::apply::AccessRecord;
use crate::mutation::Mutation;
use crate::{AuditContext, SqlStore, StoreError, rows};

const COLUMNS: &str = "relationship_id, replaces_id, roles_before, roles_after, created_at";

fn from_row(row: &AnyRow) -> Result<RelationshipNarrowing, StoreError> {
    Ok(RelationshipNarrowing {
        relationship_id: rows::parsed(row, "relationship_id", RelationshipId::parse)?,
        replaces_id: rows::parsed(row, "replaces_id", RelationshipId::parse)?,
        roles_before: rows::json(row, "roles_before")?,
        roles_after: rows::json(row, "roles_after")?,
        created_at: rows::time(row, "created_at")?,
    })
}

/// Inserts the narrowing within `m`; both relationships must exist (the new
/// one may have been inserted earlier in the same batch).
pub(super) async fn insert(
    m: &mut Mutation,
    ctx: &AuditContext,
    narrowing: &RelationshipNarrowing,
) -> Result<AuditDraft, StoreError> {
    let new = narrowing.relationship_id.to_string();
    let stored = <portcullis_domain::Relationship as AccessRecord>::stored(m.conn(), &new)
        .await?
        .ok_or(StoreError::NotFound)?;
    <portcullis_domain::Relationship as AccessRecord>::stored(
        m.conn(),
        &narrowing.replaces_id.to_string(),
    )
    .await?
    .ok_or(StoreError::NotFound)?;
    sqlx::query(&format!(
        "INSERT INTO relationship_narrowings ({COLUMNS}) VALUES ($1, $2, $3, $4, $5)"
    ))
    .bind(&new)
    .bind(narrowing.replaces_id.to_string())
    .bind(rows::to_json(&narrowing.roles_before)?)
    .bind(rows::to_json(&narrowing.roles_after)?)
    .bind(narrowing.created_at.unix_millis())
    .execute(m.conn())
    .await?;
    Ok(ctx.draft(
        AuditOperation::RelationshipNarrow,
        Some(stored.partner),
        new,
        None,
        Some(narrowing),
    ))
}

impl SqlStore {
    pub(super) async fn narrowings_where(
        &self,
        column: &str,
        id: RelationshipId,
    ) -> Result<Vec<RelationshipNarrowing>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM relationship_narrowings WHERE {column} = $1 ORDER BY created_at"
        ))
        .bind(id.to_string())
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(from_row).collect()
    }
}

//! Watchlists in SQL: replaced whole on each load, inside one transaction
//! with its audit record (which names the list and its counts, not the
//! entities).

use async_trait::async_trait;
use portcullis_domain::{AuditOperation, WatchlistInfo};
use sqlx::any::AnyRow;

use crate::{AuditContext, SqlStore, StoreError, rows};

/// One listed entity as stored: its id, content fingerprint and JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEntity {
    pub entity_id: String,
    pub fingerprint: String,
    pub entity: String,
}

#[async_trait]
pub trait WatchlistStore {
    /// Replaces the list's entities (creating the list on its first load).
    async fn replace_watchlist(
        &self,
        ctx: &AuditContext,
        info: &WatchlistInfo,
        entities: &[StoredEntity],
    ) -> Result<WatchlistInfo, StoreError>;
    /// Deletes a list and its entities.
    async fn delete_watchlist(&self, ctx: &AuditContext, name: &str) -> Result<(), StoreError>;
    async fn list_watchlists(&self) -> Result<Vec<WatchlistInfo>, StoreError>;
    /// Every entity of every list, as `(list, entity)`.
    async fn all_watchlist_entities(&self) -> Result<Vec<(String, StoredEntity)>, StoreError>;
}

/// Rows per `INSERT`: 4 parameters each.
const ROWS_PER_INSERT: usize = 500;

fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO watchlist_entities (watchlist, entity_id, fingerprint, entity) VALUES ",
    );
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        let n = row * 4;
        sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
    }
    sql
}

fn info_from_row(row: &AnyRow) -> Result<WatchlistInfo, StoreError> {
    Ok(WatchlistInfo {
        name: rows::text(row, "name")?,
        format: rows::text(row, "format")?,
        entity_count: rows::int(row, "entity_count")?,
        rejected_count: rows::int(row, "rejected_count")?,
        loaded_at: rows::time(row, "loaded_at")?,
        version: rows::int(row, "version")?,
    })
}

const INFO_COLUMNS: &str = "name, format, entity_count, rejected_count, loaded_at, version";

#[async_trait]
impl WatchlistStore for SqlStore {
    async fn replace_watchlist(
        &self,
        ctx: &AuditContext,
        info: &WatchlistInfo,
        entities: &[StoredEntity],
    ) -> Result<WatchlistInfo, StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = sqlx::query(&format!(
            "SELECT {INFO_COLUMNS} FROM watchlists WHERE name = $1"
        ))
        .bind(&info.name)
        .fetch_optional(m.conn())
        .await?
        .as_ref()
        .map(info_from_row)
        .transpose()?;
        let after = WatchlistInfo {
            version: before.as_ref().map_or(1, |b| b.version + 1),
            loaded_at: ctx.at,
            entity_count: i64::try_from(entities.len()).unwrap_or(i64::MAX),
            ..info.clone()
        };
        sqlx::query(
            "INSERT INTO watchlists (name, format, entity_count, rejected_count, loaded_at, version) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO UPDATE SET \
             format = excluded.format, entity_count = excluded.entity_count, \
             rejected_count = excluded.rejected_count, loaded_at = excluded.loaded_at, \
             version = excluded.version",
        )
        .bind(&after.name)
        .bind(&after.format)
        .bind(after.entity_count)
        .bind(after.rejected_count)
        .bind(after.loaded_at.unix_millis())
        .bind(after.version)
        .execute(m.conn())
        .await?;
        sqlx::query("DELETE FROM watchlist_entities WHERE watchlist = $1")
            .bind(&after.name)
            .execute(m.conn())
            .await?;
        for chunk in entities.chunks(ROWS_PER_INSERT) {
            let sql = insert_sql(chunk.len());
            let mut query = sqlx::query(&sql);
            for e in chunk {
                query = query
                    .bind(&after.name)
                    .bind(&e.entity_id)
                    .bind(&e.fingerprint)
                    .bind(&e.entity);
            }
            query
                .execute(m.conn())
                .await
                .map_err(crate::error::on_unique(|| {
                    StoreError::InvalidChange(format!(
                        "watchlist `{}` lists an entity id twice",
                        after.name
                    ))
                }))?;
        }
        m.commit(ctx.draft(
            AuditOperation::WatchlistLoad,
            None,
            &after.name,
            before.as_ref(),
            Some(&after),
        ))
        .await?;
        Ok(after)
    }

    async fn delete_watchlist(&self, ctx: &AuditContext, name: &str) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        let before = sqlx::query(&format!(
            "SELECT {INFO_COLUMNS} FROM watchlists WHERE name = $1"
        ))
        .bind(name)
        .fetch_optional(m.conn())
        .await?
        .as_ref()
        .map(info_from_row)
        .transpose()?
        .ok_or(StoreError::NotFound)?;
        sqlx::query("DELETE FROM watchlist_entities WHERE watchlist = $1")
            .bind(name)
            .execute(m.conn())
            .await?;
        sqlx::query("DELETE FROM watchlists WHERE name = $1")
            .bind(name)
            .execute(m.conn())
            .await?;
        m.commit(ctx.draft(
            AuditOperation::WatchlistDelete,
            None,
            name,
            Some(&before),
            None::<&WatchlistInfo>,
        ))
        .await
    }

    async fn list_watchlists(&self) -> Result<Vec<WatchlistInfo>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {INFO_COLUMNS} FROM watchlists ORDER BY name"
        ))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(info_from_row).collect()
    }

    async fn all_watchlist_entities(&self) -> Result<Vec<(String, StoredEntity)>, StoreError> {
        let rows = sqlx::query(
            "SELECT watchlist, entity_id, fingerprint, entity FROM watchlist_entities \
             ORDER BY watchlist, entity_id",
        )
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    rows::text(row, "watchlist")?,
                    StoredEntity {
                        entity_id: rows::text(row, "entity_id")?,
                        fingerprint: rows::text(row, "fingerprint")?,
                        entity: rows::text(row, "entity")?,
                    },
                ))
            })
            .collect()
    }
}

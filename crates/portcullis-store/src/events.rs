//! The activity stream's storage.

use async_trait::async_trait;
use portcullis_domain::{
    ActivityEvent, EncodedEvent, EventFilter, Page, PageRequest, StoredEvent, Timestamp,
};
use sqlx::any::AnyRow;

use crate::paging::Keyset;
use crate::{SqlStore, StoreError, rows};

#[async_trait]
pub trait EventStore {
    /// Appends events in one transaction, ignoring any whose `uid` is
    /// already stored; returns how many were new.
    async fn append_events(&self, events: &[ActivityEvent]) -> Result<u64, StoreError>;
    /// [`EventStore::append_events`] for events whose documents are
    /// already JSON text (the decision path's).
    async fn append_encoded_events(&self, events: &[EncodedEvent]) -> Result<u64, StoreError>;
    /// Deletes events whose time is before `before`; returns how many.
    async fn prune_events(&self, before: Timestamp) -> Result<u64, StoreError>;
    /// Events in arrival order (newest first with `filter.newest_first`).
    async fn list_events(
        &self,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> Result<Page<StoredEvent>, StoreError>;
}

const COLUMNS: &str = "seq, uid, class_uid, time, status_id, partner_tenant_id, user_id, customer_tenant_id, operation, body";

fn from_row(row: &AnyRow) -> Result<StoredEvent, StoreError> {
    let body = rows::text(row, "body")?;
    Ok(StoredEvent {
        seq: rows::int(row, "seq")?,
        event: ActivityEvent {
            uid: rows::text(row, "uid")?,
            class_uid: rows::int(row, "class_uid")?,
            time: rows::time(row, "time")?,
            status_id: rows::int(row, "status_id")?,
            partner_tenant_id: rows::opt_text(row, "partner_tenant_id")?,
            user_id: rows::opt_text(row, "user_id")?,
            customer_tenant_id: rows::opt_text(row, "customer_tenant_id")?,
            operation: rows::opt_text(row, "operation")?,
            body: serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("column `body`: {e}")))?,
        },
    })
}

/// Rows per `INSERT` statement, 9 parameters each. Few: binding a
/// numbered parameter makes SQLite look its name up in a list (linear in
/// the statement's parameters), so a statement's binding costs grow with
/// the square of its rows — at 200 rows that lookup was the largest single
/// cost of a server under decision load.
const ROWS_PER_INSERT: usize = 16;

/// `INSERT ... VALUES ($1, ..., $9), ($10, ...) ON CONFLICT (uid) DO NOTHING` for `rows` rows.
fn insert_sql(rows: usize) -> String {
    let mut sql = String::from(
        "INSERT INTO activity_events (uid, class_uid, time, status_id, partner_tenant_id, \
         user_id, customer_tenant_id, operation, body) VALUES ",
    );
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        let first = row * 9 + 1;
        let params: Vec<String> = (first..first + 9).map(|n| format!("${n}")).collect();
        sql.push('(');
        sql.push_str(&params.join(", "));
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT (uid) DO NOTHING");
    sql
}

#[async_trait]
impl EventStore for SqlStore {
    async fn prune_events(&self, before: Timestamp) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM activity_events WHERE time < $1")
            .bind(before.unix_millis())
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }

    async fn append_events(&self, events: &[ActivityEvent]) -> Result<u64, StoreError> {
        let encoded: Vec<EncodedEvent> = events.iter().map(EncodedEvent::from).collect();
        self.append_encoded_events(&encoded).await
    }

    async fn append_encoded_events(&self, events: &[EncodedEvent]) -> Result<u64, StoreError> {
        let mut tx = self.pool().begin().await?;
        let mut added = 0;
        for chunk in events.chunks(ROWS_PER_INSERT) {
            let sql = insert_sql(chunk.len());
            let mut query = sqlx::query(&sql);
            for event in chunk {
                query = query
                    .bind(&event.uid)
                    .bind(event.class_uid)
                    .bind(event.time.unix_millis())
                    .bind(event.status_id)
                    .bind(event.partner_tenant_id.as_deref())
                    .bind(event.user_id.as_deref())
                    .bind(event.customer_tenant_id.as_deref())
                    .bind(event.operation.as_deref())
                    .bind(event.body.as_str());
            }
            added += query.execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(added)
    }

    async fn list_events(
        &self,
        filter: &EventFilter,
        page: &PageRequest,
    ) -> Result<Page<StoredEvent>, StoreError> {
        let keys = Keyset::by_seq(page)?;
        // The cursor is the last sequence number read, in either direction.
        let (past, order) = if filter.newest_first {
            ("<", "DESC")
        } else {
            (">", "ASC")
        };
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM activity_events WHERE ($1 IS NULL OR partner_tenant_id = $1) \
             AND ($2 IS NULL OR user_id = $2) AND ($3 IS NULL OR customer_tenant_id = $3) \
             AND ($4 IS NULL OR class_uid = $4) AND ($5 IS NULL OR time >= $5) \
             AND ($6 IS NULL OR time < $6) AND ($7 IS NULL OR seq {past} $7) \
             ORDER BY seq {order} LIMIT $8"
        ))
        .bind(filter.partner_tenant_id.map(|t| t.to_string()))
        .bind(filter.user_id.map(|u| u.to_string()))
        .bind(filter.customer_tenant_id.map(|t| t.to_string()))
        .bind(filter.class_uid)
        .bind(filter.since.map(|t| t.unix_millis()))
        .bind(filter.until.map(|t| t.unix_millis()))
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, from_row, |e| e.seq.to_string())
    }
}

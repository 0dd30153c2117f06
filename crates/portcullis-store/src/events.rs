//! The activity stream's storage.

use async_trait::async_trait;
use portcullis_domain::{
    ActivityEvent, EncodedEvent, EventFilter, Page, PageRequest, StoredEvent, Timestamp,
};
use sqlx::any::AnyRow;

use crate::conditions::Conditions;
use crate::paging::Keyset;
use crate::{Backend, SqlStore, StoreError, rows};

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

/// Rows per `INSERT` statement, 9 parameters each. Every statement is a
/// round trip between the writer task and the database's connection
/// (for SQLite, its worker thread), and a busy server runs the writer
/// task among its request tasks: at 16 rows a statement, a batch of a
/// thousand decision records waited for 63 round trips, and those waits,
/// not CPU, bounded how many decisions a second a node could record.
const ROWS_PER_INSERT: usize = 200;

/// `INSERT ... VALUES (...), (...) ON CONFLICT (uid) DO NOTHING` for `rows`
/// rows. SQLite gets anonymous `?` placeholders: binding a numbered one
/// (`$n`) makes it look the number up in a list as long as the
/// statement's parameters, so a statement's binding cost would grow with
/// the square of its rows (at 200 rows that lookup was once the largest
/// single cost of a loaded server); PostgreSQL numbers them `$1…`.
fn insert_sql(rows: usize, backend: Backend) -> String {
    let mut sql = String::from(
        "INSERT INTO activity_events (uid, class_uid, time, status_id, partner_tenant_id, \
         user_id, customer_tenant_id, operation, body) VALUES ",
    );
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        let first = row * 9 + 1;
        let params: Vec<String> = (first..first + 9)
            .map(|n| match backend {
                Backend::Sqlite => "?".to_owned(),
                Backend::Postgres => format!("${n}"),
            })
            .collect();
        sql.push('(');
        sql.push_str(&params.join(", "));
        sql.push(')');
    }
    sql.push_str(" ON CONFLICT (uid) DO NOTHING");
    sql
}

/// The conditions of a list of `filter` after the cursor `after`, and its
/// `ORDER BY` (see [`Conditions`]): the cursor is a rowid range.
fn list_conditions(filter: &EventFilter, after: Option<i64>) -> (Conditions, &'static str) {
    // The cursor is the last sequence number read, in either direction.
    let (past, order) = if filter.newest_first {
        ("seq < {}", "ORDER BY seq DESC")
    } else {
        ("seq > {}", "ORDER BY seq ASC")
    };
    let mut conditions = Conditions::default();
    conditions
        .text(
            "partner_tenant_id = {}",
            filter.partner_tenant_id.map(|t| t.to_string()),
        )
        .text("user_id = {}", filter.user_id.map(|u| u.to_string()))
        .text(
            "customer_tenant_id = {}",
            filter.customer_tenant_id.map(|t| t.to_string()),
        )
        .int("class_uid = {}", filter.class_uid)
        .int("time >= {}", filter.since.map(|t| t.unix_millis()))
        .int("time < {}", filter.until.map(|t| t.unix_millis()))
        .int(past, after);
    (conditions, order)
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
            let sql = insert_sql(chunk.len(), self.backend);
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
        let (conditions, order) = list_conditions(filter, keys.after());
        let select = format!("SELECT {COLUMNS} FROM activity_events");
        let rows = conditions
            .fetch(self.pool(), &select, order, keys.fetch())
            .await?;
        keys.page(&rows, from_row, |e| e.seq.to_string())
    }
}

#[cfg(test)]
mod tests {
    use portcullis_domain::{TenantId, UserId};

    use super::*;

    /// SQLite's plan for the list statement of `filter` after `after`.
    async fn plan(store: &SqlStore, filter: &EventFilter, after: Option<i64>) -> String {
        let (conditions, order) = list_conditions(filter, after);
        let explain = format!("EXPLAIN QUERY PLAN SELECT {COLUMNS} FROM activity_events");
        let sql = conditions.statement(&explain, order);
        let rows = conditions
            .bind(sqlx::query(&sql))
            .bind(100_i64)
            .fetch_all(store.pool())
            .await
            .unwrap();
        rows.iter()
            .map(|row| rows::text(row, "detail").unwrap())
            .collect::<Vec<_>>()
            .join("; ")
    }

    #[test]
    fn inserts_number_placeholders_for_postgresql_only() {
        let sqlite = insert_sql(2, Backend::Sqlite);
        assert_eq!(sqlite.matches('?').count(), 18);
        assert!(!sqlite.contains('$'), "{sqlite}");
        let postgres = insert_sql(2, Backend::Postgres);
        assert!(postgres.contains("($10, $11, $12, $13, $14, $15, $16, $17, $18)"));
        assert!(!postgres.contains('?'), "{postgres}");
    }

    #[tokio::test]
    async fn reads_use_the_cursor_range_and_the_subject_indexes_not_a_table_scan() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqlStore::open(&dir.path().join("plan.db").display().to_string())
            .await
            .unwrap();
        let cursor = plan(&store, &EventFilter::default(), Some(41)).await;
        assert!(
            cursor.contains("SEARCH activity_events USING INTEGER PRIMARY KEY (rowid>?)"),
            "detection's cursor read: {cursor}"
        );
        let newest = EventFilter {
            newest_first: true,
            ..EventFilter::default()
        };
        let backwards = plan(&store, &newest, Some(41)).await;
        assert!(
            backwards.contains("USING INTEGER PRIMARY KEY (rowid<?)"),
            "{backwards}"
        );
        let user = EventFilter {
            user_id: Some(UserId::generate()),
            since: Some(Timestamp::from_unix_millis(5)),
            ..EventFilter::default()
        };
        let by_user = plan(&store, &user, None).await;
        assert!(
            by_user.contains("USING INDEX activity_events_user"),
            "{by_user}"
        );
        let customer = EventFilter {
            customer_tenant_id: Some(TenantId::generate()),
            ..EventFilter::default()
        };
        let by_customer = plan(&store, &customer, None).await;
        assert!(
            by_customer.contains("USING INDEX activity_events_customer"),
            "{by_customer}"
        );
    }
}

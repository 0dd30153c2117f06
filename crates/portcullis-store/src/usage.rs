//! Role usage counters (operational, not audited): per assignment, role,
//! user, action and UTC day, added to as nodes flush their in-process counts.

use std::collections::BTreeMap;

use async_trait::async_trait;
use portcullis_domain::{
    Action, AssignmentId, RelationshipId, RoleDays, RoleId, UsageCount, UsageFilter, UsageTotal,
    UserId,
};
use sqlx::any::AnyRow;

use crate::{SqlStore, StoreError, rows};

#[async_trait]
pub trait UsageStore {
    /// Adds the counts to the stored ones: the same key on the same day
    /// sums its allowed decisions and keeps the latest use.
    async fn add_usage(&self, counts: &[UsageCount]) -> Result<(), StoreError>;
    /// Each key's allowed decisions and last use from the filter's first day on.
    async fn usage_totals(&self, filter: &UsageFilter) -> Result<Vec<UsageTotal>, StoreError>;
    /// On how many distinct days each assignment's role was used.
    async fn usage_days(&self, filter: &UsageFilter) -> Result<Vec<RoleDays>, StoreError>;
    /// Deletes counters of days before `day`; returns how many.
    async fn prune_usage(&self, day: i64) -> Result<u64, StoreError>;
}

/// Rows per `INSERT`: 10 parameters each, well under both backends' limits.
const ROWS_PER_INSERT: usize = 200;

fn upsert_sql(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|row| {
            let first = row * 10 + 1;
            let params: Vec<String> = (first..first + 10).map(|n| format!("${n}")).collect();
            format!("({})", params.join(", "))
        })
        .collect();
    format!(
        "INSERT INTO role_usage (assignment_id, role_id, user_id, action, day, relationship_id, \
         partner_tenant_id, customer_tenant_id, allowed, last_used) VALUES {} \
         ON CONFLICT (assignment_id, role_id, user_id, action, day) DO UPDATE SET \
         allowed = role_usage.allowed + excluded.allowed, \
         last_used = CASE WHEN excluded.last_used > role_usage.last_used \
         THEN excluded.last_used ELSE role_usage.last_used END",
        values.join(", ")
    )
}

type Key = (AssignmentId, RoleId, UserId, Action, i64);

/// One count per key: a statement may not update the same row twice.
fn merged(counts: &[UsageCount]) -> Vec<UsageCount> {
    let mut by_key: BTreeMap<Key, UsageCount> = BTreeMap::new();
    for c in counts {
        let key = (
            c.assignment_id,
            c.role_id,
            c.user_id,
            c.action.clone(),
            c.day,
        );
        by_key
            .entry(key)
            .and_modify(|m| {
                m.allowed += c.allowed;
                m.last_used = m.last_used.max(c.last_used);
            })
            .or_insert_with(|| c.clone());
    }
    by_key.into_values().collect()
}

const WHERE: &str = "WHERE day >= $1 AND ($2 IS NULL OR partner_tenant_id = $2) \
     AND ($3 IS NULL OR customer_tenant_id = $3) AND ($4 IS NULL OR relationship_id = $4)";

fn total(row: &AnyRow) -> Result<UsageTotal, StoreError> {
    Ok(UsageTotal {
        relationship_id: rows::parsed(row, "relationship_id", RelationshipId::parse)?,
        assignment_id: rows::parsed(row, "assignment_id", AssignmentId::parse)?,
        role_id: rows::parsed(row, "role_id", RoleId::parse)?,
        user_id: rows::parsed(row, "user_id", UserId::parse)?,
        action: rows::parsed(row, "action", Action::parse)?,
        allowed: u64::try_from(rows::int(row, "allowed")?).unwrap_or_default(),
        days_used: u32::try_from(rows::int(row, "days_used")?).unwrap_or(u32::MAX),
        last_used: rows::time(row, "last_used")?,
    })
}

fn days(row: &AnyRow) -> Result<RoleDays, StoreError> {
    Ok(RoleDays {
        assignment_id: rows::parsed(row, "assignment_id", AssignmentId::parse)?,
        role_id: rows::parsed(row, "role_id", RoleId::parse)?,
        days_used: u32::try_from(rows::int(row, "days_used")?).unwrap_or(u32::MAX),
    })
}

impl SqlStore {
    async fn usage_query<T>(
        &self,
        select: &str,
        group: &str,
        filter: &UsageFilter,
        read: fn(&AnyRow) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {select} FROM role_usage {WHERE} GROUP BY {group}"
        ))
        .bind(filter.first_day)
        .bind(filter.partner_tenant_id.map(|t| t.to_string()))
        .bind(filter.customer_tenant_id.map(|t| t.to_string()))
        .bind(filter.relationship_id.map(|r| r.to_string()))
        .fetch_all(self.pool())
        .await?;
        rows.iter().map(read).collect()
    }
}

#[async_trait]
impl UsageStore for SqlStore {
    async fn add_usage(&self, counts: &[UsageCount]) -> Result<(), StoreError> {
        let counts = merged(counts);
        let mut tx = self.pool().begin().await?;
        for chunk in counts.chunks(ROWS_PER_INSERT) {
            let sql = upsert_sql(chunk.len());
            let mut query = sqlx::query(&sql);
            for c in chunk {
                query = query
                    .bind(c.assignment_id.to_string())
                    .bind(c.role_id.to_string())
                    .bind(c.user_id.to_string())
                    .bind(c.action.as_str().to_owned())
                    .bind(c.day)
                    .bind(c.relationship_id.to_string())
                    .bind(c.partner_tenant_id.to_string())
                    .bind(c.customer_tenant_id.to_string())
                    .bind(i64::try_from(c.allowed).unwrap_or(i64::MAX))
                    .bind(c.last_used.unix_millis());
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn usage_totals(&self, filter: &UsageFilter) -> Result<Vec<UsageTotal>, StoreError> {
        self.usage_query(
            "relationship_id, assignment_id, role_id, user_id, action, \
             CAST(SUM(allowed) AS BIGINT) AS allowed, COUNT(*) AS days_used, \
             MAX(last_used) AS last_used",
            "relationship_id, assignment_id, role_id, user_id, action",
            filter,
            total,
        )
        .await
    }

    async fn usage_days(&self, filter: &UsageFilter) -> Result<Vec<RoleDays>, StoreError> {
        self.usage_query(
            "assignment_id, role_id, COUNT(DISTINCT day) AS days_used",
            "assignment_id, role_id",
            filter,
            days,
        )
        .await
    }

    async fn prune_usage(&self, day: i64) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM role_usage WHERE day < $1")
            .bind(day)
            .execute(self.pool())
            .await?;
        Ok(done.rows_affected())
    }
}

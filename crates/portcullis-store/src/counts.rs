//! Counts for overview pages: one aggregate query per question, so an
//! overview never pages through records to count them.

use async_trait::async_trait;
use portcullis_domain::vetting::CaseState;
use portcullis_domain::{FindingStatus, PostureStanding, RelationshipStatus, Timestamp};

use crate::{SqlStore, StoreError, rows};

/// How many records of each kind an overview summarises.
#[async_trait]
pub trait CountStore {
    /// Vetting cases per state (states without a case are left out).
    async fn count_cases_by_state(&self) -> Result<Vec<(CaseState, i64)>, StoreError>;
    /// Open findings (`New` or `In Progress`) per OCSF `severity_id`.
    async fn count_open_findings_by_severity(&self) -> Result<Vec<(i64, i64)>, StoreError>;
    /// Active relationships whose stored end lies in `(after, until]`.
    async fn count_relationships_ending(
        &self,
        after: Timestamp,
        until: Timestamp,
    ) -> Result<i64, StoreError>;
    /// Partners per posture standing (standings without a partner are left out).
    async fn count_postures_by_standing(&self) -> Result<Vec<(PostureStanding, i64)>, StoreError>;
}

/// `(key, n)` rows of a `GROUP BY` query, each key read by `parse`.
async fn grouped<K>(
    store: &SqlStore,
    sql: &str,
    parse: impl Fn(&str) -> Option<K>,
) -> Result<Vec<(K, i64)>, StoreError> {
    let found = sqlx::query(sql).fetch_all(store.pool()).await?;
    found
        .iter()
        .map(|row| {
            let key = rows::text(row, "k")?;
            let parsed = parse(&key)
                .ok_or_else(|| StoreError::Corrupt(format!("unknown count key `{key}`")))?;
            Ok((parsed, rows::int(row, "n")?))
        })
        .collect()
}

#[async_trait]
impl CountStore for SqlStore {
    async fn count_cases_by_state(&self) -> Result<Vec<(CaseState, i64)>, StoreError> {
        grouped(
            self,
            "SELECT state AS k, COUNT(*) AS n FROM vetting_cases GROUP BY state ORDER BY state",
            CaseState::parse,
        )
        .await
    }

    async fn count_open_findings_by_severity(&self) -> Result<Vec<(i64, i64)>, StoreError> {
        let found = sqlx::query(
            "SELECT severity_id AS k, COUNT(*) AS n FROM findings \
             WHERE status = $1 OR status = $2 GROUP BY severity_id ORDER BY severity_id DESC",
        )
        .bind(FindingStatus::New.as_str())
        .bind(FindingStatus::InProgress.as_str())
        .fetch_all(self.pool())
        .await?;
        found
            .iter()
            .map(|row| Ok((rows::int(row, "k")?, rows::int(row, "n")?)))
            .collect()
    }

    async fn count_relationships_ending(
        &self,
        after: Timestamp,
        until: Timestamp,
    ) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM relationships \
             WHERE status = $1 AND end_at > $2 AND end_at <= $3",
        )
        .bind(RelationshipStatus::Active.as_str())
        .bind(after.unix_millis())
        .bind(until.unix_millis())
        .fetch_one(self.pool())
        .await?;
        rows::int(&row, "n")
    }

    async fn count_postures_by_standing(&self) -> Result<Vec<(PostureStanding, i64)>, StoreError> {
        grouped(
            self,
            "SELECT state AS k, COUNT(*) AS n FROM partner_postures GROUP BY state ORDER BY state",
            PostureStanding::parse,
        )
        .await
    }
}

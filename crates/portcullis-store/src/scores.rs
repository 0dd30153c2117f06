//! The partner security score's history: the last score of each UTC day.
//! Derived data (recomputed from audited records), so not audited itself.

use async_trait::async_trait;
use portcullis_domain::{PartnerScore, ScorePoint, TenantId, day_of};

use crate::{SqlStore, StoreError, rows};

/// The most days of history one read returns.
pub const MAX_SCORE_DAYS: i64 = 366;

#[async_trait]
pub trait ScoreStore {
    /// Keeps `score` as its partner's score of the day it was computed
    /// (replacing an earlier one of the same day).
    async fn record_score(&self, score: &PartnerScore) -> Result<(), StoreError>;
    /// The partner's daily scores from `since_day` on, oldest first.
    async fn score_history(
        &self,
        partner: TenantId,
        since_day: i64,
    ) -> Result<Vec<ScorePoint>, StoreError>;
}

#[async_trait]
impl ScoreStore for SqlStore {
    async fn record_score(&self, score: &PartnerScore) -> Result<(), StoreError> {
        let day = day_of(score.computed_at);
        let mut tx = self.pool().begin().await?;
        sqlx::query("DELETE FROM partner_scores WHERE partner_tenant_id = $1 AND day = $2")
            .bind(score.partner_tenant_id.to_string())
            .bind(day)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO partner_scores (partner_tenant_id, day, score, body, computed_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(score.partner_tenant_id.to_string())
        .bind(day)
        .bind(i64::from(score.score))
        .bind(rows::to_json(score)?)
        .bind(score.computed_at.unix_millis())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn score_history(
        &self,
        partner: TenantId,
        since_day: i64,
    ) -> Result<Vec<ScorePoint>, StoreError> {
        let rows = sqlx::query(
            "SELECT day, score, computed_at FROM partner_scores WHERE partner_tenant_id = $1 \
             AND day >= $2 ORDER BY day LIMIT $3",
        )
        .bind(partner.to_string())
        .bind(since_day)
        .bind(MAX_SCORE_DAYS)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|row| {
                Ok(ScorePoint {
                    day: rows::int(row, "day")?,
                    score: u32::try_from(rows::int(row, "score")?).unwrap_or(0),
                    computed_at: rows::time(row, "computed_at")?,
                })
            })
            .collect()
    }
}

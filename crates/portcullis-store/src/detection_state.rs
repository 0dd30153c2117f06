//! The detection engine's saved position in the event stream and its
//! state, one row, kept between runs (operational, not audited).

use async_trait::async_trait;
use portcullis_domain::Timestamp;

use crate::{SqlStore, StoreError, rows};

#[async_trait]
pub trait DetectionStateStore {
    /// The detection engine's saved position in the event stream and state.
    async fn load_detection_state(&self) -> Result<Option<(i64, String)>, StoreError>;
    async fn save_detection_state(
        &self,
        cursor: i64,
        state: &str,
        at: Timestamp,
    ) -> Result<(), StoreError>;
}

#[async_trait]
impl DetectionStateStore for SqlStore {
    async fn load_detection_state(&self) -> Result<Option<(i64, String)>, StoreError> {
        let row = sqlx::query("SELECT cursor, state FROM detection_state WHERE id = 1")
            .fetch_optional(self.pool())
            .await?;
        row.map(|row| Ok((rows::int(&row, "cursor")?, rows::text(&row, "state")?)))
            .transpose()
    }

    async fn save_detection_state(
        &self,
        cursor: i64,
        state: &str,
        at: Timestamp,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO detection_state (id, cursor, state, saved_at) VALUES (1, $1, $2, $3) \
             ON CONFLICT (id) DO UPDATE SET cursor = excluded.cursor, state = excluded.state, \
             saved_at = excluded.saved_at",
        )
        .bind(cursor)
        .bind(state)
        .bind(at.unix_millis())
        .execute(self.pool())
        .await?;
        Ok(())
    }
}

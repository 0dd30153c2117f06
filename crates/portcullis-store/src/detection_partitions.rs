//! Partitioned detection's saved state: per partition of the activity
//! stream, the detection state, the last stream sequence taken in and how
//! many events went through detection (operational, not audited). A save is
//! compared-and-set on the last sequence, so of two nodes that both believe
//! they own a partition only one can move it forward.

use async_trait::async_trait;
use portcullis_domain::Timestamp;

use crate::{SqlStore, StoreError, rows};

/// One partition's saved detection state and position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartitionSnapshot {
    /// The partition count the partition was cut with.
    pub partitions: u32,
    /// The last stream sequence run through detection (0: none).
    pub last_seq: i64,
    /// Events run through detection in this partition, ever.
    pub processed: i64,
    /// The engine's state (JSON).
    pub state: String,
}

/// A partition's position and count, without its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartitionProgress {
    pub partition: u32,
    pub partitions: u32,
    pub last_seq: i64,
    pub processed: i64,
}

#[async_trait]
pub trait DetectionPartitionStore {
    /// The partition's saved state, if it was ever saved.
    async fn load_detection_partition(
        &self,
        partition: u32,
    ) -> Result<Option<PartitionSnapshot>, StoreError>;
    /// Saves `snapshot` if the stored last sequence is still `expected_seq`
    /// (0 and no row: the first save); `false` when another owner moved the
    /// partition meanwhile (nothing is written).
    async fn save_detection_partition(
        &self,
        partition: u32,
        expected_seq: i64,
        snapshot: &PartitionSnapshot,
        owner: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError>;
    /// Every saved partition's progress, by partition.
    async fn detection_partition_progress(&self) -> Result<Vec<PartitionProgress>, StoreError>;
}

fn narrow(value: i64, column: &str) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{column}: {value}")))
}

#[async_trait]
impl DetectionPartitionStore for SqlStore {
    async fn load_detection_partition(
        &self,
        partition: u32,
    ) -> Result<Option<PartitionSnapshot>, StoreError> {
        let row = sqlx::query(
            "SELECT partitions, last_seq, processed, state FROM detection_partitions \
             WHERE partition_no = $1",
        )
        .bind(i64::from(partition))
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| {
            Ok(PartitionSnapshot {
                partitions: narrow(rows::int(&row, "partitions")?, "partitions")?,
                last_seq: rows::int(&row, "last_seq")?,
                processed: rows::int(&row, "processed")?,
                state: rows::text(&row, "state")?,
            })
        })
        .transpose()
    }

    async fn save_detection_partition(
        &self,
        partition: u32,
        expected_seq: i64,
        snapshot: &PartitionSnapshot,
        owner: &str,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let query = if expected_seq == 0 {
            "INSERT INTO detection_partitions \
             (partition_no, partitions, last_seq, processed, state, owner, saved_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (partition_no) DO UPDATE SET partitions = excluded.partitions, \
             last_seq = excluded.last_seq, processed = excluded.processed, \
             state = excluded.state, owner = excluded.owner, saved_at = excluded.saved_at \
             WHERE detection_partitions.last_seq = 0"
        } else {
            "UPDATE detection_partitions SET partitions = $2, last_seq = $3, processed = $4, \
             state = $5, owner = $6, saved_at = $7 WHERE partition_no = $1 AND last_seq = $8"
        };
        let mut q = sqlx::query(query)
            .bind(i64::from(partition))
            .bind(i64::from(snapshot.partitions))
            .bind(snapshot.last_seq)
            .bind(snapshot.processed)
            .bind(snapshot.state.as_str())
            .bind(owner)
            .bind(at.unix_millis());
        if expected_seq != 0 {
            q = q.bind(expected_seq);
        }
        let done = q.execute(self.pool()).await?;
        Ok(done.rows_affected() == 1)
    }

    async fn detection_partition_progress(&self) -> Result<Vec<PartitionProgress>, StoreError> {
        let found = sqlx::query(
            "SELECT partition_no, partitions, last_seq, processed FROM detection_partitions \
             ORDER BY partition_no",
        )
        .fetch_all(self.pool())
        .await?;
        found
            .iter()
            .map(|row| {
                Ok(PartitionProgress {
                    partition: narrow(rows::int(row, "partition_no")?, "partition_no")?,
                    partitions: narrow(rows::int(row, "partitions")?, "partitions")?,
                    last_seq: rows::int(row, "last_seq")?,
                    processed: rows::int(row, "processed")?,
                })
            })
            .collect()
    }
}

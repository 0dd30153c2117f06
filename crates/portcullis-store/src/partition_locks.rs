//! Who owns which partition of the activity stream: PostgreSQL session
//! advisory locks held on one dedicated connection per node. A node joins
//! the group by holding a member lock; it owns a partition while it holds
//! that partition's lock. When the node dies its connection closes and
//! PostgreSQL releases every lock it held, so the others take its
//! partitions over. Nothing is written: membership and ownership are the
//! locks themselves (`pg_locks`).

use sqlx::{Connection as _, PgConnection, Row as _};

use crate::{Backend, SqlStore, Store as _, StoreError};

/// First key of the member locks (`PCM1`).
const MEMBER_KEY: i32 = 0x5043_4d31;
/// First key of the partition locks (`PCP1`).
const PARTITION_KEY: i32 = 0x5043_5031;
/// The most nodes in one group.
const MAX_MEMBERS: i32 = 4_096;

/// A node's membership of the detection group and the partition locks it
/// holds, on its own connection.
#[derive(Debug)]
pub struct PartitionLocks {
    conn: PgConnection,
    member: u32,
}

fn key(n: u32) -> Result<i32, StoreError> {
    i32::try_from(n).map_err(|_| StoreError::Config(format!("partition `{n}` is out of range")))
}

impl SqlStore {
    /// Joins the detection group on a dedicated connection, on PostgreSQL;
    /// `None` on SQLite, where one process owns the database.
    pub async fn partition_locks(&self) -> Result<Option<PartitionLocks>, StoreError> {
        if self.backend() != Backend::Postgres {
            return Ok(None);
        }
        let mut conn = PgConnection::connect(self.url()).await?;
        for member in 0..MAX_MEMBERS {
            if try_lock(&mut conn, MEMBER_KEY, member).await? {
                return Ok(Some(PartitionLocks {
                    conn,
                    member: member.unsigned_abs(),
                }));
            }
        }
        Err(StoreError::Config(format!(
            "more than {MAX_MEMBERS} nodes in the detection group"
        )))
    }
}

async fn try_lock(conn: &mut PgConnection, first: i32, second: i32) -> Result<bool, StoreError> {
    let row = sqlx::query("SELECT pg_try_advisory_lock($1, $2) AS held")
        .bind(first)
        .bind(second)
        .fetch_one(&mut *conn)
        .await?;
    Ok(row.try_get::<bool, _>("held")?)
}

impl PartitionLocks {
    /// This node's member number (0 for the first to join), stable while
    /// it stays in the group.
    pub fn member(&self) -> u32 {
        self.member
    }

    /// How many nodes are in the group now (this one included).
    pub async fn members(&mut self) -> Result<u32, StoreError> {
        let row = sqlx::query(
            "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted \
             AND objsubid = 2 AND classid::bigint = $1 \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
        .bind(i64::from(MEMBER_KEY))
        .fetch_one(&mut self.conn)
        .await?;
        let n: i64 = row.try_get("n")?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX).max(1))
    }

    /// Takes `partition` if no other node holds it.
    pub async fn try_acquire(&mut self, partition: u32) -> Result<bool, StoreError> {
        try_lock(&mut self.conn, PARTITION_KEY, key(partition)?).await
    }

    /// Gives `partition` up (after its last save).
    pub async fn release(&mut self, partition: u32) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_advisory_unlock($1, $2)")
            .bind(PARTITION_KEY)
            .bind(key(partition)?)
            .execute(&mut self.conn)
            .await?;
        Ok(())
    }

    /// Whether the connection, and so every lock on it, is still alive.
    pub async fn alive(&mut self) -> bool {
        self.conn.ping().await.is_ok()
    }

    /// Leaves the group: closes the connection, releasing every lock.
    pub async fn leave(self) {
        let _ = self.conn.close().await;
    }
}

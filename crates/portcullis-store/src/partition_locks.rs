//! Who owns which partition of the activity stream: PostgreSQL session
//! advisory locks held on one lock session per node (the primitive the
//! leader's lease uses too, `cluster::advisory`). A node joins
//! the group by holding a member lock; it owns a partition while it holds
//! that partition's lock. When the node dies its connection closes and
//! PostgreSQL releases every lock it held, so the others take its
//! partitions over. Nothing is written: membership and ownership are the
//! locks themselves (`pg_locks`).

use crate::cluster::{LockSession, SessionKind};
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
    session: LockSession,
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
        let mut session = LockSession::open(self.url(), SessionKind::Partitions).await?;
        for member in 0..MAX_MEMBERS {
            if session.try_lock(MEMBER_KEY, member).await? {
                return Ok(Some(PartitionLocks {
                    session,
                    member: member.unsigned_abs(),
                }));
            }
        }
        Err(StoreError::Config(format!(
            "more than {MAX_MEMBERS} nodes in the detection group"
        )))
    }
}

impl PartitionLocks {
    /// This node's member number (0 for the first to join), stable while
    /// it stays in the group.
    pub fn member(&self) -> u32 {
        self.member
    }

    /// How many nodes are in the group now (this one included).
    pub async fn members(&mut self) -> Result<u32, StoreError> {
        let n = self.session.held_in(MEMBER_KEY).await?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX).max(1))
    }

    /// Takes `partition` if no other node holds it.
    pub async fn try_acquire(&mut self, partition: u32) -> Result<bool, StoreError> {
        self.session.try_lock(PARTITION_KEY, key(partition)?).await
    }

    /// Gives `partition` up (after its last save).
    pub async fn release(&mut self, partition: u32) -> Result<(), StoreError> {
        self.session.unlock(PARTITION_KEY, key(partition)?).await
    }

    /// Whether the connection, and so every lock on it, is still alive.
    pub async fn alive(&mut self) -> bool {
        self.session.alive().await
    }

    /// Leaves the group: closes the connection, releasing every lock.
    pub async fn leave(self) {
        let _ = self.session.close().await;
    }
}

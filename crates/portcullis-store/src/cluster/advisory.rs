//! The one primitive behind every cluster lock on PostgreSQL: session-level
//! advisory locks (`pg_try_advisory_lock(space, key)`) held on a connection
//! of their own, outside the pool.
//!
//! A lock is held as long as its session lives, and the server releases it
//! the moment the session ends — a clean close, a crash of the process (the
//! kernel closes its socket) or, for a host that vanished, when the server's
//! TCP keepalive gives up. Nothing is written: who holds what is the locks
//! themselves (`pg_locks`). The leader's lease ([`super::lease`]) and the
//! detection group's member and partition locks
//! ([`crate::PartitionLocks`]) are both sessions of this kind, each in its
//! own lock space.

use std::str::FromStr as _;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions as _, Connection as _};

use crate::StoreError;

/// How a lock session's connection is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SessionKind {
    /// The leader's lease: named `portcullis-lease` in `pg_stat_activity`,
    /// with a server-side TCP keepalive so that a vanished host loses it
    /// within about ten seconds.
    Lease,
    /// A node's membership of the detection group and its partitions: a
    /// plain connection.
    Partitions,
}

/// Server-side TCP keepalive of a lease session: a holder whose host
/// vanished without closing its socket loses its locks after about
/// idle + interval × count seconds.
const KEEPALIVE: [(&str, &str); 3] = [
    ("tcp_keepalives_idle", "4"),
    ("tcp_keepalives_interval", "2"),
    ("tcp_keepalives_count", "3"),
];

/// A connection of its own, holding advisory locks for as long as it lives.
#[derive(Debug)]
pub(crate) struct LockSession {
    conn: PgConnection,
}

impl LockSession {
    /// Opens a session on the database at `url`.
    pub(crate) async fn open(url: &str, kind: SessionKind) -> Result<Self, StoreError> {
        let conn = match kind {
            SessionKind::Lease => {
                PgConnectOptions::from_str(url)
                    .map_err(|e| {
                        StoreError::Config(format!("cannot open a lease connection: {e}"))
                    })?
                    .application_name("portcullis-lease")
                    .options(KEEPALIVE)
                    .disable_statement_logging()
                    .connect()
                    .await?
            }
            SessionKind::Partitions => PgConnection::connect(url).await?,
        };
        Ok(Self { conn })
    }

    /// Takes the lock `(space, key)` when no session holds it.
    pub(crate) async fn try_lock(&mut self, space: i32, key: i32) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
            .bind(space)
            .bind(key)
            .fetch_one(&mut self.conn)
            .await?)
    }

    /// Gives the lock `(space, key)` up.
    pub(crate) async fn unlock(&mut self, space: i32, key: i32) -> Result<(), StoreError> {
        sqlx::query("SELECT pg_advisory_unlock($1, $2)")
            .bind(space)
            .bind(key)
            .execute(&mut self.conn)
            .await?;
        Ok(())
    }

    /// Whether this session still holds `(space, key)`: fails when the
    /// connection does not answer.
    pub(crate) async fn holds(&mut self, space: i32, key: i32) -> Result<bool, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' \
             AND pid = pg_backend_pid() AND classid::int8 = $1 AND objid::int8 = $2 AND objsubid = 2 AND granted)",
        )
        .bind(i64::from(space))
        .bind(i64::from(key))
        .fetch_one(&mut self.conn)
        .await?)
    }

    /// How many locks of `space` are held in this database, by any session.
    pub(crate) async fn held_in(&mut self, space: i32) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted \
             AND objsubid = 2 AND classid::bigint = $1 \
             AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
        )
        .bind(i64::from(space))
        .fetch_one(&mut self.conn)
        .await?)
    }

    /// Whether the connection, and so every lock on it, is still alive.
    pub(crate) async fn alive(&mut self) -> bool {
        self.conn.ping().await.is_ok()
    }

    /// Ends the session: the server releases every lock it held.
    pub(crate) async fn close(self) -> Result<(), StoreError> {
        Ok(self.conn.close().await?)
    }
}

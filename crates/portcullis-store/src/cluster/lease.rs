//! Leases: at most one holder of a key at a time, released when the holder
//! dies.
//!
//! On PostgreSQL a lease is a session-level advisory lock
//! (`pg_try_advisory_lock(space, id)`) taken on a connection of its own,
//! outside the pool: it is held as long as that connection lives and is
//! released by the server the moment the connection ends — a clean
//! release, a crash of the process (the kernel closes its socket), or, for
//! a host that vanished, when the server's TCP keepalive gives up (set on
//! the lease connection to about ten seconds). The holder confirms its
//! lease by asking the server whether its session still holds the lock.
//!
//! On SQLite one process owns the database file, so a lease is only
//! exclusive among the holders of one store value (and its clones): the
//! single node is always the leader.

use std::collections::HashSet;
use std::str::FromStr as _;
use std::sync::{Arc, Mutex, PoisonError};

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions as _, Connection as _};

use crate::{Backend, SqlStore, StoreError};

/// The advisory lock space of Portcullis' leases (`'P' 'C'`), so that they
/// cannot clash with another application's locks on the same database.
const SPACE: i32 = 0x5043;

/// What a lease is for: one key per exclusive piece of work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LeaseKey(i32);

impl LeaseKey {
    /// The node that runs the cluster's background work.
    pub const LEADER: Self = Self(0);

    /// Any other exclusive piece of work, numbered by its owner (for
    /// instance a detection partition: `LeaseKey::new(1_000 + partition)`).
    #[must_use]
    pub const fn new(id: i32) -> Self {
        Self(id)
    }

    #[must_use]
    pub const fn id(self) -> i32 {
        self.0
    }
}

/// The keys held through one store (SQLite's exclusion).
#[derive(Debug, Default)]
pub(crate) struct HeldKeys(Mutex<HashSet<LeaseKey>>);

impl HeldKeys {
    fn take(&self, key: LeaseKey) -> bool {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key)
    }

    fn give_back(&self, key: LeaseKey) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&key);
    }
}

/// A held lease. Dropping it releases it (on PostgreSQL by closing its
/// connection); [`Lease::release`] does so and waits for the server.
#[derive(Debug)]
pub struct Lease {
    key: LeaseKey,
    held: Held,
}

#[derive(Debug)]
enum Held {
    Postgres(Option<PgConnection>),
    Local(Arc<HeldKeys>),
}

/// Server-side TCP keepalive of the lease connection: a holder whose host
/// vanished without closing its socket loses the lease after about
/// idle + interval × count seconds.
const KEEPALIVE: [(&str, &str); 3] = [
    ("tcp_keepalives_idle", "4"),
    ("tcp_keepalives_interval", "2"),
    ("tcp_keepalives_count", "3"),
];

impl SqlStore {
    /// Takes the lease `key` when no one holds it; `None` when someone does.
    pub async fn try_lease(&self, key: LeaseKey) -> Result<Option<Lease>, StoreError> {
        match self.backend {
            Backend::Sqlite => Ok(self.leases.take(key).then(|| Lease {
                key,
                held: Held::Local(Arc::clone(&self.leases)),
            })),
            Backend::Postgres => {
                let options = PgConnectOptions::from_str(self.url())
                    .map_err(|e| {
                        StoreError::Config(format!("cannot open a lease connection: {e}"))
                    })?
                    .application_name("portcullis-lease")
                    .options(KEEPALIVE)
                    .disable_statement_logging();
                let mut conn = options.connect().await?;
                let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1, $2)")
                    .bind(SPACE)
                    .bind(key.0)
                    .fetch_one(&mut conn)
                    .await?;
                if taken {
                    Ok(Some(Lease {
                        key,
                        held: Held::Postgres(Some(conn)),
                    }))
                } else {
                    conn.close().await?;
                    Ok(None)
                }
            }
        }
    }
}

impl Lease {
    #[must_use]
    pub fn key(&self) -> LeaseKey {
        self.key
    }

    /// Succeeds while the lease is still held: on PostgreSQL, its
    /// connection answers and its session holds the lock. A holder whose
    /// confirmation fails (or does not answer in time) must stop the work
    /// and drop the lease.
    pub async fn confirm(&mut self) -> Result<(), StoreError> {
        let Held::Postgres(Some(conn)) = &mut self.held else {
            return Ok(());
        };
        let held: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' \
             AND pid = pg_backend_pid() AND classid::int8 = $1 AND objid::int8 = $2 AND objsubid = 2 AND granted)",
        )
        .bind(i64::from(SPACE))
        .bind(i64::from(self.key.0))
        .fetch_one(conn)
        .await?;
        if held {
            Ok(())
        } else {
            Err(StoreError::Conflict(format!(
                "lease `{}` is no longer held",
                self.key.0
            )))
        }
    }

    /// Gives the lease up for another holder to take.
    pub async fn release(mut self) -> Result<(), StoreError> {
        if let Held::Postgres(conn) = &mut self.held
            && let Some(mut conn) = conn.take()
        {
            sqlx::query("SELECT pg_advisory_unlock($1, $2)")
                .bind(SPACE)
                .bind(self.key.0)
                .execute(&mut conn)
                .await?;
            conn.close().await?;
        }
        Ok(())
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Held::Local(keys) = &self.held {
            keys.give_back(self.key);
        }
    }
}

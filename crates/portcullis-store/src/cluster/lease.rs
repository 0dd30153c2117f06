//! Leases: at most one holder of a key at a time, released when the holder
//! dies.
//!
//! On PostgreSQL a lease is an advisory lock held by a lock session of its
//! own ([`super::advisory`]): held as long as that connection lives and
//! released by the server the moment the connection ends — a clean
//! release, a crash of the process, or, for a host that vanished, when the
//! server's TCP keepalive gives up (set on the lease connection to about
//! ten seconds). The holder confirms its lease by asking the server whether
//! its session still holds the lock.
//!
//! On SQLite one process owns the database file, so a lease is only
//! exclusive among the holders of one store value (and its clones): the
//! single node is always the leader.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use super::advisory::{LockSession, SessionKind};
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
    Postgres(Option<LockSession>),
    Local(Arc<HeldKeys>),
}

impl SqlStore {
    /// Takes the lease `key` when no one holds it; `None` when someone does.
    pub async fn try_lease(&self, key: LeaseKey) -> Result<Option<Lease>, StoreError> {
        match self.backend {
            Backend::Sqlite => Ok(self.leases.take(key).then(|| Lease {
                key,
                held: Held::Local(Arc::clone(&self.leases)),
            })),
            Backend::Postgres => {
                let mut session = LockSession::open(self.url(), SessionKind::Lease).await?;
                if session.try_lock(SPACE, key.0).await? {
                    Ok(Some(Lease {
                        key,
                        held: Held::Postgres(Some(session)),
                    }))
                } else {
                    session.close().await?;
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
        let Held::Postgres(Some(session)) = &mut self.held else {
            return Ok(());
        };
        let held = session.holds(SPACE, self.key.0).await?;
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
        if let Held::Postgres(session) = &mut self.held
            && let Some(mut session) = session.take()
        {
            session.unlock(SPACE, self.key.0).await?;
            session.close().await?;
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

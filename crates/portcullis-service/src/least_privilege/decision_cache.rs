//! The decision index shared by every request of this process, kept current
//! by the use cases after each commit, and the role catalog it reads.

use std::sync::{Arc, PoisonError, RwLock};

use portcullis_decision::{Decision, DecisionIndex, DecisionRequest, DenyReason, UsageTracker};
use portcullis_domain::{AccessSnapshot, RoleCatalog, Timestamp};

/// The index behind a lock. Readers never wait on the store; writers hold
/// the lock only for an in-memory update. Every allowed decision is counted
/// in the usage tracker, which a worker flushes to the store.
///
/// The role catalog can change while the process runs (a cluster-wide
/// setting): it is replaced in the index and here under the index's write
/// lock, so a decision reads either the old catalog or the new one, never
/// an index half way between.
#[derive(Debug)]
pub struct DecisionCache {
    catalog: RwLock<Arc<RoleCatalog>>,
    index: RwLock<DecisionIndex>,
    usage: UsageTracker,
}

impl DecisionCache {
    pub fn new(catalog: RoleCatalog) -> Self {
        Self {
            index: RwLock::new(DecisionIndex::new(&catalog)),
            catalog: RwLock::new(Arc::new(catalog)),
            usage: UsageTracker::default(),
        }
    }

    /// The role usage counted since the last flush.
    pub fn usage(&self) -> &UsageTracker {
        &self.usage
    }

    /// The role catalog in force.
    pub fn catalog(&self) -> Arc<RoleCatalog> {
        Arc::clone(&self.catalog.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Puts `catalog` in force: every role number in the index now reads
    /// its role from it (a role it lacks permits nothing). Returns whether
    /// it differed from the catalog in force.
    pub fn set_catalog(&self, catalog: RoleCatalog) -> bool {
        if *self.catalog() == catalog {
            return false;
        }
        match self.index.write() {
            Ok(mut index) => {
                index.set_catalog(&catalog);
                *self.catalog.write().unwrap_or_else(PoisonError::into_inner) = Arc::new(catalog);
                true
            }
            Err(_) => {
                tracing::error!(
                    "decision index lock poisoned; catalog not changed, decisions deny"
                );
                false
            }
        }
    }

    /// Replaces the whole index with one built from `snapshot`.
    pub fn rebuild(&self, snapshot: &AccessSnapshot) {
        let catalog = self.catalog();
        let mut fresh = DecisionIndex::from_snapshot(snapshot, &catalog);
        if let Ok(mut index) = self.index.write() {
            // The catalog changed while the snapshot was indexed.
            let now = self.catalog();
            if !Arc::ptr_eq(&now, &catalog) {
                fresh.set_catalog(&now);
            }
            *index = fresh;
        } else {
            tracing::error!("decision index lock poisoned; rebuild skipped, decisions deny");
        }
    }

    /// Applies an incremental change.
    pub fn update(&self, change: impl FnOnce(&mut DecisionIndex)) {
        match self.index.write() {
            Ok(mut index) => change(&mut index),
            Err(_) => {
                tracing::error!("decision index lock poisoned; update skipped, decisions deny")
            }
        }
    }

    /// Reads the index; `None` when its lock is poisoned.
    pub fn read<R>(&self, query: impl FnOnce(&DecisionIndex) -> R) -> Option<R> {
        self.index.read().ok().map(|index| query(&index))
    }

    /// Decides every request at `now` under one read lock, counting each
    /// allowed one as role usage. A poisoned lock denies everything: the
    /// engine fails closed.
    pub fn decide_all(&self, requests: &[DecisionRequest], now: Timestamp) -> Vec<Decision> {
        match self.index.read() {
            Ok(index) => requests
                .iter()
                .map(|r| {
                    let decision = index.decide(r, now);
                    self.usage.record(r, &decision, now);
                    decision
                })
                .collect(),
            Err(_) => requests
                .iter()
                .map(|_| Decision::from_parts([DenyReason::EngineUnavailable].into(), None))
                .collect(),
        }
    }
}

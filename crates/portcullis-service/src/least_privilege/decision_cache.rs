//! The decision index shared by every request of this process, kept current
//! by the use cases after each commit.

use std::sync::RwLock;

use portcullis_decision::{Decision, DecisionIndex, DecisionRequest, DenyReason, UsageTracker};
use portcullis_domain::{AccessSnapshot, RoleCatalog, Timestamp};

/// The index behind a lock. Readers never wait on the store; writers hold
/// the lock only for an in-memory update. Every allowed decision is counted
/// in the usage tracker, which a worker flushes to the store.
#[derive(Debug)]
pub struct DecisionCache {
    catalog: RoleCatalog,
    index: RwLock<DecisionIndex>,
    usage: UsageTracker,
}

impl DecisionCache {
    pub fn new(catalog: RoleCatalog) -> Self {
        Self {
            index: RwLock::new(DecisionIndex::new(&catalog)),
            catalog,
            usage: UsageTracker::default(),
        }
    }

    /// The role usage counted since the last flush.
    pub fn usage(&self) -> &UsageTracker {
        &self.usage
    }

    pub fn catalog(&self) -> &RoleCatalog {
        &self.catalog
    }

    /// Replaces the whole index with one built from `snapshot`.
    pub fn rebuild(&self, snapshot: &AccessSnapshot) {
        let fresh = DecisionIndex::from_snapshot(snapshot, &self.catalog);
        if let Ok(mut index) = self.index.write() {
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

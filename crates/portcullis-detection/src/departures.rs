//! When evicted users were last seen, kept compactly (a hash and a time) so
//! that a user returning after its state was evicted still counts as a
//! return from dormancy.

use std::collections::HashMap;

use foldhash::fast::FixedState;

#[derive(Debug, Clone, Default)]
pub(crate) struct Departures {
    last_seen: HashMap<u64, i64, FixedState>,
    cap: usize,
}

impl Departures {
    pub(crate) fn new(cap: usize, entries: Vec<(u64, i64)>) -> Self {
        let mut last_seen = HashMap::default();
        last_seen.extend(entries);
        Self {
            last_seen,
            cap: cap.max(1),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.last_seen.is_empty()
    }

    /// Records a departure; beyond the cap the oldest eighth is forgotten.
    pub(crate) fn record(&mut self, user: u64, last_seen_ms: i64) {
        if self.last_seen.len() >= self.cap {
            let mut by_age: Vec<(i64, u64)> =
                self.last_seen.iter().map(|(u, t)| (*t, *u)).collect();
            by_age.sort_unstable();
            for (_, u) in by_age.into_iter().take((self.cap / 8).max(1)) {
                self.last_seen.remove(&u);
            }
        }
        let entry = self.last_seen.entry(user).or_insert(last_seen_ms);
        *entry = (*entry).max(last_seen_ms);
    }

    /// When a returning user was last seen, forgetting the departure.
    pub(crate) fn take(&mut self, user: u64) -> Option<i64> {
        self.last_seen.remove(&user)
    }

    /// Entries sorted (for a deterministic snapshot).
    pub(crate) fn entries(&self) -> Vec<(u64, i64)> {
        let mut entries: Vec<(u64, i64)> = self.last_seen.iter().map(|(u, t)| (*u, *t)).collect();
        entries.sort_unstable();
        entries
    }
}

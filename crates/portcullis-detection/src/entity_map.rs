//! A bounded map of per-entity state: idle entities are swept, and beyond
//! the cap the least recently seen are evicted (ties broken by key, so
//! eviction is deterministic).

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::Hash;

use foldhash::fast::FixedState;

/// State that knows when its entity was last seen.
pub(crate) trait Recency {
    fn last_seen(&self) -> i64;
}

/// How often (event time) idle entities are swept.
const SWEEP_EVERY_MS: i64 = 3_600_000;

#[derive(Debug, Clone)]
pub(crate) struct BoundedMap<K, V> {
    map: HashMap<K, V, FixedState>,
    cap: usize,
    idle_ms: i64,
    last_sweep_ms: i64,
    /// `(key, last seen)` of evicted entities, when asked to keep them.
    evicted: Option<Vec<(K, i64)>>,
}

impl<K: Hash + Eq + Ord + Clone, V: Recency> BoundedMap<K, V> {
    pub(crate) fn new(cap: usize, idle_ms: i64) -> Self {
        Self {
            map: HashMap::default(),
            cap: cap.max(1),
            idle_ms,
            last_sweep_ms: i64::MIN,
            evicted: None,
        }
    }

    /// Keeps `(key, last seen)` of evicted entities for [`Self::drain_evicted`].
    pub(crate) fn keeping_evicted(mut self) -> Self {
        self.evicted = Some(Vec::new());
        self
    }

    /// The entities evicted since the last call.
    pub(crate) fn drain_evicted(&mut self) -> Vec<(K, i64)> {
        self.evicted
            .as_mut()
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// A map holding `entries`, last swept at `last_sweep_ms`.
    pub(crate) fn from_entries(
        cap: usize,
        idle_ms: i64,
        entries: Vec<(K, V)>,
        last_sweep_ms: i64,
    ) -> Self {
        let mut map = Self::new(cap, idle_ms);
        map.map.extend(entries);
        map.last_sweep_ms = last_sweep_ms;
        map
    }

    /// When idle entities were last swept (event time).
    pub(crate) fn last_sweep_ms(&self) -> i64 {
        self.last_sweep_ms
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }

    pub(crate) fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get(key)
    }

    pub(crate) fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.map.get_mut(key)
    }

    /// The entity's state, created by `make` if absent (after making room).
    pub(crate) fn get_or_insert<Q>(
        &mut self,
        key: &Q,
        now_ms: i64,
        make_key: impl FnOnce(&Q) -> K,
        make: impl FnOnce() -> V,
    ) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        if now_ms.saturating_sub(self.last_sweep_ms) >= SWEEP_EVERY_MS {
            self.sweep(now_ms);
        }
        if !self.map.contains_key(key) {
            if self.map.len() >= self.cap {
                self.evict_oldest();
            }
            self.map.insert(make_key(key), make());
        }
        self.map.get_mut(key)
    }

    fn sweep(&mut self, now_ms: i64) {
        self.last_sweep_ms = now_ms;
        let oldest = now_ms.saturating_sub(self.idle_ms);
        match &mut self.evicted {
            None => self.map.retain(|_, v| v.last_seen() >= oldest),
            Some(evicted) => self.map.retain(|k, v| {
                let keep = v.last_seen() >= oldest;
                if !keep {
                    evicted.push((k.clone(), v.last_seen()));
                }
                keep
            }),
        }
    }

    /// Drops the least recently seen eighth (at least one).
    fn evict_oldest(&mut self) {
        let mut by_age: Vec<(i64, K)> = self
            .map
            .iter()
            .map(|(k, v)| (v.last_seen(), k.clone()))
            .collect();
        by_age.sort_unstable();
        let drop = (self.cap / 8).max(1);
        for (last_seen, key) in by_age.into_iter().take(drop) {
            self.map.remove(&key);
            if let Some(evicted) = &mut self.evicted {
                evicted.push((key, last_seen));
            }
        }
    }

    /// The entries sorted by key (for a deterministic snapshot).
    pub(crate) fn entries(&self) -> Vec<(K, V)>
    where
        V: Clone,
    {
        let mut entries: Vec<(K, V)> = self
            .map
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        entries
    }
}

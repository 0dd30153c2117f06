//! The relationships of each (partner, customer) pair, for the probe every
//! decision makes: a [`Slots`] table whose slots are the pairs' whole
//! records, line-aligned — the key, then each relationship's id, lifetime,
//! the groups its assignments go to, and the assignments. Every address a
//! decision reads there follows from the key's hash alone, so the record's
//! lines are fetched together with the key's, not one after the other.

use portcullis_domain::TenantId;
use smallvec::SmallVec;

use super::links::Linked;
use super::slots::{Slot, Slots};

pub(super) type Pair = (TenantId, TenantId);

/// One pair and its relationships: the key and the first relationship's
/// id, lifetime and groups in the first two lines.
#[derive(Debug, Clone, Default)]
#[repr(C, align(64))]
pub(super) struct PairRecord {
    pair: Option<Pair>,
    relationships: SmallVec<[Linked; 1]>,
}

impl Slot for PairRecord {
    type Key = Pair;

    fn key(&self) -> Option<Pair> {
        self.pair
    }

    fn open(pair: Pair) -> Self {
        Self {
            pair: Some(pair),
            relationships: SmallVec::new(),
        }
    }

    /// Records are several lines each: fuller than the default, so that
    /// empty slots do not dominate the index's memory.
    const MAX_LOAD: (usize, usize) = (5, 8);
}

#[derive(Debug, Clone, Default)]
pub(super) struct PairTable {
    slots: Slots<PairRecord>,
}

impl PairTable {
    /// The relationships between the pair's tenants.
    pub(super) fn get(&self, pair: &Pair) -> &[Linked] {
        self.slots
            .get(pair)
            .map(|r| r.relationships.as_slice())
            .unwrap_or_default()
    }

    pub(super) fn get_mut(&mut self, pair: &Pair) -> Option<&mut SmallVec<[Linked; 1]>> {
        self.slots.get_mut(pair).map(|r| &mut r.relationships)
    }

    /// Adds a relationship to the pair.
    pub(super) fn push(&mut self, pair: Pair, linked: Linked) {
        if let Some(record) = self.slots.entry(pair) {
            record.relationships.push(linked);
        }
    }

    /// Forgets the pair when it has no relationship left.
    pub(super) fn drop_if_empty(&mut self, pair: &Pair) {
        if self.get(pair).is_empty() {
            self.slots.remove(pair);
        }
    }
}

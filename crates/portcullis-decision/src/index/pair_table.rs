//! The relationships of each (partner, customer) pair, for the probe every
//! decision makes: a [`Slots`] table of one-line slots (the pair's key and
//! where its record is) over an array of line-aligned records. A decision
//! reads the slot's line, then the record's first lines (relationship id,
//! lifetime, the groups its assignments go to) and only the assignments
//! one of the user's groups holds.

use portcullis_domain::TenantId;
use smallvec::SmallVec;

use super::links::Linked;
use super::slots::{Slot, Slots};

pub(super) type Pair = (TenantId, TenantId);

/// The relationships of one pair, starting on a cache line.
#[derive(Debug, Clone, Default)]
#[repr(align(64))]
struct Record(SmallVec<[Linked; 1]>);

/// `record` of a slot that has none yet.
const NO_RECORD: u32 = u32::MAX;

/// One pair in one cache line: its key and the number of its record.
#[derive(Debug, Clone)]
#[repr(C, align(64))]
pub(super) struct PairSlot {
    pair: Option<Pair>,
    record: u32,
}

impl Default for PairSlot {
    fn default() -> Self {
        Self {
            pair: None,
            record: NO_RECORD,
        }
    }
}

impl Slot for PairSlot {
    type Key = Pair;

    fn key(&self) -> Option<Pair> {
        self.pair
    }

    fn open(pair: Pair) -> Self {
        Self {
            pair: Some(pair),
            record: NO_RECORD,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(super) struct PairTable {
    slots: Slots<PairSlot>,
    records: Vec<Record>,
    /// Records no slot uses, to be given out again.
    free: Vec<u32>,
}

impl PairTable {
    /// The relationships between the pair's tenants.
    pub(super) fn get(&self, pair: &Pair) -> &[Linked] {
        self.slots
            .get(pair)
            .and_then(|slot| self.records.get(usize::try_from(slot.record).ok()?))
            .map(|r| r.0.as_slice())
            .unwrap_or_default()
    }

    pub(super) fn get_mut(&mut self, pair: &Pair) -> Option<&mut SmallVec<[Linked; 1]>> {
        let record = usize::try_from(self.slots.get(pair)?.record).ok()?;
        self.records.get_mut(record).map(|r| &mut r.0)
    }

    /// Adds a relationship to the pair; left out only when the records
    /// ran out (2^32 pairs), when it then grants nothing.
    pub(super) fn push(&mut self, pair: Pair, linked: Linked) {
        let Some(slot) = self.slots.entry(pair) else {
            return;
        };
        if slot.record == NO_RECORD {
            let given = match self.free.pop() {
                Some(free) => Some(free),
                None => u32::try_from(self.records.len()).ok().inspect(|_| {
                    self.records.push(Record::default());
                }),
            };
            match given {
                Some(record) if record != NO_RECORD => slot.record = record,
                _ => {
                    self.slots.remove(&pair);
                    return;
                }
            }
        }
        if let Some(list) = self.get_mut(&pair) {
            list.push(linked);
        }
    }

    /// Forgets the pair when it has no relationship left.
    pub(super) fn drop_if_empty(&mut self, pair: &Pair) {
        if self.get(pair).is_empty() {
            if let Some(slot) = self.slots.remove(pair) {
                if let Some(record) = usize::try_from(slot.record)
                    .ok()
                    .and_then(|r| self.records.get_mut(r))
                {
                    record.0 = SmallVec::new();
                    self.free.push(slot.record);
                }
            }
        }
    }
}

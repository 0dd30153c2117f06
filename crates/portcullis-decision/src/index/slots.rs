//! An open-addressing hash table whose slots are whole records, for the
//! two maps every decision probes (users, and (partner, customer) pairs).
//!
//! A slot's place comes straight from the key's hash, and a record type
//! that is one 64-byte line (`#[repr(align(64))]`) holds its key inline: a
//! lookup that finds its key at home reads one cache line, and a larger
//! record's further lines are at addresses known from the hash alone, so
//! they are fetched in parallel with the first. `std`'s map (hashbrown)
//! first reads a line of control bytes, then the entry, which is not
//! line-aligned, one after the other. Linear probing, at most half full by
//! default (on average 1.5 slots read by a lookup that finds its key, 2.5
//! by one that does not), and backward-shift deletion: no tombstones.

use std::hash::{BuildHasher, Hash};

/// A record a [`Slots`] table holds; its default value is a vacant slot.
pub(super) trait Slot: Default {
    type Key: Hash + Eq + Copy;

    /// The key the slot holds; `None` when it is vacant.
    fn key(&self) -> Option<Self::Key>;

    /// An occupied slot for `key`, empty otherwise.
    fn open(key: Self::Key) -> Self;

    /// How full the table may get, as a fraction: at most half full by
    /// default, fuller for large records (fewer empty slots to carry, at
    /// the cost of longer runs).
    const MAX_LOAD: (usize, usize) = (1, 2);
}

#[derive(Debug, Clone)]
pub(super) struct Slots<T> {
    slots: Vec<T>,
    len: usize,
    hasher: foldhash::fast::RandomState,
}

impl<T> Default for Slots<T> {
    fn default() -> Self {
        Self {
            slots: Vec::new(),
            len: 0,
            hasher: foldhash::fast::RandomState::default(),
        }
    }
}

/// The fewest slots a table that holds anything has.
const MIN_SLOTS: usize = 16;

impl<T: Slot> Slots<T> {
    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn get(&self, key: &T::Key) -> Option<&T> {
        let at = self.find(key)?;
        self.slots.get(at)
    }

    pub(super) fn get_mut(&mut self, key: &T::Key) -> Option<&mut T> {
        let at = self.find(key)?;
        self.slots.get_mut(at)
    }

    /// The occupied slots, in no particular order.
    pub(super) fn iter(&self) -> impl Iterator<Item = &T> + '_ {
        self.slots.iter().filter(|s| s.key().is_some())
    }

    /// The slot of `key`, opened ([`Slot::open`]) if it was vacant.
    pub(super) fn entry(&mut self, key: T::Key) -> Option<&mut T> {
        if self.find(&key).is_none() {
            let (num, den) = T::MAX_LOAD;
            if (self.len + 1) * den > self.slots.len() * num {
                self.grow();
            }
            let at = self.vacancy(&key)?;
            *self.slots.get_mut(at)? = T::open(key);
            self.len += 1;
        }
        self.get_mut(&key)
    }

    /// Empties the slot of `key` and returns what it held.
    pub(super) fn remove(&mut self, key: &T::Key) -> Option<T> {
        let mut hole = self.find(key)?;
        let removed = std::mem::take(self.slots.get_mut(hole)?);
        self.len -= 1;
        let mask = self.slots.len() - 1;
        // Backward shift: a later record of the same run moves into the
        // hole unless its home lies cyclically in (hole, at].
        let mut at = hole;
        loop {
            at = (at + 1) & mask;
            let Some(next) = self.slots.get(at).and_then(Slot::key) else {
                break;
            };
            let home = self.home(&next);
            let stays = if hole <= at {
                hole < home && home <= at
            } else {
                hole < home || home <= at
            };
            if !stays {
                self.slots.swap(hole, at);
                hole = at;
            }
        }
        Some(removed)
    }

    fn home(&self, key: &T::Key) -> usize {
        // Truncating the hash keeps its low bits, which the mask keeps.
        #[expect(
            clippy::cast_possible_truncation,
            reason = "only the low bits are used"
        )]
        let hash = self.hasher.hash_one(key) as usize;
        hash & self.slots.len().wrapping_sub(1)
    }

    /// Where `key` is, if present.
    fn find(&self, key: &T::Key) -> Option<usize> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut at = self.home(key);
        // Never full: a vacant slot ends every run.
        loop {
            match self.slots.get(at)?.key() {
                None => return None,
                Some(k) if k == *key => return Some(at),
                Some(_) => at = (at + 1) & mask,
            }
        }
    }

    /// The first vacant slot of `key`'s run.
    fn vacancy(&self, key: &T::Key) -> Option<usize> {
        let mask = self.slots.len().checked_sub(1)?;
        let mut at = self.home(key);
        while self.slots.get(at)?.key().is_some() {
            at = (at + 1) & mask;
        }
        Some(at)
    }

    fn grow(&mut self) {
        let size = (self.slots.len() * 2).max(MIN_SLOTS);
        let old = std::mem::replace(&mut self.slots, (0..size).map(|_| T::default()).collect());
        for slot in old {
            if let Some(place) = slot
                .key()
                .and_then(|k| self.vacancy(&k))
                .and_then(|at| self.slots.get_mut(at))
            {
                *place = slot;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::{Slot, Slots};

    #[derive(Debug, Clone, Default, PartialEq)]
    struct Cell {
        key: Option<u16>,
        value: u32,
    }

    impl Slot for Cell {
        type Key = u16;

        fn key(&self) -> Option<u16> {
            self.key
        }

        fn open(key: u16) -> Self {
            Self {
                key: Some(key),
                value: 0,
            }
        }
    }

    proptest! {
        #[test]
        fn the_table_answers_as_a_map_through_inserts_and_removals(
            ops in proptest::collection::vec((any::<bool>(), 0_u16..300, any::<u32>()), 1..600),
        ) {
            let mut table: Slots<Cell> = Slots::default();
            let mut model: HashMap<u16, u32> = HashMap::new();
            for (insert, key, value) in ops {
                if insert {
                    table.entry(key).unwrap().value = value;
                    model.insert(key, value);
                } else {
                    let removed = table.remove(&key).map(|c| c.value);
                    prop_assert_eq!(removed, model.remove(&key));
                }
                prop_assert_eq!(table.len(), model.len());
            }
            for key in 0..300 {
                prop_assert_eq!(table.get(&key).map(|c| c.value), model.get(&key).copied());
            }
            prop_assert_eq!(table.iter().count(), model.len());
        }
    }
}

//! Small numbers for 16-byte ids the index holds many times over (roles in
//! assignments, groups in memberships and assignments): records stay small,
//! so more of them share a cache line.

use std::hash::Hash;

use super::HashMap;

/// Numbers given to ids in the order first seen; never reused.
#[derive(Debug, Clone)]
pub(super) struct Numbers<K> {
    by_id: HashMap<K, u32>,
}

impl<K> Default for Numbers<K> {
    fn default() -> Self {
        Self {
            by_id: HashMap::default(),
        }
    }
}

impl<K: Hash + Eq + Copy> Numbers<K> {
    /// The number of `id`, given on first sight; `None` once 2^32 ids have
    /// numbers (the caller then leaves the id out, which grants nothing).
    pub(super) fn intern(&mut self, id: K) -> Option<u32> {
        if let Some(n) = self.by_id.get(&id) {
            return Some(*n);
        }
        let n = u32::try_from(self.by_id.len()).ok()?;
        self.by_id.insert(id, n);
        Some(n)
    }

    /// The number of `id`, if it has one.
    pub(super) fn get(&self, id: K) -> Option<u32> {
        self.by_id.get(&id).copied()
    }

    /// Every id with its number.
    pub(super) fn iter(&self) -> impl Iterator<Item = (K, u32)> + '_ {
        self.by_id.iter().map(|(id, n)| (*id, *n))
    }
}

#[cfg(test)]
mod tests {
    use super::Numbers;

    #[test]
    fn numbers_are_given_in_order_and_kept() {
        let mut numbers = Numbers::default();
        assert_eq!(numbers.get('a'), None);
        assert_eq!(numbers.intern('a'), Some(0));
        assert_eq!(numbers.intern('b'), Some(1));
        assert_eq!(numbers.intern('a'), Some(0));
        assert_eq!(numbers.get('b'), Some(1));
        let mut all: Vec<_> = numbers.iter().collect();
        all.sort_unstable();
        assert_eq!(all, [('a', 0), ('b', 1)]);
    }
}

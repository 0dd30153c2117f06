//! CIDR ranges by prefix length: one hash map per length in use, probed
//! from the longest length down. At most 33 (IPv4) or 129 (IPv6) probes,
//! in practice the handful of lengths a feed uses.

use std::hash::Hash;

use super::HashMap;

/// Ranges of one address family, keyed by their masked network bits.
#[derive(Debug)]
pub(crate) struct PrefixTable<K> {
    /// `(length, network → entries)`, longest length first.
    by_length: Vec<(u8, HashMap<K, Vec<u32>>)>,
}

impl<K> Default for PrefixTable<K> {
    fn default() -> Self {
        Self {
            by_length: Vec::new(),
        }
    }
}

/// The bits of an address, for masking.
pub(crate) trait Bits: Copy + Eq + Hash {
    /// The address with all but the first `length` bits cleared.
    fn mask(self, length: u8) -> Self;
}

impl Bits for u32 {
    fn mask(self, length: u8) -> Self {
        self & u32::MAX.checked_shl(32 - u32::from(length)).unwrap_or(0)
    }
}

impl Bits for u128 {
    fn mask(self, length: u8) -> Self {
        self & u128::MAX.checked_shl(128 - u32::from(length)).unwrap_or(0)
    }
}

impl<K: Bits> PrefixTable<K> {
    /// Files `entry` under the range `network/length`.
    pub(crate) fn insert(&mut self, network: K, length: u8, entry: u32) {
        let at = match self.by_length.binary_search_by(|(l, _)| length.cmp(l)) {
            Ok(at) => at,
            Err(at) => {
                self.by_length.insert(at, (length, HashMap::default()));
                at
            }
        };
        if let Some((_, map)) = self.by_length.get_mut(at) {
            map.entry(network.mask(length)).or_default().push(entry);
        }
    }

    /// Calls `found` with the length and entries of every range holding
    /// `address`, longest first.
    pub(crate) fn containing(&self, address: K, mut found: impl FnMut(u8, &[u32])) {
        for (length, map) in &self.by_length {
            if let Some(entries) = map.get(&address.mask(*length)) {
                found(*length, entries);
            }
        }
    }
}

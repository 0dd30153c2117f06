//! A multimap from 32-bit keys to token ids: pairs sorted by key, with a
//! bucket directory on the keys' high bits so that a lookup touches a few
//! neighbouring entries instead of binary-searching millions.

/// Pairs `(key, id)` sorted, and where each bucket of high key bits starts.
#[derive(Default)]
pub(crate) struct KeyTable {
    pairs: Vec<(u32, u32)>,
    starts: Vec<u32>,
    shift: u32,
}

impl KeyTable {
    /// A table of `pairs` (any order, repeats dropped).
    pub(crate) fn new(mut pairs: Vec<(u32, u32)>) -> Self {
        pairs.sort_unstable();
        pairs.dedup();
        // about one pair per bucket, 2^8 to 2^22 buckets
        let bits = (usize::BITS - pairs.len().leading_zeros()).clamp(8, 22);
        let shift = 32 - bits;
        let buckets = 1usize << bits;
        let mut starts = vec![0u32; buckets + 1];
        for &(k, _) in &pairs {
            if let Some(s) = starts.get_mut((k >> shift) as usize + 1) {
                *s += 1;
            }
        }
        for i in 1..starts.len() {
            let prev = starts.get(i - 1).copied().unwrap_or(0);
            if let Some(s) = starts.get_mut(i) {
                *s += prev;
            }
        }
        Self {
            pairs,
            starts,
            shift,
        }
    }

    /// The ids stored under `key`.
    pub(crate) fn get(&self, key: u32) -> &[(u32, u32)] {
        let b = (key >> self.shift) as usize;
        let (Some(&lo), Some(&hi)) = (self.starts.get(b), self.starts.get(b + 1)) else {
            return &[];
        };
        let bucket = self.pairs.get(lo as usize..hi as usize).unwrap_or_default();
        let start = bucket.partition_point(|&(k, _)| k < key);
        let end = bucket.partition_point(|&(k, _)| k <= key);
        bucket.get(start..end).unwrap_or_default()
    }

    /// The ids stored under `key`, as an iterator.
    pub(crate) fn ids(&self, key: u32) -> impl Iterator<Item = u32> + '_ {
        self.get(key).iter().map(|&(_, id)| id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_id_of_a_key_and_nothing_else() {
        let pairs: Vec<(u32, u32)> = (0..5_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) % 997 * 4_000_000, i))
            .collect();
        let table = KeyTable::new(pairs.clone());
        for probe in [0u32, 4_000_000, 996 * 4_000_000, 3, u32::MAX] {
            let mut want: Vec<u32> = pairs
                .iter()
                .filter(|&&(k, _)| k == probe)
                .map(|&(_, id)| id)
                .collect();
            want.sort_unstable();
            let got: Vec<u32> = table.ids(probe).collect();
            assert_eq!(got, want, "{probe}");
        }
    }
}

//! The weight each name gathers while one query's candidates are found,
//! kept as a list sorted by name id and merged with each query token's
//! postings (which the index stores sorted): the work walks memory in
//! order instead of hashing thousands of names to random places, and a
//! token that only credits names already gathered looks them up in its
//! postings by binary search.
//!
//! A [`Pool`] keeps the buffers of finished queries for the next ones.

use std::sync::Mutex;

/// What one name gathered.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(crate) struct Slot {
    /// The query token being credited, and its best credit so far.
    step: u32,
    best: f32,
    /// Weight gathered.
    pub total: f32,
}

impl Slot {
    /// Credits `credit` for query token `step` (the best credit of a step
    /// counts once).
    fn credit(&mut self, step: u32, credit: f32) {
        if self.step == step {
            if credit > self.best {
                self.total += credit - self.best;
                self.best = credit;
            }
        } else {
            self.step = step;
            self.best = credit;
            self.total += credit;
        }
    }

    fn first(step: u32, credit: f32) -> Self {
        Self {
            step,
            best: credit,
            total: credit,
        }
    }
}

/// Names gathered so far, sorted by name id, with buffers to merge into.
#[derive(Default)]
pub(crate) struct Accumulator {
    gathered: Vec<(u32, Slot)>,
    next: Vec<(u32, Slot)>,
    incoming: Vec<(u32, f32)>,
    packed: Vec<u64>,
}

impl Accumulator {
    /// The names gathered, sorted by id.
    pub(crate) fn gathered(&self) -> &[(u32, Slot)] {
        &self.gathered
    }

    /// How many names were gathered.
    pub(crate) fn len(&self) -> usize {
        self.gathered.len()
    }

    /// Credits query token `step` to every name of `postings` (each a
    /// sorted list of names and the credit it brings), adding the names
    /// not gathered yet.
    pub(crate) fn add<'a>(&mut self, step: u32, postings: impl Iterator<Item = (&'a [u32], f32)>) {
        let mut lists = postings.filter(|(names, _)| !names.is_empty());
        let first = lists.next();
        let second = lists.next();
        self.incoming.clear();
        match (first, second) {
            (None, _) => return,
            (Some((names, credit)), None) => {
                self.incoming.extend(names.iter().map(|&n| (n, credit)));
            }
            (Some(a), Some(b)) => {
                // name and credit in one sortable word (credits are
                // positive, so their bits sort as they compare); the best
                // credit of a name is its last
                let packed = &mut self.packed;
                packed.clear();
                for (names, credit) in [a, b].into_iter().chain(lists) {
                    let bits = u64::from(credit.max(0.0).to_bits());
                    packed.extend(names.iter().map(|&n| u64::from(n) << 32 | bits));
                }
                // each list is a sorted run: the stable sort merges them
                packed.sort();
                let mut words = packed.iter().peekable();
                while let Some(&word) = words.next() {
                    let name = (word >> 32) as u32;
                    if words
                        .peek()
                        .is_some_and(|&&next| (next >> 32) as u32 == name)
                    {
                        continue;
                    }
                    let credit = f32::from_bits((word & u64::from(u32::MAX)) as u32);
                    self.incoming.push((name, credit));
                }
            }
        }
        self.next.clear();
        self.next.reserve(self.gathered.len() + self.incoming.len());
        let mut old = self.gathered.iter().peekable();
        let mut new = self.incoming.iter().peekable();
        loop {
            match (old.peek(), new.peek()) {
                (Some(&&(a, slot)), Some(&&(b, credit))) => {
                    if a < b {
                        self.next.push((a, slot));
                        old.next();
                    } else if b < a {
                        self.next.push((b, Slot::first(step, credit)));
                        new.next();
                    } else {
                        let mut slot = slot;
                        slot.credit(step, credit);
                        self.next.push((a, slot));
                        old.next();
                        new.next();
                    }
                }
                (Some(&&(a, slot)), None) => {
                    self.next.push((a, slot));
                    old.next();
                }
                (None, Some(&&(b, credit))) => {
                    self.next.push((b, Slot::first(step, credit)));
                    new.next();
                }
                (None, None) => break,
            }
        }
        std::mem::swap(&mut self.gathered, &mut self.next);
    }

    /// Credits query token `step` to the names already gathered that are
    /// in `names` (sorted), adding none.
    pub(crate) fn credit(&mut self, step: u32, names: &[u32], credit: f32) {
        let mut rest = names;
        for (name, slot) in &mut self.gathered {
            let at = rest.partition_point(|n| n < name);
            rest = rest.get(at..).unwrap_or_default();
            if rest.first() == Some(name) {
                slot.credit(step, credit);
            }
            if rest.is_empty() {
                break;
            }
        }
    }
}

/// Accumulators of finished queries, lent to the next ones.
#[derive(Default)]
pub(crate) struct Pool {
    free: Mutex<Vec<Accumulator>>,
}

impl Pool {
    /// An empty accumulator for one query.
    pub(crate) fn take(&self) -> Accumulator {
        let mut acc = self
            .free
            .lock()
            .ok()
            .and_then(|mut free| free.pop())
            .unwrap_or_default();
        acc.gathered.clear();
        acc
    }

    /// Gives back an accumulator for later queries.
    pub(crate) fn give(&self, acc: Accumulator) {
        if let Ok(mut free) = self.free.lock() {
            free.push(acc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(acc: &Accumulator) -> Vec<(u32, f32)> {
        acc.gathered().iter().map(|&(n, s)| (n, s.total)).collect()
    }

    #[test]
    fn a_step_credits_its_best_posting_once_and_steps_add_up() {
        let pool = Pool::default();
        let mut acc = pool.take();
        acc.add(
            1,
            [(&[1u32, 3, 5][..], 2.0), (&[3u32, 4][..], 3.0)].into_iter(),
        );
        assert_eq!(totals(&acc), vec![(1, 2.0), (3, 3.0), (4, 3.0), (5, 2.0)]);
        acc.add(2, [(&[0u32, 5][..], 1.0)].into_iter());
        assert_eq!(
            totals(&acc),
            vec![(0, 1.0), (1, 2.0), (3, 3.0), (4, 3.0), (5, 3.0)]
        );
        acc.credit(3, &[2, 3, 9], 0.5);
        acc.credit(3, &[3], 0.25);
        assert_eq!(
            totals(&acc),
            vec![(0, 1.0), (1, 2.0), (3, 3.5), (4, 3.0), (5, 3.0)]
        );
        pool.give(acc);
        assert!(pool.take().gathered().is_empty());
    }
}

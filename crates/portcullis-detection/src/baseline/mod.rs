//! Behavioural baselines: what is normal for each partner user and for each
//! partner tenant, learned online from the stream and bounded in size.
//!
//! Every baseline is a handful of [`Habits`]: keys (a customer, an
//! operation, a network, a country, a place, a sign-in method) with a use
//! count and the first and last day they were used. Beyond its cap a set
//! forgets the key with the least use, weighted by recency (each use buys
//! two days), so a habit survives a holiday and a one-off fades.

mod admins;
mod tenant;
pub(crate) mod user;

use serde::{Deserialize, Serialize};

pub(crate) use admins::{AdminPrior, AdminStep, Admins};
pub(crate) use tenant::{SHARED_BY, TenantBaseline};
pub(crate) use user::UserBaseline;

use crate::rules::DAY_MS;

/// The day number (days since the Unix epoch) of `ms`, as stored in habits.
pub(crate) fn day(ms: i64) -> u16 {
    ms.div_euclid(DAY_MS).clamp(0, i64::from(u16::MAX)) as u16
}

/// One habit: how often and between which days a key was used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Habit {
    pub count: u16,
    pub first_day: u16,
    pub last_day: u16,
}

/// A bounded set of keys with their [`Habit`]s (stored as compact tuples).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Habits<K>(Vec<(K, u16, u16, u16)>);

impl<K: Copy + PartialEq> Habits<K> {
    /// The habit of `key`, if it was used.
    pub(crate) fn get(&self, key: K) -> Option<Habit> {
        self.0
            .iter()
            .find(|(k, ..)| *k == key)
            .map(|&(_, count, first_day, last_day)| Habit {
                count,
                first_day,
                last_day,
            })
    }

    /// Uses of `key` so far (0 when never used or forgotten).
    pub(crate) fn count(&self, key: K) -> u16 {
        self.get(key).map_or(0, |h| h.count)
    }

    /// The keys held.
    pub(crate) fn keys(&self) -> impl Iterator<Item = K> + '_ {
        self.0.iter().map(|(k, ..)| *k)
    }

    /// Keys held.
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    /// Counts a use of `key` on `day`, forgetting the weakest habit beyond `cap`.
    pub(crate) fn record(&mut self, key: K, day: u16, cap: usize) {
        if let Some(entry) = self.0.iter_mut().find(|(k, ..)| *k == key) {
            entry.1 = entry.1.saturating_add(1);
            entry.3 = entry.3.max(day);
            return;
        }
        if self.0.len() >= cap.max(1)
            && let Some(weakest) = self
                .0
                .iter()
                .enumerate()
                .min_by_key(|(_, (_, count, _, last))| {
                    i64::from(*last) + 2 * i64::from((*count).min(30))
                })
                .map(|(i, _)| i)
        {
            self.0.swap_remove(weakest);
        }
        self.0.push((key, 1, day, day));
    }
}

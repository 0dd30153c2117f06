//! One partner tenant's normal: its office networks and countries, the
//! customers its staff serve, and habits several of its users share.

use serde::{Deserialize, Serialize};

use super::{Admins, Habits, day};
use crate::entity_map::Recency;

/// Countries / networks counted per tenant (the rarest are dropped beyond).
const PLACES: usize = 64;
/// Customers remembered per tenant.
const CUSTOMERS: usize = 1024;
/// Operations remembered per tenant.
const OPERATIONS: usize = 64;
/// (key, user) pairs remembered to count how many users share a habit.
const SHARERS: usize = 512;
/// Users who must share a network or an operation for it to be the partner's.
pub(crate) const SHARED_BY: usize = 3;

/// Peer baseline of a partner tenant.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(crate) struct TenantBaseline {
    #[serde(default)]
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub sign_ins: u64,
    pub countries: Vec<([u8; 2], u64)>,
    pub asns: Vec<(u32, u64)>,
    /// Customers its staff reached (hashes).
    #[serde(default)]
    pub customers: Habits<u32>,
    /// Operations its staff performed (hashes).
    #[serde(default)]
    pub operations: Habits<u32>,
    /// (network, user hash) pairs: who uses which network.
    #[serde(default)]
    pub network_users: Vec<(u32, u32)>,
    /// (operation hash, user hash) pairs: who performs which operation.
    #[serde(default)]
    pub operation_users: Vec<(u32, u32)>,
    /// Its users who perform escalation operations, and how often.
    #[serde(default)]
    pub admins: Admins,
}

impl TenantBaseline {
    pub(crate) fn new(now_ms: i64) -> Self {
        Self {
            first_seen_ms: now_ms,
            last_seen_ms: now_ms,
            ..Self::default()
        }
    }

    /// Share of the tenant's successful sign-ins from `country`.
    pub(crate) fn country_share(&self, country: [u8; 2]) -> f64 {
        share(&self.countries, &country, self.sign_ins)
    }

    /// Share of the tenant's successful sign-ins from `asn`.
    pub(crate) fn asn_share(&self, asn: u32) -> f64 {
        share(&self.asns, &asn, self.sign_ins)
    }

    /// Distinct users of the tenant seen on `asn` (up to a few).
    pub(crate) fn network_users(&self, asn: u32) -> usize {
        self.network_users.iter().filter(|(a, _)| *a == asn).count()
    }

    /// Distinct users of the tenant seen performing `operation` (up to a few).
    pub(crate) fn operation_users(&self, operation: u32) -> usize {
        self.operation_users
            .iter()
            .filter(|(o, _)| *o == operation)
            .count()
    }

    /// A network several of its users use, or that carries a real share of
    /// its sign-ins: the partner's own (an office, a VPN, its new ISP).
    pub(crate) fn owns_network(&self, asn: u32, own_share: f64) -> bool {
        self.network_users(asn) >= SHARED_BY || self.asn_share(asn) >= own_share
    }

    /// A successful sign-in of `user` (a hash).
    pub(crate) fn record_sign_in(
        &mut self,
        now_ms: i64,
        user: u32,
        country: Option<[u8; 2]>,
        asn: Option<u32>,
    ) {
        self.touch(now_ms);
        self.sign_ins += 1;
        if let Some(c) = country {
            bump(&mut self.countries, c);
        }
        if let Some(a) = asn {
            bump(&mut self.asns, a);
            share_with(&mut self.network_users, a, user);
        }
    }

    pub(crate) fn record_customer(&mut self, now_ms: i64, customer: u32) {
        self.touch(now_ms);
        self.customers.record(customer, day(now_ms), CUSTOMERS);
    }

    pub(crate) fn record_operation(&mut self, now_ms: i64, user: u32, operation: u32) {
        self.touch(now_ms);
        self.operations.record(operation, day(now_ms), OPERATIONS);
        share_with(&mut self.operation_users, operation, user);
    }

    fn touch(&mut self, now_ms: i64) {
        if self.first_seen_ms == 0 || now_ms < self.first_seen_ms {
            self.first_seen_ms = now_ms;
        }
        self.last_seen_ms = self.last_seen_ms.max(now_ms);
    }
}

/// Remembers that `user` uses `key`, up to [`SHARED_BY`] users per key.
fn share_with(pairs: &mut Vec<(u32, u32)>, key: u32, user: u32) {
    let mut users = 0;
    for (k, u) in pairs.iter() {
        if *k == key {
            if *u == user {
                return;
            }
            users += 1;
        }
    }
    if users >= SHARED_BY {
        return;
    }
    if pairs.len() >= SHARERS {
        pairs.remove(0);
    }
    pairs.push((key, user));
}

fn share<K: PartialEq>(counts: &[(K, u64)], key: &K, total: u64) -> f64 {
    if total == 0 {
        return 0.0;
    }
    let n = counts.iter().find(|(k, _)| k == key).map_or(0, |(_, n)| *n);
    n as f64 / total as f64
}

fn bump<K: PartialEq>(counts: &mut Vec<(K, u64)>, key: K) {
    if let Some(entry) = counts.iter_mut().find(|(k, _)| *k == key) {
        entry.1 += 1;
        return;
    }
    if counts.len() >= PLACES
        && let Some(rarest) = counts
            .iter()
            .enumerate()
            .min_by_key(|(_, (_, n))| *n)
            .map(|(i, _)| i)
    {
        counts.swap_remove(rarest);
    }
    counts.push((key, 1));
}

impl Recency for TenantBaseline {
    fn last_seen(&self) -> i64 {
        self.last_seen_ms
    }
}

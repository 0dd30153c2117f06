//! Per-entity streaming state: partner user, partner tenant, source IP.

use serde::{Deserialize, Serialize};

use crate::detection::Detection;
use crate::entity_map::Recency;

/// Where and when a user last signed in with a position.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct GeoFix {
    pub time_ms: i64,
    pub lat: f64,
    pub long: f64,
    pub asn: Option<u32>,
}

/// Everything the rules remember about one partner user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UserState {
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub sign_ins: u32,
    /// Fan-out: (customer hash, last time) inside the window.
    pub window_customers: Vec<(u64, i64)>,
    /// Fan-out: learned usual window peak, today's peak, today's day number.
    pub fan_peak: f64,
    pub fan_day_peak: u32,
    pub fan_day: i64,
    pub fan_fired_today: bool,
    /// New infrastructure: countries and ASNs seen on successful sign-ins.
    pub countries: Vec<[u8; 2]>,
    pub asns: Vec<u32>,
    /// Impossible travel: last geolocated sign-in.
    pub last_geo: Option<GeoFix>,
    /// Dormant: when the user came back after a long silence.
    pub returned_at_ms: Option<i64>,
    /// Escalation: (customer hash, time) of recent delegated sign-ins.
    pub delegated_sign_ins: Vec<(u64, i64)>,
    /// Denied burst: current bucket, its count, EWMA of closed buckets.
    pub denied_bucket: i64,
    pub denied_count: u32,
    pub denied_ewma: f64,
    /// Off-hours: activity per UTC hour.
    pub hours: [u32; 24],
    /// Combined risk score and when it was last decayed.
    pub risk: f64,
    pub risk_at_ms: i64,
}

impl UserState {
    pub(crate) fn new(now_ms: i64) -> Self {
        Self {
            first_seen_ms: now_ms,
            last_seen_ms: now_ms,
            sign_ins: 0,
            window_customers: Vec::new(),
            fan_peak: 0.0,
            fan_day_peak: 0,
            fan_day: now_ms.div_euclid(crate::rules::DAY_MS),
            fan_fired_today: false,
            countries: Vec::new(),
            asns: Vec::new(),
            last_geo: None,
            returned_at_ms: None,
            delegated_sign_ins: Vec::new(),
            denied_bucket: i64::MIN,
            denied_count: 0,
            denied_ewma: 0.0,
            hours: [0; 24],
            risk: 0.0,
            risk_at_ms: now_ms,
        }
    }
}

impl Recency for UserState {
    fn last_seen(&self) -> i64 {
        self.last_seen_ms
    }
}

/// Peer baseline of a partner tenant: where its users sign in from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(crate) struct TenantState {
    pub last_seen_ms: i64,
    pub sign_ins: u64,
    pub countries: Vec<([u8; 2], u64)>,
    pub asns: Vec<(u32, u64)>,
}

/// Most countries / ASNs counted per tenant (the rarest are dropped beyond).
const MAX_TENANT_PLACES: usize = 64;

impl TenantState {
    /// Share of the tenant's successful sign-ins from `country`.
    pub(crate) fn country_share(&self, country: [u8; 2]) -> f64 {
        share(&self.countries, &country, self.sign_ins)
    }

    /// Share of the tenant's successful sign-ins from `asn`.
    pub(crate) fn asn_share(&self, asn: u32) -> f64 {
        share(&self.asns, &asn, self.sign_ins)
    }

    pub(crate) fn record(&mut self, now_ms: i64, country: Option<[u8; 2]>, asn: Option<u32>) {
        self.last_seen_ms = self.last_seen_ms.max(now_ms);
        self.sign_ins += 1;
        if let Some(c) = country {
            bump(&mut self.countries, c);
        }
        if let Some(a) = asn {
            bump(&mut self.asns, a);
        }
    }
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
    if counts.len() >= MAX_TENANT_PLACES
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

impl Recency for TenantState {
    fn last_seen(&self) -> i64 {
        self.last_seen_ms
    }
}

/// Failed sign-ins from one source IP: (user hash, last time, attempts).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub(crate) struct SourceState {
    pub last_seen_ms: i64,
    pub failures: Vec<(u64, i64, u32)>,
}

impl Recency for SourceState {
    fn last_seen(&self) -> i64 {
        self.last_seen_ms
    }
}

/// The open finding of one (rule, subject).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct OpenDetection(pub Detection);

impl Recency for OpenDetection {
    fn last_seen(&self) -> i64 {
        self.0.last_seen_ms
    }
}

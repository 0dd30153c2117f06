//! One partner user's normal: customers, operations, hour-of-week, networks,
//! countries, places and sign-in methods.

use serde::{Deserialize, Serialize};

use super::{Habits, day};
use crate::rules::{DAY_MS, HOUR_MS};

/// Customers remembered per user.
const CUSTOMERS: usize = 48;
/// Operations remembered per user.
const OPERATIONS: usize = 24;
/// Networks (ASNs) remembered per user.
const NETWORKS: usize = 12;
/// Countries remembered per user.
const COUNTRIES: usize = 8;
/// Places (1° cells, about a city) remembered per user.
const PLACES: usize = 8;
/// Sign-in methods remembered per user.
const METHODS: usize = 6;

/// What is normal for one partner user (about 1 KiB at its caps).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub(crate) struct UserBaseline {
    /// Events learned from.
    pub events: u32,
    /// Days with activity, and the latest of them.
    #[serde(default)]
    pub active_days: u16,
    #[serde(default)]
    pub last_active_day: u16,
    /// Customer tenants acted on or signed in to (hashes).
    pub customers: Habits<u32>,
    /// Successful actions by operation (hashes).
    pub operations: Habits<u32>,
    /// Successful sign-ins by network.
    pub networks: Habits<u32>,
    pub countries: Habits<[u8; 2]>,
    /// Successful sign-ins by 1° latitude/longitude cell.
    pub places: Habits<u32>,
    /// Successful sign-ins by method ([`method`]).
    pub methods: Habits<u8>,
    /// Activity per hour of the week (UTC), halved when a cell saturates.
    pub hours: [[u8; 24]; 7],
    /// Events in each of the latest few absolute hours (hour number, count):
    /// the current session, which must not vouch for its own hour.
    #[serde(default)]
    pub recent: [(i64, u16); 3],
}

/// A sign-in method: MFA or not, and the protocol family.
pub(crate) fn method(is_mfa: Option<bool>, protocol: Option<&str>) -> u8 {
    let mfa = match is_mfa {
        Some(true) => 1,
        Some(false) => 2,
        None => 0,
    };
    let proto = match protocol.map(str::to_ascii_lowercase).as_deref() {
        None => 0,
        Some("legacy" | "basic" | "ntlm" | "imap" | "pop3" | "smtp") => 1,
        Some("device_code" | "devicecode") => 2,
        Some("oauth2" | "oidc" | "saml" | "saml2" | "kerberos") => 3,
        Some(_) => 4,
    };
    mfa * 8 + proto
}

/// A 1° latitude/longitude cell, about a city or a region.
pub(crate) fn place(lat: f64, long: f64) -> u32 {
    let lat = (lat.floor() as i32 + 90).clamp(0, 180) as u32;
    let long = (long.floor() as i32 + 180).clamp(0, 360) as u32;
    lat * 361 + long
}

/// The (day of week, hour of day) cell of `ms`.
fn hour_of_week(ms: i64) -> (usize, usize) {
    let weekday = ms.div_euclid(DAY_MS).rem_euclid(7) as usize;
    let hour = ms.div_euclid(HOUR_MS).rem_euclid(24) as usize;
    (weekday, hour)
}

impl UserBaseline {
    /// Counts any successful event at `now_ms` in the hour profile.
    pub(crate) fn record_time(&mut self, now_ms: i64) {
        self.events = self.events.saturating_add(1);
        let today = day(now_ms);
        if self.active_days == 0 || today > self.last_active_day {
            self.last_active_day = today;
            self.active_days = self.active_days.saturating_add(1);
        }
        let (w, h) = hour_of_week(now_ms);
        let saturated = self
            .hours
            .get(w)
            .and_then(|row| row.get(h))
            .is_some_and(|n| *n == u8::MAX);
        if saturated {
            for n in self.hours.iter_mut().flatten() {
                *n /= 2;
            }
        }
        if let Some(n) = self.hours.get_mut(w).and_then(|row| row.get_mut(h)) {
            *n = n.saturating_add(1);
        }
        let hour = now_ms.div_euclid(HOUR_MS);
        if let Some(slot) = self.recent.iter_mut().find(|(x, _)| *x == hour) {
            slot.1 = slot.1.saturating_add(1);
        } else if let Some(oldest) = self.recent.iter_mut().min_by_key(|(x, _)| *x) {
            *oldest = (hour, 1);
        }
    }

    /// Events within the last `hours` absolute hours up to `now_ms`.
    pub(crate) fn recent_activity(&self, now_ms: i64, hours: i64) -> u64 {
        let hour = now_ms.div_euclid(HOUR_MS);
        self.recent
            .iter()
            .filter(|(x, _)| *x <= hour && hour - *x <= hours)
            .map(|(_, n)| u64::from(*n))
            .sum()
    }

    pub(crate) fn record_customer(&mut self, customer: u32, now_ms: i64) {
        self.customers.record(customer, day(now_ms), CUSTOMERS);
    }

    pub(crate) fn record_operation(&mut self, operation: u32, now_ms: i64) {
        self.operations.record(operation, day(now_ms), OPERATIONS);
    }

    /// A successful sign-in's network, country, place and method.
    pub(crate) fn record_sign_in(
        &mut self,
        now_ms: i64,
        asn: Option<u32>,
        country: Option<[u8; 2]>,
        cell: Option<u32>,
        method: u8,
    ) {
        let d = day(now_ms);
        if let Some(a) = asn {
            self.networks.record(a, d, NETWORKS);
        }
        if let Some(c) = country {
            self.countries.record(c, d, COUNTRIES);
        }
        if let Some(p) = cell {
            self.places.record(p, d, PLACES);
        }
        self.methods.record(method, d, METHODS);
    }

    /// Events in the profile, and those within `radius` hours (of the day,
    /// any weekday) of `now_ms`.
    pub(crate) fn hour_activity(&self, now_ms: i64, radius: usize) -> (u64, u64) {
        let (_, h) = hour_of_week(now_ms);
        let mut total = 0u64;
        let mut near = 0u64;
        for row in &self.hours {
            for (hour, n) in row.iter().enumerate() {
                total += u64::from(*n);
                let d = hour.abs_diff(h);
                if d.min(24 - d) <= radius {
                    near += u64::from(*n);
                }
            }
        }
        (total, near)
    }

    /// Uses of any of `operations` (hashes), and the latest day of one.
    pub(crate) fn uses_of(&self, operations: &[u32]) -> (u32, Option<u16>) {
        operations
            .iter()
            .filter_map(|op| self.operations.get(*op))
            .fold((0, None), |(uses, last), h| {
                (
                    uses + u32::from(h.count),
                    Some(last.map_or(h.last_day, |l: u16| l.max(h.last_day))),
                )
            })
    }

    /// Active days before the day of `now_ms`.
    pub(crate) fn earlier_active_days(&self, now_ms: i64) -> u16 {
        if self.active_days > 0 && self.last_active_day == day(now_ms) {
            self.active_days - 1
        } else {
            self.active_days
        }
    }

    /// Events on the weekday of `now_ms` in the profile.
    pub(crate) fn weekday_activity(&self, now_ms: i64) -> u64 {
        let (w, _) = hour_of_week(now_ms);
        self.hours
            .get(w)
            .map_or(0, |row| row.iter().map(|n| u64::from(*n)).sum())
    }
}

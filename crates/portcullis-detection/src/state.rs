//! Per-entity streaming state: partner user, source IP, open findings (the
//! partner tenant's is its [`crate::baseline::TenantBaseline`]).

use serde::{Deserialize, Serialize};

use crate::baseline::UserBaseline;
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

/// The user's latest successful sign-in: actions after it inherit its
/// network.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub(crate) struct Session {
    pub time_ms: i64,
    pub asn: u32,
}

/// Everything the rules remember about one partner user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct UserState {
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    pub sign_ins: u32,
    /// What is normal for the user.
    #[serde(default)]
    pub baseline: UserBaseline,
    /// Latest successful sign-in with a network.
    #[serde(default)]
    pub session: Option<Session>,
    /// Networks (ASNs, latest last) from which the user signed in to a
    /// customer it worked in on an earlier day: its usual work moved there,
    /// so the network is its own however new (a new home ISP, an office).
    #[serde(default)]
    pub vouched: Vec<u32>,
    /// Fan-out: (customer hash, last time) inside the window.
    pub window_customers: Vec<(u64, i64)>,
    /// Fan-out: (customer hash, time, weight) of customers new to the user
    /// inside the window.
    #[serde(default)]
    pub fan_novel: Vec<(u64, i64, f32)>,
    /// Fan-out: learned usual window peak, today's peak, today's day number.
    pub fan_peak: f64,
    pub fan_day_peak: u32,
    pub fan_day: i64,
    pub fan_fired_today: bool,
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
    /// Accumulated novelty: (customer hash, day, unknown to the partner) of
    /// customers first reached from new networks within the window.
    #[serde(default)]
    pub novel_week: Vec<(u32, u16, bool)>,
    /// Combined risk score, when it was last decayed, and the rules (bits by
    /// rule) that added to it.
    pub risk: f64,
    pub risk_at_ms: i64,
    #[serde(default)]
    pub risk_rules: u16,
}

impl UserState {
    pub(crate) fn new(now_ms: i64) -> Self {
        Self {
            first_seen_ms: now_ms,
            last_seen_ms: now_ms,
            sign_ins: 0,
            baseline: UserBaseline::default(),
            session: None,
            vouched: Vec::new(),
            window_customers: Vec::new(),
            fan_novel: Vec::new(),
            fan_peak: 0.0,
            fan_day_peak: 0,
            fan_day: now_ms.div_euclid(crate::rules::DAY_MS),
            fan_fired_today: false,
            last_geo: None,
            returned_at_ms: None,
            delegated_sign_ins: Vec::new(),
            denied_bucket: i64::MIN,
            denied_count: 0,
            denied_ewma: 0.0,
            novel_week: Vec::new(),
            risk: 0.0,
            risk_at_ms: now_ms,
            risk_rules: 0,
        }
    }
}

/// Networks remembered as vouched for by the user's usual work.
const VOUCHED: usize = 4;

impl UserState {
    /// A successful sign-in from `asn` to a customer the user worked in on an
    /// earlier day.
    pub(crate) fn vouch(&mut self, asn: u32) {
        if self.vouched.last() == Some(&asn) {
            return;
        }
        self.vouched.retain(|a| *a != asn);
        if self.vouched.len() >= VOUCHED {
            self.vouched.remove(0);
        }
        self.vouched.push(asn);
    }
}

impl Recency for UserState {
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

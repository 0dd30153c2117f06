//! The detection rules. Each reads the event and its entity's state, updates
//! the state, and may return a [`Hit`]; the engine groups hits into findings.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::detection::{RuleId, Severity};

pub(crate) mod accumulated;
pub(crate) mod denied;
pub(crate) mod dormant;
pub(crate) mod escalation;
pub(crate) mod fan_out;
pub(crate) mod new_infra;
pub(crate) mod off_hours;
pub(crate) mod risk;
pub(crate) mod spray;
pub(crate) mod travel;

pub(crate) const HOUR_MS: i64 = 3_600_000;
pub(crate) const DAY_MS: i64 = 24 * HOUR_MS;

/// A rule fired on an event.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hit {
    pub rule: RuleId,
    pub severity: Severity,
    pub title: String,
    /// Set when the finding is about a source, not the user.
    pub source: Option<SourceKey>,
    /// How sure the rule is, 0–1 (before the caller's context is weighed).
    pub confidence: f64,
    /// Why, with the baseline figures that made it unusual.
    pub explanation: String,
}

/// A source entity: one address, or one network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub(crate) enum SourceKey {
    Ip(IpAddr),
    Asn(u32),
}

impl Hit {
    pub(crate) fn user(
        rule: RuleId,
        severity: Severity,
        confidence: f64,
        title: String,
        explanation: String,
    ) -> Self {
        Self {
            rule,
            severity,
            title,
            source: None,
            confidence: crate::confidence::clamp(confidence),
            explanation,
        }
    }

    /// Adds `delta` to the confidence and, when it changed, `reason` to the
    /// explanation.
    pub(crate) fn adjust(&mut self, delta: f64, reason: &str) {
        if delta == 0.0 {
            return;
        }
        self.confidence = crate::confidence::clamp(self.confidence + delta);
        if !self.explanation.is_empty() {
            self.explanation.push_str("; ");
        }
        self.explanation.push_str(reason);
    }
}

/// `part` of `whole` as a share from 0 to 1 (0 when `whole` is 0).
pub(crate) fn ratio(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        (part / whole).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Keeps `(key, time)` pairs inside `window_ms` of `now_ms`, refreshes or
/// adds `key`, and drops the oldest beyond `cap`. Returns the distinct count.
pub(crate) fn touch_window(
    entries: &mut Vec<(u64, i64)>,
    key: u64,
    now_ms: i64,
    window_ms: i64,
    cap: usize,
) -> usize {
    let oldest = now_ms.saturating_sub(window_ms);
    entries.retain(|(_, t)| *t > oldest);
    if let Some(entry) = entries.iter_mut().find(|(k, _)| *k == key) {
        entry.1 = entry.1.max(now_ms);
    } else {
        if entries.len() >= cap
            && let Some(i) = entries
                .iter()
                .enumerate()
                .min_by_key(|(_, e)| e.1)
                .map(|(i, _)| i)
        {
            entries.swap_remove(i);
        }
        entries.push((key, now_ms));
    }
    entries.len()
}

/// Human form of a duration in whole minutes or hours.
pub(crate) fn span(ms: i64) -> String {
    if ms % HOUR_MS == 0 {
        let h = ms / HOUR_MS;
        if h == 1 {
            "1 hour".into()
        } else {
            format!("{h} hours")
        }
    } else {
        format!("{} minutes", ms / 60_000)
    }
}

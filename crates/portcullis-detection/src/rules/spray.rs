//! `PCD-004` password spray: many distinct users failing to sign in from one
//! source IP (or one ASN) within a window, with few attempts each.

use super::{Hit, SourceKey, span};
use crate::config::SprayConfig;
use crate::detection::{RuleId, Severity};
use crate::state::SourceState;

/// Most failing users remembered per source.
const CAP: usize = 4096;

/// A failed sign-in of user `user` (a hash) from `key`; fires at
/// `min_users` distinct users.
pub(crate) fn check(
    cfg: &SprayConfig,
    source: &mut SourceState,
    key: SourceKey,
    min_users: u32,
    user: u64,
    now_ms: i64,
) -> Option<Hit> {
    source.last_seen_ms = source.last_seen_ms.max(now_ms);
    let oldest = now_ms.saturating_sub(cfg.window_ms);
    source.failures.retain(|(_, t, _)| *t > oldest);
    if let Some(entry) = source.failures.iter_mut().find(|(u, _, _)| *u == user) {
        entry.1 = entry.1.max(now_ms);
        entry.2 = entry.2.saturating_add(1);
    } else if source.failures.len() < CAP {
        source.failures.push((user, now_ms, 1));
    }
    let users = source.failures.len();
    let attempts: u64 = source.failures.iter().map(|(_, _, n)| u64::from(*n)).sum();
    if min_users == 0
        || users < min_users as usize
        || attempts as f64 / users as f64 > cfg.max_attempts_per_user
    {
        return None;
    }
    let from = match key {
        SourceKey::Ip(ip) => ip.to_string(),
        SourceKey::Asn(asn) => format!("AS{asn}"),
    };
    let average = attempts as f64 / users as f64;
    Some(Hit {
        rule: RuleId::PasswordSpray,
        severity: Severity::High,
        title: format!(
            "{users} partner users failed to sign in from {from} in {}",
            span(cfg.window_ms)
        ),
        source: Some(key),
        confidence: 0.9,
        explanation: format!(
            "{users} distinct users failed from {from} in {}, {average:.1} attempts each \
             (fires from {min_users} users, at most {:.0} attempts each)",
            span(cfg.window_ms),
            cfg.max_attempts_per_user
        ),
    })
}

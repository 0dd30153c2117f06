//! `PCD-009` off-hours privileged activity: a privileged action far from any
//! of the user's learned working hours (UTC hour of day).

use super::{HOUR_MS, Hit};
use crate::config::OffHoursConfig;
use crate::detection::{RuleId, Severity};
use crate::state::UserState;

/// The UTC hour of `now_ms`.
pub(crate) fn hour(now_ms: i64) -> usize {
    usize::try_from(now_ms.div_euclid(HOUR_MS).rem_euclid(24)).unwrap_or(0)
}

/// Records activity of the user at `now_ms`.
pub(crate) fn record(user: &mut UserState, now_ms: i64) {
    if let Some(n) = user.hours.get_mut(hour(now_ms)) {
        *n = n.saturating_add(1);
    }
}

/// A privileged action at `now_ms` (checked before it is recorded).
pub(crate) fn check(
    cfg: &OffHoursConfig,
    user: &UserState,
    operation: &str,
    now_ms: i64,
) -> Option<Hit> {
    let total: u64 = user.hours.iter().map(|n| u64::from(*n)).sum();
    if total < u64::from(cfg.min_events) {
        return None;
    }
    let h = hour(now_ms);
    let distance = user
        .hours
        .iter()
        .enumerate()
        .filter(|(_, n)| f64::from(**n) / total as f64 >= cfg.working_hour_share)
        .map(|(w, _)| {
            let d = w.abs_diff(h);
            d.min(24 - d)
        })
        .min()?;
    (distance >= cfg.min_distance_hours as usize).then(|| {
        Hit::user(
            RuleId::OffHours,
            Severity::Medium,
            format!("Partner user ran `{operation}` at {h:02}:00 UTC, {distance} hours outside its working hours"),
        )
    })
}

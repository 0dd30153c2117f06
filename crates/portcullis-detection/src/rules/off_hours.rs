//! `PCD-009` off-hours privileged activity: a privileged action far from the
//! user's own working hours (its learned hour-of-week profile, so a night
//! shift's nights are its working hours).

use super::{HOUR_MS, Hit};
use crate::baseline::UserBaseline;
use crate::config::OffHoursConfig;
use crate::detection::{RuleId, Severity};
use crate::novelty::Novelty;

/// A successful privileged action at `now_ms`, judged before it is learned.
pub(crate) fn check(
    cfg: &OffHoursConfig,
    baseline: &UserBaseline,
    operation: &str,
    novelty: &Novelty,
    now_ms: i64,
) -> Option<Hit> {
    let (total, _) = baseline.hour_activity(now_ms, 0);
    if total < u64::from(cfg.min_events) {
        return None;
    }
    let h = now_ms.div_euclid(HOUR_MS).rem_euclid(24);
    let distance = (0..24i64)
        .filter(|w| {
            let (_, n) = baseline.hour_activity(w * HOUR_MS, 0);
            n as f64 / total as f64 >= cfg.working_hour_share
        })
        .map(|w| {
            let d = (w - h).abs();
            d.min(24 - d)
        })
        .min()?;
    let (_, near) = baseline.hour_activity(now_ms, 2);
    let near = near.saturating_sub(baseline.recent_activity(now_ms, 2));
    if distance < i64::from(cfg.min_distance_hours) || near as f64 > cfg.quiet_share * total as f64
    {
        return None;
    }
    let mut confidence = 0.6;
    let mut why = format!(
        "{near} of {total} earlier events within 2 hours of {h:02}:00 UTC (this session aside); \
         nearest working hour {distance} hours away"
    );
    let uses = novelty.operation.map_or(0, |o| o.user_uses);
    if uses == 0 {
        confidence += 0.15;
        why.push_str(&format!("; first `{operation}` by the user"));
    }
    // At another office of its partner (travel), its hours are that
    // office's: the clock says less.
    if let Some(n) = novelty
        .network
        .filter(|n| n.partner_owns && f64::from(n.user_uses) < 0.1 * f64::from(n.user_sign_ins))
    {
        confidence -= 0.15;
        why.push_str(&format!(
            "; from AS{}, the partner's network but rarely the user's ({} of {} sign-ins)",
            n.asn, n.user_uses, n.user_sign_ins
        ));
    }
    if novelty.history_ms < cfg.rota_ms {
        confidence -= 0.15;
        why.push_str(&format!(
            "; hours learned over {} days only (a weekly rota may not have shown its other shift)",
            novelty.history_days
        ));
    }
    if baseline.weekday_activity(now_ms) == 0 {
        confidence += 0.05;
        why.push_str("; no earlier activity on this weekday");
    }
    Some(Hit::user(
        RuleId::OffHours,
        Severity::Medium,
        confidence,
        format!(
            "Partner user ran `{operation}` at {h:02}:00 UTC, {distance} hours outside its working hours"
        ),
        why,
    ))
}

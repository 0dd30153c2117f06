//! `PCD-001` tenant fan-out: many distinct customers in a sliding window,
//! judged against the user's own learned peak and an absolute floor.

use super::{DAY_MS, Hit, span, touch_window};
use crate::config::FanOutConfig;
use crate::detection::{RuleId, Severity};
use crate::state::UserState;

/// Most customers remembered in the window.
const CAP: usize = 1024;

/// A delegated event by the user in customer `customer` (a hash).
pub(crate) fn check(
    cfg: &FanOutConfig,
    user: &mut UserState,
    customer: u64,
    now_ms: i64,
) -> Option<Hit> {
    roll_day(cfg, user, now_ms);
    let n = touch_window(
        &mut user.window_customers,
        customer,
        now_ms,
        cfg.window_ms,
        CAP,
    );
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    user.fan_day_peak = user.fan_day_peak.max(n);
    let learned = (cfg.multiplier * user.fan_peak).ceil();
    let threshold = if learned > f64::from(cfg.floor) {
        learned as u32
    } else {
        cfg.floor
    };
    if n < threshold {
        return None;
    }
    user.fan_fired_today = true;
    Some(Hit::user(
        RuleId::FanOut,
        Severity::High,
        format!(
            "Partner user reached {n} customer tenants in {}",
            span(cfg.window_ms)
        ),
    ))
}

/// At a new day, folds yesterday's peak into the learned peak (unless the
/// rule fired that day: an attack must not raise its own bar).
fn roll_day(cfg: &FanOutConfig, user: &mut UserState, now_ms: i64) {
    let day = now_ms.div_euclid(DAY_MS);
    if day <= user.fan_day {
        return;
    }
    let days = i32::try_from(day.saturating_sub(user.fan_day))
        .unwrap_or(i32::MAX)
        .min(3650);
    let decayed = user.fan_peak * cfg.peak_decay_per_day.powi(days);
    let yesterday = if user.fan_fired_today {
        0.0
    } else {
        f64::from(user.fan_day_peak)
    };
    user.fan_peak = decayed.max(yesterday);
    user.fan_day = day;
    user.fan_day_peak = 0;
    user.fan_fired_today = false;
}

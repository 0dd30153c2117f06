//! `PCD-001` tenant fan-out: many distinct customers in a sliding window.
//! Customers the user works on every week count for nothing towards the
//! confidence (a patch-day sweep); customers new to the user count ½ when
//! its partner's staff serve them and 1 when nobody at the partner did.

use super::{DAY_MS, Hit, ratio, span, touch_window};
use crate::config::FanOutConfig;
use crate::detection::{RuleId, Severity};
use crate::novelty::CustomerNovelty;
use crate::state::UserState;

/// Most customers remembered in the window.
const CAP: usize = 1024;

/// A delegated event by the user in customer `customer` (a hash).
pub(crate) fn check(
    cfg: &FanOutConfig,
    user: &mut UserState,
    customer: u64,
    novelty: Option<CustomerNovelty>,
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
    let weight = novelty.map_or(0.0, |c| c.weight());
    let oldest = now_ms.saturating_sub(cfg.window_ms);
    user.fan_novel.retain(|(_, t, _)| *t > oldest);
    if weight > 0.0 && !user.fan_novel.iter().any(|(c, ..)| *c == customer) {
        user.fan_novel.push((customer, now_ms, weight as f32));
    }
    let novel: f64 = user.fan_novel.iter().map(|(.., w)| f64::from(*w)).sum();
    let n = u32::try_from(n).unwrap_or(u32::MAX);
    user.fan_day_peak = user.fan_day_peak.max(n);
    let learned = (cfg.multiplier * user.fan_peak).ceil();
    let threshold = learned.max(f64::from(cfg.floor));
    let floor = cfg.novel_floor.max(1.0);
    let by_novelty = (novel >= floor).then(|| 0.5 + 0.4 * ratio(novel - floor, floor));
    let by_count = (f64::from(n) >= threshold)
        .then(|| 0.35 + 0.1 * ratio(f64::from(n) - threshold, threshold));
    let confidence = by_novelty.into_iter().chain(by_count).reduce(f64::max)?;
    if by_novelty.is_some() {
        user.fan_fired_today = true;
    }
    let new_to_user = user.fan_novel.len();
    let unknown = user.fan_novel.iter().filter(|(.., w)| *w >= 1.0).count();
    let usual = novelty.map_or(0, |c| c.user_customers);
    Some(Hit::user(
        RuleId::FanOut,
        Severity::High,
        confidence,
        format!(
            "Partner user reached {n} customer tenants in {}",
            span(cfg.window_ms)
        ),
        format!(
            "{new_to_user} of {n} customers in {} never reached by the user before \
             ({unknown} by nobody at its partner); the user works with {usual} customers \
             and its usual peak is {:.0} customers per {}",
            span(cfg.window_ms),
            user.fan_peak,
            span(cfg.window_ms)
        ),
    ))
}

/// At a new day, folds yesterday's peak into the learned peak (unless the
/// rule fired on novelty that day: an attack must not raise its own bar).
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

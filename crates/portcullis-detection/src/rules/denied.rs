//! `PCD-007` denied burst: denied decisions per bucket against an EWMA
//! baseline of earlier buckets and an absolute floor.

use super::{Hit, ratio, span};
use crate::config::DeniedBurstConfig;
use crate::detection::{RuleId, Severity};
use crate::state::UserState;

/// A denied action of the user.
pub(crate) fn check(cfg: &DeniedBurstConfig, user: &mut UserState, now_ms: i64) -> Option<Hit> {
    let bucket = now_ms.div_euclid(cfg.bucket_ms.max(1));
    if bucket > user.denied_bucket {
        if user.denied_bucket != i64::MIN {
            let closed = f64::from(user.denied_count);
            user.denied_ewma = user.denied_ewma * (1.0 - cfg.alpha) + cfg.alpha * closed;
            let empty = i32::try_from(bucket.saturating_sub(user.denied_bucket).saturating_sub(1))
                .unwrap_or(i32::MAX)
                .min(10_000);
            user.denied_ewma *= (1.0 - cfg.alpha).powi(empty);
        }
        user.denied_bucket = bucket;
        user.denied_count = 0;
    }
    user.denied_count = user.denied_count.saturating_add(1);
    let learned = (cfg.multiplier * user.denied_ewma).ceil();
    let threshold = if learned > f64::from(cfg.floor) {
        learned as u32
    } else {
        cfg.floor
    };
    (user.denied_count >= threshold).then(|| {
        let over = f64::from(user.denied_count - threshold);
        Hit::user(
            RuleId::DeniedBurst,
            Severity::Medium,
            0.55 + 0.35 * ratio(over, f64::from(threshold)),
            format!(
                "{} denied actions for a partner user in {}",
                user.denied_count,
                span(cfg.bucket_ms)
            ),
            format!(
                "{} denied in {}; usual {:.1} per {} (fires from {threshold})",
                user.denied_count,
                span(cfg.bucket_ms),
                user.denied_ewma,
                span(cfg.bucket_ms)
            ),
        )
    })
}

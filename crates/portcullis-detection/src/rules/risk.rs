//! `PCD-010` combined risk: Low and Medium signals add decaying points to a
//! per-user score; reaching the threshold raises a High finding.

use super::Hit;
use crate::config::RiskConfig;
use crate::detection::{RuleId, Severity};
use crate::state::UserState;

/// Adds the points of a new signal of `severity` at `now_ms`.
pub(crate) fn add(
    cfg: &RiskConfig,
    user: &mut UserState,
    severity: Severity,
    now_ms: i64,
) -> Option<Hit> {
    let points = match severity {
        Severity::Informational | Severity::High | Severity::Critical => return None,
        Severity::Low => cfg.low_points,
        Severity::Medium => cfg.medium_points,
    };
    let elapsed = now_ms.saturating_sub(user.risk_at_ms).max(0) as f64;
    let half_life = cfg.half_life_ms.max(1) as f64;
    user.risk = user.risk * 0.5f64.powf(elapsed / half_life) + points;
    user.risk_at_ms = now_ms.max(user.risk_at_ms);
    if user.risk < cfg.threshold {
        return None;
    }
    let score = user.risk;
    user.risk = 0.0;
    Some(Hit::user(
        RuleId::CombinedRisk,
        Severity::High,
        format!("Several weak signals for a partner user (risk score {score:.0})"),
    ))
}

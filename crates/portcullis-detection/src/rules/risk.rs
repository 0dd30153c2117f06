//! `PCD-010` combined risk: weak signals and findings below High severity add
//! decaying points to a per-user score; reaching the threshold with signals
//! of at least two rules raises a High finding.

use super::Hit;
use crate::config::RiskConfig;
use crate::detection::{RuleId, Severity};
use crate::state::UserState;

/// A signal for the score: a rule's weak signal, or a hit of `confidence`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Signal {
    pub rule: RuleId,
    pub severity: Severity,
    /// `None` for a weak signal.
    pub confidence: Option<f64>,
    /// A finding was raised (a hit not raised, or a weak signal, is not).
    pub raised: bool,
}

/// Adds the points of a new signal at `now_ms`.
pub(crate) fn add(
    cfg: &RiskConfig,
    user: &mut UserState,
    signal: Signal,
    now_ms: i64,
) -> Option<Hit> {
    let points = match (signal.severity, signal.confidence) {
        (Severity::Informational | Severity::High | Severity::Critical, _) => return None,
        (_, None) => cfg.low_points,
        (_, Some(c)) if c < crate::confidence::ConfidenceLevel::MEDIUM => cfg.low_points,
        (Severity::Low, Some(_)) => cfg.low_points,
        (Severity::Medium, Some(_)) => cfg.medium_points,
    };
    let elapsed = now_ms.saturating_sub(user.risk_at_ms).max(0) as f64;
    let half_life = cfg.half_life_ms.max(1) as f64;
    user.risk *= 0.5f64.powf(elapsed / half_life);
    if user.risk < 1.0 {
        user.risk_rules = 0;
    }
    let bit = 1u16 << (signal.rule as u16);
    // A rule's weak signals and hits not raised (below Medium, or while the
    // user is learned) count once per episode: a sweep hits on every event,
    // and it is one signal.
    if user.risk_rules & bit != 0 && (points <= cfg.low_points || !signal.raised) {
        return None;
    }
    user.risk += points;
    user.risk_rules |= bit;
    user.risk_at_ms = now_ms.max(user.risk_at_ms);
    if user.risk < cfg.threshold || user.risk_rules.count_ones() < 2 {
        return None;
    }
    let score = user.risk;
    let rules = user.risk_rules.count_ones();
    user.risk = 0.0;
    user.risk_rules = 0;
    Some(Hit::user(
        RuleId::CombinedRisk,
        Severity::High,
        0.5 + 0.4 * super::ratio(score - cfg.threshold, cfg.threshold),
        format!("Several weak signals for a partner user (risk score {score:.0})"),
        format!(
            "risk score {score:.0} from {rules} rules (fires at {:.0}, halving every {} hours)",
            cfg.threshold,
            cfg.half_life_ms / 3_600_000
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signal(rule: RuleId, confidence: Option<f64>, raised: bool) -> Signal {
        Signal {
            rule,
            severity: if confidence.is_some() {
                Severity::Medium
            } else {
                Severity::Low
            },
            confidence,
            raised,
        }
    }

    #[test]
    fn a_hit_not_raised_counts_once_however_often_it_repeats() {
        let cfg = RiskConfig::default();
        let mut user = UserState::new(0);
        // A new hire's first sweep while learning: the same Medium hit on
        // every customer, none raised, and a new network.
        let weak = signal(RuleId::NewInfrastructure, None, false);
        assert!(add(&cfg, &mut user, weak, 0).is_none());
        for k in 1..10 {
            let hit = signal(RuleId::FanOut, Some(0.55), false);
            assert!(add(&cfg, &mut user, hit, k * 60_000).is_none(), "{k}");
        }
        // Two raised Medium findings of different rules do combine.
        let mut user = UserState::new(0);
        let first = signal(RuleId::NewInfrastructure, Some(0.65), true);
        assert!(add(&cfg, &mut user, first, 0).is_none());
        let second = signal(RuleId::OffHours, Some(0.6), true);
        assert!(add(&cfg, &mut user, second, 60_000).is_some());
    }
}

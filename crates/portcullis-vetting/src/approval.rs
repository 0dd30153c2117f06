//! Auto-approval: off by default; when on, only for low-risk cases whose
//! mandatory checks all pass. Everything else goes to a reviewer.

use serde::{Deserialize, Serialize};

use crate::risk::{RiskAssessment, RiskLevel};

/// Default highest score that may be auto-approved.
pub const DEFAULT_MAX_AUTO_APPROVE_SCORE: u8 = 10;

/// When a case may skip review. Deserializes from a partial table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AutoApprovePolicy {
    /// Whether auto-approval happens at all (default `false`).
    pub enabled: bool,
    /// Highest score that may be auto-approved (default
    /// [`DEFAULT_MAX_AUTO_APPROVE_SCORE`]); the level must be `low` as well.
    pub max_score: u8,
}

impl Default for AutoApprovePolicy {
    fn default() -> Self {
        Self {
            enabled: false,
            max_score: DEFAULT_MAX_AUTO_APPROVE_SCORE,
        }
    }
}

/// Whether the case may be approved without a reviewer: the policy is
/// enabled, no mandatory check failed, the level is `low` and the score is
/// at most `max_score`.
#[must_use]
pub fn auto_approvable(assessment: &RiskAssessment, policy: &AutoApprovePolicy) -> bool {
    policy.enabled
        && assessment.mandatory_failed.is_empty()
        && assessment.level == RiskLevel::Low
        && assessment.score <= policy.max_score
}

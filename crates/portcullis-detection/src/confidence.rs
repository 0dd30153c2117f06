//! How sure a detection is: a score from 0 to 1 and its level.
//!
//! | level | score | by default |
//! | --- | --- | --- |
//! | High | ≥ 0.8 | raised, even while the user is learning; may contain |
//! | Medium | 0.5 – 0.8 | raised once the user's baseline is learned; alerts only |
//! | Low | < 0.5 | not raised: points towards `PCD-010` combined risk |

use serde::{Deserialize, Serialize};

/// The level of a confidence score (OCSF `confidence_id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ConfidenceLevel {
    Low = 1,
    Medium = 2,
    High = 3,
}

impl ConfidenceLevel {
    /// Score from which a detection is Medium.
    pub const MEDIUM: f64 = 0.5;
    /// Score from which a detection is High.
    pub const HIGH: f64 = 0.8;

    /// The level of `score` (0–1).
    pub fn of(score: f64) -> Self {
        if score >= Self::HIGH {
            Self::High
        } else if score >= Self::MEDIUM {
            Self::Medium
        } else {
            Self::Low
        }
    }

    /// OCSF caption: `Low`, `Medium`, `High`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "Low",
            Self::Medium => "Medium",
            Self::High => "High",
        }
    }
}

/// `score` kept within 0–1 (NaN is 0).
pub(crate) fn clamp(score: f64) -> f64 {
    if score.is_nan() {
        0.0
    } else {
        score.clamp(0.0, 1.0)
    }
}

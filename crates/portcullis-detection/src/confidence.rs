//! How sure a detection is: a score from 0 to 1 and its level.
//!
//! | level | score | by default |
//! | --- | --- | --- |
//! | High | ≥ 0.8 | raised, even while the user is learning; may contain |
//! | Medium | 0.5 – 0.8 | raised once the user's baseline is learned; alerts only |
//! | Low | < 0.5 | not raised: points towards `PCD-010` combined risk |

use serde::{Deserialize, Deserializer, Serialize};

/// The level of a confidence score (OCSF `confidence_id`). Read from
/// configuration in any case (`high`, `High`, `HIGH`); written as its
/// caption.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
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

/// A confidence level that is none of `Low`, `Medium`, `High`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown confidence level `{0}`: expected `Low`, `Medium` or `High`")]
pub struct UnknownConfidenceLevel(String);

impl std::str::FromStr for ConfidenceLevel {
    type Err = UnknownConfidenceLevel;

    /// `Low`, `Medium` or `High`, in any case.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        [Self::Low, Self::Medium, Self::High]
            .into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(input.trim()))
            .ok_or_else(|| UnknownConfidenceLevel(input.chars().take(40).collect()))
    }
}

impl<'de> Deserialize<'de> for ConfidenceLevel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    #[test]
    fn a_level_reads_in_any_case_and_refuses_anything_else() {
        for text in ["high", "High", "HIGH", " hIgH "] {
            assert_eq!(text.parse::<ConfidenceLevel>(), Ok(ConfidenceLevel::High));
        }
        assert_eq!("medium".parse(), Ok(ConfidenceLevel::Medium));
        assert_eq!("LOW".parse(), Ok(ConfidenceLevel::Low));
        let err = "certain".parse::<ConfidenceLevel>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown confidence level `certain`: expected `Low`, `Medium` or `High`"
        );
        let level: ConfidenceLevel = serde_json::from_str("\"hIGH\"").unwrap();
        assert_eq!(level, ConfidenceLevel::High);
        assert_eq!(serde_json::to_string(&level).unwrap(), "\"High\"");
        assert!(serde_json::from_str::<ConfidenceLevel>("\"Highest\"").is_err());
    }
}

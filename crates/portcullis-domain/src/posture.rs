//! Where a partner stands on tenant security posture.

use serde::{Deserialize, Serialize};

/// Where a partner stands for gating.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PostureStanding {
    /// No `SHALL` requirement fails.
    Compliant,
    /// `SHALL` requirements fail: no new relationships or assignments;
    /// suspended when the grace period ends.
    Noncompliant,
    /// The grace period is over: decisions deny with `partner_noncompliant`.
    Suspended,
}

impl PostureStanding {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Compliant => "compliant",
            Self::Noncompliant => "noncompliant",
            Self::Suspended => "suspended",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "compliant" => Some(Self::Compliant),
            "noncompliant" => Some(Self::Noncompliant),
            "suspended" => Some(Self::Suspended),
            _ => None,
        }
    }
}

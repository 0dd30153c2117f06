//! Detection findings as kept and served: an OCSF Detection Finding with
//! the fields Portcullis queries, and the status operators triage it by.

use serde::{Deserialize, Serialize};

use crate::{RecordId, Timestamp};

/// Where an operator's triage of a finding stands; the strings are OCSF's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub enum FindingStatus {
    #[serde(rename = "New")]
    New,
    #[serde(rename = "In Progress")]
    InProgress,
    #[serde(rename = "Resolved")]
    Resolved,
    #[serde(rename = "Suppressed")]
    Suppressed,
}

impl FindingStatus {
    /// Every status, in triage order.
    pub const ALL: [Self; 4] = [
        Self::New,
        Self::InProgress,
        Self::Resolved,
        Self::Suppressed,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::InProgress => "In Progress",
            Self::Resolved => "Resolved",
            Self::Suppressed => "Suppressed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// `New` and `In Progress` findings are open: new evidence joins them.
    pub const fn is_open(self) -> bool {
        matches!(self, Self::New | Self::InProgress)
    }
}

impl std::fmt::Display for FindingStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An OCSF Detection Finding with the fields Portcullis queries.
///
/// The partner tenant and user are kept as the activity events named them
/// (events are not required to carry UUIDs), so they stay text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Finding {
    pub id: RecordId,
    /// The detection rule, e.g. `tenant_fan_out`.
    pub rule_id: String,
    /// OCSF `severity_id`: 1 informational … 5 critical.
    pub severity_id: i64,
    pub status: FindingStatus,
    pub status_reason: Option<String>,
    pub partner_tenant_id: Option<String>,
    pub user_id: Option<String>,
    pub title: String,
    pub first_seen: Timestamp,
    pub last_seen: Timestamp,
    pub evidence_count: i64,
    /// How sure detection is, 0–1 (OCSF `confidence_score` / 100): Low
    /// below 0.5, Medium below 0.8, High from 0.8.
    #[serde(default)]
    pub confidence: f64,
    /// Why, with the baseline figures that made it unusual (OCSF `message`).
    #[serde(default)]
    pub explanation: String,
    /// The whole OCSF Detection Finding (class 2004).
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

/// Which findings to list; every filter is optional. The values are
/// matched as given, so one that names nothing lists nothing.
#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    pub status: Option<String>,
    pub rule_id: Option<String>,
    pub partner_tenant_id: Option<String>,
    pub user_id: Option<String>,
    /// Findings whose evidence reaches this time or later.
    pub since: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_string_and_json() {
        for status in FindingStatus::ALL {
            assert_eq!(FindingStatus::parse(status.as_str()), Some(status));
            let json = serde_json::to_value(status).unwrap();
            assert_eq!(json, serde_json::json!(status.as_str()));
        }
        assert_eq!(FindingStatus::parse("new"), None);
    }
}

//! Detection findings as kept and served: an OCSF Detection Finding with
//! the fields Portcullis queries, and the status operators triage it by.

use serde::{Deserialize, Serialize};

use crate::{RecordId, TenantId, Timestamp};

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
    /// The customer tenants the finding's evidence touched, sorted, each
    /// once; it only grows as evidence does. A customer admin sees the
    /// findings that name its tenant here, and no other customer's id.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub customers: Vec<TenantId>,
}

impl Finding {
    /// Whether the finding's evidence touched `customer`.
    pub fn concerns(&self, customer: TenantId) -> bool {
        self.customers.contains(&customer)
    }

    /// Adds customers (sorted, each once).
    pub fn add_customers(&mut self, more: impl IntoIterator<Item = TenantId>) {
        self.customers.extend(more);
        self.customers.sort();
        self.customers.dedup();
    }

    /// The finding as customer `own` may see it: no other customer's id
    /// anywhere (the customer list, the OCSF evidence, the texts), and only
    /// the evidence about `own`'s tenant.
    pub fn for_customer(&self, own: TenantId) -> Self {
        let others: Vec<String> = self
            .customers
            .iter()
            .filter(|c| **c != own)
            .map(ToString::to_string)
            .collect();
        let mut seen = self.clone();
        seen.customers = vec![own];
        if let Some(serde_json::Value::Array(items)) = seen.body.get_mut("evidences") {
            let own = own.to_string();
            items.retain(|e| {
                e.pointer("/cloud/account/uid")
                    .and_then(serde_json::Value::as_str)
                    == Some(own.as_str())
            });
        }
        redact(&mut seen.body, &others);
        for text in [&mut seen.title, &mut seen.explanation] {
            *text = redacted(text, &others);
        }
        seen.status_reason = seen.status_reason.map(|r| redacted(&r, &others));
        seen
    }
}

/// What stands in for another customer's id.
pub const REDACTED: &str = "[another customer]";

fn redacted(text: &str, ids: &[String]) -> String {
    ids.iter()
        .fold(text.to_owned(), |t, id| t.replace(id.as_str(), REDACTED))
}

fn redact(value: &mut serde_json::Value, ids: &[String]) {
    match value {
        serde_json::Value::String(s) => *s = redacted(s, ids),
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| redact(v, ids)),
        serde_json::Value::Object(map) => map.values_mut().for_each(|v| redact(v, ids)),
        _ => {}
    }
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
    /// Only findings concerning this customer tenant.
    pub customer_tenant_id: Option<TenantId>,
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

    fn tenant(n: u128) -> TenantId {
        TenantId::from_uuid(uuid::Uuid::from_u128(n))
    }

    fn evidence(customer: TenantId) -> serde_json::Value {
        serde_json::json!({"time": 1, "cloud": {"account": {"uid": customer.to_string()}}})
    }

    #[test]
    fn a_customer_sees_only_its_own_evidence_and_no_other_customer_id() {
        let (a, b) = (tenant(0xa), tenant(0xb));
        let mut finding = Finding {
            id: RecordId::from_uuid(uuid::Uuid::from_u128(1)),
            rule_id: "PCD-001".into(),
            severity_id: 4,
            status: FindingStatus::New,
            status_reason: Some(format!("seen in {b}")),
            partner_tenant_id: None,
            user_id: Some("u".into()),
            title: "fan-out".into(),
            first_seen: Timestamp::from_unix_millis(1),
            last_seen: Timestamp::from_unix_millis(2),
            evidence_count: 2,
            confidence: 0.9,
            explanation: format!("reached {a} and {b}"),
            body: serde_json::json!({"evidences": [evidence(a), evidence(b)], "message": b.to_string()}),
            created_at: Timestamp::from_unix_millis(1),
            updated_at: Timestamp::from_unix_millis(1),
            version: 1,
            customers: Vec::new(),
        };
        finding.add_customers([b, a, b]);
        assert_eq!(finding.customers, vec![a, b], "sorted, each once");
        assert!(finding.concerns(a) && !finding.concerns(tenant(0xc)));
        let seen = finding.for_customer(a);
        let text = serde_json::to_string(&seen).unwrap();
        assert!(!text.contains(&b.to_string()), "{text}");
        assert_eq!(seen.customers, vec![a]);
        assert_eq!(seen.body["evidences"].as_array().map(Vec::len), Some(1));
        assert_eq!(seen.explanation, format!("reached {a} and {REDACTED}"));
        assert_eq!(seen.status_reason, Some(format!("seen in {REDACTED}")));
    }
}

//! Detections: what the engine returns (one alert per rule and subject), and
//! their OCSF Detection Finding (2004) shape.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A detection rule. Ids are stable; names are for humans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RuleId {
    FanOut,
    NewInfrastructure,
    ImpossibleTravel,
    PasswordSpray,
    DormantAccount,
    EscalationSequence,
    DeniedBurst,
    ThreatIntel,
    OffHours,
    CombinedRisk,
}

impl RuleId {
    /// Every rule, in id order.
    pub const ALL: [RuleId; 10] = [
        Self::FanOut,
        Self::NewInfrastructure,
        Self::ImpossibleTravel,
        Self::PasswordSpray,
        Self::DormantAccount,
        Self::EscalationSequence,
        Self::DeniedBurst,
        Self::ThreatIntel,
        Self::OffHours,
        Self::CombinedRisk,
    ];

    /// The stable id, `PCD-001` … `PCD-010`.
    pub fn id(self) -> &'static str {
        match self {
            Self::FanOut => "PCD-001",
            Self::NewInfrastructure => "PCD-002",
            Self::ImpossibleTravel => "PCD-003",
            Self::PasswordSpray => "PCD-004",
            Self::DormantAccount => "PCD-005",
            Self::EscalationSequence => "PCD-006",
            Self::DeniedBurst => "PCD-007",
            Self::ThreatIntel => "PCD-008",
            Self::OffHours => "PCD-009",
            Self::CombinedRisk => "PCD-010",
        }
    }

    /// The rule's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::FanOut => "Tenant fan-out",
            Self::NewInfrastructure => "New infrastructure",
            Self::ImpossibleTravel => "Impossible travel",
            Self::PasswordSpray => "Password spray",
            Self::DormantAccount => "Dormant account",
            Self::EscalationSequence => "Privilege-escalation sequence",
            Self::DeniedBurst => "Denied burst",
            Self::ThreatIntel => "Threat-intel hit",
            Self::OffHours => "Off-hours privileged activity",
            Self::CombinedRisk => "Combined risk",
        }
    }
}

/// OCSF `severity_id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Severity {
    Informational = 1,
    Low = 2,
    Medium = 3,
    High = 4,
    Critical = 5,
}

/// Who a detection is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum DetectionSubject {
    /// A partner user and its home tenant.
    User {
        uid: String,
        partner_tenant: Option<String>,
    },
    /// A source address (password spray).
    Source { ip: IpAddr },
    /// A source network (password spray across one ASN).
    Network { asn: u32 },
}

/// One event backing a detection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// `metadata.uid` of the event.
    pub event_uid: Option<String>,
    pub time_ms: i64,
    pub user: String,
    pub partner_tenant: Option<String>,
    pub customer_tenant: Option<String>,
    pub src_ip: Option<IpAddr>,
}

/// A new or updated alert. One detection is open per (subject, rule); later
/// evidence updates it (`is_update`) until it has been quiet for
/// `Config::finding_close_ms`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// Stable id: rule id, subject and first-seen time.
    pub uid: String,
    pub rule: RuleId,
    pub severity: Severity,
    pub title: String,
    pub subject: DetectionSubject,
    /// When this version was raised (the time of the last evidence).
    pub time_ms: i64,
    pub first_seen_ms: i64,
    pub last_seen_ms: i64,
    /// Evidence events so far (the list keeps the latest few).
    pub evidence_count: u32,
    pub evidence: Vec<Evidence>,
    /// False the first time the detection is returned, true afterwards.
    pub is_update: bool,
}

impl Detection {
    /// The user the detection is about, if it is about one.
    pub fn user(&self) -> Option<&str> {
        match &self.subject {
            DetectionSubject::User { uid, .. } => Some(uid),
            DetectionSubject::Source { .. } | DetectionSubject::Network { .. } => None,
        }
    }

    /// The OCSF Detection Finding (class 2004) document.
    pub fn to_ocsf(&self) -> Value {
        let evidences: Vec<Value> = self.evidence.iter().map(evidence_json).collect();
        json!({
            "class_uid": 2004,
            "category_uid": 2,
            "activity_id": if self.is_update { 2 } else { 1 },
            "time": self.time_ms,
            "severity_id": self.severity as u8,
            "status": "New",
            "finding_info": {
                "uid": self.uid,
                "title": self.title,
                "analytic": { "uid": self.rule.id(), "name": self.rule.name() },
                "first_seen_time": self.first_seen_ms,
                "last_seen_time": self.last_seen_ms,
                "related_events_count": self.evidence_count,
            },
            "evidences": evidences,
        })
    }
}

fn evidence_json(e: &Evidence) -> Value {
    let mut item = json!({
        "time": e.time_ms,
        "actor": { "user": { "uid": e.user, "org": { "uid": e.partner_tenant } } },
    });
    if let Value::Object(map) = &mut item {
        if let Some(uid) = &e.event_uid {
            map.insert("metadata".into(), json!({ "uid": uid }));
        }
        if let Some(ip) = e.src_ip {
            map.insert("src_endpoint".into(), json!({ "ip": ip.to_string() }));
        }
        if let Some(customer) = &e.customer_tenant {
            map.insert("cloud".into(), json!({ "account": { "uid": customer } }));
        }
    }
    item
}

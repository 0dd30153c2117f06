//! Detections: what the engine returns (one alert per rule and subject), and
//! their OCSF Detection Finding (2004) shape.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::confidence::ConfidenceLevel;

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
    AccumulatedNovelty,
}

impl RuleId {
    /// Every rule, in id order.
    pub const ALL: [RuleId; 11] = [
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
        Self::AccumulatedNovelty,
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
            Self::AccumulatedNovelty => "PCD-011",
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
            Self::AccumulatedNovelty => "Accumulated novelty",
        }
    }

    /// Whether the rule judges the user against its learned baseline, so that
    /// while the baseline is being learned only High confidence raises it.
    /// Spray, intel, travel, dormancy and denied bursts need no baseline.
    pub fn learns(self) -> bool {
        match self {
            Self::FanOut
            | Self::NewInfrastructure
            | Self::EscalationSequence
            | Self::OffHours
            | Self::CombinedRisk
            | Self::AccumulatedNovelty => true,
            Self::ImpossibleTravel
            | Self::PasswordSpray
            | Self::DormantAccount
            | Self::DeniedBurst
            | Self::ThreatIntel => false,
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
    /// How sure the engine is, 0–1: the highest of its evidence so far
    /// (see [`ConfidenceLevel`]).
    #[serde(default)]
    pub confidence: f64,
    /// Why, with the baseline figures that made it unusual (for the
    /// evidence of the highest confidence).
    #[serde(default)]
    pub explanation: String,
}

impl Detection {
    /// The user the detection is about, if it is about one.
    pub fn user(&self) -> Option<&str> {
        match &self.subject {
            DetectionSubject::User { uid, .. } => Some(uid),
            DetectionSubject::Source { .. } | DetectionSubject::Network { .. } => None,
        }
    }

    /// The level of [`Detection::confidence`].
    pub fn confidence_level(&self) -> ConfidenceLevel {
        ConfidenceLevel::of(self.confidence)
    }

    /// The OCSF Detection Finding (class 2004) document: confidence as
    /// `confidence_id` / `confidence` / `confidence_score` (0–100), the
    /// explanation as `message` and `finding_info.desc`.
    pub fn to_ocsf(&self) -> Value {
        let evidences: Vec<Value> = self.evidence.iter().map(evidence_json).collect();
        let level = self.confidence_level();
        json!({
            "class_uid": 2004,
            "category_uid": 2,
            "activity_id": if self.is_update { 2 } else { 1 },
            "time": self.time_ms,
            "severity_id": self.severity as u8,
            "status": "New",
            "confidence_id": level as u8,
            "confidence": level.as_str(),
            "confidence_score": (self.confidence * 100.0).round() as u8,
            "message": self.explanation,
            "finding_info": {
                "uid": self.uid,
                "title": self.title,
                "desc": self.explanation,
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

//! The containment policy: which stored findings contain what, by rule,
//! severity and confidence, enforced or in shadow mode.
//!
//! By default only High-confidence findings (≥ 0.8) of the rules listed
//! contain; the rest alert. A finding contains once, the first time it
//! qualifies — when it is opened or when an update raises its confidence
//! or severity — and never again after that, so an operator's lift stands.
//! In shadow mode the policy records a `shadow` containment (listed with
//! `GET /v1/containments?mode=shadow`) and holds nobody back.

use portcullis_detection::ConfidenceLevel;
use portcullis_domain::{
    ContainmentFilter, ContainmentKind, ContainmentMode, Finding, PageRequest,
};
use serde::{Deserialize, Serialize};

use crate::{Caller, Portcullis, ServiceError};

/// What a rule's findings contain, and from which severity and confidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ContainmentRule {
    pub contain: ContainmentKind,
    /// OCSF severity from which findings contain: 3 medium, 4 high, 5 critical.
    pub min_severity: u8,
    /// Confidence level from which findings contain (`Low`, `Medium`,
    /// `High`); default `High`.
    #[serde(default = "high")]
    pub min_confidence: ConfidenceLevel,
    /// `enforced` or `shadow`; when absent, `[detection] containment_mode`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<ContainmentMode>,
}

fn high() -> ConfidenceLevel {
    ConfidenceLevel::High
}

impl ContainmentRule {
    /// Contains the finding's user from high severity and High confidence.
    pub fn user() -> Self {
        Self {
            contain: ContainmentKind::User,
            min_severity: 4,
            min_confidence: ConfidenceLevel::High,
            mode: None,
        }
    }
}

/// What the policy would do with a finding: contain `target` as `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Verdict {
    pub(crate) kind: ContainmentKind,
    pub(crate) target: String,
    pub(crate) mode: ContainmentMode,
}

/// The policy's verdict on a stored finding as it stands now: `None` when
/// its rule is not in the policy, it is below the rule's severity or
/// confidence, an operator closed it, or it names no target.
pub(crate) fn verdict(
    rules: &std::collections::BTreeMap<String, ContainmentRule>,
    default_mode: ContainmentMode,
    finding: &Finding,
) -> Option<Verdict> {
    let rule = rules.get(&finding.rule_id)?;
    let severe = finding.severity_id >= i64::from(rule.min_severity);
    let sure = ConfidenceLevel::of(finding.confidence) >= rule.min_confidence;
    if !(severe && sure && finding.status.is_open()) {
        return None;
    }
    // A finding names no single relationship; `relationship` contains its user.
    let (kind, target) = match rule.contain {
        ContainmentKind::User | ContainmentKind::Relationship => {
            (ContainmentKind::User, finding.user_id.clone()?)
        }
        ContainmentKind::Partner => (ContainmentKind::Partner, finding.partner_tenant_id.clone()?),
    };
    Some(Verdict {
        kind,
        target,
        mode: rule.mode.unwrap_or(default_mode),
    })
}

impl Portcullis {
    /// Applies the containment policy to a finding just stored; the mode
    /// of the containment it made, if it made one. A finding that already
    /// led to a containment (of either mode, lifted or not) makes no other.
    pub(crate) async fn contain_for(
        &self,
        caller: &Caller,
        finding: &Finding,
    ) -> Option<ContainmentMode> {
        let policy = self.containment_policy();
        let verdict = verdict(&policy.containment, policy.containment_mode, finding)?;
        match self.already_contained_for(finding).await {
            Ok(false) => {}
            Ok(true) => return None,
            Err(err) => {
                tracing::warn!(%err, finding = %finding.id, "containment policy could not check the finding");
                return None;
            }
        }
        let reason = format!(
            "{} ({} confidence {:.2})",
            finding.title,
            ConfidenceLevel::of(finding.confidence).as_str(),
            finding.confidence
        );
        match self
            .contain_as(
                caller,
                verdict.kind,
                &verdict.target,
                &reason,
                Some(finding.id),
                verdict.mode,
            )
            .await
        {
            Ok(_) => Some(verdict.mode),
            // Already contained (by another finding or an operator).
            Err(ServiceError::Conflict(msg)) => {
                tracing::debug!(finding = %finding.id, %msg, "containment policy: target already contained");
                None
            }
            Err(err) => {
                tracing::warn!(%err, finding = %finding.id, "containment policy could not contain");
                None
            }
        }
    }

    async fn already_contained_for(&self, finding: &Finding) -> Result<bool, ServiceError> {
        let filter = ContainmentFilter {
            finding_id: Some(finding.id),
            ..ContainmentFilter::default()
        };
        let page = self
            .store
            .list_containments(&filter, &PageRequest::first(1))
            .await?;
        Ok(!page.items.is_empty())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing, reason = "tests")]

    use std::collections::BTreeMap;

    use portcullis_domain::{FindingStatus, RecordId, Timestamp};

    use super::*;

    fn finding(rule: &str, severity: i64, confidence: f64) -> Finding {
        Finding {
            id: RecordId::generate(),
            rule_id: rule.into(),
            severity_id: severity,
            status: FindingStatus::New,
            status_reason: None,
            partner_tenant_id: Some("partner".into()),
            user_id: Some("user".into()),
            title: "t".into(),
            first_seen: Timestamp::from_unix_millis(0),
            last_seen: Timestamp::from_unix_millis(0),
            evidence_count: 1,
            confidence,
            explanation: String::new(),
            body: serde_json::json!({}),
            created_at: Timestamp::from_unix_millis(0),
            updated_at: Timestamp::from_unix_millis(0),
            version: 1,
            customers: Vec::new(),
        }
    }

    fn policy(entries: &[(&str, ContainmentRule)]) -> BTreeMap<String, ContainmentRule> {
        entries.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    }

    #[test]
    fn only_high_confidence_contains_by_default() {
        let rules = policy(&[("PCD-001", ContainmentRule::user())]);
        let enforced = ContainmentMode::Enforced;
        assert_eq!(
            verdict(&rules, enforced, &finding("PCD-001", 4, 0.79)),
            None
        );
        assert_eq!(
            verdict(&rules, enforced, &finding("PCD-001", 4, 0.8)),
            Some(Verdict {
                kind: ContainmentKind::User,
                target: "user".into(),
                mode: ContainmentMode::Enforced
            })
        );
        assert_eq!(
            verdict(&rules, enforced, &finding("PCD-001", 3, 0.95)),
            None,
            "severity"
        );
        assert_eq!(
            verdict(&rules, enforced, &finding("PCD-006", 4, 0.95)),
            None,
            "not in the policy"
        );
    }

    #[test]
    fn a_rule_may_contain_from_medium_confidence_and_in_its_own_mode() {
        let medium = ContainmentRule {
            contain: ContainmentKind::Partner,
            min_severity: 3,
            min_confidence: ConfidenceLevel::Medium,
            mode: Some(ContainmentMode::Enforced),
        };
        let shadow = ContainmentRule {
            mode: Some(ContainmentMode::Shadow),
            ..ContainmentRule::user()
        };
        let rules = policy(&[
            ("PCD-004", medium),
            ("PCD-008", shadow),
            ("PCD-010", ContainmentRule::user()),
        ]);
        let global = ContainmentMode::Shadow;
        let spray = verdict(&rules, global, &finding("PCD-004", 4, 0.6)).unwrap();
        assert_eq!(
            (spray.kind, spray.target.as_str(), spray.mode),
            (
                ContainmentKind::Partner,
                "partner",
                ContainmentMode::Enforced
            )
        );
        assert_eq!(verdict(&rules, global, &finding("PCD-004", 4, 0.45)), None);
        let intel = verdict(
            &rules,
            ContainmentMode::Enforced,
            &finding("PCD-008", 4, 0.95),
        );
        assert_eq!(intel.unwrap().mode, ContainmentMode::Shadow);
        let risk = verdict(&rules, global, &finding("PCD-010", 4, 0.9));
        assert_eq!(
            risk.unwrap().mode,
            ContainmentMode::Shadow,
            "the global mode"
        );
    }

    #[test]
    fn a_closed_finding_or_one_without_a_user_contains_nothing() {
        let rules = policy(&[("PCD-001", ContainmentRule::user())]);
        let mut closed = finding("PCD-001", 4, 0.9);
        closed.status = FindingStatus::Suppressed;
        assert_eq!(verdict(&rules, ContainmentMode::Enforced, &closed), None);
        let mut nobody = finding("PCD-001", 4, 0.9);
        nobody.user_id = None;
        assert_eq!(verdict(&rules, ContainmentMode::Enforced, &nobody), None);
    }

    #[test]
    fn rules_read_from_configuration_default_to_high_confidence() {
        let rule: ContainmentRule =
            serde_json::from_value(serde_json::json!({"contain": "user", "min_severity": 4}))
                .unwrap();
        assert_eq!(rule, ContainmentRule::user());
        let shadow: ContainmentRule = serde_json::from_value(serde_json::json!(
            {"contain": "user", "min_severity": 4, "min_confidence": "Medium", "mode": "shadow"}
        ))
        .unwrap();
        assert_eq!(
            (shadow.min_confidence, shadow.mode),
            (ConfidenceLevel::Medium, Some(ContainmentMode::Shadow))
        );
        for spelled in ["high", "High", "HIGH"] {
            let rule: ContainmentRule = serde_json::from_value(serde_json::json!(
                {"contain": "user", "min_severity": 4, "min_confidence": spelled}
            ))
            .unwrap();
            assert_eq!(rule.min_confidence, ConfidenceLevel::High, "{spelled}");
        }
        let wrong = serde_json::from_value::<ContainmentRule>(serde_json::json!(
            {"contain": "user", "min_severity": 4, "min_confidence": "sure"}
        ))
        .unwrap_err();
        assert!(
            wrong
                .to_string()
                .contains("unknown confidence level `sure`"),
            "{wrong}"
        );
    }
}

//! Grouping hits into findings: one open finding per (rule, subject), grown
//! by later evidence until it has been quiet for `finding_close_ms`.

use super::Engine;
use crate::detection::{Detection, DetectionSubject, Evidence};
use crate::event::Event;
use crate::rules::{Hit, SourceKey};
use crate::state::OpenDetection;

impl Engine {
    /// Opens a finding for `hit`, or updates the open one of its subject.
    pub(super) fn raise(&mut self, hit: Hit, event: &Event) -> Detection {
        let now = event.time_ms;
        let (subject, key) = match hit.source {
            Some(SourceKey::Ip(ip)) => (
                DetectionSubject::Source { ip },
                format!("{}:ip:{ip}", hit.rule.id()),
            ),
            Some(SourceKey::Asn(asn)) => (
                DetectionSubject::Network { asn },
                format!("{}:asn:{asn}", hit.rule.id()),
            ),
            None => (
                DetectionSubject::User {
                    uid: event.user.clone(),
                    partner_tenant: event.partner_tenant.clone(),
                },
                format!("{}:user:{}", hit.rule.id(), event.user),
            ),
        };
        let evidence = Evidence {
            event_uid: event.uid.clone(),
            time_ms: now,
            user: event.user.clone(),
            partner_tenant: event.partner_tenant.clone(),
            customer_tenant: event.customer_tenant.clone(),
            src_ip: event.src_ip,
        };
        let close_ms = self.config.finding_close_ms;
        let max_evidence = self.config.max_evidence.max(1);
        if let Some(OpenDetection(open)) = self.open.get_mut(key.as_str())
            && now.saturating_sub(open.last_seen_ms) < close_ms
        {
            open.time_ms = now;
            open.last_seen_ms = open.last_seen_ms.max(now);
            open.evidence_count = open.evidence_count.saturating_add(1);
            open.severity = open.severity.max(hit.severity);
            open.title = hit.title;
            if hit.confidence >= open.confidence {
                open.confidence = hit.confidence;
                open.explanation = hit.explanation;
            }
            if open.evidence.len() >= max_evidence {
                open.evidence.remove(0);
            }
            open.evidence.push(evidence);
            open.is_update = true;
            return open.clone();
        }
        let finding = Detection {
            uid: format!("{key}:{now}"),
            rule: hit.rule,
            severity: hit.severity,
            title: hit.title,
            subject,
            time_ms: now,
            first_seen_ms: now,
            last_seen_ms: now,
            evidence_count: 1,
            evidence: vec![evidence],
            is_update: false,
            confidence: hit.confidence,
            explanation: hit.explanation,
        };
        if let Some(slot) = self.open.get_or_insert(
            key.as_str(),
            now,
            |k: &str| k.to_owned(),
            || OpenDetection(finding.clone()),
        ) {
            *slot = OpenDetection(finding.clone());
        }
        finding
    }
}

//! One write per finding per round: the engine reports a finding again
//! each time an event grows it, and a denied action retried thousands of
//! times a second would otherwise store, audit, announce and judge the same
//! finding thousands of times. Only its latest state needs storing; a
//! finding new in the round stays new.

use std::collections::HashMap;

use portcullis_detection::Detection;

/// Events a round reads before storing what it has gathered (so a long
/// backlog still raises its findings as it goes).
pub(crate) const FLUSH_EVENTS: u64 = 10_000;

/// A round's detections, the latest state of each finding, in the order
/// the findings first appeared.
#[derive(Debug, Default)]
pub(crate) struct Coalescer {
    findings: Vec<Detection>,
    by_uid: HashMap<String, usize>,
}

impl Coalescer {
    pub(crate) fn push(&mut self, detection: Detection) {
        match self
            .by_uid
            .get(&detection.uid)
            .and_then(|&i| self.findings.get_mut(i))
        {
            Some(known) => {
                let was_new = !known.is_update;
                *known = detection;
                known.is_update = known.is_update && !was_new;
            }
            None => {
                self.by_uid
                    .insert(detection.uid.clone(), self.findings.len());
                self.findings.push(detection);
            }
        }
    }

    /// What was gathered, emptying the coalescer.
    pub(crate) fn take(&mut self) -> Vec<Detection> {
        self.by_uid.clear();
        std::mem::take(&mut self.findings)
    }
}

#[cfg(test)]
mod tests {
    use portcullis_detection::{DetectionSubject, RuleId, Severity};

    use super::*;

    fn detection(uid: &str, evidence: u32, is_update: bool) -> Detection {
        Detection {
            uid: uid.to_owned(),
            rule: RuleId::FanOut,
            severity: Severity::High,
            title: "t".to_owned(),
            subject: DetectionSubject::User {
                uid: "u".to_owned(),
                partner_tenant: None,
            },
            time_ms: i64::from(evidence),
            first_seen_ms: 0,
            last_seen_ms: i64::from(evidence),
            evidence_count: evidence,
            evidence: Vec::new(),
            is_update,
            confidence: 0.5,
            explanation: String::new(),
        }
    }

    #[test]
    fn keeps_the_latest_state_of_each_finding_in_first_seen_order() {
        let mut c = Coalescer::default();
        c.push(detection("a", 1, false));
        c.push(detection("b", 4, true));
        c.push(detection("a", 2, true));
        c.push(detection("a", 3, true));
        c.push(detection("b", 5, true));
        let out = c.take();
        let seen: Vec<_> = out
            .iter()
            .map(|d| (d.uid.as_str(), d.evidence_count, d.is_update))
            .collect();
        // `a` was new in this round and stays new; `b` was known before.
        assert_eq!(seen, [("a", 3, false), ("b", 5, true)]);
        assert!(c.take().is_empty());
    }
}

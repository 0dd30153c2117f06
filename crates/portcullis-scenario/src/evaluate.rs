//! Recall per attack kind and false findings per 1,000 user-days.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::net::IpAddr;

use serde::Serialize;

use crate::{AttackKind, Label, LabelSubject, LookAlike, LookAlikeKind, Scenario};
use portcullis_detection::{
    ConfidenceLevel, Config, Detection, DetectionSubject, Engine, IntelLookup, IntelMatch, RuleId,
    Severity,
};

/// A finding belongs to an attack if it is about the attack's subject and
/// starts between an hour before and a day after it.
const BEFORE_MS: i64 = 3_600_000;
const AFTER_MS: i64 = 86_400_000;

/// The rules `serve`'s default containment policy lists (`[detection.
/// containment]` in docs/detection.md): their findings contain the user
/// once they are of high severity and High confidence.
const DEFAULT_CONTAINING_RULES: [RuleId; 3] =
    [RuleId::FanOut, RuleId::ThreatIntel, RuleId::CombinedRisk];

/// How well one kind was caught.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KindRecall {
    pub injected: usize,
    pub detected: usize,
}

impl KindRecall {
    /// Detected share (1.0 when nothing was injected).
    pub fn recall(&self) -> f64 {
        if self.injected == 0 {
            1.0
        } else {
            self.detected as f64 / self.injected as f64
        }
    }
}

/// How many look-alikes of one kind were labelled and alerted on.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct LookAlikeCount {
    pub labelled: usize,
    pub alerted: usize,
}

/// The figures of one labelled month.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub events: usize,
    pub user_days: u64,
    pub recall: BTreeMap<AttackKind, KindRecall>,
    /// New findings not attributable to any injected attack.
    pub false_findings: usize,
    pub false_by_rule: BTreeMap<RuleId, usize>,
    /// False findings at High confidence: what default containment would
    /// have contained.
    pub false_high_confidence: usize,
    /// False findings the default containment policy would have contained
    /// (a listed rule, high severity, High confidence when opened or on a
    /// later update): innocent users locked out.
    pub false_contained: usize,
    pub findings: usize,
    pub look_alikes: BTreeMap<LookAlikeKind, LookAlikeCount>,
}

impl Report {
    /// Recall over every injected attack.
    pub fn overall_recall(&self) -> f64 {
        let injected: usize = self.recall.values().map(|r| r.injected).sum();
        let detected: usize = self.recall.values().map(|r| r.detected).sum();
        KindRecall { injected, detected }.recall()
    }

    /// Labelled look-alikes, and those with a finding.
    pub fn look_alikes_alerted(&self) -> (usize, usize) {
        self.look_alikes
            .values()
            .fold((0, 0), |(l, a), c| (l + c.labelled, a + c.alerted))
    }

    /// False findings per 1,000 user-days.
    pub fn false_per_1000_user_days(&self) -> f64 {
        self.false_findings as f64 * 1000.0 / self.user_days.max(1) as f64
    }

    /// False containments under the default policy per 1,000 user-days.
    pub fn false_contained_per_1000_user_days(&self) -> f64 {
        self.false_contained as f64 * 1000.0 / self.user_days.max(1) as f64
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} events, {} user-days, {} findings",
            self.events, self.user_days, self.findings
        )?;
        writeln!(f, "  recall overall {:.2}", self.overall_recall())?;
        for (kind, r) in &self.recall {
            writeln!(
                f,
                "  recall {:<20} {}/{} = {:.2}",
                format!("{kind:?}"),
                r.detected,
                r.injected,
                r.recall()
            )?;
        }
        let (labelled, alerted) = self.look_alikes_alerted();
        writeln!(f, "  benign look-alikes alerted: {alerted} of {labelled}")?;
        for (kind, c) in &self.look_alikes {
            if c.alerted > 0 {
                writeln!(f, "    {kind:?}: {} of {}", c.alerted, c.labelled)?;
            }
        }
        write!(
            f,
            "  false findings: {} ({:.2} per 1,000 user-days; {} at High confidence; \
             {} contained by the default policy = {:.3} per 1,000 user-days)",
            self.false_findings,
            self.false_per_1000_user_days(),
            self.false_high_confidence,
            self.false_contained,
            self.false_contained_per_1000_user_days()
        )?;
        for (rule, n) in &self.false_by_rule {
            write!(f, "\n    {} {}: {n}", rule.id(), rule.name())?;
        }
        Ok(())
    }
}

struct ScenarioIntel(HashSet<IpAddr>);

impl IntelLookup for ScenarioIntel {
    fn ip(&self, ip: IpAddr) -> Option<IntelMatch> {
        self.0.contains(&ip).then(|| IntelMatch {
            indicator: format!("indicator--{ip}"),
            description: "scenario".into(),
        })
    }
    fn domain(&self, _: &str) -> Option<IntelMatch> {
        None
    }
}

/// Runs a fresh engine with `config` over the month and scores it.
pub fn evaluate(scenario: &Scenario, config: Config) -> Report {
    let intel = ScenarioIntel(scenario.indicator_ips.iter().copied().collect());
    let mut engine = Engine::with_intel(config, Box::new(intel));
    let all: Vec<Detection> = scenario
        .events
        .iter()
        .flat_map(|e| engine.process(e))
        .collect();
    let mut contains: HashSet<&str> = HashSet::new();
    for f in &all {
        if DEFAULT_CONTAINING_RULES.contains(&f.rule)
            && f.severity >= Severity::High
            && f.confidence_level() == ConfidenceLevel::High
        {
            contains.insert(&f.uid);
        }
    }
    let findings: Vec<&Detection> = all.iter().filter(|f| !f.is_update).collect();
    let mut recall: BTreeMap<AttackKind, KindRecall> = AttackKind::ALL
        .iter()
        .map(|k| {
            (
                *k,
                KindRecall {
                    injected: 0,
                    detected: 0,
                },
            )
        })
        .collect();
    for label in &scenario.labels {
        let caught = findings
            .iter()
            .any(|f| f.rule == label.kind.rule() && belongs(f, label));
        if let Some(r) = recall.get_mut(&label.kind) {
            r.injected += 1;
            r.detected += usize::from(caught);
        }
    }
    let mut false_by_rule = BTreeMap::new();
    let mut false_findings = 0;
    let mut false_high_confidence = 0;
    let mut false_contained = 0;
    for f in &findings {
        if !scenario.labels.iter().any(|l| belongs(f, l)) {
            false_findings += 1;
            *false_by_rule.entry(f.rule).or_insert(0) += 1;
            if f.confidence_level() == ConfidenceLevel::High {
                false_high_confidence += 1;
            }
            false_contained += usize::from(contains.contains(f.uid.as_str()));
        }
    }
    let mut look_alikes: BTreeMap<LookAlikeKind, LookAlikeCount> = BTreeMap::new();
    for l in &scenario.look_alikes {
        let count = look_alikes.entry(l.kind).or_default();
        count.labelled += 1;
        // A finding that belongs to an attack on the same user is not a
        // false alert on the look-alike.
        count.alerted += usize::from(
            findings
                .iter()
                .any(|f| alerts(f, l) && !scenario.labels.iter().any(|a| belongs(f, a))),
        );
    }
    Report {
        events: scenario.events.len(),
        user_days: scenario.users as u64 * scenario.days.max(0) as u64,
        recall,
        false_findings,
        false_by_rule,
        false_high_confidence,
        false_contained,
        findings: findings.len(),
        look_alikes,
    }
}

fn alerts(finding: &Detection, look_alike: &LookAlike) -> bool {
    finding
        .user()
        .is_some_and(|u| look_alike.users.iter().any(|l| l == u))
        && finding.first_seen_ms >= look_alike.start_ms - BEFORE_MS
        && finding.first_seen_ms <= look_alike.end_ms + AFTER_MS
}

fn belongs(finding: &Detection, label: &Label) -> bool {
    let same = match (&finding.subject, &label.subject) {
        (DetectionSubject::User { uid, .. }, LabelSubject::User(user)) => uid == user,
        (DetectionSubject::Source { ip }, LabelSubject::Source(source)) => ip == source,
        (DetectionSubject::Network { .. }, LabelSubject::Source(source)) => {
            finding.evidence.iter().any(|e| e.src_ip == Some(*source))
        }
        _ => false,
    };
    same && finding.first_seen_ms >= label.start_ms - BEFORE_MS
        && finding.first_seen_ms <= label.end_ms + AFTER_MS
}

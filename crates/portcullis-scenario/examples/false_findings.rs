//! Diagnostic: lists every false finding (and every escalation attack's
//! finding) of one month with its explanation.
//!
//! `cargo run --release -p portcullis-scenario --example false_findings -- SEED [--quiet]`
//! for a development month, `-- --held-out FIRST_SEED K` for the K-th (from
//! 0) of the held-out months built from `FIRST_SEED` (`held_out_months`);
//! `--every-escalation` raises every first escalation operation, so that
//! those below Medium show too (at 0.195 above their confidence);
//! `--while-learning` raises Medium hits of users still learning.

use std::collections::HashMap;

use portcullis_detection::{Config, Engine, RuleId};
use portcullis_scenario::{AttackKind, LabelSubject, ScenarioConfig, generate, held_out_months};

const DAY: i64 = 86_400_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let number = |i: usize| args.get(i).and_then(|s| s.parse::<u64>().ok());
    let mut config = match args.get(1).map(String::as_str) {
        Some("--held-out") => {
            let months = held_out_months(number(2).unwrap_or(101));
            let k = number(3).unwrap_or(0) as usize;
            match months.into_iter().nth(k) {
                Some((_, config)) => config,
                None => return,
            }
        }
        _ => ScenarioConfig::full_month(number(1).unwrap_or(7)),
    };
    if args.iter().any(|a| a == "--quiet") {
        config = config.quiet();
    }
    let scenario = generate(&config);
    let start = portcullis_scenario::MONTH_START_MS;
    // Escalation operations per user (outside attacks): who is an admin.
    let mut admin_ops: HashMap<&str, (usize, i64)> = HashMap::new();
    for e in &scenario.events {
        if let Some(op) = e.operation.as_deref()
            && [
                "roles.assignments.create",
                "applications.credentials.add",
                "federation.update",
                "consents.grant",
            ]
            .contains(&op)
            && e.status == portcullis_detection::Status::Success
        {
            let entry = admin_ops
                .entry(e.user.as_str())
                .or_insert((0, (e.time_ms - start) / DAY));
            entry.0 += 1;
        }
    }
    for l in &scenario.labels {
        if l.kind == AttackKind::EscalationSequence {
            println!(
                "LABEL {:?} {:?} day {}",
                l.kind,
                l.subject,
                (l.start_ms - start) / DAY
            );
        }
    }
    let mut config = Config::default();
    if args.iter().any(|a| a == "--every-escalation") {
        // Raise every first escalation operation (confidence + 0.195).
        config.escalation.admin_chance = 1.0;
    }
    if args.iter().any(|a| a == "--while-learning") {
        // Raise Medium hits while users learn too (they feed PCD-010).
        config.learning.min_confidence_learning = config.learning.min_confidence;
    }
    let mut engine = Engine::new(config);
    let findings: Vec<_> = scenario
        .events
        .iter()
        .flat_map(|e| engine.process(e))
        .filter(|f| !f.is_update)
        .collect();
    for f in &findings {
        let label = scenario.labels.iter().find(|l| {
            let same = match &l.subject {
                LabelSubject::User(u) => f.user() == Some(u.as_str()),
                LabelSubject::Source(_) => false,
            };
            same && f.first_seen_ms >= l.start_ms - 3_600_000 && f.first_seen_ms <= l.end_ms + DAY
        });
        let tag = match label {
            Some(l)
                if l.kind == AttackKind::EscalationSequence
                    || f.rule == RuleId::EscalationSequence =>
            {
                format!("ATTACK {:?}", l.kind)
            }
            Some(_) => continue,
            None => "FALSE".to_owned(),
        };
        let user = f.user().unwrap_or("-");
        let ops = admin_ops.get(user).copied().unwrap_or((0, -1));
        println!(
            "{tag} {} day {} {user} conf {:.2} (esc ops {} first day {}) :: {}",
            f.rule.id(),
            (f.first_seen_ms - start) / DAY,
            f.confidence,
            ops.0,
            ops.1,
            f.explanation
        );
    }
}

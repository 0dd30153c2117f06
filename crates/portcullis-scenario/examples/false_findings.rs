//! Diagnostic: lists every false finding (and every escalation attack's
//! finding) of one month with its explanation.
//!
//! `cargo run --release -p portcullis-scenario --example false_findings -- SEED [admins|all|night] [--quiet]`

use std::collections::HashMap;

use portcullis_detection::{Config, Engine, RuleId};
use portcullis_scenario::{AttackKind, LabelSubject, Mix, ScenarioConfig, generate};

const DAY: i64 = 86_400_000;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let seed = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(7);
    let mix = match args.get(2).map(String::as_str) {
        Some("admins") => Mix {
            admins: 0.35,
            ..Mix::default()
        },
        Some("night") => Mix {
            night_shift: 0.25,
            follow_the_sun: 0.15,
            ..Mix::default()
        },
        Some("all") => Mix {
            night_shift: 0.2,
            follow_the_sun: 0.1,
            admins: 0.3,
            patchers: 0.5,
            new_hires: 0.08,
            new_isp: 0.25,
            travellers: 12,
            holidays: 12,
            partner_moves: 3,
            partner_isp_moves: 3,
        },
        _ => Mix::default(),
    };
    let mut config = ScenarioConfig {
        mix,
        ..ScenarioConfig::full_month(seed)
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
    let mut engine = Engine::new(Config::default());
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

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! The labelled month at default thresholds: recall per kind and false
//! findings per 1,000 user-days within bounds.

use portcullis_detection::{Config, RuleId};
use portcullis_scenario::{AttackKind, ScenarioConfig, evaluate, generate};

#[test]
fn labelled_month_meets_recall_and_false_finding_bounds() {
    let scenario = generate(&ScenarioConfig::default());
    let report = evaluate(&scenario, Config::default());
    println!("{report}");
    assert_eq!(scenario.users, 300);
    assert!(
        scenario.events.len() > 100_000,
        "{} events",
        scenario.events.len()
    );
    for kind in AttackKind::ALL {
        let r = &report.recall[&kind];
        assert_eq!(r.injected, 5, "{kind:?}");
        assert!(r.recall() >= 0.8, "{kind:?} recall {}", r.recall());
    }
    assert!(report.false_per_1000_user_days() <= 10.0, "{report}");
    // The benign look-alikes (travellers, onboarding days, new office
    // networks, holidays) raise nothing from the rules they resemble.
    for rule in [
        RuleId::FanOut,
        RuleId::NewInfrastructure,
        RuleId::ImpossibleTravel,
        RuleId::DormantAccount,
        RuleId::PasswordSpray,
    ] {
        assert_eq!(report.false_by_rule.get(&rule), None, "{report}");
    }
}

#[test]
fn the_same_seed_gives_the_same_month() {
    let config = ScenarioConfig {
        users_per_tenant: 3,
        tenants: 4,
        ..ScenarioConfig::default()
    };
    let a = generate(&config);
    let b = generate(&config);
    assert_eq!(a.events, b.events);
    assert_eq!(a.labels, b.labels);
    let c = generate(&ScenarioConfig { seed: 8, ..config });
    assert_ne!(a.events, c.events);
}

#[test]
fn a_month_without_attacks_has_no_labels_and_events_in_time_order() {
    let scenario = generate(&ScenarioConfig {
        attacks_per_kind: 0,
        tenants: 5,
        ..ScenarioConfig::default()
    });
    assert!(scenario.labels.is_empty());
    assert!(
        scenario
            .events
            .windows(2)
            .all(|w| w[0].time_ms <= w[1].time_ms)
    );
    let report = evaluate(&scenario, Config::default());
    assert!(report.recall.values().all(|r| r.injected == 0));
}

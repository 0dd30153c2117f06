#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! The labelled 60-day month (40 partners, 400 users, 3,000 customers) at
//! default thresholds, on two seeds and without attacks: the bar of issue 11.

use portcullis_detection::Config;
use portcullis_scenario::{AttackKind, Report, ScenarioConfig, evaluate, generate};

fn assert_at_the_bar(report: &Report) {
    assert!(report.overall_recall() >= 0.95, "{report}");
    for kind in AttackKind::ALL {
        let r = &report.recall[&kind];
        assert!(r.injected > 0, "{kind:?} not injected");
        let bar = if kind == AttackKind::SlowAndLow {
            0.5
        } else {
            0.8
        };
        assert!(
            r.recall() >= bar,
            "{kind:?} recall {}\n{report}",
            r.recall()
        );
    }
    let (labelled, alerted) = report.look_alikes_alerted();
    assert!(labelled >= 40, "{report}");
    assert!(alerted * 20 <= labelled, "{report}");
    assert!(report.false_per_1000_user_days() <= 1.0, "{report}");
}

#[test]
fn labelled_months_on_two_seeds_meet_the_recall_and_false_alert_bar() {
    for seed in [7, 8] {
        let scenario = generate(&ScenarioConfig::full_month(seed));
        assert_eq!(scenario.users, 400);
        assert!(scenario.events.len() > 200_000, "{}", scenario.events.len());
        let report = evaluate(&scenario, Config::default());
        println!("seed {seed}\n{report}");
        assert_at_the_bar(&report);
    }
}

#[test]
fn a_month_without_attacks_raises_almost_nothing() {
    let scenario = generate(&ScenarioConfig::full_month(11).quiet());
    assert!(scenario.labels.is_empty());
    let report = evaluate(&scenario, Config::default());
    println!("{report}");
    assert!(report.recall.values().all(|r| r.injected == 0));
    assert!(report.false_per_1000_user_days() <= 1.0, "{report}");
    let (labelled, alerted) = report.look_alikes_alerted();
    assert!(alerted * 20 <= labelled, "{report}");
}

#[test]
fn the_same_seed_gives_the_same_month() {
    let config = ScenarioConfig {
        users_per_tenant: 3,
        tenants: 4,
        days: 30,
        ..ScenarioConfig::default()
    };
    let a = generate(&config);
    let b = generate(&config);
    assert_eq!(a.events, b.events);
    assert_eq!(a.labels, b.labels);
    assert_eq!(a.look_alikes, b.look_alikes);
    let c = generate(&ScenarioConfig { seed: 8, ..config });
    assert_ne!(a.events, c.events);
}

#[test]
fn a_month_without_attacks_has_no_labels_and_events_in_time_order() {
    let scenario = generate(&ScenarioConfig {
        tenants: 5,
        ..ScenarioConfig::default().quiet()
    });
    assert!(scenario.labels.is_empty());
    assert!(
        scenario
            .events
            .windows(2)
            .all(|w| w[0].time_ms <= w[1].time_ms)
    );
}

#[test]
fn every_benign_behaviour_is_labelled() {
    let scenario = generate(&ScenarioConfig::full_month(7));
    let mut kinds: Vec<_> = scenario.look_alikes.iter().map(|l| l.kind).collect();
    kinds.sort();
    kinds.dedup();
    assert_eq!(kinds.len(), 10, "{kinds:?}");
}

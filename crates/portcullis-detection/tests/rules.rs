#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! Fire and no-fire cases of every rule at its thresholds.

mod support;

use std::net::IpAddr;

use portcullis_detection::{
    ConfidenceLevel, Config, Engine, IntelLookup, IntelMatch, RuleId, Severity,
};
use support::*;

fn engine() -> Engine {
    Engine::new(settled())
}

fn fan_out_events(
    user: &str,
    customers: usize,
    start: i64,
    spacing: i64,
) -> Vec<portcullis_detection::Event> {
    (0..customers)
        .map(|i| sign_in(user, &format!("customer-{i}"), start + i as i64 * spacing))
        .collect()
}

#[test]
fn fan_out_fires_at_six_customers_new_to_the_user_and_its_partner_in_an_hour() {
    let mut e = engine();
    let f = run(&mut e, fan_out_events("u", 5, T0, 5 * MIN));
    assert!(
        new_of(&f, RuleId::FanOut).is_empty(),
        "five new customers stay under the floor"
    );
    let f = run(
        &mut e,
        fan_out_events("u", 6, T0, 5 * MIN).into_iter().skip(5),
    );
    let hits = new_of(&f, RuleId::FanOut);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].severity, Severity::High);
    assert_eq!(hits[0].confidence_level(), ConfidenceLevel::Medium);
    assert!(
        hits[0].title.contains("6 customer tenants in 1 hour"),
        "{}",
        hits[0].title
    );
}

#[test]
fn fan_out_spread_beyond_the_window_does_not_fire() {
    let mut e = engine();
    let f = run(&mut e, fan_out_events("u", 20, T0, 13 * MIN));
    assert!(new_of(&f, RuleId::FanOut).is_empty());
}

#[test]
fn a_patch_day_sweep_over_usual_customers_is_not_raised() {
    let mut e = engine();
    // Days 0-2: 15 customers, one every 30 minutes.
    for d in 0..3 {
        run(&mut e, fan_out_events("u", 15, T0 + d * DAY, 30 * MIN));
    }
    // Day 3: all 15 within 15 minutes.
    let f = run(&mut e, fan_out_events("u", 15, T0 + 3 * DAY, MIN));
    assert!(new_of(&f, RuleId::FanOut).is_empty(), "{f:?}");
    // The same sweep over 15 customers it never reached is raised.
    let f = run(
        &mut e,
        (0..15).map(|i| sign_in("u", &format!("other-{i}"), T0 + 4 * DAY + i * MIN)),
    );
    assert_eq!(new_of(&f, RuleId::FanOut).len(), 1);
}

#[test]
fn fan_out_ignores_the_users_own_tenant() {
    let mut e = engine();
    let f = run(
        &mut e,
        (0..30).map(|i| sign_in("u", "partner-1", T0 + i * MIN)),
    );
    assert!(f.is_empty());
}

#[test]
fn new_country_rare_for_the_tenant_fires_after_learning() {
    let mut e = engine();
    run(&mut e, settled_user("u", 8));
    let f = run(
        &mut e,
        [at(
            sign_in("u", "partner-1", T0 + 8 * DAY + 11 * HOUR),
            MOSCOW,
            666,
        )],
    );
    let hits = new_of(&f, RuleId::NewInfrastructure);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].severity, Severity::Medium);
    assert!(hits[0].title.contains("RU"));
}

#[test]
fn new_country_during_learning_does_not_fire() {
    let mut e = Engine::new(Config::default());
    run(&mut e, settled_user("u", 6));
    let f = run(
        &mut e,
        [at(
            sign_in("u", "partner-1", T0 + 6 * DAY + 11 * HOUR),
            MOSCOW,
            666,
        )],
    );
    assert!(
        new_of(&f, RuleId::NewInfrastructure).is_empty(),
        "six days < seven days of learning"
    );
}

#[test]
fn new_country_common_among_tenant_peers_does_not_fire() {
    let mut e = engine();
    run(&mut e, settled_user("u", 8));
    for peer in 0..5 {
        run(
            &mut e,
            (0..8).map(|d| {
                at(
                    sign_in(&format!("peer{peer}"), "partner-1", T0 + d * DAY + 9 * HOUR),
                    BERLIN,
                    200,
                )
            }),
        );
    }
    let f = run(
        &mut e,
        [at(
            sign_in("u", "partner-1", T0 + 8 * DAY + 20 * HOUR),
            BERLIN,
            200,
        )],
    );
    assert!(new_of(&f, RuleId::NewInfrastructure).is_empty());
}

#[test]
fn new_network_in_a_known_country_is_a_signal_unless_configured_as_finding() {
    let mut e = engine();
    run(&mut e, settled_user("u", 8));
    let f = run(
        &mut e,
        [at(
            sign_in("u", "partner-1", T0 + 8 * DAY + 11 * HOUR),
            PARIS,
            300,
        )],
    );
    assert!(
        f.is_empty(),
        "an ASN-only novelty is only a risk signal by default"
    );

    let mut config = settled();
    config.new_infra.asn_only_finding = true;
    let mut e = Engine::new(config);
    run(&mut e, settled_user("u", 8));
    let f = run(
        &mut e,
        [at(
            sign_in("u", "partner-1", T0 + 8 * DAY + 11 * HOUR),
            PARIS,
            300,
        )],
    );
    let hits = new_of(&f, RuleId::NewInfrastructure);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].severity, Severity::Low);
}

#[test]
fn impossible_travel_fires_above_900_kmh() {
    let mut e = engine();
    // Paris -> New York is about 5,840 km: 6 hours is ~970 km/h.
    let f = run(
        &mut e,
        [
            at(sign_in("u", "c", T0), PARIS, 1),
            at(sign_in("u", "c", T0 + 6 * HOUR), NEW_YORK, 2),
        ],
    );
    let hits = new_of(&f, RuleId::ImpossibleTravel);
    assert_eq!(hits.len(), 1);
    assert!(hits[0].title.contains("360 minutes"), "{}", hits[0].title);
}

#[test]
fn plausible_travel_below_900_kmh_does_not_fire() {
    let mut e = engine();
    // 7 hours is ~834 km/h.
    let f = run(
        &mut e,
        [
            at(sign_in("u", "c", T0), PARIS, 1),
            at(sign_in("u", "c", T0 + 7 * HOUR), NEW_YORK, 2),
        ],
    );
    assert!(new_of(&f, RuleId::ImpossibleTravel).is_empty());
}

#[test]
fn impossible_travel_ignores_pairs_on_the_same_network() {
    let mut e = engine();
    let f = run(
        &mut e,
        [
            at(sign_in("u", "c", T0), PARIS, 7),
            at(sign_in("u", "c", T0 + 10 * MIN), NEW_YORK, 7),
        ],
    );
    assert!(new_of(&f, RuleId::ImpossibleTravel).is_empty());
}

#[test]
fn impossible_travel_ignores_short_hops() {
    let mut e = engine();
    // Paris -> Berlin is ~880 km in 10 minutes, above min distance: fires;
    // a 300 km jitter does not.
    let near = ("FR", 47.0, 4.0);
    let f = run(
        &mut e,
        [
            at(sign_in("u", "c", T0), PARIS, 1),
            at(sign_in("u", "c", T0 + MIN), near, 2),
        ],
    );
    assert!(new_of(&f, RuleId::ImpossibleTravel).is_empty());
    let f = run(&mut e, [at(sign_in("u", "c", T0 + 2 * MIN), BERLIN, 3)]);
    assert_eq!(new_of(&f, RuleId::ImpossibleTravel).len(), 1);
}

#[test]
fn password_spray_fires_at_ten_users_with_one_attempt_each() {
    let mut e = engine();
    let ip = "203.0.113.9";
    let f = run(
        &mut e,
        (0..9).map(|i| failed_sign_in(&format!("u{i}"), ip, T0 + i * MIN)),
    );
    assert!(new_of(&f, RuleId::PasswordSpray).is_empty());
    let f = run(&mut e, [failed_sign_in("u9", ip, T0 + 9 * MIN)]);
    let hits = new_of(&f, RuleId::PasswordSpray);
    assert_eq!(hits.len(), 1);
    assert_eq!(
        hits[0].subject,
        portcullis_detection::DetectionSubject::Source {
            ip: ip.parse().unwrap()
        }
    );
    assert!(hits[0].evidence[0].user == "u9");
}

#[test]
fn password_spray_from_one_network_fires_at_twenty_users_across_addresses() {
    let mut e = engine();
    let fail = |i: i64| {
        let mut ev = failed_sign_in(
            &format!("u{i}"),
            &format!("203.0.113.{}", i + 1),
            T0 + i * MIN,
        );
        ev.asn = Some(64_500);
        ev
    };
    let f = run(&mut e, (0..19).map(fail));
    assert!(f.is_empty(), "19 users, each from its own address");
    let f = run(&mut e, [fail(19)]);
    let hits = new_of(&f, RuleId::PasswordSpray);
    assert_eq!(hits.len(), 1);
    assert_eq!(
        hits[0].subject,
        portcullis_detection::DetectionSubject::Network { asn: 64_500 }
    );
    assert!(
        hits[0]
            .title
            .contains("20 partner users failed to sign in from AS64500")
    );
}

#[test]
fn many_attempts_per_user_is_not_a_spray() {
    let mut e = engine();
    let ip = "203.0.113.9";
    let events = (0..10)
        .flat_map(|i| (0..4).map(move |k| failed_sign_in(&format!("u{i}"), ip, T0 + i * MIN + k)));
    let f = run(&mut e, events);
    assert!(
        new_of(&f, RuleId::PasswordSpray).is_empty(),
        "4 attempts per user > 3"
    );
}

#[test]
fn failures_spread_beyond_the_window_are_not_a_spray() {
    let mut e = engine();
    let f = run(
        &mut e,
        (0..12).map(|i| failed_sign_in(&format!("u{i}"), "203.0.113.9", T0 + i * 7 * MIN)),
    );
    assert!(new_of(&f, RuleId::PasswordSpray).is_empty());
}

#[test]
fn dormant_account_fires_after_45_days_of_silence() {
    let mut e = engine();
    run(
        &mut e,
        [sign_in("quiet", "c", T0), sign_in("back", "c", T0)],
    );
    let f = run(&mut e, [sign_in("quiet", "c", T0 + 45 * DAY - 1)]);
    assert!(new_of(&f, RuleId::DormantAccount).is_empty());
    let f = run(&mut e, [sign_in("back", "c", T0 + 45 * DAY)]);
    let hits = new_of(&f, RuleId::DormantAccount);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].severity, Severity::Medium);
}

#[test]
fn dormant_account_rises_to_high_on_a_privileged_follow_up() {
    let mut e = engine();
    run(
        &mut e,
        [
            sign_in("back", "c", T0),
            sign_in("back", "c", T0 + 50 * DAY),
        ],
    );
    let f = run(
        &mut e,
        [action(
            "back",
            "c",
            "roles.assignments.create",
            T0 + 50 * DAY + HOUR,
        )],
    );
    let update = f.iter().find(|f| f.rule == RuleId::DormantAccount).unwrap();
    assert!(update.is_update);
    assert_eq!(update.severity, Severity::High);
    assert_eq!(update.evidence_count, 2);
}

#[test]
fn dormant_follow_up_after_the_window_does_not_fire() {
    let mut e = engine();
    run(
        &mut e,
        [
            sign_in("back", "c", T0),
            sign_in("back", "c", T0 + 50 * DAY),
        ],
    );
    let f = run(
        &mut e,
        [action(
            "back",
            "c",
            "users.password.reset",
            T0 + 51 * DAY + 1,
        )],
    );
    assert!(f.iter().all(|f| f.rule != RuleId::DormantAccount));
}

#[test]
fn escalation_sequence_fires_in_the_same_customer_within_the_window() {
    let mut e = engine();
    let f = run(
        &mut e,
        [
            sign_in("u", "c1", T0),
            action("u", "c1", "applications.credentials.add", T0 + HOUR),
        ],
    );
    let hits = new_of(&f, RuleId::EscalationSequence);
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].evidence[0].customer_tenant.as_deref(), Some("c1"));
}

#[test]
fn escalation_in_another_customer_or_too_late_does_not_fire() {
    let mut e = engine();
    let f = run(
        &mut e,
        [
            sign_in("u", "c1", T0),
            action("u", "c2", "roles.assignments.create", T0 + MIN),
            action("u", "c1", "federation.update", T0 + HOUR + 1),
            action("u", "c1", "mailboxes.read", T0 + 2 * MIN),
        ],
    );
    assert!(new_of(&f, RuleId::EscalationSequence).is_empty());
}

#[test]
fn denied_burst_fires_at_the_floor_of_fifteen_in_ten_minutes() {
    let mut e = engine();
    let f = run(&mut e, (0..14).map(|i| denied("u", "c", T0 + i * 10_000)));
    assert!(new_of(&f, RuleId::DeniedBurst).is_empty());
    let f = run(&mut e, [denied("u", "c", T0 + 150_000)]);
    assert_eq!(new_of(&f, RuleId::DeniedBurst).len(), 1);
}

#[test]
fn denied_burst_threshold_follows_a_noisy_users_baseline() {
    let mut e = engine();
    // 12 denials every 10 minutes for a day: EWMA ~12, threshold 60.
    let steady =
        (0..144).flat_map(|b| (0..12).map(move |i| denied("u", "c", T0 + b * 10 * MIN + i * 1000)));
    let f = run(&mut e, steady);
    assert!(new_of(&f, RuleId::DeniedBurst).is_empty());
    let f = run(
        &mut e,
        (0..20).map(|i| denied("u", "c", T0 + DAY + i * 1000)),
    );
    assert!(
        new_of(&f, RuleId::DeniedBurst).is_empty(),
        "20 is normal for this user"
    );
    let f = run(
        &mut e,
        (20..60).map(|i| denied("u", "c", T0 + DAY + i * 1000)),
    );
    assert_eq!(new_of(&f, RuleId::DeniedBurst).len(), 1);
}

struct FakeIntel;

impl IntelLookup for FakeIntel {
    fn ip(&self, ip: IpAddr) -> Option<IntelMatch> {
        (ip == "203.0.113.66".parse::<IpAddr>().unwrap()).then(|| IntelMatch {
            indicator: "indicator--1".into(),
            description: "test feed".into(),
        })
    }
    fn domain(&self, domain: &str) -> Option<IntelMatch> {
        (domain == "evil.example").then(|| IntelMatch {
            indicator: "indicator--2".into(),
            description: "test feed".into(),
        })
    }
}

#[test]
fn threat_intel_fires_on_an_indicator_ip_or_domain_only() {
    let mut e = Engine::with_intel(settled(), Box::new(FakeIntel));
    let mut hit = sign_in("u", "c", T0);
    hit.src_ip = Some("203.0.113.66".parse().unwrap());
    let mut clean = sign_in("v", "c", T0);
    clean.src_ip = Some("203.0.113.67".parse().unwrap());
    let mut by_domain = sign_in("w", "c", T0);
    by_domain.src_domain = Some("evil.example".into());
    let f = run(&mut e, [hit, clean, by_domain]);
    let hits = new_of(&f, RuleId::ThreatIntel);
    assert_eq!(
        hits.iter().map(|f| f.user().unwrap()).collect::<Vec<_>>(),
        ["u", "w"]
    );
    assert!(hits[0].title.contains("`203.0.113.66`"));
}

/// 80 events in the hours 09:00 to 16:00 UTC over ten days.
fn office_worker(user: &str) -> Vec<portcullis_detection::Event> {
    office_worker_days(user, 10)
}

/// 8 events a day in the hours 09:00 to 16:00 UTC over `days` days.
fn office_worker_days(user: &str, days: i64) -> Vec<portcullis_detection::Event> {
    (0..8 * days)
        .map(|i| {
            action(
                user,
                "c",
                "users.read",
                T0 + (i / 8) * DAY + (9 + i % 8) * HOUR,
            )
        })
        .collect()
}

#[test]
fn off_hours_privileged_action_fires_three_hours_from_working_hours() {
    // Over two weeks of hours (under two, the clock alone is not raised).
    let mut e = engine();
    run(&mut e, office_worker_days("u", 15));
    let f = run(
        &mut e,
        [action(
            "u",
            "c",
            "users.password.reset",
            T0 + 16 * DAY + 18 * HOUR,
        )],
    );
    assert!(
        new_of(&f, RuleId::OffHours).is_empty(),
        "18:00 is two hours after the 16:00 hour"
    );
    let f = run(
        &mut e,
        [action(
            "u",
            "c",
            "users.password.reset",
            T0 + 16 * DAY + 2 * HOUR,
        )],
    );
    let hits = new_of(&f, RuleId::OffHours);
    assert_eq!(hits.len(), 1);
    assert!(hits[0].title.contains("02:00 UTC"));
}

#[test]
fn off_hours_over_hours_learned_in_less_than_two_weeks_needs_more_than_the_clock() {
    // A routine privileged operation at 21:00 UTC after `days` days at the
    // office: the first week of a weekly rota's other shift looks the same.
    let off_hours = |days: i64| {
        let mut e = engine();
        let office = (0..8 * days).map(|i| {
            let op = if i % 8 == 3 {
                "users.password.reset"
            } else {
                "users.read"
            };
            action("u", "c", op, T0 + (i / 8) * DAY + (9 + i % 8) * HOUR)
        });
        run(&mut e, office);
        let at = T0 + days * DAY + 21 * HOUR;
        let f = run(&mut e, [action("u", "c", "users.password.reset", at)]);
        new_of(&f, RuleId::OffHours)
            .iter()
            .map(|f| (f.confidence, f.explanation.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(off_hours(8), [], "a week of history: Low, not raised");
    let hits = off_hours(15);
    assert_eq!(hits.len(), 1, "two weeks of history");
    assert!((hits[0].0 - 0.6).abs() < 1e-9, "{hits:?}");
}

#[test]
fn off_hours_needs_learned_hours_and_a_privileged_action() {
    let mut e = engine();
    run(&mut e, office_worker("u"));
    let f = run(
        &mut e,
        [action("u", "c", "mailboxes.read", T0 + 11 * DAY + 2 * HOUR)],
    );
    assert!(f.is_empty(), "not privileged");
    let mut e = engine();
    run(&mut e, office_worker("u").into_iter().take(50));
    let f = run(
        &mut e,
        [action(
            "u",
            "c",
            "users.password.reset",
            T0 + 11 * DAY + 2 * HOUR,
        )],
    );
    assert!(
        new_of(&f, RuleId::OffHours).is_empty(),
        "50 events < 60 to learn"
    );
}

#[test]
fn two_medium_signals_combine_into_a_high_finding() {
    let mut e = engine();
    run(&mut e, settled_user("u", 8));
    run(
        &mut e,
        (0..60).map(|i| action("u", "c", "users.read", T0 + (i % 8) * DAY + 10 * HOUR + i)),
    );
    let f = run(
        &mut e,
        [at(
            sign_in("u", "partner-1", T0 + 8 * DAY + 11 * HOUR),
            MOSCOW,
            666,
        )],
    );
    assert!(
        new_of(&f, RuleId::CombinedRisk).is_empty(),
        "one medium is 30 points"
    );
    let f = run(
        &mut e,
        [action(
            "u",
            "c",
            "users.password.reset",
            T0 + 8 * DAY + 23 * HOUR,
        )],
    );
    assert_eq!(new_of(&f, RuleId::OffHours).len(), 1);
    let combined = new_of(&f, RuleId::CombinedRisk);
    assert_eq!(combined.len(), 1);
    assert_eq!(combined[0].severity, Severity::High);
}

#[test]
fn medium_signals_days_apart_do_not_combine() {
    let mut e = engine();
    run(&mut e, settled_user("u", 8));
    run(
        &mut e,
        (0..60).map(|i| action("u", "c", "users.read", T0 + (i % 8) * DAY + 10 * HOUR + i)),
    );
    run(
        &mut e,
        [at(
            sign_in("u", "partner-1", T0 + 8 * DAY + 11 * HOUR),
            MOSCOW,
            666,
        )],
    );
    let f = run(
        &mut e,
        [action(
            "u",
            "c",
            "users.password.reset",
            T0 + 10 * DAY + 23 * HOUR,
        )],
    );
    assert_eq!(new_of(&f, RuleId::OffHours).len(), 1);
    assert!(new_of(&f, RuleId::CombinedRisk).is_empty());
}

#[test]
fn rule_ids_are_stable_and_distinct() {
    let ids: Vec<&str> = RuleId::ALL.iter().map(|r| r.id()).collect();
    assert_eq!(ids[0], "PCD-001");
    assert_eq!(ids[9], "PCD-010");
    assert_eq!(ids[10], "PCD-011");
    let unique: std::collections::HashSet<_> = ids.iter().collect();
    assert_eq!(unique.len(), 11);
}

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! Grouping, snapshots and bounded state.

mod support;

use portcullis_detection::{Config, Engine, Event, RuleId, State};
use support::*;

/// A user reaching 15 customers new to it and its partner in 15 minutes.
fn fan_out_burst(user: &str, start: i64) -> Vec<Event> {
    (0..15)
        .map(|i| sign_in(user, &format!("customer-{i}"), start + i * MIN))
        .collect()
}

#[test]
fn evidence_growing_updates_one_open_finding() {
    let mut e = Engine::new(settled());
    let f = run(&mut e, fan_out_burst("u", T0));
    let fan: Vec<_> = f.iter().filter(|f| f.rule == RuleId::FanOut).collect();
    assert_eq!(fan.len(), 10, "fires at 6..=15 new customers");
    assert!(!fan[0].is_update);
    assert!(fan[1..].iter().all(|f| f.is_update && f.uid == fan[0].uid));
    let last = fan.last().unwrap();
    assert_eq!(last.evidence_count, 10);
    assert_eq!(last.first_seen_ms, T0 + 5 * MIN);
    assert!(
        last.confidence > fan[0].confidence,
        "confidence grows with evidence"
    );
    assert_eq!(last.last_seen_ms, T0 + 14 * MIN);
}

#[test]
fn a_finding_quiet_for_a_day_closes_and_later_evidence_opens_a_new_one() {
    let mut e = Engine::new(settled());
    let first = run(&mut e, fan_out_burst("u", T0));
    let later = run(
        &mut e,
        (0..40).map(|i| sign_in("u", &format!("other-{i}"), T0 + 2 * DAY + i * MIN)),
    );
    let opened = new_of(&later, RuleId::FanOut);
    assert_eq!(opened.len(), 1);
    assert_ne!(
        opened[0].uid,
        first.iter().find(|f| f.rule == RuleId::FanOut).unwrap().uid
    );
}

#[test]
fn findings_render_as_ocsf_detection_findings() {
    let mut e = Engine::new(settled());
    let f = run(&mut e, fan_out_burst("u", T0));
    let doc = f[0].to_ocsf();
    assert_eq!(doc["class_uid"], 2004);
    assert_eq!(doc["severity_id"], 4);
    assert_eq!(doc["status"], "New");
    assert_eq!(doc["finding_info"]["analytic"]["uid"], "PCD-001");
    assert_eq!(doc["finding_info"]["analytic"]["name"], "Tenant fan-out");
    assert_eq!(doc["finding_info"]["first_seen_time"], T0 + 5 * MIN);
    assert_eq!(doc["confidence_id"], 2);
    assert_eq!(doc["confidence"], "Medium");
    assert_eq!(doc["confidence_score"], 50);
    assert!(
        doc["message"]
            .as_str()
            .unwrap()
            .contains("6 of 6 customers in 1 hour never reached by the user before"),
        "{}",
        doc["message"]
    );
    let evidence = &doc["evidences"][0];
    assert_eq!(evidence["actor"]["user"]["uid"], "u");
    assert_eq!(evidence["actor"]["user"]["org"]["uid"], "partner-1");
    assert_eq!(evidence["cloud"]["account"]["uid"], "customer-5");
    assert_eq!(
        evidence["metadata"]["uid"],
        format!("u-customer-5-{}", T0 + 5 * MIN)
    );
}

#[test]
fn restart_from_a_snapshot_resumes_without_re_alerting() {
    let events = fan_out_burst("u", T0);
    let mut straight = Engine::new(settled());
    let expected = run(&mut straight, events.clone());

    let mut before = Engine::new(settled());
    let mut got = run(&mut before, events[..12].to_vec());
    let json = serde_json::to_string(&before.snapshot()).unwrap();
    drop(before);
    let mut after = Engine::new(settled());
    after.restore(serde_json::from_str::<State>(&json).unwrap());
    let resumed = run(&mut after, events[12..].to_vec());
    assert!(!resumed.is_empty());
    assert!(
        resumed.iter().all(|f| f.is_update),
        "no finding is raised twice"
    );
    got.extend(resumed);
    assert_eq!(got, expected);
    assert_eq!(after.snapshot(), straight.snapshot());
}

#[test]
fn without_the_snapshot_a_fresh_engine_would_re_alert() {
    let events = fan_out_burst("u", T0);
    let mut fresh = Engine::new(settled());
    let f = run(
        &mut fresh,
        events[..12].iter().cloned().map(|mut e| {
            e.time_ms += 1;
            e
        }),
    );
    assert!(
        f.iter().any(|f| !f.is_update),
        "sanity: the restore test is not vacuous"
    );
}

#[test]
fn user_state_is_capped_by_evicting_the_least_recently_seen() {
    let config = Config {
        max_users: 16,
        ..settled()
    };
    let mut e = Engine::new(config);
    run(
        &mut e,
        (0..100).map(|i| sign_in(&format!("u{i}"), "c", T0 + i)),
    );
    assert!(e.tracked_users() <= 16, "{}", e.tracked_users());
    let users: Vec<String> = serde_json::to_value(e.snapshot()).unwrap()["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry[0].as_str().unwrap().to_owned())
        .collect();
    assert!(users.contains(&"u99".to_owned()), "the newest users stay");
    assert!(!users.contains(&"u0".to_owned()), "the oldest go");
}

#[test]
fn idle_users_are_evicted_after_the_idle_period() {
    let config = Config {
        idle_evict_ms: 10 * DAY,
        ..settled()
    };
    let mut e = Engine::new(config);
    run(
        &mut e,
        (0..50).map(|i| sign_in(&format!("u{i}"), "c", T0 + i)),
    );
    assert_eq!(e.tracked_users(), 50);
    run(&mut e, [sign_in("late", "c", T0 + 11 * DAY)]);
    assert_eq!(e.tracked_users(), 1);
}

#[test]
fn a_user_returning_after_its_state_was_evicted_is_still_dormant() {
    let config = Config {
        idle_evict_ms: 60 * DAY,
        max_users: 8,
        ..settled()
    };
    let mut e = Engine::new(config);
    run(
        &mut e,
        [
            sign_in("idle", "c", T0),
            sign_in("other", "c", T0 + 61 * DAY),
        ],
    );
    assert_eq!(e.tracked_users(), 1, "`idle` was swept");
    // Crowd the cap too, then restart from a snapshot.
    run(
        &mut e,
        (0..20).map(|i| sign_in(&format!("crowd{i}"), "c", T0 + 62 * DAY + i)),
    );
    let mut restarted = Engine::new(Config {
        idle_evict_ms: 60 * DAY,
        max_users: 8,
        ..settled()
    });
    restarted.restore(e.snapshot());
    let f = run(
        &mut restarted,
        [
            sign_in("idle", "c", T0 + 100 * DAY),
            sign_in("crowd0", "c", T0 + 110 * DAY),
        ],
    );
    let dormant = new_of(&f, RuleId::DormantAccount);
    assert_eq!(dormant.len(), 2, "{f:#?}");
    assert!(
        dormant[0].title.contains("after 100 days"),
        "{}",
        dormant[0].title
    );
    assert_eq!(
        dormant[1].user(),
        Some("crowd0"),
        "evicted by the cap, 48 days silent"
    );
}

#[test]
fn the_same_events_give_the_same_findings() {
    let events: Vec<Event> = (0..3)
        .flat_map(|k| fan_out_burst(&format!("u{k}"), T0 + k * HOUR))
        .collect();
    let a = run(&mut Engine::new(settled()), events.clone());
    let b = run(&mut Engine::new(settled()), events);
    assert_eq!(a, b);
}

#[test]
fn config_defaults_fill_a_partial_table_and_unknown_keys_are_rejected() {
    let config: Config = serde_json::from_str(r#"{"fan_out":{"floor":25}}"#).unwrap();
    assert_eq!(config.fan_out.floor, 25);
    assert_eq!(config.dormant.gap_ms, 45 * DAY);
    let err = serde_json::from_str::<Config>(r#"{"fan_out":{"flor":25}}"#).unwrap_err();
    assert!(err.to_string().contains("flor"), "{err}");
}

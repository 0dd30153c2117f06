#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! `PCD-006` weighs a user's first escalation operation against its
//! partner's administrators: the same quiet history is unremarkable in a
//! partner where many staff administer now and then, and raised in one
//! where nobody does.

mod support;

use portcullis_detection::{ConfidenceLevel, Config, Engine, Event, RuleId};
use support::*;

fn in_partner(mut e: Event, partner: &str) -> Event {
    e.partner_tenant = Some(partner.into());
    e
}

/// Day `d` of `user` in `partner`: a sign-in to its customer and a few
/// reads, and an escalation operation when `admin` says so.
fn workday(partner: &str, user: &str, d: i64, admin: bool) -> Vec<Event> {
    let customer = format!("{partner}-{user}-customer");
    let t = T0 + d * DAY + 10 * HOUR;
    let mut events = vec![sign_in(user, &customer, t)];
    for k in 1..4 {
        events.push(action(user, &customer, "users.read", t + k * MIN));
    }
    if admin {
        events.push(action(
            user,
            &customer,
            "roles.assignments.create",
            t + 5 * MIN,
        ));
    }
    events.into_iter().map(|e| in_partner(e, partner)).collect()
}

/// Two partners of ten users over `days` days: at `busy` six of them
/// administer, every fourth day; at `quiet` nobody does.
fn month(days: i64) -> Vec<Event> {
    let mut events = Vec::new();
    for d in 0..days {
        for u in 0..10 {
            let admin = u < 6 && (d + u) % 4 == 0;
            events.extend(workday("busy", &format!("busy-{u}"), d, admin));
            events.extend(workday("quiet", &format!("quiet-{u}"), d, false));
        }
    }
    events.sort_by_key(|e| e.time_ms);
    events
}

/// `user` of `partner` signs in and adds an app credential on day `d`.
fn first_escalation(engine: &mut Engine, partner: &str, user: &str, d: i64) -> Vec<f64> {
    let customer = format!("{partner}-{user}-customer");
    let t = T0 + d * DAY + 12 * HOUR;
    let events = [
        sign_in(user, &customer, t),
        action(user, &customer, "applications.credentials.add", t + 5 * MIN),
    ]
    .map(|e| in_partner(e, partner));
    let findings = run(engine, events);
    new_of(&findings, RuleId::EscalationSequence)
        .iter()
        .map(|f| f.confidence)
        .collect()
}

#[test]
fn a_quiet_users_first_escalation_is_weighed_against_its_partners_administrators() {
    let mut engine = Engine::new(Config::default());
    run(&mut engine, month(8));
    // Eight quiet days: in the busy partner (six in ten administer, on a
    // quarter of their days) that is still about one chance in ten of an
    // administrator not yet seen at work: Low, not raised.
    let busy = first_escalation(&mut engine, "busy", "busy-9", 8);
    assert!(busy.is_empty(), "{busy:?}");
    // The same history where nobody administers is raised.
    let quiet = first_escalation(&mut engine, "quiet", "quiet-9", 8);
    assert_eq!(quiet.len(), 1, "{quiet:?}");
    assert_eq!(ConfidenceLevel::of(quiet[0]), ConfidenceLevel::Medium);
}

#[test]
fn a_long_quiet_history_makes_a_first_escalation_surer_even_among_administrators() {
    let mut engine = Engine::new(Config::default());
    run(&mut engine, month(40));
    let busy = first_escalation(&mut engine, "busy", "busy-9", 40);
    assert_eq!(busy.len(), 1, "{busy:?}");
    let quiet = first_escalation(&mut engine, "quiet", "quiet-9", 40);
    assert!(quiet[0] >= busy[0], "{quiet:?} {busy:?}");
    assert_eq!(ConfidenceLevel::of(quiet[0]), ConfidenceLevel::High);
}

#[test]
fn the_explanation_gives_the_partners_administrators_and_the_chance() {
    let mut engine = Engine::new(Config::default());
    run(&mut engine, month(12));
    let customer = "quiet-quiet-9-customer";
    let t = T0 + 12 * DAY + 12 * HOUR;
    let findings = run(
        &mut engine,
        [
            sign_in("quiet-9", customer, t),
            action("quiet-9", customer, "federation.update", t + MIN),
        ]
        .map(|e| in_partner(e, "quiet")),
    );
    let hit = new_of(&findings, RuleId::EscalationSequence);
    let text = &hit[0].explanation;
    assert!(
        text.contains("first escalation operation (`federation.update`)"),
        "{text}"
    );
    assert!(text.contains("none on 12 earlier active days"), "{text}");
    assert!(
        text.contains("0 of the partner's 10 users perform escalation operations"),
        "{text}"
    );
    assert!(
        text.contains("chance that the user is an administrator"),
        "{text}"
    );
}

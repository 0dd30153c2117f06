#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! `PCD-011` accumulated novelty at the defaults: a learned user who, over
//! days, reaches customers it never touched from a network it never used
//! and its partner does not use — and the look-alikes it must leave alone.

mod support;

use portcullis_detection::{Config, Detection, Engine, Event, RuleId, Severity};
use support::*;

const OFFICE: u32 = 100;
const HOSTING: u32 = 64_666;

/// Ten days of four users of partner-1 at work from the office (Paris,
/// AS100) in customers c-0..c-3: users and partner learned.
fn learned() -> Engine {
    let mut engine = Engine::new(Config::default());
    let mut events = Vec::new();
    for d in 0..10 {
        for (k, user) in ["u1", "u2", "u3", "u4"].iter().enumerate() {
            for s in 0..4 {
                let t = T0 + d * DAY + 9 * HOUR + (k as i64 * 4 + s) * 5 * MIN;
                let customer = format!("c-{}", (k as i64 + s) % 4);
                events.push(at(sign_in(user, &customer, t), PARIS, OFFICE));
            }
        }
    }
    run(&mut engine, events);
    engine
}

/// A sign-in of `user` on day `day` (after the learned ten) into `customer`
/// from Paris on `asn`.
fn visit(user: &str, day: i64, customer: &str, asn: u32) -> Event {
    at(
        sign_in(user, customer, T0 + day * DAY + 11 * HOUR),
        PARIS,
        asn,
    )
}

fn slow_and_low(findings: &[Detection]) -> Vec<&Detection> {
    new_of(findings, RuleId::AccumulatedNovelty)
}

#[test]
fn three_new_customers_from_a_new_network_over_three_days_fire_at_the_third() {
    let mut engine = learned();
    let first_two = run(
        &mut engine,
        [
            visit("u1", 11, "x-1", HOSTING),
            visit("u1", 12, "x-2", HOSTING),
        ],
    );
    assert!(
        slow_and_low(&first_two).is_empty(),
        "two stay under the floor"
    );
    let third = run(&mut engine, [visit("u1", 13, "x-3", HOSTING)]);
    let hits = slow_and_low(&third);
    assert_eq!(hits.len(), 1, "{third:#?}");
    let hit = hits[0];
    assert_eq!(hit.severity, Severity::High);
    assert_eq!(hit.user(), Some("u1"));
    assert!(hit.title.contains("3 new customers"), "{}", hit.title);
    assert!(hit.title.contains("over 3 days"), "{}", hit.title);
    // 0.6 at three, +0.1 as nobody at the partner reached them: Medium,
    // alerted, not contained by default.
    assert!((hit.confidence - 0.7).abs() < 1e-9, "{}", hit.confidence);
    assert!(
        hit.explanation
            .contains(&format!("latest AS{HOSTING}: 2 of 42 sign-ins")),
        "{}",
        hit.explanation
    );
    assert!(
        hit.explanation.contains("3 unknown to the partner's staff"),
        "{}",
        hit.explanation
    );
    let mut later = visit("u1", 13, "x-4", HOSTING);
    later.time_ms += 2 * HOUR;
    let fourth = run(&mut engine, [later]);
    assert!(
        slow_and_low(&fourth).is_empty(),
        "a fourth the same day grows the open finding"
    );
    let update = fourth
        .iter()
        .find(|f| f.rule == RuleId::AccumulatedNovelty)
        .unwrap();
    assert!(update.is_update);
    assert!(update.confidence > hit.confidence);
}

#[test]
fn the_same_customers_from_the_users_own_network_are_new_assignments() {
    let mut engine = learned();
    let f = run(
        &mut engine,
        (0..5).map(|k| visit("u1", 11 + k, &format!("x-{k}"), OFFICE)),
    );
    assert!(slow_and_low(&f).is_empty(), "{f:#?}");
}

#[test]
fn a_network_its_partner_uses_is_the_partners_not_an_intruders() {
    let mut engine = learned();
    // The partner moves ISP: three of its users start on the new network.
    run(
        &mut engine,
        ["u2", "u3", "u4"].map(|u| visit(u, 11, "c-0", HOSTING)),
    );
    let f = run(
        &mut engine,
        (0..4).map(|k| visit("u1", 12 + k, &format!("x-{k}"), HOSTING)),
    );
    assert!(slow_and_low(&f).is_empty(), "{f:#?}");
}

#[test]
fn three_on_one_day_wait_for_a_second_day() {
    let mut engine = learned();
    let one_day = run(
        &mut engine,
        (0..3).map(|k| {
            let mut e = visit("u1", 11, &format!("x-{k}"), HOSTING);
            e.time_ms += k * HOUR;
            e
        }),
    );
    assert!(slow_and_low(&one_day).is_empty(), "{one_day:#?}");
    let next_day = run(&mut engine, [visit("u1", 12, "x-9", HOSTING)]);
    let hits = slow_and_low(&next_day);
    assert_eq!(hits.len(), 1);
    assert!(
        hits[0].title.contains("4 new customers"),
        "{}",
        hits[0].title
    );
}

#[test]
fn customers_further_apart_than_a_week_do_not_accumulate() {
    let mut engine = learned();
    let f = run(
        &mut engine,
        [
            visit("u1", 11, "x-1", HOSTING),
            visit("u1", 18, "x-2", HOSTING),
            visit("u1", 25, "x-3", HOSTING),
        ],
    );
    assert!(slow_and_low(&f).is_empty(), "{f:#?}");
}

#[test]
fn usual_customers_from_a_new_network_are_not_novel_customers() {
    let mut engine = learned();
    let f = run(
        &mut engine,
        (0..4).map(|k| visit("u1", 11 + k, &format!("c-{k}"), HOSTING)),
    );
    assert!(slow_and_low(&f).is_empty(), "{f:#?}");
}

#[test]
fn a_user_still_learning_raises_no_slow_and_low() {
    let mut engine = learned();
    let f = run(
        &mut engine,
        (0..4).map(|k| visit("newcomer", 11 + k, &format!("x-{k}"), HOSTING)),
    );
    assert!(slow_and_low(&f).is_empty(), "{f:#?}");
}

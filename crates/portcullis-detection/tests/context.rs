#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! What `serve` knows beyond the event (`Engine::process_in`): whether the
//! customer is reachable through the user's assignments, the partner's
//! vetting and posture standing, the decision outcome (the event's own
//! status). Each moves the confidence of findings about the user, with its
//! reason in the explanation; none moves findings about a source.

mod support;

use portcullis_detection::{
    ConfidenceLevel, Detection, Engine, Event, EventContext, PartnerStanding, RuleId,
};
use support::*;

/// Six customers new to the user and its partner within the hour: a fan-out
/// at 0.5 on its own.
fn fan_out(engine: &mut Engine, context: &EventContext) -> Detection {
    let found: Vec<Detection> = (0..6)
        .flat_map(|i| {
            let e = sign_in("u", &format!("customer-{i}"), T0 + i * 5 * MIN);
            engine.process_in(&e, context)
        })
        .collect();
    let hits = new_of(&found, RuleId::FanOut);
    assert_eq!(hits.len(), 1, "{found:#?}");
    hits[0].clone()
}

fn context(reachable: Option<bool>, partner: Option<PartnerStanding>) -> EventContext {
    EventContext {
        customer_reachable: reachable,
        partner,
    }
}

#[test]
fn each_input_adds_its_weight_and_its_reason() {
    let cases = [
        (context(None, None), 0.5, None),
        (context(Some(true), Some(PartnerStanding::Good)), 0.5, None),
        (
            context(Some(false), Some(PartnerStanding::Good)),
            0.65,
            Some("the customer is not reachable through the user's assignments"),
        ),
        (
            context(Some(true), Some(PartnerStanding::Lapsed)),
            0.6,
            Some("the partner tenant's vetting or posture has lapsed"),
        ),
        (
            context(None, Some(PartnerStanding::Suspended)),
            0.7,
            Some("the partner tenant is suspended"),
        ),
    ];
    let plain = fan_out(&mut Engine::new(settled()), &EventContext::default());
    for (ctx, expected, reason) in cases {
        let hit = fan_out(&mut Engine::new(settled()), &ctx);
        assert!(
            (hit.confidence - expected).abs() < 1e-9,
            "{ctx:?}: {}",
            hit.confidence
        );
        match reason {
            Some(reason) => {
                assert!(hit.explanation.contains(reason), "{}", hit.explanation);
                assert!(hit.explanation.starts_with(&plain.explanation));
            }
            None => assert_eq!(hit.explanation, plain.explanation),
        }
    }
}

#[test]
fn the_largest_weight_applies_not_the_sum() {
    let hit = fan_out(
        &mut Engine::new(settled()),
        &context(Some(false), Some(PartnerStanding::Suspended)),
    );
    assert!((hit.confidence - 0.7).abs() < 1e-9, "{}", hit.confidence);
    assert!(hit.explanation.contains("the partner tenant is suspended"));
    assert!(!hit.explanation.contains("not reachable"));
    let lapsed = fan_out(
        &mut Engine::new(settled()),
        &context(Some(false), Some(PartnerStanding::Lapsed)),
    );
    assert!(
        (lapsed.confidence - 0.65).abs() < 1e-9,
        "unreachable outweighs lapsed"
    );
}

#[test]
fn the_weight_shows_in_the_ocsf_finding() {
    let hit = fan_out(
        &mut Engine::new(settled()),
        &context(None, Some(PartnerStanding::Suspended)),
    );
    let ocsf = hit.to_ocsf();
    assert_eq!(ocsf["confidence_score"], 70);
    assert_eq!(ocsf["confidence"], "Medium");
    assert!(
        ocsf["finding_info"]["desc"]
            .as_str()
            .unwrap()
            .contains("the partner tenant is suspended")
    );
}

/// Fifteen denied decisions in ten minutes (the decision engine's 6003
/// events, `status_id` 2): a denied burst at 0.55 on its own.
fn denied_decisions(engine: &mut Engine, context: &EventContext) -> Vec<Detection> {
    (0..15)
        .flat_map(|i| engine.process_in(&denied("u", "customer-1", T0 + i * 30_000), context))
        .collect()
}

#[test]
fn denied_decisions_in_an_unreachable_customer_weigh_more() {
    let plain = denied_decisions(&mut Engine::new(settled()), &EventContext::default());
    let plain = new_of(&plain, RuleId::DeniedBurst)[0].confidence;
    let found = denied_decisions(
        &mut Engine::new(settled()),
        &context(Some(false), Some(PartnerStanding::Good)),
    );
    let hit = new_of(&found, RuleId::DeniedBurst)[0];
    assert!(
        (hit.confidence - plain - 0.15).abs() < 1e-9,
        "{}",
        hit.confidence
    );
    let allowed: Vec<Event> = (0..15)
        .map(|i| action("u", "customer-1", "users.read", T0 + i * 30_000))
        .collect();
    let mut engine = Engine::new(settled());
    let none: Vec<Detection> = allowed
        .iter()
        .flat_map(|e| engine.process_in(e, &context(Some(false), None)))
        .collect();
    assert!(
        new_of(&none, RuleId::DeniedBurst).is_empty(),
        "the same actions allowed are no burst, whatever the context"
    );
}

#[test]
fn findings_about_a_source_are_not_weighed() {
    let spray = |ctx: &EventContext| {
        let mut engine = Engine::new(settled());
        let found: Vec<Detection> = (0..10)
            .flat_map(|i| {
                let e = failed_sign_in(&format!("v{i}"), "203.0.113.9", T0 + i * MIN);
                engine.process_in(&e, ctx)
            })
            .collect();
        new_of(&found, RuleId::PasswordSpray)[0].clone()
    };
    let plain = spray(&EventContext::default());
    let suspended = spray(&context(Some(false), Some(PartnerStanding::Suspended)));
    assert_eq!(plain.confidence, suspended.confidence);
    assert_eq!(plain.explanation, suspended.explanation);
    assert_eq!(suspended.confidence_level(), ConfidenceLevel::High);
}

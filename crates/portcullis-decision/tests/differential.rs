//! The index always answers what the naive reference answers.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

mod support;

use portcullis_decision::{DecisionIndex, decide_naive};
use portcullis_domain::RoleCatalog;
use proptest::prelude::*;
use support::{Rng, ecosystem, request};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn index_agrees_with_naive_on_random_ecosystems(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let catalog = RoleCatalog::default_entra();
        let snapshot = ecosystem(&mut rng);
        let index = DecisionIndex::from_snapshot(&snapshot, &catalog);
        for _ in 0..60 {
            let req = request(&mut rng, &snapshot);
            let now = rng.time_around(12);
            let fast = index.decide(&req, now);
            let slow = decide_naive(&snapshot, &catalog, &req, now);
            prop_assert_eq!(&fast, &slow, "seed {} request {:?} at {}", seed, req, now);
        }
    }

    #[test]
    fn incremental_removals_keep_the_index_equal_to_naive(seed in any::<u64>()) {
        let mut rng = Rng::new(seed);
        let catalog = RoleCatalog::default_entra();
        let mut snapshot = ecosystem(&mut rng);
        let mut index = DecisionIndex::from_snapshot(&snapshot, &catalog);
        // Remove one of each kind of record from both sides, then compare.
        if !snapshot.memberships.is_empty() {
            let m = snapshot.memberships.remove(rng.below(snapshot.memberships.len()));
            index.remove_member(m.group_id, m.user_id);
        }
        if !snapshot.relationships.is_empty() && rng.chance(50) {
            let r = snapshot.relationships.remove(rng.below(snapshot.relationships.len()));
            index.remove_relationship(r.id);
        }
        if !snapshot.assignments.is_empty() {
            let a = snapshot.assignments.remove(rng.below(snapshot.assignments.len()));
            index.remove_assignment(a.id);
        }
        if !snapshot.activations.is_empty() {
            let a = snapshot.activations.remove(rng.below(snapshot.activations.len()));
            index.remove_activation(a.id);
        }
        if !snapshot.users.is_empty() && rng.chance(30) {
            let u = snapshot.users.remove(rng.below(snapshot.users.len()));
            snapshot.memberships.retain(|m| m.user_id != u.id);
            index.remove_user(u.id);
        }
        if let Some(partner) = snapshot.authorized_partners.pop() {
            index.set_authorized(partner, false);
        }
        if let Some((partner, _)) = snapshot.posture_suspensions.pop() {
            index.set_posture_suspension(partner, None);
        }
        if !snapshot.users.is_empty() {
            let i = rng.below(snapshot.users.len());
            snapshot.users[i].enabled = !snapshot.users[i].enabled;
            index.upsert_user(&snapshot.users[i]);
        }
        for _ in 0..60 {
            let req = request(&mut rng, &snapshot);
            let now = rng.time_around(12);
            prop_assert_eq!(index.decide(&req, now), decide_naive(&snapshot, &catalog, &req, now));
        }
    }
}

/// The random ecosystems are worth comparing on: across a fixed set of
/// seeds they produce allows and every deny reason.
#[test]
fn random_ecosystems_reach_every_outcome() {
    use std::collections::BTreeMap;

    use portcullis_decision::{DenyReason, Effect};

    let catalog = RoleCatalog::default_entra();
    let mut seen: BTreeMap<&'static str, usize> = BTreeMap::new();
    for seed in 0..3_000_u64 {
        let mut rng = Rng::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let snapshot = ecosystem(&mut rng);
        for _ in 0..20 {
            let req = request(&mut rng, &snapshot);
            let now = rng.time_around(12);
            let decision = decide_naive(&snapshot, &catalog, &req, now);
            if decision.effect == Effect::Allow {
                *seen.entry("allow").or_default() += 1;
            }
            for reason in &decision.reasons {
                *seen.entry(reason.as_str()).or_default() += 1;
            }
        }
    }
    let every = [
        DenyReason::PartnerNotAuthorized,
        DenyReason::PartnerNoncompliant,
        DenyReason::UnknownUser,
        DenyReason::UserDisabled,
        DenyReason::UserContained,
        DenyReason::NoActiveRelationship,
        DenyReason::RelationshipExpired,
        DenyReason::NoAssignment,
        DenyReason::ActivationRequired,
        DenyReason::RoleDoesNotPermitAction,
        DenyReason::MfaRequired,
        DenyReason::PhishingResistantMfaRequired,
        DenyReason::IpNotAllowed,
        DenyReason::OutsideAllowedHours,
    ];
    for reason in every {
        assert!(
            seen.contains_key(reason.as_str()),
            "never saw {}: {seen:?}",
            reason.as_str()
        );
    }
    assert!(
        seen.get("allow").copied().unwrap_or(0) >= 50,
        "too few allows: {seen:?}"
    );
    eprintln!("outcomes over 60,000 random requests: {seen:?}");
}

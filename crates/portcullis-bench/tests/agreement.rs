//! On the quick ecosystem, Cedar and casbin answer every request of the
//! side-by-side set as Portcullis does (Cedar every request of the set), and
//! one seed always makes the same ecosystem and the same requests.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "tests"
)]

use std::collections::BTreeSet;

use portcullis_bench::ecosystem::{self, NOW, Scale};
use portcullis_bench::{Options, Peer, requests, run};
use portcullis_decision::{DecisionIndex, DenyReason};

#[test]
fn cedar_and_casbin_agree_with_portcullis_on_every_quick_request() {
    let options = Options {
        quick: true,
        seed: 42,
    };
    let prepared = run::prepare(options, &mut |_| {}).unwrap();
    assert!(prepared.comparison.len() > prepared.requests.len() / 2);
    for peer in Peer::ALL {
        let check = run::check_peer(&prepared, peer, &mut |_| {})
            .unwrap_or_else(|e| panic!("{}: {e:#}", peer.name()));
        let expected = match peer {
            Peer::Cedar => prepared.requests.len(),
            Peer::Casbin | Peer::CasbinCached => prepared.comparison.len(),
        };
        assert_eq!(check.checked, expected, "{}", peer.name());
        assert!(
            check.allowed > check.checked / 4 && check.allowed < check.checked * 3 / 4,
            "{}: {} of {} allowed: the set should mix allows and denies",
            peer.name(),
            check.allowed,
            check.checked
        );
    }
}

#[test]
fn one_seed_makes_one_ecosystem_and_one_request_set() {
    let first = ecosystem::generate(7, Scale::QUICK).unwrap();
    let again = ecosystem::generate(7, Scale::QUICK).unwrap();
    let other = ecosystem::generate(8, Scale::QUICK).unwrap();
    assert_eq!(first, again);
    assert_ne!(first.snapshot, other.snapshot);
    assert_eq!(
        requests::generate(&first, 7, 500).unwrap(),
        requests::generate(&again, 7, 500).unwrap()
    );
}

#[test]
fn the_quick_ecosystem_has_the_full_shape_at_a_hundredth() {
    let eco = ecosystem::generate(42, Scale::QUICK).unwrap();
    let s = &eco.snapshot;
    assert_eq!(s.tenants.len(), 10 + 1_000);
    assert_eq!(s.users.len(), 500);
    assert_eq!(s.relationships.len(), 3_000);
    assert_eq!(s.assignments.len(), 10_000);
    // Users in one to three groups; some eligible assignments activated;
    // a few customers restricted.
    assert!(s.memberships.len() >= s.users.len() && s.memberships.len() <= 3 * s.users.len());
    assert!(!s.activations.is_empty() && !s.restrictions.is_empty());
}

#[test]
fn the_request_set_has_allows_and_every_deny_reason() {
    let eco = ecosystem::generate(42, Scale::QUICK).unwrap();
    let requests = requests::generate(&eco, 42, Scale::QUICK.requests).unwrap();
    let index = DecisionIndex::from_snapshot(&eco.snapshot, &eco.catalog);
    let mut seen = BTreeSet::new();
    let mut allowed = 0;
    for req in &requests {
        let decision = index.decide(req, NOW);
        allowed += usize::from(decision.is_allowed());
        seen.extend(decision.reasons);
    }
    assert!(allowed > requests.len() / 3, "{allowed} allowed");
    let every = [
        DenyReason::PartnerNotAuthorized,
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
    let missing: Vec<_> = every.iter().filter(|r| !seen.contains(r)).collect();
    assert!(missing.is_empty(), "no request is denied for {missing:?}");
}

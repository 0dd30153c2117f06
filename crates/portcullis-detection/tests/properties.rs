#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! Properties over arbitrary event streams: out of order, extreme times,
//! odd fields. The engine never panics, and a snapshot restored mid-stream
//! gives exactly the findings of an uninterrupted run.

use portcullis_detection::{Config, Engine, Event, EventClass, State, Status};
use proptest::prelude::*;

const OPS: [&str; 5] = [
    "users.read",
    "roles.assignments.create",
    "users.password.reset",
    "federation.update",
    "mailboxes.read",
];

fn arb_event() -> impl Strategy<Value = Event> {
    (
        (any::<bool>(), 0u8..3, 0usize..6, 0usize..8, 0usize..5),
        prop_oneof![
            0i64..3_000_000,
            0i64..10_000_000_000,
            Just(i64::MAX),
            Just(i64::MIN),
            Just(0)
        ],
        (
            proptest::option::of(0u8..4),
            proptest::option::of((-90.0f64..90.0, -180.0f64..180.0)),
            proptest::option::of(0u32..4),
        ),
    )
        .prop_map(
            |((auth, status, user, customer, op), time_ms, (ip, geo, asn))| Event {
                class: if auth {
                    EventClass::Authentication
                } else {
                    EventClass::ApiActivity
                },
                time_ms,
                status: [Status::Success, Status::Failure, Status::Other][usize::from(status)],
                user: format!("u{user}"),
                partner_tenant: Some(format!("p{}", user % 2)),
                customer_tenant: Some(format!("c{customer}")),
                src_ip: ip.map(|i| format!("203.0.113.{i}").parse().unwrap()),
                country: asn.map(|a| [b'A' + a as u8, b'Z']),
                lat_long: geo,
                asn,
                operation: Some(OPS[op].into()),
                uid: Some(format!("{time_ms}-{user}")),
                ..Event::default()
            },
        )
}

fn small_config() -> Config {
    Config {
        max_users: 4,
        max_sources: 4,
        max_tenants: 2,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_event_stream_is_processed_without_panicking(events in proptest::collection::vec(arb_event(), 0..200)) {
        let mut engine = Engine::new(small_config());
        for e in &events {
            for f in engine.process(e) {
                prop_assert!(f.evidence_count >= 1);
                prop_assert!(!f.evidence.is_empty());
                prop_assert!(f.first_seen_ms <= f.last_seen_ms);
            }
        }
        prop_assert!(engine.tracked_users() <= 4);
    }

    #[test]
    fn restoring_a_snapshot_mid_stream_changes_nothing(
        events in proptest::collection::vec(arb_event(), 0..150),
        cut in 0usize..150,
    ) {
        let mut sorted = events;
        sorted.sort_by_key(|e| e.time_ms);
        let cut = cut.min(sorted.len());
        // A short idle period so that sweeps happen inside the stream.
        let config = || Config { idle_evict_ms: 1_000_000, max_users: 3, ..Config::default() };
        let mut straight = Engine::new(config());
        let expected: Vec<_> = sorted.iter().flat_map(|e| straight.process(e)).collect();
        let mut first = Engine::new(config());
        let mut got: Vec<_> = sorted[..cut].iter().flat_map(|e| first.process(e)).collect();
        let json = serde_json::to_string(&first.snapshot()).unwrap();
        let mut second = Engine::new(config());
        second.restore(serde_json::from_str::<State>(&json).unwrap());
        got.extend(sorted[cut..].iter().flat_map(|e| second.process(e)));
        prop_assert_eq!(got, expected);
    }
}

//! `IndicatorIndex` against evaluating every indicator naively, plus the
//! reasons and activity rules of its hits.

use portcullis_intel::{
    HitReason, Indicator, IndicatorIndex, Observable, Pattern, parse_csv, parse_stix_bundle,
};
use proptest::prelude::*;
use time::OffsetDateTime;
use time::macros::datetime;

use crate::support::conformance_dir;

const T0: OffsetDateTime = datetime!(2024-01-01 00:00 UTC);
const T1: OffsetDateTime = datetime!(2024-06-01 00:00 UTC);
const T2: OffsetDateTime = datetime!(2025-01-01 00:00 UTC);

const VALUES: &[&str] = &[
    "10.0.0.1",
    "10.0.0.2",
    "10.1.2.3",
    "192.0.2.5",
    "10.0.0.0/8",
    "10.0.0.0/30",
    "192.0.2.0/24",
    "0.0.0.0/0",
    "10.0.0.1/32",
    "2001:db8::1",
    "2001:db8::/32",
    "::1",
    "evil.example",
    "mail.evil.example",
    "EVIL.example.",
    "other.example",
    "http://evil.example/a",
    "http://evil.example/A",
    "bob@evil.example",
    "Bob@Evil.Example",
    "not an address",
];
const LIKES: &[&str] = &[
    "%.evil.example",
    "%evil.example",
    "evil._xample",
    "%.EVIL.example",
    "%",
    "%.example.",
];
const MATCHES: &[&str] = &["evil", "^10\\\\.", "(?i)BOB", "^(?!x)"];
const TYPES: &[&str] = &[
    "ipv4-addr",
    "ipv6-addr",
    "domain-name",
    "url",
    "email-addr",
    "file",
];
const OBSERVED: &[&str] = &[
    "10.0.0.1",
    "10.0.0.3",
    "10.200.0.1",
    "192.0.2.5",
    "198.51.100.1",
    "2001:db8::1",
    "2001:db9::1",
    "::1",
    "evil.example",
    "mail.evil.example",
    "a.b.evil.example",
    "notevil.example",
    "other.example",
    "http://evil.example/a",
    "http://evil.example/A",
    "bob@evil.example",
    "alice@evil.example",
];

fn quoted(text: &str) -> String {
    format!("'{text}'")
}

fn comparison() -> impl Strategy<Value = String> {
    let path = (prop::sample::select(TYPES), prop::bool::weighted(0.9)).prop_map(|(t, value)| {
        if value {
            format!("{t}:value")
        } else {
            format!("{t}:resolves_to_refs[*].value")
        }
    });
    let value = prop::sample::select(VALUES).prop_map(quoted);
    let test = prop_oneof![
        4 => value.clone().prop_map(|v| format!("= {v}")),
        1 => value.clone().prop_map(|v| format!("!= {v}")),
        1 => value.clone().prop_map(|v| format!("NOT = {v}")),
        2 => prop::collection::vec(prop::sample::select(VALUES).prop_map(quoted), 0..3)
            .prop_map(|vs| format!("IN ({})", vs.join(", "))),
        2 => value.clone().prop_map(|v| format!("ISSUBSET {v}")),
        1 => value.prop_map(|v| format!("ISSUPERSET {v}")),
        2 => prop::sample::select(LIKES).prop_map(|l| format!("LIKE '{l}'")),
        1 => prop::sample::select(MATCHES).prop_map(|m| format!("MATCHES '{m}'")),
        1 => Just("= 3".to_owned()),
    ];
    prop_oneof![
        8 => (path.clone(), test).prop_map(|(p, t)| format!("{p} {t}")),
        1 => path.prop_map(|p| format!("EXISTS {p}")),
    ]
}

fn comparison_expr() -> impl Strategy<Value = String> {
    comparison().prop_recursive(2, 6, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} OR {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} AND {b}")),
            inner.prop_map(|a| format!("({a})")),
        ]
    })
}

fn pattern() -> impl Strategy<Value = String> {
    let observation = comparison_expr().prop_map(|c| format!("[{c}]"));
    observation.prop_recursive(2, 6, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} OR {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} AND {b}")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} FOLLOWEDBY {b}")),
            inner.prop_map(|a| format!("({a}) WITHIN 5 SECONDS")),
        ]
    })
}

fn indicator(n: usize, pattern: Pattern, window: (u8, u8, bool)) -> Indicator {
    let (from, until, revoked) = window;
    Indicator {
        id: format!("indicator--{n}"),
        name: None,
        pattern,
        pattern_type: "stix".into(),
        valid_from: if from == 0 { T0 } else { T1 },
        valid_until: match until {
            0 => None,
            1 => Some(T1),
            _ => Some(T2),
        },
        revoked,
        indicator_types: Vec::new(),
        labels: Vec::new(),
        confidence: None,
        source: None,
        modified: None,
    }
}

fn naive(indicators: &[Indicator], observable: &Observable, now: OffsetDateTime) -> Vec<String> {
    indicators
        .iter()
        .filter(|i| i.is_active(now) && i.pattern.matches(observable))
        .map(|i| i.id.clone())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn the_index_agrees_with_evaluating_every_pattern(
        specs in prop::collection::vec((pattern(), (0u8..2, 0u8..3, prop::bool::weighted(0.2))), 1..16)
    ) {
        let indicators: Vec<Indicator> = specs
            .into_iter()
            .enumerate()
            .map(|(n, (text, window))| indicator(n, Pattern::parse(&text).unwrap(), window))
            .collect();
        let index = IndicatorIndex::build(indicators.clone());
        for observed in OBSERVED {
            let observable = Observable::guess(observed).unwrap();
            for now in [T0, T1, datetime!(2024-12-31 23:59 UTC), T2] {
                let fast: Vec<String> =
                    index.lookup(&observable, now).into_iter().map(|h| h.indicator_id).collect();
                prop_assert_eq!(fast, naive(&indicators, &observable, now), "{} at {}", observed, now);
            }
        }
    }
}

fn csv_index(csv: &str) -> IndicatorIndex {
    IndicatorIndex::build(parse_csv(csv.as_bytes()).unwrap().indicators)
}

#[test]
fn hits_say_why_they_matched() {
    let index = csv_index(
        "type,value,name\n\
         ipv4-addr,10.0.0.1,one\n\
         ipv4-addr,10.0.0.0/8,ten\n\
         domain-name,evil.example,\n\
         domain-name,*.evil.example,wild\n\
         url,http://evil.example/a,\n\
         email-addr,bob@evil.example,\n",
    );
    assert_eq!(index.len(), 6);
    assert_eq!(index.fallback_len(), 0);
    let reasons = |text: &str| -> Vec<HitReason> {
        index
            .lookup(&Observable::guess(text).unwrap(), T1)
            .into_iter()
            .map(|h| h.why)
            .collect()
    };
    assert_eq!(
        reasons("10.0.0.1"),
        vec![
            HitReason::Address("10.0.0.1".parse().unwrap()),
            HitReason::Range("10.0.0.0/8".parse().unwrap())
        ]
    );
    assert_eq!(
        reasons("Mail.Evil.Example."),
        vec![HitReason::ParentDomain(".evil.example".into())]
    );
    assert_eq!(
        reasons("evil.example"),
        vec![
            HitReason::Domain("evil.example".into()),
            HitReason::Domain("evil.example".into())
        ]
    );
    assert_eq!(
        reasons("BOB@evil.example"),
        vec![HitReason::Email("bob@evil.example".into())]
    );
    assert_eq!(
        reasons("http://evil.example/a"),
        vec![HitReason::Url("http://evil.example/a".into())]
    );
    assert!(reasons("11.0.0.1").is_empty());
    let hit = &index.lookup(&Observable::guess("10.2.3.4").unwrap(), T1)[0];
    assert_eq!(hit.name.as_deref(), Some("ten"));
}

#[test]
fn only_active_indicators_hit() {
    let index = csv_index(
        "type,value,valid_from,valid_until\n\
         domain-name,evil.example,2024-01-01T00:00:00Z,2024-06-01T00:00:00Z\n",
    );
    let evil = Observable::domain("evil.example");
    assert!(
        index
            .lookup(&evil, datetime!(2023-12-31 23:59:59 UTC))
            .is_empty()
    );
    assert_eq!(index.lookup(&evil, T0).len(), 1);
    assert!(index.lookup(&evil, T1).is_empty());
}

#[test]
fn complex_patterns_are_evaluated_and_file_patterns_left_out() {
    let bytes = std::fs::read(conformance_dir("stix-bundles").join("apt1.json")).unwrap();
    let mut indicators = parse_stix_bundle(&bytes).unwrap().indicators;
    let complex = Pattern::parse("[domain-name:value MATCHES '^c2-[0-9]+\\\\.example$']").unwrap();
    indicators.push(indicator(99, complex, (0, 0, false)));
    let index = IndicatorIndex::build(indicators);
    assert_eq!(index.len(), 8, "7 network indicators and the regex one");
    assert_eq!(index.fallback_len(), 1);
    let hits = index.lookup(&Observable::domain("c2-17.example"), T1);
    assert!(matches!(&hits[..], [hit] if matches!(hit.why, HitReason::Pattern(_))));
    assert!(
        index
            .lookup(&Observable::domain("c2-x.example"), T1)
            .is_empty()
    );
}

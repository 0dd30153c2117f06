#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! The month written as OCSF lines reads back, through the domain's parser,
//! as the very events the generator made.

use portcullis_detection::Event;
use portcullis_domain::ActivityEvent;
use portcullis_scenario::{ScenarioConfig, generate, write_ndjson};

#[test]
fn every_written_line_reads_back_as_the_same_event() {
    let scenario = generate(&ScenarioConfig {
        tenants: 6,
        days: 30,
        ..ScenarioConfig::default()
    });
    let mut out = Vec::new();
    write_ndjson(&scenario.events, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), scenario.events.len());
    let mut classes = std::collections::HashSet::new();
    for (line, original) in lines.iter().zip(&scenario.events) {
        let parsed = ActivityEvent::from_ocsf_line(line).unwrap();
        classes.insert(parsed.class_uid);
        let mut event = Event::try_from(&parsed).unwrap();
        // JSON numbers read back to within a rounding of the last digit.
        if let (Some((a, b)), Some((c, d))) = (event.lat_long, original.lat_long) {
            assert!((a - c).abs() < 1e-9 && (b - d).abs() < 1e-9, "{line}");
            event.lat_long = original.lat_long;
        }
        assert_eq!(&event, original, "{line}");
    }
    assert_eq!(classes.len(), 2, "both classes are written");
}

#[test]
fn a_line_places_the_subject_where_the_spec_puts_it_per_class() {
    let scenario = generate(&ScenarioConfig {
        tenants: 2,
        days: 10,
        ..ScenarioConfig::default().quiet()
    });
    let sign_in = scenario.events.iter().find(|e| e.asn.is_some()).unwrap();
    let v = portcullis_scenario::ocsf(sign_in);
    assert_eq!(v["class_uid"], 3002);
    assert_eq!(v["user"]["uid"], sign_in.user.as_str());
    assert!(v["user"]["org"]["uid"].is_string());
    assert!(v["cloud"]["account"]["uid"].is_string());
    assert!(v["src_endpoint"]["autonomous_system"]["number"].is_u64());
    let action = scenario
        .events
        .iter()
        .find(|e| e.operation.is_some())
        .unwrap();
    let v = portcullis_scenario::ocsf(action);
    assert_eq!(v["class_uid"], 6003);
    assert_eq!(v["actor"]["user"]["uid"], action.user.as_str());
    assert!(v["api"]["operation"].is_string());
    assert!(v.get("user").is_none());
}

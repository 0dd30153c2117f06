#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! A recorded stream through the reorder buffer and the engine.

use portcullis_detection::{DEFAULT_LATENESS_MS, Detection, Engine, Event, Replay};
use portcullis_domain::ActivityEvent;

mod support;

fn event(line: &str) -> Event {
    Event::try_from(&ActivityEvent::from_ocsf_line(line).unwrap()).unwrap()
}

fn sign_in(uid: &str, customer: &str, t: i64) -> Event {
    event(&format!(
        r#"{{"class_uid":3002,"time":{t},"status_id":1,"user":{{"uid":"u","org":{{"uid":"p"}}}},"cloud":{{"account":{{"uid":"{customer}"}}}},"metadata":{{"uid":"{uid}"}}}}"#
    ))
}

fn action(uid: &str, customer: &str, op: &str, t: i64) -> Event {
    event(&format!(
        r#"{{"class_uid":6003,"time":{t},"status_id":1,"actor":{{"user":{{"uid":"u","org":{{"uid":"p"}}}}}},"api":{{"operation":"{op}"}},"cloud":{{"account":{{"uid":"{customer}"}}}},"metadata":{{"uid":"{uid}"}}}}"#
    ))
}

/// Every event through a default replay, then the end of the stream.
fn replay(events: Vec<Event>, lateness_ms: i64) -> (Replay, Vec<Detection>) {
    let mut replay = Replay::new(Engine::new(support::settled()), lateness_ms);
    let mut out = Vec::new();
    for event in events {
        out.extend(replay.push(event));
    }
    out.extend(replay.finish());
    (replay, out)
}

#[test]
fn detections_come_out_as_ocsf_detection_findings() {
    let (replay, out) = replay(
        vec![
            sign_in("e1", "c1", 1000),
            action("e2", "c1", "applications.credentials.add", 2000),
        ],
        DEFAULT_LATENESS_MS,
    );
    assert_eq!(
        (replay.counts().events, replay.counts().detections_new),
        (2, 1)
    );
    assert_eq!(out.len(), 1);
    let ocsf = out[0].to_ocsf();
    assert_eq!(ocsf["class_uid"], 2004);
    assert_eq!(ocsf["finding_info"]["analytic"]["uid"], "PCD-006");
    assert_eq!(ocsf["evidences"][0]["metadata"]["uid"], "e2");
}

#[test]
fn out_of_order_input_within_the_lateness_is_processed_in_time_order() {
    // The action comes first in the stream but after the sign-in in time.
    let (replay, out) = replay(
        vec![
            action("e2", "c1", "federation.update", 2000),
            sign_in("e1", "c1", 1000),
        ],
        DEFAULT_LATENESS_MS,
    );
    assert_eq!(replay.counts().late, 0);
    assert_eq!(replay.counts().detections_new, 1);
    assert_eq!(out.len(), 1);
}

#[test]
fn events_later_than_the_lateness_are_counted_late_and_still_processed() {
    let (replay, _) = replay(
        vec![
            sign_in("e1", "c1", 10 * 60_000),
            sign_in("e2", "c2", 20 * 60_000),
            sign_in("e3", "c3", 1),
        ],
        60_000,
    );
    assert_eq!(replay.counts().late, 1);
    assert_eq!(replay.counts().events, 3);
}

#[test]
fn duplicate_event_ids_are_skipped() {
    let (replay, _) = replay(
        vec![sign_in("same", "c1", 1000), sign_in("same", "c1", 1000)],
        DEFAULT_LATENESS_MS,
    );
    assert_eq!((replay.counts().events, replay.counts().duplicates), (1, 1));
}

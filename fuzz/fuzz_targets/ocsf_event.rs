//! OCSF event lines (`ActivityEvent::from_ocsf_line`): no panic; an
//! accepted event survives a JSON round trip, and its stored body read
//! again gives the same class, time, status and subject.
//!
//! The body is compared field by field, not as a whole: serde_json's float
//! parsing may differ from the written text in the last bit, which is not a
//! fault of the parser under test.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_domain::{ActivityEvent, MAX_EVENT_LINE_BYTES};

fn same_fields(a: &ActivityEvent, b: &ActivityEvent) {
    assert_eq!(a.class_uid, b.class_uid);
    assert_eq!(a.time, b.time);
    assert_eq!(a.status_id, b.status_id);
    assert_eq!(a.user_id, b.user_id);
    assert_eq!(a.partner_tenant_id, b.partner_tenant_id);
    assert_eq!(a.customer_tenant_id, b.customer_tenant_id);
    assert_eq!(a.operation, b.operation);
}

fuzz_target!(|line: &str| {
    let Ok(event) = ActivityEvent::from_ocsf_line(line) else {
        return;
    };
    let json = serde_json::to_string(&event).expect("an event serializes");
    let back: ActivityEvent = serde_json::from_str(&json).expect("a serialized event parses");
    same_fields(&back, &event);
    assert_eq!(back.uid, event.uid);
    // The fields the detection rules read on demand.
    let _ = (event.user_name(), event.metadata_uid(), event.is_mfa());
    let _ = (event.auth_protocol(), event.src_domain(), event.src_asn());
    let _ = (event.src_ip(), event.src_country(), event.src_lat_long());
    let body = serde_json::to_string(&event.body).expect("the body serializes");
    // Compact output can be longer than the line (`1e9` becomes `1000000000.0`).
    if body.len() <= MAX_EVENT_LINE_BYTES {
        let again = ActivityEvent::from_ocsf_line(&body).expect("the stored body parses again");
        same_fields(&again, &event);
    }
});

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "tests"
)]
//! From an OCSF line, read once by the domain, to the fields the rules
//! need; precise rejections at either step.

use portcullis_detection::{Event, EventClass, EventError, Status};
use portcullis_domain::ActivityEvent;

/// The line as detection sees it: the domain's parser, then the conversion.
fn parse_line(line: &str) -> Result<Event, String> {
    let event = ActivityEvent::from_ocsf_line(line).map_err(|e| e.to_string())?;
    Event::try_from(&event).map_err(|e| e.to_string())
}

/// The conversion of a good line after `change`.
fn convert(line: &str, change: impl FnOnce(&mut ActivityEvent)) -> Result<Event, EventError> {
    let mut event = ActivityEvent::from_ocsf_line(line).unwrap();
    change(&mut event);
    Event::try_from(&event)
}

const SIGN_IN: &str = r#"{"class_uid":3002,"time":1700000000000,"status_id":2,"is_mfa":false,"auth_protocol":"legacy",
 "user":{"uid":"u1","name":"Ann","org":{"uid":"partner-1"}},"cloud":{"account":{"uid":"customer-1"}},
 "src_endpoint":{"ip":"203.0.113.5","location":{"country":"fr","lat":48.8,"long":2.3},"autonomous_system":{"number":3215}},
 "metadata":{"uid":"ev-1","version":"1.1.0"},"unmapped":{"x":1}}"#;

#[test]
fn an_authentication_line_gives_every_field_the_rules_read() {
    let e = parse_line(&SIGN_IN.replace('\n', "")).unwrap();
    assert_eq!(e.class, EventClass::Authentication);
    assert_eq!(e.time_ms, 1_700_000_000_000);
    assert_eq!(e.status, Status::Failure);
    assert_eq!(e.user, "u1");
    assert_eq!(e.user_name.as_deref(), Some("Ann"));
    assert_eq!(e.partner_tenant.as_deref(), Some("partner-1"));
    assert_eq!(e.customer_tenant.as_deref(), Some("customer-1"));
    assert_eq!(e.src_ip, Some("203.0.113.5".parse().unwrap()));
    assert_eq!(e.country_str(), Some("FR"));
    assert_eq!(e.lat_long, Some((48.8, 2.3)));
    assert_eq!(e.asn, Some(3215));
    assert_eq!(e.is_mfa, Some(false));
    assert_eq!(e.auth_protocol.as_deref(), Some("legacy"));
    assert_eq!(e.uid.as_deref(), Some("ev-1"));
    assert!(e.is_delegated());
}

#[test]
fn an_api_activity_line_reads_the_actor_and_operation() {
    let e = parse_line(
        r#"{"class_uid":6003,"time":5,"status_id":1,"actor":{"user":{"uid":"u2","org":{"uid":"p"}}},"api":{"operation":"roles.assignments.create"},"cloud":{"account":{"uid":"p"}}}"#,
    )
    .unwrap();
    assert_eq!(e.class, EventClass::ApiActivity);
    assert_eq!(e.user, "u2");
    assert_eq!(e.operation.as_deref(), Some("roles.assignments.create"));
    assert_eq!(e.status, Status::Success);
    assert!(!e.is_delegated(), "acting in its own tenant");
}

fn err(line: &str) -> String {
    parse_line(line).unwrap_err()
}

#[test]
fn lines_that_are_not_json_are_rejected() {
    assert!(err("{not json").starts_with("event: is not JSON"));
    assert_eq!(err("[1,2]"), "event: must be a JSON object");
    assert!(err("").starts_with("event: is not JSON"));
}

#[test]
fn events_without_a_subject_are_rejected() {
    assert_eq!(
        err(r#"{"class_uid":3002,"time":1,"status_id":1,"user":{"name":"no uid"}}"#),
        "user: the subject `user.uid` is required"
    );
    // A 6003 subject is the actor, not `user`.
    assert_eq!(
        err(
            r#"{"class_uid":6003,"time":1,"status_id":1,"user":{"uid":"u"},"api":{"operation":"x"}}"#
        ),
        "user: the subject `actor.user.uid` is required"
    );
    assert_eq!(
        err(r#"{"class_uid":3002,"time":1,"status_id":1,"user":{"uid":"  "}}"#),
        "user: the subject `user.uid` is required"
    );
    assert_eq!(
        err(r#"{"class_uid":3002,"time":1,"status_id":1,"user":"u"}"#),
        "user: the subject `user.uid` is required"
    );
    // An event built without a subject (not from a line) is refused too.
    let e = convert(
        r#"{"class_uid":6003,"time":1,"status_id":1,"actor":{"user":{"uid":"u"}},"api":{"operation":"x"}}"#,
        |e| e.user_id = None,
    )
    .unwrap_err();
    assert_eq!(e, EventError::MissingSubject("actor.user.uid"));
    assert_eq!(e.to_string(), "missing subject `actor.user.uid`");
}

#[test]
fn bad_or_missing_times_are_rejected() {
    assert_eq!(
        err(r#"{"class_uid":3002,"status_id":1,"user":{"uid":"u"}}"#),
        "time: must be milliseconds since the Unix epoch, before the year 10000"
    );
    for bad in [r#""2024-01-01""#, "-5", "1.5", "true"] {
        let e = err(&format!(
            r#"{{"class_uid":3002,"time":{bad},"status_id":1,"user":{{"uid":"u"}}}}"#
        ));
        assert!(e.starts_with("time: "), "{bad}: {e}");
    }
}

#[test]
fn other_classes_and_missing_classes_are_rejected() {
    assert_eq!(
        err(r#"{"class_uid":2004,"time":1}"#),
        "class_uid: `2004` is not 3002 (Authentication) or 6003 (API Activity)"
    );
    assert!(err(r#"{"time":1}"#).starts_with("class_uid: is required"));
    // An event of another class built without a line is refused by the conversion.
    let e = convert(
        r#"{"class_uid":3002,"time":1,"status_id":1,"user":{"uid":"u"}}"#,
        |e| e.class_uid = 2004,
    )
    .unwrap_err();
    assert_eq!(e, EventError::UnsupportedClass(2004));
}

#[test]
fn malformed_endpoint_fields_are_rejected_with_the_value() {
    let base = |endpoint: &str| {
        format!(
            r#"{{"class_uid":3002,"time":1,"status_id":1,"user":{{"uid":"u"}},"src_endpoint":{endpoint}}}"#
        )
    };
    assert_eq!(
        err(&base(r#"{"ip":"999.1.1.1"}"#)),
        "src_endpoint.ip: `999.1.1.1` is not an IP address"
    );
    let e = convert(&base(r#"{"location":{"country":"FRA"}}"#), |_| {}).unwrap_err();
    assert!(
        matches!(&e, EventError::Field(v) if v.field == "src_endpoint.location.country" && v.message.contains("`FRA`")),
        "{e}"
    );
    assert!(matches!(
        convert(&base(r#"{"location":{"lat":91.0,"long":0.0}}"#), |_| {}),
        Err(EventError::Field(v)) if v.field == "src_endpoint.location"
    ));
    let ok = parse_line(&base(r#"{"ip":"2001:db8::1","location":{"lat":10.0}}"#)).unwrap();
    assert_eq!(ok.lat_long, None, "a position needs both coordinates");
    assert!(ok.src_ip.unwrap().is_ipv6());
}

#[test]
fn unknown_status_values_are_other() {
    let e = parse_line(r#"{"class_uid":3002,"time":1,"status_id":99,"user":{"uid":"u"}}"#).unwrap();
    assert_eq!(e.status, Status::Other);
}

#[test]
fn an_event_without_a_sent_uid_has_none_in_detection() {
    // The domain names it by a hash of the line (for de-duplication on
    // ingestion); evidence carries only a `metadata.uid` that was sent.
    let e = parse_line(r#"{"class_uid":3002,"time":1,"status_id":1,"user":{"uid":"u"}}"#).unwrap();
    assert_eq!(e.uid, None);
}

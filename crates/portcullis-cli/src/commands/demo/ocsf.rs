//! The demo's events as OCSF lines, the format `POST /v1/events` reads
//! (`spec/events.md`): a sign-in (3002) or an API activity (6003).

use std::net::IpAddr;

use portcullis_detection::{Event, EventClass, Status};
use serde_json::{Map, Value, json};

/// One OCSF line for `event`.
pub(crate) fn line(event: &Event) -> String {
    let user = json!({
        "uid": event.user,
        "name": event.user_name,
        "org": {"uid": event.partner_tenant},
    });
    let mut body = Map::new();
    let (class, subject) = match event.class {
        EventClass::ApiActivity => (6003, json!({"user": user})),
        _ => (3002, user),
    };
    body.insert("class_uid".into(), json!(class));
    body.insert("time".into(), json!(event.time_ms));
    let status = match event.status {
        Status::Success => 1,
        _ => 2,
    };
    body.insert("status_id".into(), json!(status));
    body.insert(if class == 6003 { "actor" } else { "user" }.into(), subject);
    if let Some(uid) = &event.uid {
        body.insert(
            "metadata".into(),
            json!({"uid": uid, "product": {"name": "demo"}}),
        );
    }
    if let Some(customer) = &event.customer_tenant {
        body.insert("cloud".into(), json!({"account": {"uid": customer}}));
    }
    if let Some(operation) = &event.operation {
        body.insert("api".into(), json!({"operation": operation}));
    }
    if let Some(mfa) = event.is_mfa {
        body.insert("is_mfa".into(), json!(mfa));
    }
    body.insert("src_endpoint".into(), endpoint(event));
    Value::Object(body).to_string()
}

fn endpoint(event: &Event) -> Value {
    let mut src = Map::new();
    if let Some(ip) = event.src_ip {
        src.insert("ip".into(), json!(ip_text(ip)));
    }
    let mut location = Map::new();
    if let Some(country) = event.country_str() {
        location.insert("country".into(), json!(country));
    }
    if let Some((lat, long)) = event.lat_long {
        location.insert("lat".into(), json!(lat));
        location.insert("long".into(), json!(long));
    }
    if !location.is_empty() {
        src.insert("location".into(), Value::Object(location));
    }
    if let Some(asn) = event.asn {
        src.insert("autonomous_system".into(), json!({"number": asn}));
    }
    Value::Object(src)
}

fn ip_text(ip: IpAddr) -> String {
    ip.to_string()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use portcullis_domain::ActivityEvent;

    #[test]
    fn a_line_reads_back_as_the_same_event() {
        let event = Event {
            class: EventClass::Authentication,
            time_ms: 1_700_000_000_000,
            status: Status::Success,
            user: "u1".into(),
            user_name: Some("Ann".into()),
            partner_tenant: Some("p1".into()),
            customer_tenant: Some("c1".into()),
            src_ip: Some("203.0.113.5".parse().unwrap()),
            country: Some(*b"FR"),
            lat_long: Some((48.8, 2.3)),
            asn: Some(3215),
            is_mfa: Some(true),
            uid: Some("ev-1".into()),
            ..Event::default()
        };
        let stored = ActivityEvent::from_ocsf_line(&line(&event)).unwrap();
        let back = Event::try_from(&stored).unwrap();
        assert_eq!(back, event);
        let action = Event {
            class: EventClass::ApiActivity,
            operation: Some("mail.read".into()),
            is_mfa: None,
            ..event
        };
        let stored = ActivityEvent::from_ocsf_line(&line(&action)).unwrap();
        assert_eq!(Event::try_from(&stored).unwrap(), action);
    }
}

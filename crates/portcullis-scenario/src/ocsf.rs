//! The month as OCSF NDJSON, exactly as `shared/spec/events.md` lays it
//! out: one Authentication (3002) or API Activity (6003) object per line,
//! the subject under `user` or `actor.user`, the customer tenant under
//! `cloud.account.uid`. `portcullis detect --input FILE` reads it back.

use std::io::{self, Write};

use serde_json::{Map, Value, json};

use portcullis_detection::{Event, EventClass, Status};

/// One event as its OCSF object.
pub fn ocsf(event: &Event) -> Value {
    let mut line = Map::new();
    let class_uid = match event.class {
        EventClass::Authentication => 3002,
        EventClass::ApiActivity => 6003,
    };
    line.insert("class_uid".into(), json!(class_uid));
    line.insert("time".into(), json!(event.time_ms));
    let status_id = match event.status {
        Status::Success => 1,
        Status::Failure => 2,
        Status::Other => 99,
    };
    line.insert("status_id".into(), json!(status_id));
    let user = subject(event);
    match event.class {
        EventClass::Authentication => {
            line.insert("user".into(), user);
            if let Some(mfa) = event.is_mfa {
                line.insert("is_mfa".into(), json!(mfa));
            }
            if let Some(protocol) = &event.auth_protocol {
                line.insert("auth_protocol".into(), json!(protocol));
            }
        }
        EventClass::ApiActivity => {
            line.insert("actor".into(), json!({ "user": user }));
            if let Some(op) = &event.operation {
                line.insert("api".into(), json!({ "operation": op }));
            }
        }
    }
    if let Some(customer) = &event.customer_tenant {
        line.insert("cloud".into(), json!({ "account": { "uid": customer } }));
    }
    if let Some(endpoint) = src_endpoint(event) {
        line.insert("src_endpoint".into(), endpoint);
    }
    if let Some(uid) = &event.uid {
        line.insert("metadata".into(), json!({ "uid": uid, "version": "1.1.0" }));
    }
    Value::Object(line)
}

/// Writes every event as one OCSF line.
pub fn write_ndjson<'a>(
    events: impl IntoIterator<Item = &'a Event>,
    out: &mut impl Write,
) -> io::Result<()> {
    for event in events {
        serde_json::to_writer(&mut *out, &ocsf(event))?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn subject(event: &Event) -> Value {
    let mut user = Map::new();
    user.insert("uid".into(), json!(event.user));
    if let Some(name) = &event.user_name {
        user.insert("name".into(), json!(name));
    }
    if let Some(partner) = &event.partner_tenant {
        user.insert("org".into(), json!({ "uid": partner }));
    }
    Value::Object(user)
}

fn src_endpoint(event: &Event) -> Option<Value> {
    let mut endpoint = Map::new();
    if let Some(ip) = event.src_ip {
        endpoint.insert("ip".into(), json!(ip.to_string()));
    }
    if let Some(domain) = &event.src_domain {
        endpoint.insert("domain".into(), json!(domain));
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
        endpoint.insert("location".into(), Value::Object(location));
    }
    if let Some(asn) = event.asn {
        endpoint.insert("autonomous_system".into(), json!({ "number": asn }));
    }
    (!endpoint.is_empty()).then_some(Value::Object(endpoint))
}

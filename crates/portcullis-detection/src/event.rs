//! One OCSF activity line (Authentication 3002 / API Activity 6003) as the
//! engine reads it.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// OCSF class of a sign-in.
pub const AUTHENTICATION: i64 = 3002;
/// OCSF class of an action (every decision is one).
pub const API_ACTIVITY: i64 = 6003;

/// The event class the engine understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum EventClass {
    /// `3002`: a sign-in.
    #[default]
    Authentication,
    /// `6003`: an action (or a decision about one).
    ApiActivity,
}

/// `status_id`: `1` success / allowed, `2` failure / denied, anything else other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Status {
    /// `1`
    #[default]
    Success,
    /// `2`
    Failure,
    /// any other value (OCSF `0` unknown, `99` other)
    Other,
}

/// The fields of one OCSF event that the detection rules read.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Event {
    pub class: EventClass,
    /// `time`: milliseconds since the Unix epoch (UTC).
    pub time_ms: i64,
    pub status: Status,
    /// `user.uid` (3002) or `actor.user.uid` (6003): the partner user.
    pub user: String,
    /// `user.name` / `actor.user.name`.
    pub user_name: Option<String>,
    /// `user.org.uid` / `actor.user.org.uid`: the user's home (partner) tenant.
    pub partner_tenant: Option<String>,
    /// `cloud.account.uid`: the customer (resource) tenant.
    pub customer_tenant: Option<String>,
    /// `src_endpoint.ip`.
    pub src_ip: Option<IpAddr>,
    /// `src_endpoint.domain` (or `.hostname`), checked against intelligence.
    pub src_domain: Option<String>,
    /// `src_endpoint.location.country`, ISO 3166-1 alpha-2, upper case.
    pub country: Option<[u8; 2]>,
    /// `src_endpoint.location.lat` / `.long`, both present and in range.
    pub lat_long: Option<(f64, f64)>,
    /// `src_endpoint.autonomous_system.number`.
    pub asn: Option<u32>,
    /// `is_mfa` (3002).
    pub is_mfa: Option<bool>,
    /// `auth_protocol` (3002).
    pub auth_protocol: Option<String>,
    /// `api.operation` (6003).
    pub operation: Option<String>,
    /// `metadata.uid`: the event id.
    pub uid: Option<String>,
}

impl Event {
    /// A sign-in or action whose home tenant differs from the tenant acted on.
    pub fn is_delegated(&self) -> bool {
        match (&self.partner_tenant, &self.customer_tenant) {
            (Some(home), Some(customer)) => home != customer,
            _ => false,
        }
    }

    /// The country as a string slice, if any.
    pub fn country_str(&self) -> Option<&str> {
        self.country
            .as_ref()
            .and_then(|c| std::str::from_utf8(c).ok())
    }
}

/// Why a line is not an event the engine can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("missing `class_uid`")]
    MissingClass,
    #[error("unsupported `class_uid` `{0}`: expected 3002 or 6003")]
    UnsupportedClass(i64),
    #[error("missing `time`")]
    MissingTime,
    #[error("bad `time` `{0}`: expected milliseconds since the epoch as a non-negative integer")]
    BadTime(String),
    #[error("missing subject `{0}`")]
    MissingSubject(&'static str),
    #[error("bad `src_endpoint.ip` `{0}`")]
    BadIp(String),
    #[error("bad `src_endpoint.location.country` `{0}`: expected two letters")]
    BadCountry(String),
    #[error("bad `src_endpoint.location` `{0}`: latitude and longitude out of range")]
    BadLocation(String),
}

#[derive(Deserialize)]
struct Raw {
    class_uid: Option<Value>,
    time: Option<Value>,
    status_id: Option<Value>,
    user: Option<Value>,
    actor: Option<RawActor>,
    src_endpoint: Option<RawEndpoint>,
    cloud: Option<RawCloud>,
    metadata: Option<RawMetadata>,
    is_mfa: Option<bool>,
    auth_protocol: Option<String>,
    api: Option<RawApi>,
}

#[derive(Deserialize)]
struct RawUser {
    uid: Option<String>,
    name: Option<String>,
    org: Option<RawUid>,
}

#[derive(Deserialize)]
struct RawUid {
    uid: Option<String>,
}

#[derive(Deserialize)]
struct RawActor {
    user: Option<Value>,
}

#[derive(Deserialize)]
struct RawEndpoint {
    ip: Option<String>,
    domain: Option<String>,
    hostname: Option<String>,
    location: Option<RawLocation>,
    autonomous_system: Option<RawAs>,
}

#[derive(Deserialize)]
struct RawLocation {
    country: Option<String>,
    lat: Option<f64>,
    long: Option<f64>,
}

#[derive(Deserialize)]
struct RawAs {
    number: Option<u32>,
}

#[derive(Deserialize)]
struct RawCloud {
    account: Option<RawUid>,
}

#[derive(Deserialize)]
struct RawMetadata {
    uid: Option<String>,
}

#[derive(Deserialize)]
struct RawApi {
    operation: Option<String>,
}

/// Parses one NDJSON line. The caller adds the line number to the error.
///
/// Unknown fields are ignored; a line without a subject (`user.uid` for 3002,
/// `actor.user.uid` for 6003), with a missing or malformed `time`, or with a
/// malformed IP, country or position is rejected.
pub fn parse_line(line: &str) -> Result<Event, EventError> {
    let raw: Raw = serde_json::from_str(line).map_err(|e| EventError::NotJson(e.to_string()))?;
    let class_uid = match raw.class_uid {
        None | Some(Value::Null) => return Err(EventError::MissingClass),
        Some(v) => v
            .as_i64()
            .ok_or_else(|| EventError::NotJson(format!("`class_uid` `{v}` is not an integer")))?,
    };
    let (class, subject_field, subject) = match class_uid {
        AUTHENTICATION => (EventClass::Authentication, "user.uid", raw.user),
        API_ACTIVITY => (
            EventClass::ApiActivity,
            "actor.user.uid",
            raw.actor.and_then(|a| a.user),
        ),
        other => return Err(EventError::UnsupportedClass(other)),
    };
    let time_ms = match raw.time {
        None | Some(Value::Null) => return Err(EventError::MissingTime),
        Some(v) => match v.as_i64() {
            Some(t) if t >= 0 => t,
            _ => return Err(EventError::BadTime(v.to_string())),
        },
    };
    let status = match raw.status_id.as_ref().and_then(Value::as_i64) {
        Some(1) => Status::Success,
        Some(2) => Status::Failure,
        _ => Status::Other,
    };
    let user: Option<RawUser> = subject.and_then(|v| serde_json::from_value(v).ok());
    let (uid, user_name, partner_tenant) = match user {
        Some(RawUser {
            uid: Some(uid),
            name,
            org,
        }) if !uid.trim().is_empty() => {
            (uid, name, org.and_then(|o| o.uid).filter(|s| !s.is_empty()))
        }
        _ => return Err(EventError::MissingSubject(subject_field)),
    };
    let mut event = Event {
        class,
        time_ms,
        status,
        user: uid,
        user_name,
        partner_tenant,
        customer_tenant: raw
            .cloud
            .and_then(|c| c.account)
            .and_then(|a| a.uid)
            .filter(|s| !s.is_empty()),
        is_mfa: raw.is_mfa,
        auth_protocol: raw.auth_protocol,
        operation: raw.api.and_then(|a| a.operation),
        uid: raw.metadata.and_then(|m| m.uid),
        ..Event::default()
    };
    if let Some(endpoint) = raw.src_endpoint {
        read_endpoint(&mut event, endpoint)?;
    }
    Ok(event)
}

fn read_endpoint(event: &mut Event, endpoint: RawEndpoint) -> Result<(), EventError> {
    if let Some(ip) = endpoint.ip {
        event.src_ip = Some(ip.parse().map_err(|_| EventError::BadIp(ip))?);
    }
    event.src_domain = endpoint.domain.or(endpoint.hostname);
    event.asn = endpoint.autonomous_system.and_then(|a| a.number);
    if let Some(location) = endpoint.location {
        if let Some(country) = location.country {
            event.country = Some(parse_country(&country)?);
        }
        if let (Some(lat), Some(long)) = (location.lat, location.long) {
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&long) {
                return Err(EventError::BadLocation(format!("{lat},{long}")));
            }
            event.lat_long = Some((lat, long));
        }
    }
    Ok(())
}

fn parse_country(country: &str) -> Result<[u8; 2], EventError> {
    match country.as_bytes() {
        [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
            Ok([a.to_ascii_uppercase(), b.to_ascii_uppercase()])
        }
        _ => Err(EventError::BadCountry(country.to_owned())),
    }
}

//! Activity events: OCSF 1.x JSON, as read and written by Portcullis.

use serde::{Deserialize, Serialize};

use crate::Timestamp;
use crate::error::excerpt;

/// OCSF class of a sign-in.
pub const OCSF_AUTHENTICATION: i64 = 3002;
/// OCSF class of an action (every decision is one).
pub const OCSF_API_ACTIVITY: i64 = 6003;

/// One activity event: the OCSF document as received or produced, with the
/// fields Portcullis queries lifted out of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActivityEvent {
    /// `metadata.uid`: events with a uid already stored are ignored.
    pub uid: String,
    pub class_uid: i64,
    pub time: Timestamp,
    /// `1` success / allowed, `2` failure / denied.
    pub status_id: i64,
    /// The partner (home) tenant of the acting user.
    pub partner_tenant_id: Option<String>,
    pub user_id: Option<String>,
    /// The customer (resource) tenant acted on.
    pub customer_tenant_id: Option<String>,
    /// `api.operation` for API activity.
    pub operation: Option<String>,
    /// The whole OCSF document.
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
}

/// An activity event whose OCSF document is already JSON text: what the
/// decision path queues and stores (each decision's document is written
/// once, straight to text, never built as a `serde_json::Value`).
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedEvent {
    pub uid: String,
    pub class_uid: i64,
    pub time: Timestamp,
    pub status_id: i64,
    pub partner_tenant_id: Option<String>,
    pub user_id: Option<String>,
    pub customer_tenant_id: Option<String>,
    pub operation: Option<String>,
    /// The whole OCSF document, as JSON text.
    pub body: String,
}

impl EncodedEvent {
    /// The event with its document parsed.
    pub fn decode(&self) -> Result<ActivityEvent, serde_json::Error> {
        Ok(ActivityEvent {
            uid: self.uid.clone(),
            class_uid: self.class_uid,
            time: self.time,
            status_id: self.status_id,
            partner_tenant_id: self.partner_tenant_id.clone(),
            user_id: self.user_id.clone(),
            customer_tenant_id: self.customer_tenant_id.clone(),
            operation: self.operation.clone(),
            body: serde_json::from_str(&self.body)?,
        })
    }
}

impl From<&ActivityEvent> for EncodedEvent {
    fn from(event: &ActivityEvent) -> Self {
        Self {
            uid: event.uid.clone(),
            class_uid: event.class_uid,
            time: event.time,
            status_id: event.status_id,
            partner_tenant_id: event.partner_tenant_id.clone(),
            user_id: event.user_id.clone(),
            customer_tenant_id: event.customer_tenant_id.clone(),
            operation: event.operation.clone(),
            body: event.body.to_string(),
        }
    }
}

/// The largest OCSF line accepted: 64 KiB.
pub const MAX_EVENT_LINE_BYTES: usize = 64 * 1024;

fn at<'a>(value: &'a serde_json::Value, path: &[&str]) -> Option<&'a serde_json::Value> {
    path.iter().try_fold(value, |v, key| v.get(key))
}

fn text(value: &serde_json::Value, path: &[&str]) -> Option<String> {
    at(value, path)
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

impl ActivityEvent {
    /// Reads one OCSF line (`spec/events.md`): an Authentication (3002) or
    /// API Activity (6003) event with a subject (`user.uid` / `actor.user.uid`),
    /// a time in milliseconds and a status. Every other field is kept as it
    /// came. Without `metadata.uid`, the uid is a SHA-256 of the line, so an
    /// exact repeat is recognised as a duplicate.
    pub fn from_ocsf_line(line: &str) -> Result<Self, crate::ValidationError> {
        use crate::ValidationError as E;
        if line.len() > MAX_EVENT_LINE_BYTES {
            return Err(E::new(
                "event",
                format!(
                    "is {} bytes long; at most {MAX_EVENT_LINE_BYTES} are allowed",
                    line.len()
                ),
            ));
        }
        let body: serde_json::Value =
            serde_json::from_str(line).map_err(|e| E::new("event", format!("is not JSON: {e}")))?;
        if !body.is_object() {
            return Err(E::new("event", "must be a JSON object"));
        }
        let class_uid = at(&body, &["class_uid"])
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| E::new("class_uid", "is required (3002 or 6003)"))?;
        let subject: &[&str] = match class_uid {
            OCSF_AUTHENTICATION => &["user"],
            OCSF_API_ACTIVITY => &["actor", "user"],
            other => {
                return Err(E::new(
                    "class_uid",
                    format!("`{other}` is not 3002 (Authentication) or 6003 (API Activity)"),
                ));
            }
        };
        let time = at(&body, &["time"])
            .and_then(serde_json::Value::as_i64)
            .filter(|t| (0..=Timestamp::LAST_RENDERABLE.unix_millis()).contains(t))
            .ok_or_else(|| {
                E::new(
                    "time",
                    "must be milliseconds since the Unix epoch, before the year 10000",
                )
            })?;
        let status_id = at(&body, &["status_id"])
            .and_then(serde_json::Value::as_i64)
            .ok_or_else(|| E::new("status_id", "is required (1 success, 2 failure)"))?;
        let path = |leaf: &'static str| -> Vec<&str> {
            let mut p = subject.to_vec();
            p.push(leaf);
            p
        };
        let user_id = text(&body, &path("uid")).ok_or_else(|| {
            E::new(
                "user",
                format!("the subject `{}.uid` is required", subject.join(".")),
            )
        })?;
        let mut org = subject.to_vec();
        org.extend(["org", "uid"]);
        let operation = text(&body, &["api", "operation"]);
        if class_uid == OCSF_API_ACTIVITY && operation.is_none() {
            return Err(E::new("api.operation", "is required for API Activity"));
        }
        let uid = text(&body, &["metadata", "uid"]).unwrap_or_else(|| {
            use sha2::Digest as _;
            format!(
                "sha256:{}",
                hex::encode(sha2::Sha256::digest(line.as_bytes()))
            )
        });
        Ok(Self {
            uid,
            class_uid,
            time: Timestamp::from_unix_millis(time),
            status_id,
            partner_tenant_id: text(&body, &org),
            user_id: Some(user_id),
            customer_tenant_id: text(&body, &["cloud", "account", "uid"]),
            operation,
            body,
        })
    }
}

/// Fields read on demand from the document, beyond the ones lifted out at
/// ingestion (`spec/events.md`): what the detection rules need. Absent or
/// `null` is `None`; a present but malformed IP, country or position is an
/// error naming the field.
impl ActivityEvent {
    /// The subject object: `user` (3002) or `actor.user` (6003).
    fn subject(&self) -> Option<&serde_json::Value> {
        match self.class_uid {
            OCSF_AUTHENTICATION => at(&self.body, &["user"]),
            OCSF_API_ACTIVITY => at(&self.body, &["actor", "user"]),
            _ => None,
        }
    }

    /// `user.name` / `actor.user.name`.
    pub fn user_name(&self) -> Option<&str> {
        self.subject()
            .and_then(|subject| subject.get("name"))
            .and_then(serde_json::Value::as_str)
    }

    /// `metadata.uid` as sent, if it was (`uid` falls back to a hash of the
    /// line when it was not).
    pub fn metadata_uid(&self) -> Option<&str> {
        at(&self.body, &["metadata", "uid"]).and_then(serde_json::Value::as_str)
    }

    /// `is_mfa` (3002): the sign-in satisfied MFA.
    pub fn is_mfa(&self) -> Option<bool> {
        at(&self.body, &["is_mfa"]).and_then(serde_json::Value::as_bool)
    }

    /// `auth_protocol` (3002), e.g. `legacy`.
    pub fn auth_protocol(&self) -> Option<&str> {
        at(&self.body, &["auth_protocol"]).and_then(serde_json::Value::as_str)
    }

    /// `src_endpoint.ip`, v4 or v6.
    pub fn src_ip(&self) -> Result<Option<std::net::IpAddr>, crate::ValidationError> {
        match at(&self.body, &["src_endpoint", "ip"]) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(ip)) => ip.parse().map(Some).map_err(|_| {
                crate::ValidationError::new(
                    "src_endpoint.ip",
                    format!("`{}` is not an IP address", excerpt(ip, 64)),
                )
            }),
            Some(other) => Err(crate::ValidationError::new(
                "src_endpoint.ip",
                format!("`{}` is not an IP address", excerpt(&other.to_string(), 64)),
            )),
        }
    }

    /// `src_endpoint.domain`, else `src_endpoint.hostname`.
    pub fn src_domain(&self) -> Option<&str> {
        at(&self.body, &["src_endpoint", "domain"])
            .and_then(serde_json::Value::as_str)
            .or_else(|| {
                at(&self.body, &["src_endpoint", "hostname"]).and_then(serde_json::Value::as_str)
            })
    }

    /// `src_endpoint.location.country`: ISO 3166-1 alpha-2, upper-cased.
    pub fn src_country(&self) -> Result<Option<[u8; 2]>, crate::ValidationError> {
        let bad = |shown: &str| {
            crate::ValidationError::new(
                "src_endpoint.location.country",
                format!("`{}` is not a two-letter country code", excerpt(shown, 64)),
            )
        };
        match at(&self.body, &["src_endpoint", "location", "country"]) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(country)) => match country.as_bytes() {
                [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                    Ok(Some([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
                }
                _ => Err(bad(country)),
            },
            Some(other) => Err(bad(&other.to_string())),
        }
    }

    /// `src_endpoint.location.lat` / `.long`, when both are present; out of
    /// range is an error.
    pub fn src_lat_long(&self) -> Result<Option<(f64, f64)>, crate::ValidationError> {
        let coordinate = |leaf: &str| {
            at(&self.body, &["src_endpoint", "location", leaf]).and_then(serde_json::Value::as_f64)
        };
        match (coordinate("lat"), coordinate("long")) {
            (Some(lat), Some(long)) => {
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&long) {
                    Ok(Some((lat, long)))
                } else {
                    Err(crate::ValidationError::new(
                        "src_endpoint.location",
                        format!("`{lat},{long}` is out of range for a latitude and longitude"),
                    ))
                }
            }
            _ => Ok(None),
        }
    }

    /// `src_endpoint.autonomous_system.number`.
    pub fn src_asn(&self) -> Option<u32> {
        at(&self.body, &["src_endpoint", "autonomous_system", "number"])
            .and_then(serde_json::Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
    }
}

#[cfg(test)]
mod ocsf_tests {
    use super::*;

    #[test]
    fn sign_ins_and_actions_are_read_by_their_own_subject_paths() {
        let sign_in = r#"{"class_uid":3002,"time":1700000000000,"status_id":2,"user":{"uid":"u1","org":{"uid":"p1"}},"cloud":{"account":{"uid":"c1"}},"metadata":{"uid":"e1"},"extra":{"kept":true}}"#;
        let e = ActivityEvent::from_ocsf_line(sign_in).unwrap();
        assert_eq!((e.uid.as_str(), e.class_uid, e.status_id), ("e1", 3002, 2));
        assert_eq!(e.user_id.as_deref(), Some("u1"));
        assert_eq!(e.partner_tenant_id.as_deref(), Some("p1"));
        assert_eq!(e.customer_tenant_id.as_deref(), Some("c1"));
        assert_eq!(e.body["extra"]["kept"], true);
        let action = r#"{"class_uid":6003,"time":5,"status_id":1,"actor":{"user":{"uid":"u2","org":{"uid":"p2"}}},"api":{"operation":"users.password.reset"}}"#;
        let e = ActivityEvent::from_ocsf_line(action).unwrap();
        assert_eq!(e.operation.as_deref(), Some("users.password.reset"));
        assert!(e.uid.starts_with("sha256:"));
        assert_eq!(ActivityEvent::from_ocsf_line(action).unwrap().uid, e.uid);
    }

    /// Found by the `ocsf_event` fuzz target: a time past the year 9999 was
    /// accepted, then rendered as 9999-12-31 and read back as another instant.
    #[test]
    fn a_time_past_the_year_9999_is_refused() {
        let line = |time: i64| {
            format!(
                r#"{{"class_uid":3002,"time":{time},"status_id":2,"user":{{"uid":"1","org":{{"uid":"p1"}}}}}}"#
            )
        };
        let err = ActivityEvent::from_ocsf_line(&line(340_000_000_001_000)).unwrap_err();
        assert_eq!(err.field, "time");
        let last = Timestamp::LAST_RENDERABLE.unix_millis();
        assert!(ActivityEvent::from_ocsf_line(&line(last)).is_ok());
        assert!(ActivityEvent::from_ocsf_line(&line(last + 1)).is_err());
    }

    #[test]
    fn bad_lines_are_refused_naming_the_field() {
        for (line, field) in [
            ("not json", "event"),
            ("[1]", "event"),
            (r#"{"time":1,"status_id":1}"#, "class_uid"),
            (r#"{"class_uid":4001,"time":1,"status_id":1}"#, "class_uid"),
            (
                r#"{"class_uid":3002,"time":"yesterday","status_id":1,"user":{"uid":"u"}}"#,
                "time",
            ),
            (
                r#"{"class_uid":3002,"time":-1,"status_id":1,"user":{"uid":"u"}}"#,
                "time",
            ),
            (
                r#"{"class_uid":3002,"time":1,"user":{"uid":"u"}}"#,
                "status_id",
            ),
            (
                r#"{"class_uid":3002,"time":1,"status_id":1,"actor":{"user":{"uid":"u"}}}"#,
                "user",
            ),
            (
                r#"{"class_uid":6003,"time":1,"status_id":1,"actor":{"user":{"uid":"u"}}}"#,
                "api.operation",
            ),
        ] {
            assert_eq!(
                ActivityEvent::from_ocsf_line(line).unwrap_err().field,
                field,
                "{line}"
            );
        }
        let huge = format!(
            r#"{{"class_uid":3002,"pad":"{}"}}"#,
            "x".repeat(MAX_EVENT_LINE_BYTES)
        );
        assert_eq!(
            ActivityEvent::from_ocsf_line(&huge).unwrap_err().field,
            "event"
        );
    }

    #[test]
    fn detection_fields_are_read_from_the_document() {
        let line = r#"{"class_uid":3002,"time":1,"status_id":1,"is_mfa":false,"auth_protocol":"legacy","user":{"uid":"u1","name":"Ann"},"src_endpoint":{"ip":"2001:db8::1","hostname":"h.example","location":{"country":"fr","lat":48.8,"long":2.3},"autonomous_system":{"number":3215}},"metadata":{"uid":"e1"}}"#;
        let e = ActivityEvent::from_ocsf_line(line).unwrap();
        assert_eq!(e.user_name(), Some("Ann"));
        assert_eq!(e.metadata_uid(), Some("e1"));
        assert_eq!(
            (e.is_mfa(), e.auth_protocol()),
            (Some(false), Some("legacy"))
        );
        assert!(e.src_ip().unwrap().unwrap().is_ipv6());
        assert_eq!(e.src_domain(), Some("h.example"));
        assert_eq!(e.src_country().unwrap(), Some(*b"FR"));
        assert_eq!(e.src_lat_long().unwrap(), Some((48.8, 2.3)));
        assert_eq!(e.src_asn(), Some(3215));
        let bare = ActivityEvent::from_ocsf_line(
            r#"{"class_uid":3002,"time":1,"status_id":1,"user":{"uid":"u"},"src_endpoint":{"ip":null,"location":{"lat":10.0}}}"#,
        )
        .unwrap();
        assert_eq!(
            bare.metadata_uid(),
            None,
            "the hashed uid is not a sent one"
        );
        assert_eq!(bare.src_ip().unwrap(), None);
        assert_eq!(bare.src_lat_long().unwrap(), None, "a position needs both");
    }

    #[test]
    fn malformed_source_fields_are_errors_naming_the_field_and_value() {
        let with = |endpoint: &str| {
            ActivityEvent::from_ocsf_line(&format!(
                r#"{{"class_uid":3002,"time":1,"status_id":1,"user":{{"uid":"u"}},"src_endpoint":{endpoint}}}"#
            ))
            .unwrap()
        };
        let e = with(r#"{"ip":"999.1.1.1"}"#).src_ip().unwrap_err();
        assert_eq!(
            e.to_string(),
            "src_endpoint.ip: `999.1.1.1` is not an IP address"
        );
        let e = with(r#"{"location":{"country":"FRA"}}"#)
            .src_country()
            .unwrap_err();
        assert_eq!(e.field, "src_endpoint.location.country");
        assert!(e.message.contains("`FRA`"), "{e}");
        let e = with(r#"{"location":{"lat":91.0,"long":0.0}}"#)
            .src_lat_long()
            .unwrap_err();
        assert_eq!(e.field, "src_endpoint.location");
    }
}

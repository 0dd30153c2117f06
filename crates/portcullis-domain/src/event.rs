//! Activity events: OCSF 1.x JSON, as read and written by Portcullis.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

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
            .filter(|t| *t >= 0)
            .ok_or_else(|| E::new("time", "must be milliseconds since the Unix epoch"))?;
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
}

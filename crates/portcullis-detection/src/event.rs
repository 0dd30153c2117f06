//! One activity event (Authentication 3002 / API Activity 6003) in the
//! compact form the rules read, built from the domain's
//! [`ActivityEvent`]: the domain parses the OCSF line once, for ingestion,
//! storage and detection alike.

use std::net::IpAddr;

use portcullis_domain::{ActivityEvent, OCSF_API_ACTIVITY, OCSF_AUTHENTICATION, ValidationError};
use serde::{Deserialize, Serialize};

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

/// Why an activity event is not one the engine can use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    #[error("unsupported `class_uid` `{0}`: expected 3002 or 6003")]
    UnsupportedClass(i64),
    #[error("missing subject `{0}`")]
    MissingSubject(&'static str),
    /// A malformed source field (`src_endpoint.ip`, `.location`, ...).
    #[error("{0}")]
    Field(#[from] ValidationError),
}

impl TryFrom<&ActivityEvent> for Event {
    type Error = EventError;

    /// The fields the rules read. An event of another class or without a
    /// subject, or with a malformed IP, country or position, is refused.
    fn try_from(event: &ActivityEvent) -> Result<Self, EventError> {
        let (class, subject_field) = match event.class_uid {
            OCSF_AUTHENTICATION => (EventClass::Authentication, "user.uid"),
            OCSF_API_ACTIVITY => (EventClass::ApiActivity, "actor.user.uid"),
            other => return Err(EventError::UnsupportedClass(other)),
        };
        let user = event
            .user_id
            .clone()
            .ok_or(EventError::MissingSubject(subject_field))?;
        let status = match event.status_id {
            1 => Status::Success,
            2 => Status::Failure,
            _ => Status::Other,
        };
        Ok(Self {
            class,
            time_ms: event.time.unix_millis(),
            status,
            user,
            user_name: event.user_name().map(str::to_owned),
            partner_tenant: event.partner_tenant_id.clone(),
            customer_tenant: event.customer_tenant_id.clone(),
            src_ip: event.src_ip()?,
            src_domain: event.src_domain().map(str::to_owned),
            country: event.src_country()?,
            lat_long: event.src_lat_long()?,
            asn: event.src_asn(),
            is_mfa: event.is_mfa(),
            auth_protocol: event.auth_protocol().map(str::to_owned),
            operation: event.operation.clone(),
            uid: event.metadata_uid().map(str::to_owned),
        })
    }
}

//! From AuthZEN entities to Portcullis' question. The subject is
//! `{"type": "user", "id": <partner user id>}` (its partner tenant follows
//! from the user; a `properties.partner_tenant_id` that names another
//! tenant is asked as given, and the engine denies it `unknown_user`), the
//! resource `{"type": "tenant", "id": <customer tenant id>}`, the action
//! `{"name": <action>}`, the context `{"auth_strength": "none" | "mfa" |
//! "phishing_resistant", "ip": <source address>}`.
//!
//! A missing required field (§5 of the specification) is an error, for a
//! whole request a 400 (§10.1.1). An entity Portcullis cannot know — another
//! type, an id that is not a UUID, a name that is not an action — is no
//! error: it is denied with a reason code and no decision is taken.

use std::net::IpAddr;

use portcullis_decision::SearchSession;
use portcullis_domain::{Action, AuthStrength, TenantId, UserId};
use serde_json::{Map, Value};

use super::wire::{ActionEntity, Entity};

pub const SUBJECT_TYPE: &str = "user";
pub const RESOURCE_TYPE: &str = "tenant";

/// Reason codes for requests that name nothing Portcullis decides about.
pub mod codes {
    /// `subject.type` is not `user`.
    pub const UNSUPPORTED_SUBJECT_TYPE: &str = "unsupported_subject_type";
    /// `resource.type` is not `tenant`.
    pub const UNSUPPORTED_RESOURCE_TYPE: &str = "unsupported_resource_type";
    /// `subject.id` is not a user id, or no partner user has it.
    pub const UNKNOWN_USER: &str = "unknown_user";
    /// `resource.id` is not a tenant id.
    pub const UNKNOWN_TENANT: &str = "unknown_tenant";
    /// `action.name` is not an action name.
    pub const UNKNOWN_ACTION: &str = "unknown_action";
    /// `subject.properties.partner_tenant_id` is not a tenant id.
    pub const INVALID_PARTNER_TENANT_ID: &str = "invalid_partner_tenant_id";
}

/// A subject read as a partner user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    /// The partner tenant the caller says the user belongs to.
    pub claimed_partner: Option<TenantId>,
}

/// A required field, or what to say when it is missing.
fn required<'a, T>(value: Option<&'a T>, name: &str) -> Result<&'a T, String> {
    value.ok_or_else(|| format!("`{name}` is required"))
}

fn required_str<'a>(value: Option<&'a String>, name: &str) -> Result<&'a str, String> {
    required(value, name).map(String::as_str)
}

/// The subject's `type`, required.
pub fn subject_type(subject: Option<&Entity>) -> Result<&str, String> {
    let subject = required(subject, "subject")?;
    required_str(subject.kind.as_ref(), "subject.type")
}

/// The resource's `type`, required.
pub fn resource_type(resource: Option<&Entity>) -> Result<&str, String> {
    let resource = required(resource, "resource")?;
    required_str(resource.kind.as_ref(), "resource.type")
}

/// The subject as a partner user: `Err` for a missing field, `Ok(Err(code))`
/// for a subject that is no partner user.
pub fn user(subject: Option<&Entity>) -> Result<Result<User, &'static str>, String> {
    let kind = subject_type(subject)?;
    let subject = required(subject, "subject")?;
    let id = required_str(subject.id.as_ref(), "subject.id")?;
    if kind != SUBJECT_TYPE {
        return Ok(Err(codes::UNSUPPORTED_SUBJECT_TYPE));
    }
    let Ok(id) = UserId::parse(id) else {
        return Ok(Err(codes::UNKNOWN_USER));
    };
    let claimed = subject
        .properties
        .as_ref()
        .and_then(|p| p.get("partner_tenant_id"))
        .filter(|v| !v.is_null());
    let claimed_partner = match claimed {
        None => None,
        Some(value) => match value.as_str().map(TenantId::parse) {
            Some(Ok(tenant)) => Some(tenant),
            _ => return Ok(Err(codes::INVALID_PARTNER_TENANT_ID)),
        },
    };
    Ok(Ok(User {
        id,
        claimed_partner,
    }))
}

/// The resource as a customer tenant, as [`user`] reads the subject.
pub fn customer(resource: Option<&Entity>) -> Result<Result<TenantId, &'static str>, String> {
    let kind = resource_type(resource)?;
    let resource = required(resource, "resource")?;
    let id = required_str(resource.id.as_ref(), "resource.id")?;
    if kind != RESOURCE_TYPE {
        return Ok(Err(codes::UNSUPPORTED_RESOURCE_TYPE));
    }
    Ok(TenantId::parse(id).map_err(|_| codes::UNKNOWN_TENANT))
}

/// The action, as [`user`] reads the subject.
pub fn action(action: Option<&ActionEntity>) -> Result<Result<Action, &'static str>, String> {
    let action = required(action, "action")?;
    let name = required_str(action.name.as_ref(), "action.name")?;
    Ok(Action::parse(name).map_err(|_| codes::UNKNOWN_ACTION))
}

/// The session the context describes; a value Portcullis cannot read is
/// an error (absent or `null` values are not: no MFA, no address).
pub fn session(context: Option<&Map<String, Value>>) -> Result<SearchSession, String> {
    let field = |name: &str| context.and_then(|c| c.get(name)).filter(|v| !v.is_null());
    let auth_strength = match field("auth_strength") {
        None => AuthStrength::None,
        Some(value) => serde_json::from_value(value.clone()).map_err(|_| {
            "`context.auth_strength` must be `none`, `mfa` or `phishing_resistant`".to_owned()
        })?,
    };
    let source_ip = match field("ip") {
        None => None,
        Some(value) => Some(
            value
                .as_str()
                .and_then(|text| text.parse::<IpAddr>().ok())
                .ok_or_else(|| "`context.ip` must be an IPv4 or IPv6 address".to_owned())?,
        ),
    };
    Ok(SearchSession {
        auth_strength,
        source_ip,
    })
}

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

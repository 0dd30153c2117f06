//! The activity stream as kept: events with their place in the stream, and
//! the filters to read them back by.

use serde::Serialize;

use crate::{ActivityEvent, TenantId, Timestamp, UserId};

/// Which events to list; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub partner_tenant_id: Option<TenantId>,
    pub user_id: Option<UserId>,
    pub customer_tenant_id: Option<TenantId>,
    pub class_uid: Option<i64>,
    /// Inclusive.
    pub since: Option<Timestamp>,
    /// Exclusive.
    pub until: Option<Timestamp>,
    /// Newest first (descending stream order) instead of arrival order, so
    /// a reader that stops early has read the latest events.
    pub newest_first: bool,
}

/// An event with its place in the stream.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct StoredEvent {
    pub seq: i64,
    #[serde(flatten)]
    pub event: ActivityEvent,
}

//! Webhook subscriptions and their delivery log, as kept and served.
//!
//! A subscription's signing secret is never part of a
//! [`WebhookSubscription`], so neither the API nor the audit log sees it.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

crate::id::uuid_id!(
    /// A webhook subscription.
    WebhookId,
    "webhook_id"
);
crate::id::uuid_id!(
    /// One event on its way to one subscription; sent as
    /// `Portcullis-Webhook-Id`, the receiver's dedupe key.
    DeliveryId,
    "delivery_id"
);

/// Where and what to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WebhookSubscription {
    pub id: WebhookId,
    /// `http://` or `https://` URL the deliveries are POSTed to.
    pub url: String,
    pub description: Option<String>,
    /// Event types delivered; empty delivers every type.
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
    /// A customer admin's subscription: only events concerning this
    /// tenant are delivered to it. Absent for an operator's, which gets
    /// every event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<crate::TenantId>,
}

impl WebhookSubscription {
    /// Whether this subscription wants events of `event_type`.
    pub fn wants(&self, event_type: &str) -> bool {
        self.enabled
            && (self.event_types.is_empty() || self.event_types.iter().any(|t| t == event_type))
    }
}

/// Changes to a subscription; `None` keeps the stored value.
#[derive(Debug, Clone, Default)]
pub struct WebhookPatch {
    pub url: Option<String>,
    /// `Some(None)` clears the description.
    pub description: Option<Option<String>>,
    pub event_types: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// A 2xx answer was received.
    Delivered,
    /// Every attempt failed.
    Failed,
}

impl DeliveryStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Failed => "failed",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "delivered" => Some(Self::Delivered),
            "failed" => Some(Self::Failed),
            _ => None,
        }
    }
}

/// One event on its way to one subscription.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WebhookDelivery {
    /// Sent as `Portcullis-Webhook-Id`, the receiver's dedupe key.
    pub id: DeliveryId,
    pub subscription_id: WebhookId,
    pub event_type: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    pub attempts: i64,
    pub status: DeliveryStatus,
    /// When the next attempt is due (pending deliveries only).
    pub next_attempt_at: Option<Timestamp>,
    /// The HTTP status of the last attempt, if one was received.
    pub last_status: Option<i64>,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

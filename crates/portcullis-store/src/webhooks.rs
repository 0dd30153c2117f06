//! Webhook subscriptions and their delivery log.
//!
//! A subscription's signing secret is written once, at creation, and read
//! back only by the delivery worker; it is never part of a
//! [`WebhookSubscription`], so neither the API nor the audit log sees it.
//! Subscription changes are audited; delivery attempts are operational
//! records kept in the delivery log itself.

use async_trait::async_trait;
use portcullis_domain::{Page, PageRequest, Timestamp};
use serde::{Deserialize, Serialize};

use crate::{AuditContext, StoreError};

/// Where and what to deliver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WebhookSubscription {
    /// A UUID.
    pub id: String,
    /// `http://` or `https://` URL the deliveries are POSTed to.
    pub url: String,
    pub description: Option<String>,
    /// Event types delivered; empty delivers every type.
    pub event_types: Vec<String>,
    pub enabled: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
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
    /// A UUID; sent as `Portcullis-Webhook-Id`, the receiver's dedupe key.
    pub id: String,
    pub subscription_id: String,
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

/// A due delivery with what is needed to send it.
#[derive(Debug, Clone)]
pub struct DueDelivery {
    pub delivery: WebhookDelivery,
    pub url: String,
    /// The subscription's signing secret.
    pub secret: String,
}

/// The outcome of one attempt, as the worker decided it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptOutcome {
    pub status: DeliveryStatus,
    /// `None` once delivered or failed.
    pub next_attempt_at: Option<Timestamp>,
    pub http_status: Option<i64>,
    pub error: Option<String>,
    pub at: Timestamp,
}

#[async_trait]
pub trait WebhookStore {
    /// Stores a new subscription and its signing secret.
    async fn create_webhook(
        &self,
        ctx: &AuditContext,
        subscription: &WebhookSubscription,
        secret: &str,
    ) -> Result<(), StoreError>;
    async fn get_webhook(&self, id: &str) -> Result<Option<WebhookSubscription>, StoreError>;
    async fn list_webhooks(
        &self,
        page: &PageRequest,
    ) -> Result<Page<WebhookSubscription>, StoreError>;
    async fn update_webhook(
        &self,
        ctx: &AuditContext,
        id: &str,
        expected_version: Option<i64>,
        patch: WebhookPatch,
    ) -> Result<WebhookSubscription, StoreError>;
    /// Deletes the subscription and its delivery log.
    async fn delete_webhook(
        &self,
        ctx: &AuditContext,
        id: &str,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError>;
    /// Creates one pending delivery, due at `at`, for every enabled
    /// subscription that wants `event_type`. With a `dedupe_key`, a
    /// subscription that already has a delivery under that key gets no
    /// second one. Returns the deliveries created.
    async fn enqueue_deliveries(
        &self,
        event_type: &str,
        payload: &serde_json::Value,
        dedupe_key: Option<&str>,
        at: Timestamp,
    ) -> Result<Vec<WebhookDelivery>, StoreError>;
    /// Enqueues for one subscription only, whatever its filter (a ping).
    async fn enqueue_delivery_to(
        &self,
        subscription_id: &str,
        event_type: &str,
        payload: &serde_json::Value,
        at: Timestamp,
    ) -> Result<WebhookDelivery, StoreError>;
    /// Claims up to `limit` pending deliveries of enabled subscriptions due
    /// at `now`: each claimed one is pushed to `now + lease_ms`, so another
    /// worker does not send it meanwhile, and comes back if this worker dies.
    async fn claim_due_deliveries(
        &self,
        now: Timestamp,
        lease_ms: i64,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, StoreError>;
    /// Records one attempt (attempts + 1) and its outcome.
    async fn record_attempt(
        &self,
        delivery_id: &str,
        outcome: &AttemptOutcome,
    ) -> Result<WebhookDelivery, StoreError>;
    /// The delivery log of one subscription, oldest first.
    async fn list_deliveries(
        &self,
        subscription_id: &str,
        page: &PageRequest,
    ) -> Result<Page<WebhookDelivery>, StoreError>;
}

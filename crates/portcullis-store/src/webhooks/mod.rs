//! Webhook subscriptions and their delivery log.
//!
//! A subscription's signing secret is written once, at creation, and read
//! back only by the delivery worker; it is never part of a
//! [`WebhookSubscription`], so neither the API nor the audit log sees it.
//! Subscription changes are audited; delivery attempts are operational
//! records kept in the delivery log itself.

mod sql;

pub(crate) use sql::enqueue_on;

use async_trait::async_trait;
use portcullis_domain::{
    DeliveryId, DeliveryStatus, Page, PageRequest, TenantId, Timestamp, WebhookDelivery, WebhookId,
    WebhookPatch, WebhookSubscription,
};

use crate::{AuditContext, StoreError};

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
    async fn get_webhook(&self, id: WebhookId) -> Result<Option<WebhookSubscription>, StoreError>;
    async fn list_webhooks(
        &self,
        page: &PageRequest,
    ) -> Result<Page<WebhookSubscription>, StoreError>;
    /// The subscriptions of one customer tenant (`Some`), or every one.
    async fn list_tenant_webhooks(
        &self,
        tenant: Option<TenantId>,
        page: &PageRequest,
    ) -> Result<Page<WebhookSubscription>, StoreError>;
    async fn update_webhook(
        &self,
        ctx: &AuditContext,
        id: WebhookId,
        expected_version: Option<i64>,
        patch: WebhookPatch,
    ) -> Result<WebhookSubscription, StoreError>;
    /// Deletes the subscription and its delivery log.
    async fn delete_webhook(
        &self,
        ctx: &AuditContext,
        id: WebhookId,
        expected_version: Option<i64>,
    ) -> Result<(), StoreError>;
    /// Creates one pending delivery, due at `at`, for every enabled
    /// operator subscription that wants `event_type` (customers'
    /// subscriptions get only events concerning them). With a `dedupe_key`, a
    /// subscription that already has a delivery under that key gets no
    /// second one. Returns the deliveries created.
    async fn enqueue_deliveries(
        &self,
        event_type: &str,
        payload: &serde_json::Value,
        dedupe_key: Option<&str>,
        at: Timestamp,
    ) -> Result<Vec<WebhookDelivery>, StoreError>;
    /// As [`Self::enqueue_deliveries`], for an event concerning the
    /// customer tenants `concerns`: the subscriptions of those customers
    /// get it, and operators' subscriptions when `operators`; no other
    /// customer's ever does.
    async fn enqueue_deliveries_concerning(
        &self,
        event_type: &str,
        payload: &serde_json::Value,
        dedupe_key: Option<&str>,
        concerns: &[TenantId],
        operators: bool,
        at: Timestamp,
    ) -> Result<Vec<WebhookDelivery>, StoreError>;
    /// Enqueues for one subscription only, whatever its filter (a ping).
    async fn enqueue_delivery_to(
        &self,
        subscription_id: WebhookId,
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
        delivery_id: DeliveryId,
        outcome: &AttemptOutcome,
    ) -> Result<WebhookDelivery, StoreError>;
    /// The delivery log of one subscription, oldest first.
    async fn list_deliveries(
        &self,
        subscription_id: WebhookId,
        page: &PageRequest,
    ) -> Result<Page<WebhookDelivery>, StoreError>;
}

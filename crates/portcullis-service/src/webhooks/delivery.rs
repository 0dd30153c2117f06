//! The delivery worker: sends due deliveries, signed, and records each
//! attempt. A delivery is marked delivered only after a 2xx answer, so a
//! crash between send and record means one more send, never a lost event.

use std::time::Duration;

use portcullis_domain::Timestamp;
use portcullis_domain::{DeliveryStatus, WebhookDelivery};
use portcullis_store::{AttemptOutcome, DueDelivery};
use serde_json::json;

use super::signature::{SIGNATURE_HEADER, WEBHOOK_ID_HEADER, sign};
use crate::{Portcullis, ServiceError};

/// What one round of deliveries did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryRound {
    /// Answered 2xx.
    pub delivered: usize,
    /// Failed and scheduled again.
    pub retried: usize,
    /// Failed for the last time.
    pub failed: usize,
}

/// The body POSTed for a delivery (the same on every attempt).
pub(crate) fn body(delivery: &WebhookDelivery) -> Result<Vec<u8>, ServiceError> {
    serde_json::to_vec(&json!({
        "id": delivery.id,
        "type": delivery.event_type,
        "created_at": delivery.created_at,
        "data": delivery.payload,
    }))
    .map_err(|e| ServiceError::Internal(format!("webhook body: {e}")))
}

/// An error and its causes (a refused destination is a cause of a connect error).
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

impl Portcullis {
    /// Sends every delivery due at `now` (up to the configured batch) and
    /// records each outcome: 2xx is delivered; anything else is retried
    /// after the back-off, until the last attempt fails it.
    pub async fn deliver_due(&self, now: Timestamp) -> Result<DeliveryRound, ServiceError> {
        let config = &self.webhooks.config;
        // The lease outlasts one attempt, so no other worker sends it meanwhile.
        let lease = millis(config.timeout).saturating_mul(2).max(60_000);
        let due = self
            .store
            .claim_due_deliveries(now, lease, config.batch)
            .await?;
        let mut round = DeliveryRound::default();
        for item in due {
            let outcome = self.attempt(&item, now).await;
            match outcome.status {
                DeliveryStatus::Delivered => round.delivered += 1,
                DeliveryStatus::Pending => round.retried += 1,
                DeliveryStatus::Failed => round.failed += 1,
            }
            self.store
                .record_attempt(item.delivery.id, &outcome)
                .await?;
        }
        Ok(round)
    }

    async fn attempt(&self, item: &DueDelivery, now: Timestamp) -> AttemptOutcome {
        let (http_status, error) = match self.send(item, now).await {
            Ok(status) if (200..300).contains(&status) => (Some(i64::from(status)), None),
            Ok(status) => (Some(i64::from(status)), Some(format!("answered {status}"))),
            Err(err) => (None, Some(err)),
        };
        let config = &self.webhooks.config;
        let attempts = u32::try_from(item.delivery.attempts)
            .unwrap_or(u32::MAX)
            .saturating_add(1);
        let (status, next_attempt_at) = if error.is_none() {
            (DeliveryStatus::Delivered, None)
        } else if attempts >= config.max_attempts {
            (DeliveryStatus::Failed, None)
        } else {
            let wait = millis(config.backoff_after(attempts));
            (
                DeliveryStatus::Pending,
                Some(now.saturating_add_millis(wait)),
            )
        };
        AttemptOutcome {
            status,
            next_attempt_at,
            http_status,
            error,
            at: now,
        }
    }

    /// POSTs one delivery; the HTTP status, or why none came back.
    async fn send(&self, item: &DueDelivery, now: Timestamp) -> Result<u16, String> {
        self.webhooks.config.destinations.check_literal(&item.url)?;
        let body = body(&item.delivery).map_err(|e| e.to_string())?;
        let signature = sign(&item.secret, &body, now).map_err(|e| e.to_string())?;
        let response = self
            .webhooks
            .client
            .post(&item.url)
            .header("content-type", "application/json")
            .header(WEBHOOK_ID_HEADER, item.delivery.id.to_string())
            .header(SIGNATURE_HEADER, signature)
            .body(body)
            .send()
            .await
            // Without the URL: it may carry a token in its query.
            .map_err(|e| format!("no answer: {}", error_chain(&e.without_url())))?;
        Ok(response.status().as_u16())
    }
}

//! Webhooks (operators): the subscriptions, and one subscription's
//! delivery log (oldest first, paged), through the use cases of
//! `GET /v1/webhooks` and `GET /v1/webhooks/{id}/deliveries`.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use portcullis_domain::{DeliveryStatus, Timestamp, WebhookDelivery, WebhookSubscription};
use portcullis_service::caller_rules::ConsoleArea;
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::layout::{Badge, Chrome, When, badge, require_area, when};
use super::paging;
use super::session::Console;
use crate::extract::{ApiQuery, encode_cursor, page_request};
use crate::state::AppState;

const PAGE_SIZE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CursorQuery {
    cursor: Option<String>,
}

#[derive(Debug)]
pub struct WebhookRow {
    pub id: String,
    pub url: String,
    pub description: String,
    /// `every event` or the types, comma-separated.
    pub events: String,
    pub enabled: Badge,
    pub created: When,
}

#[derive(Debug)]
pub struct DeliveryRow {
    pub id: String,
    pub event_type: String,
    pub status: Badge,
    pub attempts: i64,
    pub last_status: String,
    pub last_error: String,
    pub created: When,
    pub settled: Option<When>,
}

#[derive(Template)]
#[template(path = "console/webhooks.html")]
struct WebhooksPage {
    chrome: Chrome,
    rows: Vec<WebhookRow>,
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "console/webhook.html")]
struct WebhookPage {
    chrome: Chrome,
    webhook: WebhookRow,
    deliveries: Vec<DeliveryRow>,
    next: Option<String>,
}

fn webhook_row(w: &WebhookSubscription, now: Timestamp) -> WebhookRow {
    WebhookRow {
        id: w.id.to_string(),
        url: w.url.clone(),
        description: w.description.clone().unwrap_or_default(),
        events: if w.event_types.is_empty() {
            "every event".to_owned()
        } else {
            w.event_types.join(", ")
        },
        enabled: if w.enabled {
            badge("enabled", "ok")
        } else {
            badge("disabled", "neutral")
        },
        created: when(w.created_at, now),
    }
}

fn delivery_row(d: &WebhookDelivery, now: Timestamp) -> DeliveryRow {
    let status = match d.status {
        DeliveryStatus::Pending => badge("pending", "warn"),
        DeliveryStatus::Delivered => badge("delivered", "ok"),
        DeliveryStatus::Failed => badge("failed", "high"),
    };
    DeliveryRow {
        id: d.id.to_string(),
        event_type: d.event_type.clone(),
        status,
        attempts: d.attempts,
        last_status: d.last_status.map(|s| s.to_string()).unwrap_or_default(),
        last_error: d.last_error.clone().unwrap_or_default(),
        created: when(d.created_at, now),
        settled: d.delivered_at.or(d.next_attempt_at).map(|t| when(t, now)),
    }
}

/// `GET /webhooks`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<CursorQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::Webhooks)?;
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let page_req = page_request(Some(PAGE_SIZE), q.cursor.as_deref())
        .map_err(|e| ConsoleError::Refused(e.message))?;
    let found = state
        .portcullis
        .list_webhooks(&console.caller, &page_req)
        .await?;
    let now = state.portcullis.clock().now();
    let next = found
        .next
        .as_ref()
        .map(|cursor| paging::link("/webhooks", &[], Some(&encode_cursor(cursor))));
    let chrome = Chrome::new(&state, &console, ConsoleArea::Webhooks).await?;
    Ok(page(&WebhooksPage {
        chrome,
        rows: found.items.iter().map(|w| webhook_row(w, now)).collect(),
        next,
    })?
    .into_response())
}

/// `GET /webhooks/{id}`: the subscription and its delivery log.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
    query: Result<ApiQuery<CursorQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::Webhooks)?;
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let page_req = page_request(Some(PAGE_SIZE), q.cursor.as_deref())
        .map_err(|e| ConsoleError::Refused(e.message))?;
    let service = &state.portcullis;
    let webhook = service.get_webhook(&console.caller, &raw).await?;
    let deliveries = service
        .list_webhook_deliveries(&console.caller, &raw, &page_req)
        .await?;
    let now = service.clock().now();
    let next = deliveries.next.as_ref().map(|cursor| {
        paging::link(
            &format!("/webhooks/{}", webhook.id),
            &[],
            Some(&encode_cursor(cursor)),
        )
    });
    let chrome = Chrome::new(&state, &console, ConsoleArea::Webhooks).await?;
    Ok(page(&WebhookPage {
        chrome,
        webhook: webhook_row(&webhook, now),
        deliveries: deliveries
            .items
            .iter()
            .map(|d| delivery_row(d, now))
            .collect(),
        next,
    })?
    .into_response())
}

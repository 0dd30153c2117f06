//! `/v1/webhooks`: signed webhook subscriptions and their delivery log.
//! Operators manage every subscription; a customer admin its own tenant's,
//! which receive only events concerning that tenant (another tenant's is
//! 404). The signing secret is returned once, at creation.
//! Deliveries carry `Portcullis-Webhook-Id` (the receiver's dedupe key)
//! and `Portcullis-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`; see
//! docs/webhooks.md.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{WebhookDelivery, WebhookPatch, WebhookSubscription};
use portcullis_service::NewWebhook;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiQuery, Authenticated, IfMatch, page_request};
use crate::list::{ListResponse, PageQuery, double_option, versioned};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_webhooks, create_webhook))
        .routes(routes!(get_webhook, update_webhook, delete_webhook))
        .routes(routes!(list_deliveries))
        .routes(routes!(test_webhook))
}

fn enabled_by_default() -> bool {
    true
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// `http://` or `https://` URL the deliveries are POSTed to.
    pub url: String,
    pub description: Option<String>,
    /// Event types to deliver, e.g. `relationship.expiry_warning`; absent or
    /// empty delivers every type.
    #[serde(default)]
    pub event_types: Vec<String>,
    /// `true` when absent.
    #[serde(default = "enabled_by_default")]
    pub enabled: bool,
    /// A customer tenant: the subscription receives only events concerning
    /// it. A customer admin's subscription is always its own tenant's (it
    /// may name only that); operators may subscribe for a customer.
    pub tenant_id: Option<portcullis_domain::TenantId>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    pub url: Option<String>,
    /// `null` clears the description.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<String>>,
    pub event_types: Option<Vec<String>>,
    pub enabled: Option<bool>,
}

/// A new subscription and its signing secret, shown only in this response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedWebhook {
    #[serde(flatten)]
    pub webhook: WebhookSubscription,
    /// The HMAC-SHA256 key of `Portcullis-Signature`. Never shown again.
    pub secret: String,
}

/// List webhook subscriptions (never their secrets).
#[utoipa::path(get, path = "/v1/webhooks", tag = "webhooks", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = ListResponse<WebhookSubscription>), (status = 403, body = ErrorBody)))]
async fn list_webhooks(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<ListResponse<WebhookSubscription>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(
        state.portcullis.list_webhooks(&caller, &page).await?.into(),
    ))
}

/// Subscribe a URL; the response carries the signing secret, once.
#[utoipa::path(post, path = "/v1/webhooks", tag = "webhooks", request_body = CreateWebhook, security(("bearer" = [])),
    responses((status = 201, body = CreatedWebhook), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_webhook(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<CreateWebhook>,
) -> ApiResult<(StatusCode, axum::Json<CreatedWebhook>)> {
    let new = NewWebhook {
        url: body.url,
        description: body.description,
        event_types: body.event_types,
        enabled: body.enabled,
    };
    let (webhook, secret) = state
        .portcullis
        .create_webhook_for(&caller, new, body.tenant_id)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedWebhook { webhook, secret }),
    ))
}

/// Read a subscription.
#[utoipa::path(get, path = "/v1/webhooks/{webhook_id}", tag = "webhooks",
    params(("webhook_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = WebhookSubscription), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_webhook(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let webhook = state.portcullis.get_webhook(&caller, &id).await?;
    Ok(versioned(StatusCode::OK, webhook.version, webhook))
}

/// Change a subscription; `If-Match` guards against lost updates.
#[utoipa::path(patch, path = "/v1/webhooks/{webhook_id}", tag = "webhooks", request_body = UpdateWebhook,
    params(("webhook_id" = String, Path, format = Uuid), ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = WebhookSubscription), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn update_webhook(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<UpdateWebhook>,
) -> ApiResult<Response> {
    let patch = WebhookPatch {
        url: body.url,
        description: body.description,
        event_types: body.event_types,
        enabled: body.enabled,
    };
    let webhook = state
        .portcullis
        .update_webhook(&caller, &id, version, patch)
        .await?;
    Ok(versioned(StatusCode::OK, webhook.version, webhook))
}

/// Delete a subscription and its delivery log.
#[utoipa::path(delete, path = "/v1/webhooks/{webhook_id}", tag = "webhooks",
    params(("webhook_id" = String, Path, format = Uuid), ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn delete_webhook(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
) -> ApiResult<Response> {
    state
        .portcullis
        .delete_webhook(&caller, &id, version)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The delivery log of a subscription, oldest first: each delivery's
/// status, attempts, last HTTP status or error.
#[utoipa::path(get, path = "/v1/webhooks/{webhook_id}/deliveries", tag = "webhooks",
    params(("webhook_id" = String, Path, format = Uuid), PageQuery), security(("bearer" = [])),
    responses((status = 200, body = ListResponse<WebhookDelivery>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_deliveries(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<ListResponse<WebhookDelivery>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(
        state
            .portcullis
            .list_webhook_deliveries(&caller, &id, &page)
            .await?
            .into(),
    ))
}

/// Enqueue a `webhook.ping` delivery to this subscription, whatever its
/// event filter; the worker sends it on its next round.
#[utoipa::path(post, path = "/v1/webhooks/{webhook_id}/test", tag = "webhooks",
    params(("webhook_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 202, body = WebhookDelivery), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn test_webhook(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
) -> ApiResult<(StatusCode, axum::Json<WebhookDelivery>)> {
    let delivery = state.portcullis.test_webhook(&caller, &id).await?;
    Ok((StatusCode::ACCEPTED, axum::Json(delivery)))
}

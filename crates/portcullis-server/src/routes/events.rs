//! `/v1/events`: the activity stream. Services (and operators) send OCSF
//! NDJSON batches, gzip-compressed or not; operators read everything, a
//! partner admin its partner's users' events, a customer admin the events
//! in its tenant.

use std::io::Read as _;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use portcullis_domain::{EventFilter, StoredEvent};
use portcullis_domain::{TenantId, Timestamp};
use portcullis_service::IngestReport;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Authenticated, page_request};
use crate::list::ListResponse;
use crate::state::AppState;

/// The largest batch accepted, compressed or not: 32 MiB (10,000 events).
pub const MAX_BATCH_BYTES: usize = 32 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_events, ingest))
        .layer(DefaultBodyLimit::max(MAX_BATCH_BYTES))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    pub partner_tenant_id: Option<TenantId>,
    pub user_id: Option<portcullis_domain::UserId>,
    pub customer_tenant_id: Option<TenantId>,
    /// `3002` (sign-ins) or `6003` (actions).
    pub class_uid: Option<i64>,
    /// RFC 3339, inclusive.
    pub since: Option<String>,
    /// RFC 3339, exclusive.
    pub until: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

fn body_text(headers: &HeaderMap, body: &Bytes) -> Result<String, ApiError> {
    let gzip = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("gzip"));
    let bytes = if gzip {
        let mut out = Vec::new();
        let cap = u64::try_from(MAX_BATCH_BYTES).unwrap_or(u64::MAX);
        flate2::read::GzDecoder::new(body.as_ref())
            .take(cap + 1)
            .read_to_end(&mut out)
            .map_err(|e| {
                ApiError::bad_request(
                    "invalid_body",
                    format!("the gzip body does not decompress: {e}"),
                )
            })?;
        if out.len() > MAX_BATCH_BYTES {
            return Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the batch decompresses to more than {MAX_BATCH_BYTES} bytes"),
            ));
        }
        out
    } else {
        body.to_vec()
    };
    String::from_utf8(bytes)
        .map_err(|e| ApiError::bad_request("invalid_body", format!("the batch is not UTF-8: {e}")))
}

/// Send a batch of OCSF events (NDJSON, at most 10,000 lines;
/// `Content-Encoding: gzip` accepted). Bad lines are reported with their
/// number; the good ones are stored; repeated `metadata.uid`s are ignored.
#[utoipa::path(post, path = "/v1/events", tag = "events",
    request_body(content = String, content_type = "text/plain",
        description = "OCSF events as NDJSON (any content type is read as such)"),
    security(("bearer" = [])),
    responses((status = 200, body = IngestReport), (status = 413, body = ErrorBody)))]
async fn ingest(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<axum::Json<IngestReport>> {
    let text = body_text(&headers, &body)?;
    Ok(axum::Json(
        state.portcullis.ingest_events(&caller, &text).await?,
    ))
}

/// Read stored events, oldest first.
#[utoipa::path(get, path = "/v1/events", tag = "events", params(EventQuery),
    security(("bearer" = [])), responses((status = 200, body = ListResponse<StoredEvent>)))]
async fn list_events(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<EventQuery>,
) -> ApiResult<axum::Json<ListResponse<StoredEvent>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = EventFilter {
        partner_tenant_id: q.partner_tenant_id,
        user_id: q.user_id,
        customer_tenant_id: q.customer_tenant_id,
        class_uid: q.class_uid,
        since: q
            .since
            .as_deref()
            .map(|t| Timestamp::parse("since", t))
            .transpose()?,
        until: q
            .until
            .as_deref()
            .map(|t| Timestamp::parse("until", t))
            .transpose()?,
        newest_first: false,
    };
    Ok(axum::Json(
        state
            .portcullis
            .list_events(&caller, filter, &page)
            .await?
            .into(),
    ))
}

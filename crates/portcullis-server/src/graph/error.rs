//! Failures in the OData error shape of Microsoft Graph:
//! `{"error":{"code":"…","message":"…","innerError":{"code":"…","date":"…","request-id":"…"}}}`.
//!
//! `error.code` is one of Graph's documented codes, chosen by status;
//! `innerError.code` is the precise Portcullis code in camelCase
//! (`invalidTransition`, `partnerNotAuthorized`, …). Handlers and extractors
//! answer with a [`GraphError`]; the [`envelope`] middleware then adds what
//! only the request knows: its id, the client's id and the date.

use std::sync::{Arc, OnceLock};

use axum::Json;
use axum::body::Body;
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, WWW_AUTHENTICATE};
use axum::http::{Extensions, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{Clock, Timestamp};
use portcullis_service::ServiceError;
use serde::Serialize;

use crate::error::ApiError;
use crate::observe::RequestId;
use crate::state::AppState;

/// The header a Graph client names its request with; echoed back.
pub const CLIENT_REQUEST_ID: &str = "client-request-id";
const MAX_CLIENT_REQUEST_ID_LEN: usize = 128;

/// The body of every failure of the Graph view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = microsoft::graph::ODataErrors::ODataError)]
pub struct ODataError {
    pub error: MainError,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = microsoft::graph::ODataErrors::MainError)]
pub struct MainError {
    /// A Graph error code: `invalidRequest`, `unauthenticated`,
    /// `accessDenied`, `itemNotFound`, `notSupported`, `notAllowed`,
    /// `resourceModified`, `generalException`.
    pub code: &'static str,
    /// For people; lowercase, input in backticks.
    pub message: String,
    #[serde(rename = "innerError")]
    pub inner_error: InnerError,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = microsoft::graph::ODataErrors::InnerError)]
pub struct InnerError {
    /// The precise Portcullis code, in camelCase.
    pub code: String,
    /// When the server answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<Timestamp>,
    /// The `x-request-id` of the response, also in the server log and audit.
    #[serde(rename = "request-id", skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    /// The caller's `client-request-id`, when it sent a plain one.
    #[serde(rename = "client-request-id", skip_serializing_if = "Option::is_none")]
    pub client_request_id: Option<String>,
}

/// A failure of a Graph route.
#[derive(Debug)]
pub struct GraphError {
    status: StatusCode,
    /// The native code (`invalid_transition`, `not_found`, …).
    code: &'static str,
    message: String,
}

pub type GraphResult<T> = Result<T, GraphError>;

impl GraphError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        // Graph answers a value that breaks a rule with 400, not 422.
        let status = if status == StatusCode::UNPROCESSABLE_ENTITY {
            StatusCode::BAD_REQUEST
        } else {
            status
        };
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    fn body(&self) -> ODataError {
        ODataError {
            error: MainError {
                code: graph_code(self.status),
                message: self.message.clone(),
                inner_error: InnerError {
                    code: camel_case(self.code),
                    date: None,
                    request_id: None,
                    client_request_id: None,
                },
            },
        }
    }
}

impl From<ApiError> for GraphError {
    fn from(err: ApiError) -> Self {
        Self::new(err.status, err.code, err.message)
    }
}

impl From<ServiceError> for GraphError {
    fn from(err: ServiceError) -> Self {
        ApiError::from(err).into()
    }
}

impl From<portcullis_domain::ValidationError> for GraphError {
    fn from(err: portcullis_domain::ValidationError) -> Self {
        ApiError::from(err).into()
    }
}

/// Graph's documented code for a status.
fn graph_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST
        | StatusCode::PAYLOAD_TOO_LARGE
        | StatusCode::UNSUPPORTED_MEDIA_TYPE => "invalidRequest",
        StatusCode::UNAUTHORIZED => "unauthenticated",
        StatusCode::FORBIDDEN => "accessDenied",
        StatusCode::NOT_FOUND => "itemNotFound",
        StatusCode::METHOD_NOT_ALLOWED => "notSupported",
        StatusCode::CONFLICT => "notAllowed",
        StatusCode::PRECONDITION_FAILED => "resourceModified",
        StatusCode::SERVICE_UNAVAILABLE => "serviceNotAvailable",
        _ => "generalException",
    }
}

/// `invalid_transition` → `invalidTransition`.
fn camel_case(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut upper = false;
    for c in code.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// The body, waiting for the [`envelope`] to fill in the request's details.
#[derive(Debug, Clone)]
struct Pending(ODataError);

impl IntoResponse for GraphError {
    fn into_response(self) -> Response {
        let body = self.body();
        let mut response = (self.status, Json(body.clone())).into_response();
        response.extensions_mut().insert(Pending(body));
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"portcullis\""),
            );
        }
        response
    }
}

/// Where the first extractor of a Graph request leaves the application's
/// clock, so that the envelope dates errors by it.
#[derive(Debug, Clone, Default)]
struct ClockSlot(Arc<OnceLock<Arc<dyn Clock>>>);

/// Called by every Graph extractor and fallback: lends the envelope the clock.
pub fn stamp(extensions: &Extensions, state: &AppState) {
    if let Some(ClockSlot(slot)) = extensions.get::<ClockSlot>() {
        let _ = slot.set(Arc::clone(state.portcullis.clock()));
    }
}

/// A caller's `client-request-id` when it is short and plain.
fn client_request_id(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(CLIENT_REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= MAX_CLIENT_REQUEST_ID_LEN
                && v.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
        })
        .map(str::to_owned)
}

/// Middleware of the Graph routes: completes every error body with the
/// request id, the client's request id and the date, and echoes
/// `client-request-id` as Graph does.
pub async fn envelope(mut req: Request, next: Next) -> Response {
    let request_id = req.extensions().get::<RequestId>().map(|r| r.0.clone());
    let client_id = client_request_id(req.headers());
    let slot = ClockSlot::default();
    req.extensions_mut().insert(slot.clone());
    let mut response = next.run(req).await;
    let date = slot.0.get().map(|clock| clock.now());
    complete(&mut response, date, request_id, client_id);
    response
}

/// A Graph refusal made before the Graph routes' own layers run (by the
/// authorization gate): completed here as [`envelope`] would complete it.
pub(crate) fn refuse_early(
    parts: &axum::http::request::Parts,
    state: &AppState,
    err: ServiceError,
) -> Response {
    let request_id = parts.extensions.get::<RequestId>().map(|r| r.0.clone());
    let client_id = client_request_id(&parts.headers);
    let mut response = GraphError::from(err).into_response();
    let date = Some(state.portcullis.clock().now());
    complete(&mut response, date, request_id, client_id);
    response
}

/// Fills a pending error body with the request's id, the client's id and
/// the date, and echoes `client-request-id`.
fn complete(
    response: &mut Response,
    date: Option<Timestamp>,
    request_id: Option<String>,
    client_id: Option<String>,
) {
    if let Some(Pending(mut body)) = response.extensions_mut().remove::<Pending>() {
        let inner = &mut body.error.inner_error;
        inner.date = date;
        inner.request_id = request_id;
        inner.client_request_id.clone_from(&client_id);
        match serde_json::to_vec(&body) {
            Ok(bytes) => {
                response.headers_mut().remove(CONTENT_LENGTH);
                *response.body_mut() = Body::from(bytes);
            }
            Err(err) => tracing::error!(%err, "cannot complete a Graph error body"),
        }
    }
    if let Some(id) = client_id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response.headers_mut().insert(CLIENT_REQUEST_ID, id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_codes_become_camel_case() {
        assert_eq!(camel_case("invalid_transition"), "invalidTransition");
        assert_eq!(camel_case("not_found"), "notFound");
        assert_eq!(camel_case("conflict"), "conflict");
    }

    #[test]
    fn a_broken_rule_is_a_bad_request_as_in_graph() {
        let err = GraphError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_duration", "x");
        assert_eq!(err.status, StatusCode::BAD_REQUEST);
        assert_eq!(err.body().error.code, "invalidRequest");
        assert_eq!(err.body().error.inner_error.code, "invalidDuration");
    }
}

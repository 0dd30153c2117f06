//! The last word on every API error: a rejection written by the framework
//! rather than by our extractors (a body over the limit on a route that
//! reads raw bytes, a path that does not decode, …) comes back in the one
//! JSON shape too. The console's HTML pages are left alone.

use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Marks an error response whose shape is its protocol's own (AuthZEN's
/// message string), left as it is.
#[derive(Debug, Clone, Copy)]
pub(crate) struct OwnErrorShape;

/// Rewrites a non-JSON, non-HTML error response into `{"error":{…}}`,
/// keeping its status and headers (`Allow`, `Retry-After`, …).
pub(crate) async fn ensure_json(response: Response) -> Response {
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.extensions().get::<OwnErrorShape>().is_some()
    {
        return response;
    }
    let content_type = response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.contains("json") || content_type.starts_with("text/html") {
        return response;
    }
    let (code, message) = describe(status);
    let (parts, _) = response.into_parts();
    let mut fixed = ApiError::new(status, code, message).into_response();
    for (name, value) in &parts.headers {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH {
            fixed
                .headers_mut()
                .entry(name)
                .or_insert_with(|| value.clone());
        }
    }
    fixed
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    fixed
}

/// The stable code and message of a status the framework answered with.
fn describe(status: StatusCode) -> (&'static str, &'static str) {
    match status {
        StatusCode::BAD_REQUEST => ("malformed_request", "the request cannot be read"),
        StatusCode::NOT_FOUND => ("not_found", "no such resource"),
        StatusCode::METHOD_NOT_ALLOWED => ("method_not_allowed", "the method is not allowed here"),
        StatusCode::REQUEST_TIMEOUT => ("request_timeout", "the request took too long to arrive"),
        StatusCode::LENGTH_REQUIRED => ("length_required", "the request needs a `Content-Length`"),
        StatusCode::PAYLOAD_TOO_LARGE => (
            "payload_too_large",
            "the request body is larger than the server accepts",
        ),
        StatusCode::URI_TOO_LONG => (
            "uri_too_long",
            "the request URI is longer than the server accepts",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => (
            "unsupported_media_type",
            "the request body's content type is not accepted here",
        ),
        StatusCode::UNPROCESSABLE_ENTITY => ("validation_failed", "the request is not valid"),
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => (
            "headers_too_large",
            "the request headers are larger than the server accepts",
        ),
        StatusCode::SERVICE_UNAVAILABLE => ("unavailable", "the service is unavailable; try again"),
        s if s.is_server_error() => (
            "internal",
            "internal error; the request id identifies the details in the server log",
        ),
        _ => ("request_refused", "the request was refused"),
    }
}

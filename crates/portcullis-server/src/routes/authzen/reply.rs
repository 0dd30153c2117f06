//! How the AuthZEN routes refuse and read requests, as §10.1 of the
//! specification says: an error is a status code with "an error message
//! string" as the body (§10.1.2 — `text/plain`, since the JSON bodies of
//! §10.1.1 are objects); 400 for a body that is not a JSON object of the
//! right shape or not sent as `application/json`; 401 without a valid
//! token, with `WWW-Authenticate` (§11.3); 403 for a caller that may not
//! ask; and the `X-Request-ID` of a request echoed on its response
//! (§10.1.3).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use portcullis_service::{Caller, ServiceError, caller_rules};
use serde::de::DeserializeOwned;
use utoipa::PartialSchema as _;
use utoipa::openapi::{ContentBuilder, RefOr, ResponseBuilder};

use crate::extract::{Authenticated, authenticate};
use crate::json_errors::OwnErrorShape;
use crate::observe::REQUEST_ID_HEADER;
use crate::state::AppState;

/// An AuthZEN error: a status and a message string.
#[derive(Debug)]
pub struct AuthzenError {
    pub status: StatusCode,
    pub message: String,
}

impl AuthzenError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }
}

impl From<ServiceError> for AuthzenError {
    fn from(err: ServiceError) -> Self {
        let status = match err {
            ServiceError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ServiceError::Forbidden(_) => StatusCode::FORBIDDEN,
            ServiceError::Invalid(_) | ServiceError::InvalidCursor => StatusCode::BAD_REQUEST,
            ServiceError::Internal(ref detail) => {
                tracing::error!(%detail, "internal error");
                return Self {
                    status: StatusCode::INTERNAL_SERVER_ERROR,
                    message:
                        "internal error; the request id identifies the details in the server log"
                            .to_owned(),
                };
            }
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Self {
            status,
            message: err.to_string(),
        }
    }
}

impl IntoResponse for AuthzenError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(CONTENT_TYPE, "text/plain; charset=utf-8")],
            self.message,
        )
            .into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"portcullis\""),
            );
        }
        response.extensions_mut().insert(OwnErrorShape);
        response
    }
}

pub type AuthzenResult<T> = Result<T, AuthzenError>;

/// The text errors every AuthZEN decision route documents (§10.1.2),
/// written once: each route's `#[utoipa::path]` names this type beside
/// its own 400, which says what its body must be.
pub struct TextErrors;

impl utoipa::IntoResponses for TextErrors {
    fn responses() -> BTreeMap<String, RefOr<utoipa::openapi::Response>> {
        [
            ("401", "No valid bearer token"),
            (
                "403",
                "The caller is not a resource provider (`service`) or an operator",
            ),
            ("413", "The body is larger than the server accepts"),
            ("500", "Internal error"),
        ]
        .into_iter()
        .map(|(status, description)| {
            let text = ContentBuilder::new().schema(Some(String::schema())).build();
            let response = ResponseBuilder::new()
                .description(description)
                .content("text/plain", text)
                .build();
            (status.to_owned(), response.into())
        })
        .collect()
    }
}

/// A caller who may ask for decisions (a resource provider or an
/// operator), checked before anything of the body is read, so that a
/// refusal is the same whatever was sent.
#[derive(Debug, Clone)]
pub struct Pep(pub Caller);

impl FromRequestParts<AppState> for Pep {
    type Rejection = AuthzenError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let caller = match parts.extensions.get::<Authenticated>() {
            Some(Authenticated(caller)) => caller.clone(),
            None => authenticate(parts, state).await?,
        };
        caller_rules::may_ask_decisions(&caller.principal)?;
        Ok(Self(caller))
    }
}

/// A JSON object body sent as `application/json` (§10.1), read into `T`;
/// anything else is a 400 with what was wrong.
#[derive(Debug, Clone)]
pub struct AuthzenJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for AuthzenJson<T> {
    type Rejection = AuthzenError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
        if !is_json {
            return Err(AuthzenError::bad_request(
                "the body must be a JSON object sent with `Content-Type: application/json`",
            ));
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|rejection| {
            let status = rejection.status();
            if status == StatusCode::PAYLOAD_TOO_LARGE {
                AuthzenError {
                    status,
                    message: "the request body is larger than the server accepts".to_owned(),
                }
            } else {
                AuthzenError::bad_request("the request body cannot be read")
            }
        })?;
        let value: serde_json::Value = serde_json::from_slice(&bytes)
            .map_err(|e| AuthzenError::bad_request(format!("the body is not JSON: {e}")))?;
        read_body(&value).map(Self)
    }
}

/// The request a JSON body holds: a JSON object of the request's shape
/// (§10.1.1), else a 400 that says what is wrong.
pub fn read_body<T: DeserializeOwned>(value: &serde_json::Value) -> AuthzenResult<T> {
    if !value.is_object() {
        return Err(AuthzenError::bad_request("the body must be a JSON object"));
    }
    <T as serde::Deserialize>::deserialize(value)
        .map_err(|e| AuthzenError::bad_request(format!("the body is not a valid request: {e}")))
}

/// Middleware: the response carries the request's `X-Request-ID` as sent
/// (§10.1.3: the PDP MUST include the same identifier), whatever id the
/// server logs and audits under.
pub async fn echo_request_id(request: Request, next: Next) -> Response {
    let sent = request.headers().get(REQUEST_ID_HEADER).cloned();
    let mut response = next.run(request).await;
    if let Some(id) = sent {
        response.headers_mut().insert(REQUEST_ID_HEADER, id);
    }
    response
}

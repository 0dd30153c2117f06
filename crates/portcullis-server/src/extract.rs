//! Our own extractors, so every rejection comes back in our error shape.

use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::StatusCode;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, IF_MATCH};
use axum::http::request::Parts;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use portcullis_domain::vetting::CaseId;
use portcullis_domain::{
    ActivationId, AssignmentId, Cursor, GroupId, PageRequest, RecordId, RelationshipId, TemplateId,
    TenantId, TokenId, UserId, ValidationError,
};
use portcullis_service::{Caller, ServiceError};
use serde::de::DeserializeOwned;

use crate::client::ClientAddr;
use crate::error::ApiError;
use crate::observe::RequestId;
use crate::state::AppState;

/// A JSON body; bad JSON, unknown fields, bad values, a wrong content type
/// and oversize bodies each get their own error code.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T, S> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(rejection)),
        }
    }
}

/// A JSON body that may be left out: a request with neither a body nor a
/// `Content-Type` reads as `T::default()`; any other is read as [`ApiJson`]
/// reads it (a body without the JSON content type is refused).
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalJson<T>(pub T);

impl<T, S> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if req.headers().contains_key(CONTENT_TYPE) {
            let ApiJson(value) = ApiJson::from_request(req, state).await?;
            return Ok(Self(value));
        }
        let body = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::new(e.status(), "malformed_json", e.body_text()))?;
        if body.is_empty() {
            Ok(Self(T::default()))
        } else {
            Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be JSON with `Content-Type: application/json`",
            ))
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    let text = rejection.body_text();
    match rejection {
        JsonRejection::JsonDataError(_) if text.contains("unknown field") => {
            ApiError::bad_request("unknown_field", strip_prefix(&text))
        }
        JsonRejection::JsonDataError(_) => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            strip_prefix(&text),
        ),
        JsonRejection::JsonSyntaxError(_) => {
            ApiError::bad_request("malformed_json", strip_prefix(&text))
        }
        JsonRejection::MissingJsonContentType(_) => ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must be JSON with `Content-Type: application/json`",
        ),
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the request body is larger than the server accepts",
        ),
        other => ApiError::bad_request("malformed_json", other.body_text()),
    }
}

/// axum's messages start with a sentence about the rejection; keep serde's part.
fn strip_prefix(text: &str) -> String {
    let detail = text.split_once(": ").map_or(text, |(_, rest)| rest);
    detail.to_owned()
}

/// Query parameters; unknown or malformed ones are a 400.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiQuery<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|rejection: QueryRejection| {
                ApiError::bad_request("invalid_query", strip_prefix(&rejection.body_text()))
            })
    }
}

/// The ids of a request's path, parsed into their newtypes: one id, or a
/// tuple of them in the route's order. A malformed id is a 400
/// `invalid_id` in our error shape, as is a path that does not decode.
#[derive(Debug, Clone, Copy)]
pub struct ApiPath<T>(pub T);

impl<T, S> FromRequestParts<S> for ApiPath<T>
where
    T: PathIds,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(raw) = Path::<T::Raw>::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::bad_request("invalid_id", "the path is not well-formed"))?;
        T::parse(raw).map(Self).map_err(ApiError::invalid_id)
    }
}

/// What [`ApiPath`] reads: an id, or a tuple of ids parsed first to last.
pub trait PathIds: Sized {
    type Raw: DeserializeOwned + Send;
    fn parse(raw: Self::Raw) -> Result<Self, ValidationError>;
}

/// An id newtype that a path segment holds.
pub trait PathId: Sized {
    fn parse_segment(raw: &str) -> Result<Self, ValidationError>;
}

macro_rules! path_ids {
    ($($id:ty),* $(,)?) => {
        $(impl PathId for $id {
            fn parse_segment(raw: &str) -> Result<Self, ValidationError> {
                Self::parse(raw)
            }
        })*
    };
}

path_ids!(
    ActivationId,
    AssignmentId,
    CaseId,
    GroupId,
    RecordId,
    RelationshipId,
    TemplateId,
    TenantId,
    TokenId,
    UserId,
);

impl<T: PathId> PathIds for T {
    type Raw = String;
    fn parse(raw: String) -> Result<Self, ValidationError> {
        T::parse_segment(&raw)
    }
}

impl<A: PathId, B: PathId> PathIds for (A, B) {
    type Raw = (String, String);
    fn parse((a, b): Self::Raw) -> Result<Self, ValidationError> {
        Ok((A::parse_segment(&a)?, B::parse_segment(&b)?))
    }
}

impl<A: PathId, B: PathId, C: PathId> PathIds for (A, B, C) {
    type Raw = (String, String, String);
    fn parse((a, b, c): Self::Raw) -> Result<Self, ValidationError> {
        Ok((
            A::parse_segment(&a)?,
            B::parse_segment(&b)?,
            C::parse_segment(&c)?,
        ))
    }
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Authenticated(pub Caller);

impl FromRequestParts<AppState> for Authenticated {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        // Already authenticated by the gate (`gate.rs`) before any validation.
        if let Some(done) = parts.extensions.get::<Self>() {
            return Ok(done.clone());
        }
        Ok(Self(authenticate(parts, state).await?))
    }
}

/// The caller of a request that carries a bearer token: its principal, the
/// client address ([`ClientAddr`]) and the request id.
pub(crate) async fn authenticate(parts: &Parts, state: &AppState) -> Result<Caller, ServiceError> {
    let bearer = parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .ok_or(ServiceError::Unauthenticated)?;
    let principal = state.portcullis.authenticate(bearer).await?;
    let (source_ip, request_id) = origin(parts);
    Ok(Caller {
        principal,
        source_ip,
        request_id,
    })
}

/// Where a request came from ([`ClientAddr`]) and its request id, for the audit log.
pub fn origin(parts: &Parts) -> (Option<String>, Option<String>) {
    let source_ip = parts
        .extensions
        .get::<ClientAddr>()
        .map(|ClientAddr(ip)| ip.to_string());
    let request_id = parts.extensions.get::<RequestId>().map(|r| r.0.clone());
    (source_ip, request_id)
}

/// The version named by `If-Match` (`"3"` or `W/"3"`); `None` when absent or `*`.
#[derive(Debug, Clone, Copy)]
pub struct IfMatch(pub Option<i64>);

impl<S: Send + Sync> FromRequestParts<S> for IfMatch {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let Some(value) = parts.headers.get(IF_MATCH) else {
            return Ok(Self(None));
        };
        let text = value.to_str().unwrap_or_default().trim();
        if text == "*" {
            return Ok(Self(None));
        }
        let unquoted = text
            .strip_prefix("W/")
            .unwrap_or(text)
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'));
        unquoted
            .and_then(|t| t.parse::<i64>().ok())
            .map(|v| Self(Some(v)))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_if_match",
                    "`If-Match` must be an ETag returned by this API, such as `\"3\"`",
                )
            })
    }
}

/// The ETag of a resource at `version`.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// `limit` and `cursor` of a list request.
pub fn page_request(limit: Option<u32>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    let after = cursor
        .map(|c| {
            URL_SAFE_NO_PAD
                .decode(c)
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok())
                .map(Cursor)
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_cursor",
                        "`cursor` must be a `next_cursor` value returned by this API",
                    )
                })
        })
        .transpose()?;
    PageRequest::new(limit, after)
        .map_err(|e| ApiError::bad_request("invalid_query", e.to_string()))
}

pub fn encode_cursor(cursor: &Cursor) -> String {
    URL_SAFE_NO_PAD.encode(cursor.0.as_bytes())
}

//! Extractors of the Graph routes: each answers a bad request with a
//! [`GraphError`], never in the native shape.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{HOST, IF_MATCH};
use axum::http::request::Parts;
use portcullis_service::Caller;
use serde::de::DeserializeOwned;

use super::error::{GraphError, stamp};
use crate::extract::{ApiJson, Authenticated};
use crate::state::AppState;

/// The authenticated caller. Every Graph handler takes it first, so it
/// also lends the error envelope the clock.
#[derive(Debug, Clone)]
pub struct GraphCaller(pub Caller);

impl FromRequestParts<AppState> for GraphCaller {
    type Rejection = GraphError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        stamp(&parts.extensions, state);
        let Authenticated(caller) = Authenticated::from_request_parts(parts, state).await?;
        Ok(Self(caller))
    }
}

/// A JSON body, with the native checks (content type, size, unknown fields).
#[derive(Debug, Clone)]
pub struct GraphJson<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for GraphJson<T> {
    type Rejection = GraphError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        stamp(req.extensions(), state);
        let ApiJson(value) = ApiJson::<T>::from_request(req, state).await?;
        Ok(Self(value))
    }
}

/// The query string as name–value pairs, percent-decoded.
#[derive(Debug, Clone, Default)]
pub struct GraphQuery(pub Vec<(String, String)>);

impl FromRequestParts<AppState> for GraphQuery {
    type Rejection = GraphError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        stamp(&parts.extensions, state);
        axum::extract::Query::<Vec<(String, String)>>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|_| {
                GraphError::bad_request("invalid_query", "the query string is not well-formed")
            })
    }
}

/// `scheme://host` of the request, for the absolute URLs Graph hands out
/// (`@odata.nextLink`, `@odata.context`, `Location`). The scheme is `https`
/// only behind a proxy that says `X-Forwarded-Proto: https`.
#[derive(Debug, Clone)]
pub struct ServiceRoot(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ServiceRoot {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let host = parts
            .headers
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .filter(|h| {
                !h.is_empty()
                    && h.len() <= 255
                    && h.chars()
                        .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
            })
            .unwrap_or("localhost");
        let https = parts
            .headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
        let scheme = if https { "https" } else { "http" };
        Ok(Self(format!("{scheme}://{host}")))
    }
}

impl ServiceRoot {
    /// The absolute URL of a path of this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// `@odata.context` for `fragment` (`tenantRelationships/delegatedAdminRelationships`, …).
    pub fn context(&self, fragment: &str) -> String {
        format!("{}/v1.0/$metadata#{fragment}", self.0)
    }
}

/// The version `If-Match` names, which Graph requires on `PATCH` and
/// `DELETE`: `W/"3"` or `"3"` (as handed out in `@odata.etag`), or `*` for
/// whatever is current (`None`). Missing or malformed is a 400, as Graph
/// answers a request without the header.
#[derive(Debug, Clone, Copy)]
pub struct RequiredIfMatch(pub Option<i64>);

impl FromRequestParts<AppState> for RequiredIfMatch {
    type Rejection = GraphError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        stamp(&parts.extensions, state);
        let Some(value) = parts.headers.get(IF_MATCH) else {
            return Err(GraphError::bad_request(
                "if_match_required",
                "`If-Match` is required: send the `@odata.etag` of the resource",
            ));
        };
        let text = value.to_str().unwrap_or_default().trim();
        if text == "*" {
            return Ok(Self(None));
        }
        text.strip_prefix("W/")
            .unwrap_or(text)
            .strip_prefix('"')
            .and_then(|t| t.strip_suffix('"'))
            .and_then(|t| t.parse::<i64>().ok())
            .map(|v| Self(Some(v)))
            .ok_or_else(|| {
                GraphError::bad_request(
                    "invalid_if_match",
                    "`If-Match` must be an `@odata.etag` returned by this API, such as `W/\"3\"`",
                )
            })
    }
}

/// Whether the caller sent `Prefer: include-unknown-enum-members`, which
/// Graph needs to show the members of an evolvable enumeration that come
/// after `unknownFutureValue` (the `reject` request action).
#[derive(Debug, Clone, Copy)]
pub struct UnknownEnumMembers(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for UnknownEnumMembers {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let wanted = parts.headers.get_all("prefer").iter().any(|v| {
            v.to_str().is_ok_and(|text| {
                text.split([',', ';']).any(|p| {
                    p.trim()
                        .eq_ignore_ascii_case("include-unknown-enum-members")
                })
            })
        });
        Ok(Self(wanted))
    }
}

/// The formatted ETag of version `version`: `W/"3"`.
pub fn etag(version: i64) -> String {
    format!("W/\"{version}\"")
}

/// Path parameters; a malformed path is a 400 in the Graph shape.
#[derive(Debug, Clone)]
pub struct GraphPath<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<AppState> for GraphPath<T> {
    type Rejection = GraphError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        stamp(&parts.extensions, state);
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|_| GraphError::bad_request("invalid_id", "the path is not well-formed"))
    }
}

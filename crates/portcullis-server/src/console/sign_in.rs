//! Signing in and out: a person pastes an API token once and gets a
//! session cookie; signing out revokes the session on the server.

use askama::Template;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::header::{HOST, ORIGIN, SET_COOKIE};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_service::ServiceError;
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::session::{Console, Secure, cleared_cookie, origin, over_tls, session_cookie};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "console/sign_in.html")]
struct SignInPage<'a> {
    error: Option<&'a str>,
}

#[derive(Template)]
#[template(path = "console/sign_in_link.html")]
struct LinkPage<'a> {
    link: &'a str,
}

#[derive(Debug, Deserialize)]
pub struct LinkForm {
    link: String,
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    token: String,
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
}

/// `GET /sign-in`.
pub async fn form() -> Result<Response, ConsoleError> {
    Ok(page(&SignInPage { error: None })?.into_response())
}

/// `POST /sign-in`: exchanges the token for a new session (a new id at
/// every sign-in, so a planted cookie is never promoted).
pub async fn submit(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ConsoleError> {
    let (parts, body) = request.into_parts();
    if !same_origin(&parts.headers) {
        return Err(ConsoleError::Csrf);
    }
    let secure = over_tls(&parts);
    let (source_ip, request_id) = origin(&parts);
    let ConsoleForm(form) =
        ConsoleForm::<SignInForm>::from_request(Request::from_parts(parts, body), &state).await?;
    let refused = |status: StatusCode, message: &str| -> Result<Response, ConsoleError> {
        Ok((
            status,
            page(&SignInPage {
                error: Some(message),
            })?,
        )
            .into_response())
    };
    let (session, secret) = match state
        .portcullis
        .sign_in(&form.token, source_ip, request_id)
        .await
    {
        Ok(signed_in) => signed_in,
        Err(ServiceError::Unauthenticated) => {
            return refused(
                StatusCode::UNAUTHORIZED,
                "The token was not accepted: it is unknown, expired or revoked.",
            );
        }
        Err(ServiceError::Forbidden(_)) => {
            return refused(
                StatusCode::FORBIDDEN,
                "Service tokens cannot sign in to the console; use an operator, partner admin or customer admin token.",
            );
        }
        Err(other) => return Err(other.into()),
    };
    tracing::info!(session = %session.id, kind = %session.kind, "console sign-in");
    signed_in(&secret, secure)
}

/// `GET /sign-in/link/{link}`: a button that uses the link. Reading the
/// page does not use it, so a link preview cannot spend it.
pub async fn link_page(Path(link): Path<String>) -> Result<Response, ConsoleError> {
    Ok(page(&LinkPage { link: &link })?.into_response())
}

/// `POST /sign-in/link`: uses a one-time sign-in link.
pub async fn use_link(
    State(state): State<AppState>,
    request: Request,
) -> Result<Response, ConsoleError> {
    let (parts, body) = request.into_parts();
    if !same_origin(&parts.headers) {
        return Err(ConsoleError::Csrf);
    }
    let secure = over_tls(&parts);
    let (source_ip, request_id) = origin(&parts);
    let ConsoleForm(form) =
        ConsoleForm::<LinkForm>::from_request(Request::from_parts(parts, body), &state).await?;
    match state
        .portcullis
        .redeem_sign_in_link(&form.link, source_ip, request_id)
        .await
    {
        Ok((session, secret)) => {
            tracing::info!(session = %session.id, "console sign-in with a one-time link");
            signed_in(&secret, secure)
        }
        Err(ServiceError::Unauthenticated) => Ok((
            StatusCode::UNAUTHORIZED,
            page(&SignInPage {
                error: Some(
                    "This sign-in link has been used or has expired. Sign in with a token instead.",
                ),
            })?,
        )
            .into_response()),
        Err(other) => Err(other.into()),
    }
}

/// The redirect into the console that gives the browser its session.
fn signed_in(secret: &str, secure: bool) -> Result<Response, ConsoleError> {
    let cookie = session_cookie(secret, secure)
        .ok_or_else(|| ConsoleError::Internal("session cookie is not a header value".into()))?;
    let mut response = Redirect::to("/").into_response();
    response.headers_mut().insert(SET_COOKIE, cookie);
    Ok(response)
}

/// `POST /sign-out`: revokes the session and clears the cookie.
pub async fn sign_out(
    State(state): State<AppState>,
    console: Console,
    Secure(secure): Secure,
    ConsoleForm(form): ConsoleForm<CsrfOnly>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    state
        .portcullis
        .sign_out(&console.caller, console.session.id)
        .await?;
    let mut response = Redirect::to("/sign-in").into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, cleared_cookie(secure));
    Ok(response)
}

/// The sign-in form has no session yet, so no synchronizer token: refuse
/// it from another site (login CSRF). Browsers say where a request comes
/// from in `Sec-Fetch-Site`; without it, `Origin` must name this host (a
/// `null` origin, which `no-referrer` pages send, does not).
fn same_origin(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site == "same-origin" || site == "none";
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers.get(HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"));
    host.is_some() && origin_host == host
}

//! The console session as a request sees it: the cookie that carries the
//! session's secret id, the [`Console`] extractor that turns it into an
//! authenticated [`Caller`], and the CSRF check of every form.

use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use portcullis_domain::{ConsoleSession, SESSION_ABSOLUTE_SECONDS};
use portcullis_service::{Caller, csrf_matches, csrf_token};

use super::error::ConsoleError;
use crate::state::AppState;
use crate::transport::Tls;

/// The cookie that carries the session's secret id.
pub const SESSION_COOKIE: &str = "portcullis_session";

/// A request of a signed-in person.
#[derive(Debug, Clone)]
pub struct Console {
    pub caller: Caller,
    pub session: ConsoleSession,
    secret: String,
    /// The refusal of the form this page follows, if any (`refusal`).
    pub refusal: Option<String>,
}

impl Console {
    /// The CSRF token every form of this session carries.
    pub fn csrf(&self) -> String {
        csrf_token(&self.secret)
    }

    /// Refuses a form whose CSRF token is not this session's.
    pub fn check_csrf(&self, presented: &str) -> Result<(), ConsoleError> {
        if csrf_matches(&self.secret, presented) {
            Ok(())
        } else {
            Err(ConsoleError::Csrf)
        }
    }
}

impl FromRequestParts<AppState> for Console {
    type Rejection = ConsoleError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let secret = session_secret(&parts.headers).ok_or(ConsoleError::SignIn)?;
        let (principal, session) = state.portcullis.session_principal(&secret).await?;
        let (source_ip, request_id) = origin(parts);
        Ok(Self {
            caller: Caller {
                principal,
                source_ip,
                request_id,
            },
            session,
            secret,
            refusal: super::refusal::carried(&parts.headers).map(|c| c.message),
        })
    }
}

pub use crate::extract::origin;

/// The session secret of the request's `Cookie` headers, if any.
pub fn session_secret(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.to_owned())
}

/// Whether the browser reached us over TLS: this server terminated it, or
/// a TLS-terminating proxy in front says so with `X-Forwarded-Proto: https`.
pub fn over_tls(parts: &Parts) -> bool {
    parts.extensions.get::<Tls>().is_some_and(|Tls(tls)| *tls)
        || parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// Whether the session cookie must be `Secure` ([`over_tls`]).
#[derive(Debug, Clone, Copy)]
pub struct Secure(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for Secure {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(over_tls(parts)))
    }
}

/// The `Set-Cookie` value that gives the browser a session.
pub fn session_cookie(secret: &str, secure: bool) -> Option<HeaderValue> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Strict; \
         Max-Age={SESSION_ABSOLUTE_SECONDS}{secure}"
    ))
    .ok()
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn cleared_cookie(secure: bool) -> HeaderValue {
    if secure {
        HeaderValue::from_static(
            "portcullis_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure",
        )
    } else {
        HeaderValue::from_static(
            "portcullis_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_session_among_other_cookies() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; portcullis_session=abc; b=2"),
        );
        assert_eq!(session_secret(&headers).as_deref(), Some("abc"));
    }

    #[test]
    fn cookie_is_http_only_strict_and_secure_over_tls() {
        let plain = session_cookie("s", false).unwrap();
        let plain = plain.to_str().unwrap();
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Strict"));
        assert!(!plain.contains("Secure"));
        let tls = session_cookie("s", true).unwrap();
        assert!(tls.to_str().unwrap().ends_with("; Secure"));
    }
}

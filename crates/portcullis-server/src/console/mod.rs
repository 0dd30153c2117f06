//! The console: server-rendered HTML for people on duty, served at `/` on
//! the same origin as the API. Pages are askama templates compiled into
//! the binary (`templates/console/`), the stylesheet is served from the
//! binary, and nothing needs JavaScript.
//!
//! Every page calls the same `Portcullis` use cases as the API with the
//! signed-in principal, so a person sees and does exactly what the token
//! they signed in with may. Sessions live in the database (`session`),
//! every form carries the session's CSRF token, and every response carries
//! the security headers (`headers`).

mod error;
mod findings;
mod form;
mod headers;
mod layout;
mod least_privilege;
mod overview;
mod paging;
mod relationships;
mod session;
mod sign_in;

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::middleware::from_fn;
use axum::response::IntoResponse;
use axum::routing::{get, post};

pub use headers::CONTENT_SECURITY_POLICY_VALUE;
pub use session::SESSION_COOKIE;

use crate::state::AppState;

/// The stylesheet, compiled into the binary.
const STYLESHEET: &str = include_str!("console.css");

/// Every console route, with the security headers on each response.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(overview::show))
        .route("/sign-in", get(sign_in::form).post(sign_in::submit))
        .route("/sign-in/link", post(sign_in::use_link))
        .route("/sign-in/link/{link}", get(sign_in::link_page))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/assets/console.css", get(stylesheet))
        .route("/findings", get(findings::list))
        .route("/findings/{finding_id}", get(findings::show))
        .route("/findings/{finding_id}/status", post(findings::set_status))
        .route("/findings/{finding_id}/contain", post(findings::contain))
        .route("/containments/{containment_id}/lift", post(findings::lift))
        .route("/relationships", get(relationships::list))
        .route(
            "/relationships/{relationship_id}/{action}",
            post(relationships::act),
        )
        .route("/least-privilege", get(least_privilege::show))
        .route(
            "/least-privilege/{recommendation_id}/apply",
            post(least_privilege::apply),
        )
        .layer(from_fn(headers::security_headers))
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/css; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        STYLESHEET,
    )
}

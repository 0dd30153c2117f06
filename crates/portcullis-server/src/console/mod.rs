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

mod access_reviews;
mod activations;
mod activity;
mod application;
mod audit;
mod bulk;
mod bulk_runs;
mod case;
mod chart;
mod containments;
mod error;
mod expiry;
mod findings;
mod findings_chart;
mod form;
mod groups;
mod headers;
mod layout;
mod least_privilege;
mod markup;
mod overview;
mod paging;
mod partner;
mod partners;
mod posture;
mod refill;
mod refusal;
mod relationship_page;
mod relationship_request;
mod relationships;
mod remediation;
mod restrictions;
mod review_policy;
mod score;
mod scorecard;
mod screening;
mod session;
mod sign_in;
mod table;
mod templates;
mod vetting;
mod webhook_form;
mod webhooks;

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::middleware::from_fn;
use axum::response::IntoResponse;
use axum::routing::{get, post};

pub use headers::CONTENT_SECURITY_POLICY_VALUE;
pub use session::SESSION_COOKIE;
pub(crate) use session::over_tls;

use crate::state::AppState;

/// The stylesheet, compiled into the binary.
const STYLESHEET: &str = include_str!("console.css");

/// The one script: shows times in the viewer's zone (`time.js`).
const TIME_SCRIPT: &str = include_str!("time.js");

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
        .route("/vetting", get(vetting::queue))
        .route("/vetting/cases/{case_id}", get(case::show))
        .route("/vetting/cases/{case_id}/review", post(case::review))
        .route("/partners", get(partners::list))
        .route("/partners/{tenant_id}", get(partner::show))
        .route("/relationships/expiring", get(expiry::calendar))
        .route("/audit", get(audit::list))
        .route("/webhooks", get(webhooks::list))
        .route("/webhooks/{webhook_id}", get(webhooks::show))
        .route("/containments", get(containments::list))
        .merge(tenant_admin_routes())
        .route("/least-privilege", get(least_privilege::show))
        .route(
            "/least-privilege/{recommendation_id}/apply",
            post(least_privilege::apply),
        )
        .merge(access_reviews::routes())
        .merge(tightening_routes())
        .layer(from_fn(refusal::follow))
        .layer(from_fn(headers::security_headers))
}

/// Relationship templates and bulk changes (partner admins), and every
/// partner's bulk runs (operators).
fn tightening_routes() -> Router<AppState> {
    Router::new()
        .route(
            "/least-privilege/templates",
            get(templates::list).post(templates::create),
        )
        .route(
            "/least-privilege/templates/{template_id}/apply",
            post(templates::apply),
        )
        .route(
            "/least-privilege/templates/{template_id}/delete",
            post(templates::delete),
        )
        .route("/least-privilege/bulk", get(bulk::form).post(bulk::start))
        .route("/least-privilege/bulk/{run_id}", get(bulk::run))
        .route("/bulk-runs", get(bulk_runs::list))
        .route("/bulk-runs/{run_id}", get(bulk_runs::show))
}

/// The pages of partner and customer admins.
fn tenant_admin_routes() -> Router<AppState> {
    Router::new()
        .route("/assets/time.js", get(time_script))
        .route(
            "/relationships/new",
            get(relationship_request::form).post(relationship_request::submit),
        )
        .route(
            "/relationships/{relationship_id}",
            get(relationship_page::show),
        )
        .route(
            "/relationships/{relationship_id}/assignments",
            post(relationship_page::assign),
        )
        .route(
            "/relationships/{relationship_id}/assignments/{assignment_id}/remove",
            post(relationship_page::unassign),
        )
        .route("/application", get(application::show))
        .route("/posture", get(posture::show))
        .route("/groups", get(groups::list).post(groups::create))
        .route("/groups/{group_id}", get(groups::show))
        .route("/groups/{group_id}/members", post(groups::add_member))
        .route(
            "/groups/{group_id}/members/{user_id}/remove",
            post(groups::remove_member),
        )
        .route(
            "/activations",
            get(activations::list).post(activations::request),
        )
        .route(
            "/activations/{activation_id}/{action}",
            post(activations::decide),
        )
        .route("/activity", get(activity::list))
        .route(
            "/restrictions",
            get(restrictions::show).post(restrictions::save),
        )
}

async fn time_script() -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        TIME_SCRIPT,
    )
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

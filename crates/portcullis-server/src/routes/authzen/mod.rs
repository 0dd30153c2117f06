//! The OpenID AuthZEN Authorization API 1.0 (final, January 2026), so that
//! any AuthZEN policy enforcement point — an API gateway, an identity
//! provider — can ask Portcullis without code of its own. Section numbers
//! in these modules are the specification's:
//!
//! - §6 `POST /access/v1/evaluation`, §7 `POST /access/v1/evaluations`
//!   ([`evaluate`]), recorded like every decision;
//! - §8 `POST /access/v1/search/{subject,resource,action}` ([`search`]),
//!   paged (§8.2, [`paging`]);
//! - §9 `GET /.well-known/authzen-configuration`, the PDP metadata;
//! - §10 the HTTPS binding: JSON bodies, errors, `X-Request-ID` ([`reply`]).
//!
//! Callers authenticate with the bearer tokens of `POST /v1/decisions`
//! (resource providers' `service` tokens, and operators). How entities map
//! onto partner users, customer tenants and actions: [`mapping`].

mod evaluate;
mod mapping;
mod paging;
mod reply;
mod search;
mod wire;

use axum::Json;
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, HOST};
use axum::http::request::Parts;
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::state::AppState;
use reply::{AuthzenJson, AuthzenResult, Pep, TextErrors};
use wire::{
    Decision, EvaluationRequest, Evaluations, EvaluationsRequest, EvaluationsResponse, FoundAction,
    FoundEntity, Metadata, SearchRequest, SearchResponse,
};

pub const EVALUATION: &str = "/access/v1/evaluation";
pub const EVALUATIONS: &str = "/access/v1/evaluations";
pub const SEARCH_SUBJECT: &str = "/access/v1/search/subject";
pub const SEARCH_RESOURCE: &str = "/access/v1/search/resource";
pub const SEARCH_ACTION: &str = "/access/v1/search/action";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(evaluation))
        .routes(routes!(evaluations))
        .routes(routes!(search_subject))
        .routes(routes!(search_resource))
        .routes(routes!(search_action))
        .routes(routes!(configuration))
        .layer(from_fn(reply::echo_request_id))
}

/// §6 Access Evaluation: may this partner user do this action in this
/// customer tenant, now? Recorded like every decision.
#[utoipa::path(post, path = "/access/v1/evaluation", tag = "authzen",
    request_body = EvaluationRequest, security(("bearer" = [])),
    responses(
        (status = 200, body = Decision, description = "The decision; a deny carries its reasons in `context`"),
        (status = 400, body = String, content_type = "text/plain", description = "A required field is missing, a value cannot be read, or the body is not a JSON object sent as `application/json`"),
        TextErrors))]
async fn evaluation(
    State(state): State<AppState>,
    Pep(caller): Pep,
    AuthzenJson(request): AuthzenJson<EvaluationRequest>,
) -> AuthzenResult<Json<Decision>> {
    evaluate::single(&state, &caller, &request).await.map(Json)
}

/// §7 Access Evaluations: several evaluations in one request, with
/// top-level defaults and `options.evaluations_semantic`; each evaluation
/// decided is recorded. Without (or with an empty) `evaluations`, the
/// request is one evaluation and the answer one Decision.
#[utoipa::path(post, path = "/access/v1/evaluations", tag = "authzen",
    request_body = EvaluationsRequest, security(("bearer" = [])),
    responses(
        (status = 200, body = EvaluationsResponse, description = "The decisions in request order (up to the first deny or permit under a short-circuit semantic)"),
        (status = 400, body = String, content_type = "text/plain", description = "The body is not an evaluations request, names an unknown semantic, or holds more than 1,000 evaluations"),
        TextErrors))]
async fn evaluations(
    State(state): State<AppState>,
    Pep(caller): Pep,
    AuthzenJson(request): AuthzenJson<EvaluationsRequest>,
) -> AuthzenResult<Json<EvaluationsResponse>> {
    let items = request.evaluations.clone().unwrap_or_default();
    if items.is_empty() {
        let single = EvaluationRequest {
            subject: request.subject,
            action: request.action,
            resource: request.resource,
            context: request.context,
        };
        let decision = evaluate::single(&state, &caller, &single).await?;
        return Ok(Json(EvaluationsResponse::One(decision)));
    }
    let evaluations = evaluate::evaluations(&state, &caller, &request, &items).await?;
    Ok(Json(EvaluationsResponse::Many(Evaluations { evaluations })))
}

/// §8.4 Subject Search: the partner users (`{"type": "user"}`) allowed the
/// action in the customer tenant now, in id order, paged.
#[utoipa::path(post, path = "/access/v1/search/subject", tag = "authzen",
    request_body = SearchRequest, security(("bearer" = [])),
    responses(
        (status = 200, body = SearchResponse<FoundEntity>),
        (status = 400, body = String, content_type = "text/plain", description = "A required field is missing, a value cannot be read, or `page.token` is not for this request"),
        TextErrors))]
async fn search_subject(
    State(state): State<AppState>,
    Pep(caller): Pep,
    AuthzenJson(raw): AuthzenJson<Value>,
) -> AuthzenResult<Json<SearchResponse<FoundEntity>>> {
    search::subjects(&state, &caller, &raw).map(Json)
}

/// §8.5 Resource Search: the customer tenants (`{"type": "tenant"}`) in
/// which the partner user is allowed the action now, in id order, paged.
#[utoipa::path(post, path = "/access/v1/search/resource", tag = "authzen",
    request_body = SearchRequest, security(("bearer" = [])),
    responses(
        (status = 200, body = SearchResponse<FoundEntity>),
        (status = 400, body = String, content_type = "text/plain", description = "A required field is missing, a value cannot be read, or `page.token` is not for this request"),
        TextErrors))]
async fn search_resource(
    State(state): State<AppState>,
    Pep(caller): Pep,
    AuthzenJson(raw): AuthzenJson<Value>,
) -> AuthzenResult<Json<SearchResponse<FoundEntity>>> {
    search::resources(&state, &caller, &raw).map(Json)
}

/// §8.6 Action Search: the actions the role catalog names that the partner
/// user is allowed in the customer tenant now, in name order, paged.
#[utoipa::path(post, path = "/access/v1/search/action", tag = "authzen",
    request_body = SearchRequest, security(("bearer" = [])),
    responses(
        (status = 200, body = SearchResponse<FoundAction>),
        (status = 400, body = String, content_type = "text/plain", description = "A required field is missing, a value cannot be read, or `page.token` is not for this request"),
        TextErrors))]
async fn search_action(
    State(state): State<AppState>,
    Pep(caller): Pep,
    AuthzenJson(raw): AuthzenJson<Value>,
) -> AuthzenResult<Json<SearchResponse<FoundAction>>> {
    search::actions(&state, &caller, &raw).map(Json)
}

/// §9 Policy Decision Point metadata (public, as §9.2 has it): the
/// endpoints, under the base URL the request reached (`https` when this
/// server or a proxy in front terminated TLS).
#[utoipa::path(get, path = "/.well-known/authzen-configuration", tag = "authzen",
    responses((status = 200, body = Metadata)))]
async fn configuration(parts: Parts) -> Response {
    let base = base_url(&parts);
    let at = |path: &str| format!("{base}{path}");
    let metadata = Metadata {
        access_evaluation_endpoint: at(EVALUATION),
        access_evaluations_endpoint: at(EVALUATIONS),
        search_subject_endpoint: at(SEARCH_SUBJECT),
        search_resource_endpoint: at(SEARCH_RESOURCE),
        search_action_endpoint: at(SEARCH_ACTION),
        policy_decision_point: base,
    };
    // §11.10: metadata may be cached; it changes only with the host.
    ([(CACHE_CONTROL, "max-age=300")], Json(metadata)).into_response()
}

/// `https://host[:port]` (or `http://` when no TLS was terminated on the
/// way): the PDP identifier §9.2.3 has a PEP compare with the URL it asked.
fn base_url(parts: &Parts) -> String {
    let scheme = if crate::console::over_tls(parts) {
        "https"
    } else {
        "http"
    };
    let host = parts
        .headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .or_else(|| parts.uri.authority().map(|a| a.as_str()))
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    format!("{scheme}://{host}")
}

//! Authorization before validation: for every write route, the checks that
//! need no stored record — may this kind of caller write here at all, and,
//! under `/v1/tenants/{tenant_id}/…` or `/v1/posture/partners/{tenant_id}/…`,
//! in this tenant — run before the path, query, `If-Match` and body are
//! read. An unauthorized caller is refused (403, or 404 for another
//! tenant) whatever it sent; a malformed body is reported only to a caller
//! who may send one. The use cases still apply every rule themselves; a
//! rule that needs a record (which side of this relationship is the
//! caller?) answers the same for a malformed body whether or not the
//! record exists.

use axum::extract::{FromRequestParts as _, MatchedPath, RawPathParams, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{Principal, TenantId};
use portcullis_service::ServiceError;
use portcullis_service::caller_rules as rules;

use crate::error::ApiError;
use crate::extract::{Authenticated, authenticate};
use crate::state::AppState;

/// Authenticates a request that carries a bearer token, lends the caller
/// to the handler's [`Authenticated`] extractor, and refuses it when the
/// route's record-free rule does.
pub(crate) async fn authorize_first(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    if !parts
        .headers
        .contains_key(axum::http::header::AUTHORIZATION)
    {
        return next.run(Request::from_parts(parts, body)).await;
    }
    // A bad token is the handler's to refuse (401); public routes ignore it.
    let Ok(caller) = authenticate(&parts, &state).await else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let template = parts
        .extensions
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let tenant = RawPathParams::from_request_parts(&mut parts, &state)
        .await
        .ok()
        .and_then(|params| {
            params
                .iter()
                .find(|(name, _)| *name == "tenant_id")
                .and_then(|(_, raw)| TenantId::parse(raw).ok())
        });
    let verdict = precheck(&caller.principal, &parts.method, &template, tenant);
    if let Err(err) = verdict {
        return if template.starts_with("/v1.0/") {
            crate::graph::refuse_early(&parts, &state, err)
        } else {
            ApiError::from(err).into_response()
        };
    }
    parts.extensions.insert(Authenticated(caller));
    next.run(Request::from_parts(parts, body)).await
}

/// The record-free rule of a write route; reads and unknown routes pass
/// (their use cases refuse before validating anything the caller sent
/// beyond the path and query).
pub(crate) fn precheck(
    principal: &Principal,
    method: &Method,
    template: &str,
    tenant: Option<TenantId>,
) -> Result<(), ServiceError> {
    if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
        return Ok(());
    }
    // A path tenant that is not an id: only the kind is checked here.
    let tenant = tenant
        .or_else(|| principal.tenant())
        .unwrap_or_else(TenantId::generate);
    match template {
        "/v1/tenants" | "/v1/tenants/{tenant_id}" => {
            rules::require_operator(principal, "manage tenants")
        }
        "/v1/tenants/{tenant_id}/restrictions" => rules::may_read_tenant(principal, tenant),
        "/v1/tenants/{tenant_id}/access-review-policy" => {
            rules::may_set_review_policy(principal, tenant)
        }
        t if t.starts_with("/v1/tenants/{tenant_id}/") => {
            rules::may_manage_partner_directory(principal, tenant)
        }
        t if t.starts_with("/v1/tokens") => rules::require_operator(principal, "manage tokens"),
        "/v1/activations" => rules::partner_scope(principal, "request activations").map(drop),
        t if t.starts_with("/v1/relationships")
            || t.starts_with("/v1/activations/")
            || t.starts_with("/v1.0/tenantRelationships/") =>
        {
            rules::may_touch_relationships(principal)
        }
        "/v1/decisions" => rules::may_ask_decisions(principal),
        "/v1/events" => rules::may_send_events(principal),
        "/v1/findings/{finding_id}/acknowledge" | "/v1/findings/{finding_id}/resolve" => {
            rules::may_answer_findings(principal).map(drop)
        }
        t if t.starts_with("/v1/findings/") => rules::may_change_findings(principal),
        "/v1/containments" => rules::may_contain(principal),
        t if t.starts_with("/v1/containments/") => rules::may_lift_containment(principal),
        "/v1/vetting/applications" => rules::partner_scope(principal, "apply").map(drop),
        t if t.ends_with("/screen") || t.ends_with("/application") => {
            rules::vetting_scope(principal).map(drop)
        }
        t if t.ends_with("/suspend") || t.ends_with("/reinstate") || t.ends_with("/revoke") => {
            rules::may_change_standing(principal)
        }
        t if t.starts_with("/v1/vetting/") => rules::may_review_vetting(principal),
        "/v1/posture/partners/{tenant_id}/snapshots" => rules::may_touch_posture(principal, tenant),
        t if t.starts_with("/v1/posture/") => rules::may_reload_baseline(principal),
        t if t.starts_with("/v1/webhooks") => rules::webhook_scope(principal).map(drop),
        t if t.starts_with("/v1/settings") => {
            rules::require_operator(principal, "change cluster settings")
        }
        t if t.starts_with("/v1/templates") || t.starts_with("/v1/bulk/") => {
            rules::partner_scope(principal, "manage templates and bulk changes").map(drop)
        }
        t if t.starts_with("/v1/access-reviews") => {
            rules::may_run_access_reviews(principal).map(drop)
        }
        _ => Ok(()),
    }
}

//! Partner authorization and customer restrictions, under `/v1/tenants/{tenant_id}`.
//!
//! `authorization`: the partner's authorization as vetting decided it (an
//! approved, not suspended or revoked case); the tenant's own admins and
//! operators read it. `restrictions`: the customer's admin or an operator sets them;
//! the customer's admin and operators read them.

use axum::extract::State;
use portcullis_domain::{CustomerRestrictions, TenantId};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, Authenticated};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_authorization))
        .routes(routes!(get_restrictions, set_restrictions))
}

/// Whether a partner may act as a partner: its vetting case is approved.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Authorization {
    pub authorized: bool,
}

/// Read a partner's authorization.
#[utoipa::path(get, path = "/v1/tenants/{tenant_id}/authorization", tag = "tenants",
    params(("tenant_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Authorization)))]
async fn get_authorization(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<axum::Json<Authorization>> {
    let authorized = state.portcullis.partner_authorized(&caller, id).await?;
    Ok(axum::Json(Authorization { authorized }))
}

/// Read a customer's restrictions on partner access.
#[utoipa::path(get, path = "/v1/tenants/{tenant_id}/restrictions", tag = "tenants",
    params(("tenant_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = CustomerRestrictions)))]
async fn get_restrictions(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<axum::Json<CustomerRestrictions>> {
    Ok(axum::Json(
        state.portcullis.restrictions(&caller, id).await?,
    ))
}

/// Set a customer's restrictions (allowed IP ranges, allowed UTC hours).
#[utoipa::path(put, path = "/v1/tenants/{tenant_id}/restrictions", tag = "tenants",
    request_body = CustomerRestrictions, params(("tenant_id" = String, Path, format = Uuid)),
    security(("bearer" = [])),
    responses((status = 200, body = CustomerRestrictions)))]
async fn set_restrictions(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<TenantId>,
    ApiJson(body): ApiJson<CustomerRestrictions>,
) -> ApiResult<axum::Json<CustomerRestrictions>> {
    Ok(axum::Json(
        state.portcullis.set_restrictions(&caller, id, body).await?,
    ))
}

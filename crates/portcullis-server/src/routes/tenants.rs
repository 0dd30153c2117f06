//! `/v1/tenants`: partner and customer tenants.
//!
//! Create, change, delete: operators. Read and list: operators (all),
//! partner and customer admins (their own tenant only).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{DisplayName, Tenant, TenantId, TenantKind};
use portcullis_domain::{NewTenant, TenantPatch};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, IfMatch, page_request};
use crate::list::{ListResponse, versioned};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tenants, create_tenant))
        .routes(routes!(get_tenant, update_tenant, delete_tenant))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTenant {
    /// The platform's id for the tenant (a UUID); generated when absent.
    pub id: Option<TenantId>,
    pub kind: TenantKind,
    pub display_name: DisplayName,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTenant {
    pub display_name: Option<DisplayName>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TenantQuery {
    /// Only tenants of this kind.
    pub kind: Option<TenantKind>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// List tenants.
#[utoipa::path(get, path = "/v1/tenants", tag = "tenants", params(TenantQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ListResponse<Tenant>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_tenants(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<TenantQuery>,
) -> ApiResult<axum::Json<ListResponse<Tenant>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let tenants = state
        .portcullis
        .list_tenants(&caller, q.kind, &page)
        .await?;
    Ok(axum::Json(tenants.into()))
}

/// Register a tenant (operators).
#[utoipa::path(post, path = "/v1/tenants", tag = "tenants", request_body = CreateTenant,
    security(("bearer" = [])),
    responses((status = 201, body = Tenant), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_tenant(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<CreateTenant>,
) -> ApiResult<Response> {
    let new = NewTenant {
        id: body.id.unwrap_or_else(TenantId::generate),
        kind: body.kind,
        display_name: body.display_name,
    };
    let tenant = state.portcullis.create_tenant(&caller, new).await?;
    Ok(versioned(StatusCode::CREATED, tenant.version, tenant))
}

/// Read a tenant.
#[utoipa::path(get, path = "/v1/tenants/{tenant_id}", tag = "tenants",
    params(("tenant_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Tenant), (status = 404, body = ErrorBody)))]
async fn get_tenant(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<Response> {
    let tenant = state.portcullis.get_tenant(&caller, id).await?;
    Ok(versioned(StatusCode::OK, tenant.version, tenant))
}

/// Change a tenant (operators); `If-Match` guards against lost updates.
#[utoipa::path(patch, path = "/v1/tenants/{tenant_id}", tag = "tenants", request_body = UpdateTenant,
    params(("tenant_id" = String, Path, format = Uuid), ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = Tenant), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn update_tenant(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath(id): ApiPath<TenantId>,
    ApiJson(body): ApiJson<UpdateTenant>,
) -> ApiResult<Response> {
    let patch = TenantPatch {
        display_name: body.display_name,
    };
    let tenant = state
        .portcullis
        .update_tenant(&caller, id, version, patch)
        .await?;
    Ok(versioned(StatusCode::OK, tenant.version, tenant))
}

/// Delete a tenant with no users or groups (operators); revokes its tokens.
#[utoipa::path(delete, path = "/v1/tenants/{tenant_id}", tag = "tenants",
    params(("tenant_id" = String, Path, format = Uuid), ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn delete_tenant(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<Response> {
    state.portcullis.delete_tenant(&caller, id, version).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

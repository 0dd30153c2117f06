//! `/v1/tenants/{tenant_id}/users`: a partner tenant's users.
//!
//! Operators: any partner tenant. Partner admins: their own tenant only
//! (another tenant is 404). Customer admins and services: 403.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{DisplayName, PartnerUser, TenantId, UserId, UserPrincipalName};
use portcullis_domain::{NewUser, UserPatch};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, IfMatch, page_request};
use crate::list::{ListResponse, PageQuery, versioned};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_users, create_user))
        .routes(routes!(get_user, update_user, delete_user))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    pub user_principal_name: UserPrincipalName,
    pub display_name: DisplayName,
    /// `true` when absent.
    pub enabled: Option<bool>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateUser {
    pub user_principal_name: Option<UserPrincipalName>,
    pub display_name: Option<DisplayName>,
    pub enabled: Option<bool>,
}

/// List a partner tenant's users.
#[utoipa::path(get, path = "/v1/tenants/{tenant_id}/users", tag = "users",
    params(("tenant_id" = String, Path, format = Uuid), PageQuery), security(("bearer" = [])),
    responses((status = 200, body = ListResponse<PartnerUser>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_users(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<PageQuery>,
    ApiPath(tenant): ApiPath<TenantId>,
) -> ApiResult<axum::Json<ListResponse<PartnerUser>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let users = state.portcullis.list_users(&caller, tenant, &page).await?;
    Ok(axum::Json(users.into()))
}

/// Add a user to a partner tenant.
#[utoipa::path(post, path = "/v1/tenants/{tenant_id}/users", tag = "users", request_body = CreateUser,
    params(("tenant_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 201, body = PartnerUser), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_user(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(tenant): ApiPath<TenantId>,
    ApiJson(body): ApiJson<CreateUser>,
) -> ApiResult<Response> {
    let new = NewUser {
        user_principal_name: body.user_principal_name,
        display_name: body.display_name,
        enabled: body.enabled.unwrap_or(true),
    };
    let user = state.portcullis.create_user(&caller, tenant, new).await?;
    Ok(versioned(StatusCode::CREATED, user.version, user))
}

/// Read a partner user.
#[utoipa::path(get, path = "/v1/tenants/{tenant_id}/users/{user_id}", tag = "users",
    params(("tenant_id" = String, Path, format = Uuid), ("user_id" = String, Path, format = Uuid)),
    security(("bearer" = [])),
    responses((status = 200, body = PartnerUser), (status = 404, body = ErrorBody)))]
async fn get_user(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath((tenant, user)): ApiPath<(TenantId, UserId)>,
) -> ApiResult<Response> {
    let user = state.portcullis.get_user(&caller, tenant, user).await?;
    Ok(versioned(StatusCode::OK, user.version, user))
}

/// Change a partner user.
#[utoipa::path(patch, path = "/v1/tenants/{tenant_id}/users/{user_id}", tag = "users", request_body = UpdateUser,
    params(("tenant_id" = String, Path, format = Uuid), ("user_id" = String, Path, format = Uuid),
        ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = PartnerUser), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn update_user(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath((tenant, user)): ApiPath<(TenantId, UserId)>,
    ApiJson(body): ApiJson<UpdateUser>,
) -> ApiResult<Response> {
    let patch = UserPatch {
        user_principal_name: body.user_principal_name,
        display_name: body.display_name,
        enabled: body.enabled,
    };
    let user = state
        .portcullis
        .update_user(&caller, tenant, user, version, patch)
        .await?;
    Ok(versioned(StatusCode::OK, user.version, user))
}

/// Delete a partner user (and its group memberships).
#[utoipa::path(delete, path = "/v1/tenants/{tenant_id}/users/{user_id}", tag = "users",
    params(("tenant_id" = String, Path, format = Uuid), ("user_id" = String, Path, format = Uuid),
        ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn delete_user(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath((tenant, user)): ApiPath<(TenantId, UserId)>,
) -> ApiResult<Response> {
    state
        .portcullis
        .delete_user(&caller, tenant, user, version)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

//! `/v1/tenants/{tenant_id}/groups`: a partner tenant's security groups and
//! their members. Same rules as users: operators, or the partner admin of
//! the tenant; another tenant is 404; customer admins and services 403.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{
    Description, DisplayName, GroupId, GroupMember, SecurityGroup, TenantId, UserId,
};
use portcullis_domain::{GroupPatch, NewGroup};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, IfMatch, page_request};
use crate::list::{ListResponse, PageQuery, double_option, versioned};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_groups, create_group))
        .routes(routes!(get_group, update_group, delete_group))
        .routes(routes!(list_members, add_member))
        .routes(routes!(remove_member))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateGroup {
    pub display_name: DisplayName,
    pub description: Option<Description>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateGroup {
    pub display_name: Option<DisplayName>,
    /// `null` clears the description.
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub description: Option<Option<Description>>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddMember {
    pub user_id: UserId,
}

/// List a partner tenant's security groups.
#[utoipa::path(get, path = "/v1/tenants/{tenant_id}/groups", tag = "groups",
    params(("tenant_id" = String, Path, format = Uuid), PageQuery), security(("bearer" = [])),
    responses((status = 200, body = ListResponse<SecurityGroup>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_groups(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<PageQuery>,
    ApiPath(tenant): ApiPath<TenantId>,
) -> ApiResult<axum::Json<ListResponse<SecurityGroup>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let groups = state.portcullis.list_groups(&caller, tenant, &page).await?;
    Ok(axum::Json(groups.into()))
}

/// Create a security group.
#[utoipa::path(post, path = "/v1/tenants/{tenant_id}/groups", tag = "groups", request_body = CreateGroup,
    params(("tenant_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 201, body = SecurityGroup), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_group(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(tenant): ApiPath<TenantId>,
    ApiJson(body): ApiJson<CreateGroup>,
) -> ApiResult<Response> {
    let new = NewGroup {
        display_name: body.display_name,
        description: body.description,
    };
    let group = state.portcullis.create_group(&caller, tenant, new).await?;
    Ok(versioned(StatusCode::CREATED, group.version, group))
}

/// Read a security group.
#[utoipa::path(get, path = "/v1/tenants/{tenant_id}/groups/{group_id}", tag = "groups",
    params(("tenant_id" = String, Path, format = Uuid), ("group_id" = String, Path, format = Uuid)),
    security(("bearer" = [])),
    responses((status = 200, body = SecurityGroup), (status = 404, body = ErrorBody)))]
async fn get_group(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath((tenant, group)): ApiPath<(TenantId, GroupId)>,
) -> ApiResult<Response> {
    let group = state.portcullis.get_group(&caller, tenant, group).await?;
    Ok(versioned(StatusCode::OK, group.version, group))
}

/// Change a security group.
#[utoipa::path(patch, path = "/v1/tenants/{tenant_id}/groups/{group_id}", tag = "groups", request_body = UpdateGroup,
    params(("tenant_id" = String, Path, format = Uuid), ("group_id" = String, Path, format = Uuid),
        ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = SecurityGroup), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn update_group(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath((tenant, group)): ApiPath<(TenantId, GroupId)>,
    ApiJson(body): ApiJson<UpdateGroup>,
) -> ApiResult<Response> {
    let patch = GroupPatch {
        display_name: body.display_name,
        description: body.description,
    };
    let group = state
        .portcullis
        .update_group(&caller, tenant, group, version, patch)
        .await?;
    Ok(versioned(StatusCode::OK, group.version, group))
}

/// Delete a security group (and its memberships).
#[utoipa::path(delete, path = "/v1/tenants/{tenant_id}/groups/{group_id}", tag = "groups",
    params(("tenant_id" = String, Path, format = Uuid), ("group_id" = String, Path, format = Uuid),
        ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn delete_group(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath((tenant, group)): ApiPath<(TenantId, GroupId)>,
) -> ApiResult<Response> {
    state
        .portcullis
        .delete_group(&caller, tenant, group, version)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// List a group's members.
#[utoipa::path(get, path = "/v1/tenants/{tenant_id}/groups/{group_id}/members", tag = "groups",
    params(("tenant_id" = String, Path, format = Uuid), ("group_id" = String, Path, format = Uuid), PageQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ListResponse<GroupMember>), (status = 404, body = ErrorBody)))]
async fn list_members(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<PageQuery>,
    ApiPath((tenant, group)): ApiPath<(TenantId, GroupId)>,
) -> ApiResult<axum::Json<ListResponse<GroupMember>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let members = state
        .portcullis
        .list_members(&caller, tenant, group, &page)
        .await?;
    Ok(axum::Json(members.into()))
}

/// Add a user of the same tenant to a group.
#[utoipa::path(post, path = "/v1/tenants/{tenant_id}/groups/{group_id}/members", tag = "groups", request_body = AddMember,
    params(("tenant_id" = String, Path, format = Uuid), ("group_id" = String, Path, format = Uuid)),
    security(("bearer" = [])),
    responses((status = 201, body = GroupMember), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn add_member(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath((tenant, group)): ApiPath<(TenantId, GroupId)>,
    ApiJson(body): ApiJson<AddMember>,
) -> ApiResult<(StatusCode, axum::Json<GroupMember>)> {
    let member = state
        .portcullis
        .add_member(&caller, tenant, group, body.user_id)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(member)))
}

/// Remove a user from a group.
#[utoipa::path(delete, path = "/v1/tenants/{tenant_id}/groups/{group_id}/members/{user_id}", tag = "groups",
    params(("tenant_id" = String, Path, format = Uuid), ("group_id" = String, Path, format = Uuid),
        ("user_id" = String, Path, format = Uuid)),
    security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn remove_member(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath((tenant, group, user)): ApiPath<(TenantId, GroupId, UserId)>,
) -> ApiResult<Response> {
    state
        .portcullis
        .remove_member(&caller, tenant, group, user)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

//! `/v1/relationships/{relationship_id}/assignments`: which roles of a
//! relationship each partner security group holds, standing or eligible.
//! The partner side creates and changes them; either party reads and removes.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use portcullis_domain::{
    AccessAssignment, AssignmentId, AssignmentKind, GroupId, RelationshipId, RoleId,
};
use portcullis_service::{AssignmentPatch, NewAssignment};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, IfMatch, page_request};
use crate::list::{ListResponse, PageQuery, versioned};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_assignments, create_assignment))
        .routes(routes!(
            get_assignment,
            update_assignment,
            delete_assignment
        ))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAssignment {
    /// A security group of the relationship's partner tenant.
    pub group_id: GroupId,
    /// A non-empty subset of the relationship's roles.
    pub roles: BTreeSet<RoleId>,
    /// `{"type":"standing"}` (default) or
    /// `{"type":"eligible","max_activation":"PT4H","approval_required":true}`.
    pub kind: Option<AssignmentKind>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateAssignment {
    pub roles: Option<BTreeSet<RoleId>>,
}

/// List a relationship's assignments.
#[utoipa::path(get, path = "/v1/relationships/{relationship_id}/assignments", tag = "relationships",
    params(("relationship_id" = String, Path, format = Uuid), PageQuery), security(("bearer" = [])),
    responses((status = 200, body = ListResponse<AccessAssignment>)))]
async fn list_assignments(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<PageQuery>,
    ApiPath(rel): ApiPath<RelationshipId>,
) -> ApiResult<axum::Json<ListResponse<AccessAssignment>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let found = state
        .portcullis
        .list_assignments(&caller, rel, &page)
        .await?;
    Ok(axum::Json(found.into()))
}

/// Grant roles of the relationship to a partner security group.
#[utoipa::path(post, path = "/v1/relationships/{relationship_id}/assignments", tag = "relationships",
    request_body = CreateAssignment, params(("relationship_id" = String, Path, format = Uuid)),
    security(("bearer" = [])),
    responses((status = 201, body = AccessAssignment), (status = 409, body = ErrorBody)))]
async fn create_assignment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(rel): ApiPath<RelationshipId>,
    ApiJson(body): ApiJson<CreateAssignment>,
) -> ApiResult<Response> {
    let new = NewAssignment {
        group_id: body.group_id,
        roles: body.roles,
        kind: body.kind.unwrap_or(AssignmentKind::Standing),
    };
    let created = state
        .portcullis
        .create_assignment(&caller, rel, new)
        .await?;
    Ok(versioned(StatusCode::CREATED, created.version, created))
}

/// Read an assignment.
#[utoipa::path(get, path = "/v1/relationships/{relationship_id}/assignments/{assignment_id}", tag = "relationships",
    params(("relationship_id" = String, Path, format = Uuid), ("assignment_id" = String, Path, format = Uuid)),
    security(("bearer" = [])), responses((status = 200, body = AccessAssignment)))]
async fn get_assignment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath((rel, assignment_id)): ApiPath<(RelationshipId, AssignmentId)>,
) -> ApiResult<Response> {
    let found = state
        .portcullis
        .get_assignment(&caller, rel, assignment_id)
        .await?;
    Ok(versioned(StatusCode::OK, found.version, found))
}

/// Change an assignment's roles.
#[utoipa::path(patch, path = "/v1/relationships/{relationship_id}/assignments/{assignment_id}", tag = "relationships",
    request_body = UpdateAssignment,
    params(("relationship_id" = String, Path, format = Uuid), ("assignment_id" = String, Path, format = Uuid),
        ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = AccessAssignment), (status = 412, body = ErrorBody)))]
async fn update_assignment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath((rel, assignment_id)): ApiPath<(RelationshipId, AssignmentId)>,
    ApiJson(body): ApiJson<UpdateAssignment>,
) -> ApiResult<Response> {
    let updated = state
        .portcullis
        .update_assignment(
            &caller,
            rel,
            assignment_id,
            version,
            AssignmentPatch { roles: body.roles },
        )
        .await?;
    Ok(versioned(StatusCode::OK, updated.version, updated))
}

/// Remove an assignment: it grants nothing from now on (the record stays as `deleted`).
#[utoipa::path(delete, path = "/v1/relationships/{relationship_id}/assignments/{assignment_id}", tag = "relationships",
    params(("relationship_id" = String, Path, format = Uuid), ("assignment_id" = String, Path, format = Uuid),
        ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = AccessAssignment), (status = 412, body = ErrorBody)))]
async fn delete_assignment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath((rel, assignment_id)): ApiPath<(RelationshipId, AssignmentId)>,
) -> ApiResult<Response> {
    let deleted = state
        .portcullis
        .delete_assignment(&caller, rel, assignment_id, version)
        .await?;
    Ok(versioned(StatusCode::OK, deleted.version, deleted))
}

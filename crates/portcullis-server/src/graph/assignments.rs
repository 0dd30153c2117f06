//! `…/delegatedAdminRelationships/{id}/accessAssignments`: which roles each
//! partner security group holds, over the use cases of
//! `/v1/relationships/{id}/assignments`.
//!
//! Graph has no just-in-time eligibility: an assignment created here is
//! standing, and an eligible one made through `/v1` shows here like any
//! other (its roles need an activation all the same).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{
    AccessAssignment, AssignmentId, AssignmentKind, AssignmentStatus, GroupId, PageRequest,
    RelationshipId, Timestamp,
};
use portcullis_service::{AssignmentPatch, Caller, NewAssignment};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{GraphError, GraphResult};
use super::extract::{
    GraphCaller, GraphJson, GraphPath, GraphQuery, RequiredIfMatch, ServiceRoot, etag,
};
use super::odata::{Collection, Entity, ListOptions, entity_response};
use super::relationship::{AccessDetails, RELATIONSHIPS, RELATIONSHIPS_CONTEXT};
use super::relationships::{FilteredListParams, relationship_id};
use super::with_method_fallback;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(with_method_fallback(routes!(
            list_assignments,
            create_assignment
        )))
        .routes(with_method_fallback(routes!(
            get_assignment,
            update_assignment,
            delete_assignment
        )))
}

/// What `$filter` may test on access assignments.
const FILTERABLE: &[&str] = &["status", "accessContainer/accessContainerId"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminAccessContainerType)]
pub enum AccessContainerType {
    SecurityGroup,
    UnknownFutureValue,
}

/// `{"accessContainerId": <group id>, "accessContainerType": "securityGroup"}`.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminAccessContainer)]
pub struct AccessContainer {
    /// Accepted and ignored on input.
    #[serde(
        rename = "@odata.type",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub odata_type: Option<String>,
    /// A security group of the relationship's partner tenant.
    pub access_container_id: GroupId,
    pub access_container_type: AccessContainerType,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminAccessAssignmentStatus)]
pub enum AssignmentStatusView {
    Pending,
    Active,
    Deleting,
    Deleted,
    Error,
    UnknownFutureValue,
}

impl From<AssignmentStatus> for AssignmentStatusView {
    fn from(status: AssignmentStatus) -> Self {
        match status {
            AssignmentStatus::Pending => Self::Pending,
            AssignmentStatus::Active => Self::Active,
            AssignmentStatus::Deleting => Self::Deleting,
            AssignmentStatus::Deleted => Self::Deleted,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminAccessAssignment)]
pub struct AssignmentView {
    #[serde(rename = "@odata.type")]
    #[schema(value_type = String)]
    pub odata_type: &'static str,
    /// Send it back in `If-Match` to change or delete the assignment.
    #[serde(rename = "@odata.etag")]
    pub odata_etag: String,
    #[schema(format = Uuid)]
    pub id: String,
    pub status: AssignmentStatusView,
    pub access_container: AccessContainer,
    pub access_details: AccessDetails,
    pub created_date_time: Timestamp,
    pub last_modified_date_time: Timestamp,
}

impl From<&AccessAssignment> for AssignmentView {
    fn from(assignment: &AccessAssignment) -> Self {
        Self {
            odata_type: "#microsoft.graph.delegatedAdminAccessAssignment",
            odata_etag: etag(assignment.version),
            id: assignment.id.to_string(),
            status: assignment.status.into(),
            access_container: AccessContainer {
                odata_type: None,
                access_container_id: assignment.group_id,
                access_container_type: AccessContainerType::SecurityGroup,
            },
            access_details: AccessDetails::of(&assignment.roles),
            created_date_time: assignment.created_at,
            last_modified_date_time: assignment.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = portcullis::graph::NewDelegatedAdminAccessAssignment)]
pub struct NewAssignmentBody {
    /// Accepted and ignored.
    #[serde(rename = "@odata.type", default)]
    #[expect(dead_code, reason = "SDKs may send the type; the route implies it")]
    pub odata_type: Option<String>,
    pub access_container: AccessContainer,
    /// A non-empty subset of the relationship's roles.
    pub access_details: AccessDetails,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = portcullis::graph::DelegatedAdminAccessAssignmentChange)]
pub struct AssignmentChangeBody {
    /// Accepted and ignored.
    #[serde(rename = "@odata.type", default)]
    #[expect(dead_code, reason = "SDKs may send the type; the route implies it")]
    pub odata_type: Option<String>,
    pub access_details: Option<AccessDetails>,
}

fn assignment_id(raw: &str) -> GraphResult<AssignmentId> {
    AssignmentId::parse(raw).map_err(|e| ApiError::invalid_id(e).into())
}

fn context(id: RelationshipId) -> String {
    format!("{RELATIONSHIPS_CONTEXT}('{id}')/accessAssignments")
}

fn entity(root: &ServiceRoot, status: StatusCode, assignment: &AccessAssignment) -> Response {
    let location = (status == StatusCode::CREATED).then(|| {
        root.url(&format!(
            "{RELATIONSHIPS}/{}/accessAssignments/{}",
            assignment.relationship_id, assignment.id
        ))
    });
    let body = Entity {
        context: root.context(&format!("{}/$entity", context(assignment.relationship_id))),
        value: AssignmentView::from(assignment),
    };
    entity_response(status, Some(assignment.version), location.as_deref(), body)
}

/// Reads the relationship's assignments from the store page by page until
/// one more than a page matches.
async fn matching(
    state: &AppState,
    caller: &Caller,
    id: RelationshipId,
    options: &ListOptions,
    wanted: impl Fn(&AccessAssignment) -> bool,
) -> GraphResult<Vec<AccessAssignment>> {
    let mut found = Vec::new();
    let mut after = options.after.clone().map(portcullis_domain::Cursor);
    loop {
        let page = PageRequest::new(Some(PageRequest::MAX_LIMIT), after.take())?;
        let batch = state.portcullis.list_assignments(caller, id, &page).await?;
        for assignment in batch.items {
            if wanted(&assignment) {
                found.push(assignment);
                if found.len() > options.top {
                    return Ok(found);
                }
            }
        }
        match batch.next {
            Some(next) => after = Some(next),
            None => return Ok(found),
        }
    }
}

/// List a relationship's access assignments.
#[utoipa::path(get, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments",
    tag = "graph", params(("delegatedAdminRelationshipId" = String, Path, format = Uuid), FilteredListParams),
    security(("bearer" = [])), responses((status = 200, body = Collection<AssignmentView>)))]
async fn list_assignments(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphPath(raw): GraphPath<String>,
    GraphQuery(query): GraphQuery,
) -> GraphResult<axum::Json<Collection<AssignmentView>>> {
    let options = ListOptions::parse(&query, FILTERABLE)?;
    let id = relationship_id(&raw)?;
    let status = options
        .filter_value("status")
        .map(|raw| {
            serde_json::from_value::<AssignmentStatusView>(serde_json::Value::String(
                raw.to_owned(),
            ))
            .map_err(|_| {
                GraphError::bad_request(
                    "invalid_query",
                    format!(
                        "`{}` is not a delegatedAdminAccessAssignmentStatus",
                        raw.chars().take(64).collect::<String>()
                    ),
                )
            })
        })
        .transpose()?;
    let group = options
        .filter_value("accessContainer/accessContainerId")
        .map(|raw| {
            GroupId::parse(raw).map_err(|e| GraphError::bad_request("invalid_query", e.to_string()))
        })
        .transpose()?;
    let mut found = matching(&state, &caller, id, &options, |a| {
        status.is_none_or(|s| AssignmentStatusView::from(a.status) == s)
            && group.is_none_or(|g| a.group_id == g)
    })
    .await?;
    let more = found.len() > options.top;
    found.truncate(options.top);
    let path = format!("{RELATIONSHIPS}/{id}/accessAssignments");
    let next_link = match found.last() {
        Some(last) if more => Some(options.next_link(&root, &path, &last.id.to_string())),
        _ => None,
    };
    Ok(axum::Json(Collection {
        context: root.context(&context(id)),
        next_link,
        value: found.iter().map(AssignmentView::from).collect(),
    }))
}

/// Grant roles of the relationship to a partner security group (standing).
#[utoipa::path(post, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments",
    tag = "graph", request_body = NewAssignmentBody,
    params(("delegatedAdminRelationshipId" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 201, body = Entity<AssignmentView>,
        headers(("Location" = String, description = "The URL of the new assignment"), ("ETag" = String)))))]
async fn create_assignment(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphPath(raw): GraphPath<String>,
    GraphJson(body): GraphJson<NewAssignmentBody>,
) -> GraphResult<Response> {
    let id = relationship_id(&raw)?;
    if body.access_container.access_container_type != AccessContainerType::SecurityGroup {
        return Err(GraphError::bad_request(
            "validation_failed",
            "`accessContainerType` must be `securityGroup`",
        ));
    }
    let new = NewAssignment {
        group_id: body.access_container.access_container_id,
        roles: body.access_details.roles(),
        kind: AssignmentKind::Standing,
    };
    let created = state.portcullis.create_assignment(&caller, id, new).await?;
    Ok(entity(&root, StatusCode::CREATED, &created))
}

/// Read an access assignment.
#[utoipa::path(get, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments/{delegatedAdminAccessAssignmentId}",
    tag = "graph",
    params(("delegatedAdminRelationshipId" = String, Path, format = Uuid),
        ("delegatedAdminAccessAssignmentId" = String, Path, format = Uuid)),
    security(("bearer" = [])),
    responses((status = 200, body = Entity<AssignmentView>, headers(("ETag" = String)))))]
async fn get_assignment(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphPath((rel, raw)): GraphPath<(String, String)>,
) -> GraphResult<Response> {
    let found = state
        .portcullis
        .get_assignment(&caller, relationship_id(&rel)?, assignment_id(&raw)?)
        .await?;
    Ok(entity(&root, StatusCode::OK, &found))
}

/// Change an assignment's roles; `If-Match` is required. The change is
/// made at once, so this answers `200` with the assignment, never `202`.
#[utoipa::path(patch, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments/{delegatedAdminAccessAssignmentId}",
    tag = "graph", request_body = AssignmentChangeBody,
    params(("delegatedAdminRelationshipId" = String, Path, format = Uuid),
        ("delegatedAdminAccessAssignmentId" = String, Path, format = Uuid),
        ("If-Match" = String, Header, description = "The `@odata.etag` of the assignment, or `*`")),
    security(("bearer" = [])),
    responses((status = 200, body = Entity<AssignmentView>, headers(("ETag" = String)))))]
async fn update_assignment(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphPath((rel, raw)): GraphPath<(String, String)>,
    RequiredIfMatch(version): RequiredIfMatch,
    GraphJson(body): GraphJson<AssignmentChangeBody>,
) -> GraphResult<Response> {
    let patch = AssignmentPatch {
        roles: body.access_details.as_ref().map(AccessDetails::roles),
    };
    let updated = state
        .portcullis
        .update_assignment(
            &caller,
            relationship_id(&rel)?,
            assignment_id(&raw)?,
            version,
            patch,
        )
        .await?;
    Ok(entity(&root, StatusCode::OK, &updated))
}

/// Remove an assignment: it grants nothing from now on and shows as
/// `deleted`. `If-Match` is required.
#[utoipa::path(delete, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/accessAssignments/{delegatedAdminAccessAssignmentId}",
    tag = "graph",
    params(("delegatedAdminRelationshipId" = String, Path, format = Uuid),
        ("delegatedAdminAccessAssignmentId" = String, Path, format = Uuid),
        ("If-Match" = String, Header, description = "The `@odata.etag` of the assignment, or `*`")),
    security(("bearer" = [])), responses((status = 204)))]
async fn delete_assignment(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    GraphPath((rel, raw)): GraphPath<(String, String)>,
    RequiredIfMatch(version): RequiredIfMatch,
) -> GraphResult<Response> {
    state
        .portcullis
        .delete_assignment(
            &caller,
            relationship_id(&rel)?,
            assignment_id(&raw)?,
            version,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

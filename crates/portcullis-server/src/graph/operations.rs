//! `…/delegatedAdminRelationships/{id}/operations`: long-running operations.
//!
//! Graph runs some changes (an access assignment's new roles) in the
//! background and hands out an operation to poll. Portcullis makes every
//! change within the request, so a relationship never has an operation:
//! the list is empty and any operation id is not found, once the caller
//! may see the relationship at all.

use axum::extract::State;
use portcullis_domain::Timestamp;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{GraphError, GraphResult};
use super::extract::{GraphCaller, GraphPath, GraphQuery, ServiceRoot};
use super::odata::{Collection, Entity, ListOptions};
use super::relationship::RELATIONSHIPS_CONTEXT;
use super::relationships::relationship_id;
use super::requests::ListParams;
use super::with_method_fallback;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(with_method_fallback(routes!(list_operations)))
        .routes(with_method_fallback(routes!(get_operation)))
}

#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminRelationshipOperationType)]
#[expect(
    dead_code,
    reason = "documents Graph's enumeration; Portcullis never has an operation"
)]
pub enum OperationType {
    DelegatedAdminAccessAssignmentUpdate,
    UnknownFutureValue,
    DelegatedAdminRelationshipUpdate,
}

#[derive(Debug, Clone, Copy, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = microsoft::graph::longRunningOperationStatus)]
#[expect(
    dead_code,
    reason = "documents Graph's enumeration; Portcullis never has an operation"
)]
pub enum OperationStatus {
    NotStarted,
    Running,
    Succeeded,
    Failed,
    UnknownFutureValue,
}

/// The shape of an operation; Portcullis never has one to show.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminRelationshipOperation)]
pub struct OperationView {
    pub id: String,
    pub operation_type: OperationType,
    pub data: String,
    pub status: OperationStatus,
    pub created_date_time: Timestamp,
    pub last_modified_date_time: Timestamp,
}

/// List a relationship's long-running operations: always empty.
#[utoipa::path(get, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/operations",
    tag = "graph", params(("delegatedAdminRelationshipId" = String, Path, format = Uuid), ListParams),
    security(("bearer" = [])), responses((status = 200, body = Collection<OperationView>)))]
async fn list_operations(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphPath(raw): GraphPath<String>,
    GraphQuery(query): GraphQuery,
) -> GraphResult<axum::Json<Collection<OperationView>>> {
    ListOptions::parse(&query, &[])?;
    let id = relationship_id(&raw)?;
    state.portcullis.get_relationship(&caller, id).await?;
    Ok(axum::Json(Collection {
        context: root.context(&format!("{RELATIONSHIPS_CONTEXT}('{id}')/operations")),
        next_link: None,
        value: Vec::new(),
    }))
}

/// Read an operation: never found, as none is ever started.
#[utoipa::path(get, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/operations/{delegatedAdminRelationshipOperationId}",
    tag = "graph",
    params(("delegatedAdminRelationshipId" = String, Path, format = Uuid),
        ("delegatedAdminRelationshipOperationId" = String, Path)),
    security(("bearer" = [])), responses((status = 200, body = Entity<OperationView>)))]
async fn get_operation(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    GraphPath((raw, operation)): GraphPath<(String, String)>,
) -> GraphResult<axum::Json<Entity<OperationView>>> {
    let id = relationship_id(&raw)?;
    state.portcullis.get_relationship(&caller, id).await?;
    Err(GraphError::not_found(format!(
        "operation `{}` not found: Portcullis makes every change within the request",
        operation.chars().take(64).collect::<String>()
    )))
}

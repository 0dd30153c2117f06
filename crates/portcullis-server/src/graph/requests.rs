//! `…/delegatedAdminRelationships/{id}/requests`: lifecycle actions.
//!
//! A request is carried out at once, so it is `succeeded` when created.
//! Requests are not stored apart: they are the audit records of the
//! relationship's lifecycle operations (`relationship.request_approval`,
//! `.approve`, `.reject`, `.terminate`), so requests made through `/v1`
//! show here too. A request's id is derived from its audit record: the
//! record's time in the first 48 bits (so ids sort by time, like UUID v7)
//! and bits of the record's hash in the rest.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use portcullis_domain::{AuditRecord, RelationshipId, Timestamp};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{GraphError, GraphResult};
use super::extract::{
    GraphCaller, GraphJson, GraphPath, GraphQuery, ServiceRoot, UnknownEnumMembers,
};
use super::odata::{Collection, Entity, ListOptions, entity_response};
use super::relationship::{RELATIONSHIPS, RELATIONSHIPS_CONTEXT};
use super::relationships::relationship_id;
use super::with_method_fallback;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(with_method_fallback(routes!(list_requests, create_request)))
        .routes(with_method_fallback(routes!(get_request)))
}

/// What a request asks. `lockForApproval` (the partner sends the
/// relationship to the customer), `approve` and `reject` (the customer
/// answers), `terminate` (either party ends it). `reject` comes after
/// `unknownFutureValue`: Graph shows it only to a caller that sends
/// `Prefer: include-unknown-enum-members`, and so does Portcullis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminRelationshipRequestAction)]
pub enum RequestAction {
    LockForApproval,
    Approve,
    Terminate,
    UnknownFutureValue,
    Reject,
}

impl RequestAction {
    fn operation(self) -> Option<&'static str> {
        match self {
            Self::LockForApproval => Some("relationship.request_approval"),
            Self::Approve => Some("relationship.approve"),
            Self::Reject => Some("relationship.reject"),
            Self::Terminate => Some("relationship.terminate"),
            Self::UnknownFutureValue => None,
        }
    }

    fn of_operation(operation: &str) -> Option<Self> {
        [
            Self::LockForApproval,
            Self::Approve,
            Self::Reject,
            Self::Terminate,
        ]
        .into_iter()
        .find(|a| a.operation() == Some(operation))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminRelationshipRequestStatus)]
#[expect(
    dead_code,
    reason = "Graph's members; a request carried out at once is only ever `succeeded`"
)]
pub enum RequestStatus {
    Created,
    Pending,
    Succeeded,
    Failed,
    UnknownFutureValue,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = portcullis::graph::NewDelegatedAdminRelationshipRequest)]
pub struct NewRequestBody {
    /// Accepted and ignored.
    #[serde(rename = "@odata.type", default)]
    #[expect(dead_code, reason = "SDKs may send the type; the route implies it")]
    pub odata_type: Option<String>,
    pub action: RequestAction,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "camelCase")]
#[schema(as = microsoft::graph::delegatedAdminRelationshipRequest)]
pub struct RequestView {
    #[serde(rename = "@odata.type")]
    #[schema(value_type = String)]
    pub odata_type: &'static str,
    #[schema(format = Uuid)]
    pub id: String,
    pub action: RequestAction,
    pub status: RequestStatus,
    pub created_date_time: Timestamp,
    pub last_modified_date_time: Timestamp,
}

/// `$top` and `$skiptoken` (documentation only: read by [`ListOptions`]).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "documents the options `ListOptions` reads")]
pub struct ListParams {
    /// Page size, 1 to 300 (100 when absent).
    #[serde(rename = "$top")]
    #[param(minimum = 1, maximum = 300)]
    pub top: Option<u32>,
    /// From the `@odata.nextLink` of the previous page.
    #[serde(rename = "$skiptoken")]
    pub skiptoken: Option<String>,
}

/// The request id of an audit record: its time (ms) in the first 48 bits,
/// version 7, and 74 bits of its hash.
fn request_id(record: &AuditRecord) -> String {
    let hash: Vec<u8> = (0..record.hash.len() / 2)
        .filter_map(|i| record.hash.get(2 * i..2 * i + 2))
        .filter_map(|pair| u8::from_str_radix(pair, 16).ok())
        .collect();
    let byte = |i: usize| hash.get(i).copied().unwrap_or(0);
    let millis = record.at.unix_millis().to_be_bytes();
    let mut bytes = [0_u8; 16];
    for (slot, value) in bytes.iter_mut().zip(millis.iter().skip(2)) {
        *slot = *value;
    }
    bytes[6] = 0x70 | (byte(0) & 0x0f);
    bytes[7] = byte(1);
    bytes[8] = 0x80 | (byte(2) & 0x3f);
    for (slot, i) in bytes.iter_mut().skip(9).zip(3..) {
        *slot = byte(i);
    }
    uuid::Uuid::from_bytes(bytes).to_string()
}

fn view(record: &AuditRecord, unknown_members: bool) -> Option<RequestView> {
    let action = RequestAction::of_operation(&record.operation)?;
    Some(RequestView {
        odata_type: "#microsoft.graph.delegatedAdminRelationshipRequest",
        id: request_id(record),
        action: if action == RequestAction::Reject && !unknown_members {
            RequestAction::UnknownFutureValue
        } else {
            action
        },
        status: RequestStatus::Succeeded,
        created_date_time: record.at,
        last_modified_date_time: record.at,
    })
}

/// Every request of a relationship, oldest first.
async fn requests_of(
    state: &AppState,
    caller: &portcullis_service::Caller,
    id: RelationshipId,
    unknown_members: bool,
) -> GraphResult<Vec<RequestView>> {
    let history = state.portcullis.relationship_history(caller, id).await?;
    Ok(history
        .iter()
        .filter_map(|r| view(r, unknown_members))
        .collect())
}

fn context(id: RelationshipId) -> String {
    format!("{RELATIONSHIPS_CONTEXT}('{id}')/requests")
}

/// List a relationship's requests.
#[utoipa::path(get, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/requests",
    tag = "graph", params(("delegatedAdminRelationshipId" = String, Path, format = Uuid), ListParams),
    security(("bearer" = [])), responses((status = 200, body = Collection<RequestView>)))]
async fn list_requests(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphPath(raw): GraphPath<String>,
    GraphQuery(query): GraphQuery,
    UnknownEnumMembers(unknown): UnknownEnumMembers,
) -> GraphResult<axum::Json<Collection<RequestView>>> {
    let options = ListOptions::parse(&query, &[])?;
    let id = relationship_id(&raw)?;
    let all = requests_of(&state, &caller, id, unknown).await?;
    let (value, last) = options.page(all, |r| r.id.clone());
    let path = format!("{RELATIONSHIPS}/{id}/requests");
    Ok(axum::Json(Collection {
        context: root.context(&context(id)),
        next_link: last.map(|last| options.next_link(&root, &path, &last)),
        value,
    }))
}

/// Act on a relationship: `lockForApproval` (partner), `approve` or
/// `reject` (customer), `terminate` (either). Carried out at once.
#[utoipa::path(post, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/requests",
    tag = "graph", request_body = NewRequestBody,
    params(("delegatedAdminRelationshipId" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 201, body = Entity<RequestView>,
        headers(("Location" = String, description = "The URL of the new request")))))]
async fn create_request(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphPath(raw): GraphPath<String>,
    UnknownEnumMembers(unknown): UnknownEnumMembers,
    GraphJson(body): GraphJson<NewRequestBody>,
) -> GraphResult<Response> {
    let id = relationship_id(&raw)?;
    let portcullis = &state.portcullis;
    match body.action {
        RequestAction::LockForApproval => portcullis.request_approval(&caller, id).await?,
        RequestAction::Approve => portcullis.approve_relationship(&caller, id).await?,
        RequestAction::Reject => portcullis.reject_relationship(&caller, id).await?,
        RequestAction::Terminate => portcullis.terminate_relationship(&caller, id).await?,
        RequestAction::UnknownFutureValue => {
            return Err(GraphError::bad_request(
                "validation_failed",
                "`unknownFutureValue` is not an action; use `lockForApproval`, `approve`, `reject` or `terminate`",
            ));
        }
    };
    let operation = body.action.operation();
    let history = portcullis.relationship_history(&caller, id).await?;
    let made = history
        .iter()
        .rev()
        .find(|r| Some(r.operation.as_str()) == operation)
        .and_then(|r| view(r, unknown))
        .ok_or_else(|| ApiError::internal("a request left no audit record"))?;
    let location = root.url(&format!("{RELATIONSHIPS}/{id}/requests/{}", made.id));
    let body = Entity {
        context: root.context(&format!("{}/$entity", context(id))),
        value: made,
    };
    Ok(entity_response(
        StatusCode::CREATED,
        None,
        Some(&location),
        body,
    ))
}

/// Read one request of a relationship.
#[utoipa::path(get, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}/requests/{delegatedAdminRelationshipRequestId}",
    tag = "graph",
    params(("delegatedAdminRelationshipId" = String, Path, format = Uuid),
        ("delegatedAdminRelationshipRequestId" = String, Path, format = Uuid)),
    security(("bearer" = [])), responses((status = 200, body = Entity<RequestView>)))]
async fn get_request(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphPath((raw, raw_request)): GraphPath<(String, String)>,
    UnknownEnumMembers(unknown): UnknownEnumMembers,
) -> GraphResult<Response> {
    let id = relationship_id(&raw)?;
    let wanted = uuid::Uuid::try_parse(&raw_request)
        .map_err(|_| {
            GraphError::bad_request(
                "invalid_id",
                format!(
                    "`{}` is not a valid request id",
                    raw_request.chars().take(64).collect::<String>()
                ),
            )
        })?
        .to_string();
    let found = requests_of(&state, &caller, id, unknown)
        .await?
        .into_iter()
        .find(|r| r.id == wanted)
        .ok_or_else(|| GraphError::not_found(format!("request `{wanted}` not found")))?;
    let body = Entity {
        context: root.context(&format!("{}/$entity", context(id))),
        value: found,
    };
    Ok(entity_response(StatusCode::OK, None, None, body))
}

//! `/v1/relationships`: delegated admin relationships (the GDAP model).
//!
//! Operators: all. Partner admins: their partner's relationships — propose,
//! change while `created`, send for approval, withdraw, terminate. Customer
//! admins: their customer's — approve, reject, terminate, remove privileged
//! roles while active. Another tenant's relationship is 404; services 403.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portcullis_domain::RelationshipFilter;
use portcullis_domain::{
    IsoDuration, Relationship, RelationshipId, RelationshipStatus, RoleId, TenantId,
};
use portcullis_service::{NewRelationship, RelationshipPatch};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{
    ApiJson, ApiPath, ApiQuery, Authenticated, IfMatch, OptionalJson, page_request,
};
use crate::list::{ListResponse, versioned};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_relationships, create_relationship))
        .routes(routes!(
            get_relationship,
            update_relationship,
            delete_relationship
        ))
        .routes(routes!(request_approval))
        .routes(routes!(approve))
        .routes(routes!(reject))
        .routes(routes!(terminate))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateRelationship {
    pub partner_tenant_id: TenantId,
    pub customer_tenant_id: TenantId,
    /// 1 to 50 characters, unique per partner.
    #[schema(value_type = String, min_length = 1, max_length = 50)]
    pub display_name: String,
    /// Role template ids the relationship may grant.
    pub roles: BTreeSet<RoleId>,
    /// `P1D`..`P730D`.
    pub duration: IsoDuration,
    /// `PT0S` (default) or `P180D`.
    pub auto_extend_duration: Option<IsoDuration>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRelationship {
    #[schema(value_type = Option<String>, min_length = 1, max_length = 50)]
    pub display_name: Option<String>,
    pub roles: Option<BTreeSet<RoleId>>,
    pub duration: Option<IsoDuration>,
    pub auto_extend_duration: Option<IsoDuration>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RelationshipQuery {
    pub partner_tenant_id: Option<TenantId>,
    pub customer_tenant_id: Option<TenantId>,
    /// The stored status.
    pub status: Option<RelationshipStatus>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

fn ok(relationship: Relationship) -> Response {
    versioned(StatusCode::OK, relationship.version, relationship)
}

/// List relationships the caller is a party to (all, for operators).
#[utoipa::path(get, path = "/v1/relationships", tag = "relationships", params(RelationshipQuery),
    security(("bearer" = [])), responses((status = 200, body = ListResponse<Relationship>)))]
async fn list_relationships(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<RelationshipQuery>,
) -> ApiResult<axum::Json<ListResponse<Relationship>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = RelationshipFilter {
        partner_tenant_id: q.partner_tenant_id,
        customer_tenant_id: q.customer_tenant_id,
        status: q.status,
    };
    let found = state
        .portcullis
        .list_relationships(&caller, filter, &page)
        .await?;
    Ok(axum::Json(found.into()))
}

/// Propose a relationship (partner admins of the partner, operators).
#[utoipa::path(post, path = "/v1/relationships", tag = "relationships", request_body = CreateRelationship,
    security(("bearer" = [])),
    responses((status = 201, body = Relationship), (status = 409, body = ErrorBody)))]
async fn create_relationship(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<CreateRelationship>,
) -> ApiResult<Response> {
    let new = NewRelationship {
        partner_tenant_id: body.partner_tenant_id,
        customer_tenant_id: body.customer_tenant_id,
        display_name: portcullis_domain::relationship_name(&body.display_name)?,
        roles: body.roles,
        duration: body.duration,
        auto_extend_duration: body.auto_extend_duration.unwrap_or_else(IsoDuration::zero),
    };
    let created = state.portcullis.create_relationship(&caller, new).await?;
    Ok(versioned(StatusCode::CREATED, created.version, created))
}

/// Read a relationship.
#[utoipa::path(get, path = "/v1/relationships/{relationship_id}", tag = "relationships",
    params(("relationship_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Relationship)))]
async fn get_relationship(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<RelationshipId>,
) -> ApiResult<Response> {
    Ok(ok(state.portcullis.get_relationship(&caller, id).await?))
}

/// Change a relationship: name and terms while `created`; while `active`,
/// only the removal of privileged roles.
#[utoipa::path(patch, path = "/v1/relationships/{relationship_id}", tag = "relationships",
    request_body = UpdateRelationship,
    params(("relationship_id" = String, Path, format = Uuid), ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = Relationship), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn update_relationship(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath(id): ApiPath<RelationshipId>,
    ApiJson(body): ApiJson<UpdateRelationship>,
) -> ApiResult<Response> {
    let patch = RelationshipPatch {
        display_name: body
            .display_name
            .as_deref()
            .map(portcullis_domain::relationship_name)
            .transpose()?,
        roles: body.roles,
        duration: body.duration,
        auto_extend_duration: body.auto_extend_duration,
    };
    let updated = state
        .portcullis
        .update_relationship(&caller, id, version, patch)
        .await?;
    Ok(ok(updated))
}

/// Withdraw a relationship that was never sent for approval.
#[utoipa::path(delete, path = "/v1/relationships/{relationship_id}", tag = "relationships",
    params(("relationship_id" = String, Path, format = Uuid), ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 204), (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn delete_relationship(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath(id): ApiPath<RelationshipId>,
) -> ApiResult<Response> {
    state
        .portcullis
        .delete_relationship(&caller, id, version)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Send the relationship to the customer (`created → approval_pending`).
#[utoipa::path(post, path = "/v1/relationships/{relationship_id}/request-approval", tag = "relationships",
    params(("relationship_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Relationship), (status = 409, body = ErrorBody)))]
async fn request_approval(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<RelationshipId>,
) -> ApiResult<Response> {
    Ok(ok(state.portcullis.request_approval(&caller, id).await?))
}

/// The customer approves (`approval_pending → active`, ending at now + duration).
#[utoipa::path(post, path = "/v1/relationships/{relationship_id}/approve", tag = "relationships",
    params(("relationship_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Relationship), (status = 409, body = ErrorBody)))]
async fn approve(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<RelationshipId>,
) -> ApiResult<Response> {
    Ok(ok(state
        .portcullis
        .approve_relationship(&caller, id)
        .await?))
}

/// Why a side rejects or terminates: optional, kept on the relationship as
/// `closed_reason`. The body itself may be left out.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRelationship {
    /// 1 to 1000 characters; shown to both sides and in the console.
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: Option<String>,
}

/// The customer rejects (`approval_pending → rejected`), optionally saying why.
#[utoipa::path(post, path = "/v1/relationships/{relationship_id}/reject", tag = "relationships",
    request_body(content = Option<CloseRelationship>, description = "optional; no body is no reason"),
    params(("relationship_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Relationship), (status = 409, body = ErrorBody)))]
async fn reject(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<RelationshipId>,
    OptionalJson(body): OptionalJson<CloseRelationship>,
) -> ApiResult<Response> {
    let portcullis = &state.portcullis;
    Ok(ok(match body.reason.as_deref() {
        Some(reason) => {
            portcullis
                .reject_relationship_because(&caller, id, reason)
                .await?
        }
        None => portcullis.reject_relationship(&caller, id).await?,
    }))
}

/// Either side ends an active relationship (`active → termination_requested`),
/// optionally saying why; it grants nothing from this instant.
#[utoipa::path(post, path = "/v1/relationships/{relationship_id}/terminate", tag = "relationships",
    request_body(content = Option<CloseRelationship>, description = "optional; no body is no reason"),
    params(("relationship_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Relationship), (status = 409, body = ErrorBody)))]
async fn terminate(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<RelationshipId>,
    OptionalJson(body): OptionalJson<CloseRelationship>,
) -> ApiResult<Response> {
    let portcullis = &state.portcullis;
    Ok(ok(match body.reason.as_deref() {
        Some(reason) => {
            portcullis
                .terminate_relationship_because(&caller, id, reason)
                .await?
        }
        None => portcullis.terminate_relationship(&caller, id).await?,
    }))
}

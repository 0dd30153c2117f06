//! `/v1.0/tenantRelationships/delegatedAdminRelationships`: list, create,
//! read, update and delete, over the same use cases as `/v1/relationships`.
//!
//! The partner of a relationship created here is the caller's own tenant
//! (a partner admin token), as Graph has no partner in the body.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portcullis_domain::RelationshipFilter;
use portcullis_domain::{
    IsoDuration, PageRequest, PrincipalKind, Relationship, RelationshipId, TenantId,
    relationship_name,
};
use portcullis_service::{Caller, NewRelationship, RelationshipPatch};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{GraphError, GraphResult};
use super::extract::{GraphCaller, GraphJson, GraphPath, GraphQuery, RequiredIfMatch, ServiceRoot};
use super::odata::{Collection, Entity, ListOptions, entity_response};
use super::relationship::{
    AccessDetails, CustomerParticipant, GraphRelationshipStatus, RELATIONSHIPS,
    RELATIONSHIPS_CONTEXT, RelationshipView, views,
};
use super::with_method_fallback;
use crate::error::ApiError;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(with_method_fallback(routes!(
            list_relationships,
            create_relationship
        )))
        .routes(with_method_fallback(routes!(
            get_relationship,
            update_relationship,
            delete_relationship
        )))
}

/// What `$filter` may test on relationships.
const FILTERABLE: &[&str] = &["status", "customer/tenantId"];

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = portcullis::graph::NewDelegatedAdminRelationship)]
pub struct NewRelationshipBody {
    /// Accepted and ignored.
    #[serde(rename = "@odata.type", default)]
    #[expect(dead_code, reason = "SDKs may send the type; the route implies it")]
    pub odata_type: Option<String>,
    /// 1 to 50 characters, unique among the partner's relationships.
    #[schema(min_length = 1, max_length = 50)]
    pub display_name: String,
    /// `P1D`..`P2Y`, e.g. `P730D`.
    #[schema(value_type = String)]
    pub duration: IsoDuration,
    /// Required here: Portcullis has no relationship without a customer.
    pub customer: CustomerParticipant,
    pub access_details: AccessDetails,
    /// `PT0S` (default), `P0D` or `P180D`.
    #[schema(value_type = Option<String>)]
    pub auto_extend_duration: Option<IsoDuration>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[schema(as = portcullis::graph::DelegatedAdminRelationshipChange)]
pub struct RelationshipChangeBody {
    /// Accepted and ignored.
    #[serde(rename = "@odata.type", default)]
    #[expect(dead_code, reason = "SDKs may send the type; the route implies it")]
    pub odata_type: Option<String>,
    #[schema(min_length = 1, max_length = 50)]
    pub display_name: Option<String>,
    #[schema(value_type = Option<String>)]
    pub duration: Option<IsoDuration>,
    /// May only name the relationship's own customer.
    pub customer: Option<CustomerParticipant>,
    pub access_details: Option<AccessDetails>,
    #[schema(value_type = Option<String>)]
    pub auto_extend_duration: Option<IsoDuration>,
}

/// `$top`, `$skiptoken` and `$filter` (documentation only: read by [`ListOptions`]).
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[expect(dead_code, reason = "documents the options `ListOptions` reads")]
pub struct FilteredListParams {
    /// Page size, 1 to 300 (100 when absent).
    #[serde(rename = "$top")]
    #[param(minimum = 1, maximum = 300)]
    pub top: Option<u32>,
    /// `property eq 'value'` clauses joined by `and`.
    #[serde(rename = "$filter")]
    pub filter: Option<String>,
    /// From the `@odata.nextLink` of the previous page.
    #[serde(rename = "$skiptoken")]
    pub skiptoken: Option<String>,
}

pub(super) fn relationship_id(raw: &str) -> GraphResult<RelationshipId> {
    RelationshipId::parse(raw).map_err(|e| ApiError::invalid_id(e).into())
}

pub(super) fn relationship_location(root: &ServiceRoot, id: RelationshipId) -> String {
    root.url(&format!("{RELATIONSHIPS}/{id}"))
}

/// One relationship as a `200`/`201` entity with its `ETag`.
async fn respond(
    state: &AppState,
    caller: &Caller,
    root: &ServiceRoot,
    status: StatusCode,
    relationship: Relationship,
) -> GraphResult<Response> {
    let location =
        (status == StatusCode::CREATED).then(|| relationship_location(root, relationship.id));
    let view = views(
        &state.portcullis,
        caller,
        std::slice::from_ref(&relationship),
    )
    .await?
    .pop()
    .ok_or_else(|| ApiError::internal("a relationship without a view"))?;
    let body = Entity {
        context: root.context(&format!("{RELATIONSHIPS_CONTEXT}/$entity")),
        value: view,
    };
    Ok(entity_response(
        status,
        Some(relationship.version),
        location.as_deref(),
        body,
    ))
}

/// List the relationships the caller is a party to (all, for operators).
#[utoipa::path(get, path = "/v1.0/tenantRelationships/delegatedAdminRelationships", tag = "graph",
    params(FilteredListParams), security(("bearer" = [])),
    responses((status = 200, body = Collection<RelationshipView>)))]
async fn list_relationships(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphQuery(query): GraphQuery,
) -> GraphResult<axum::Json<Collection<RelationshipView>>> {
    let options = ListOptions::parse(&query, FILTERABLE)?;
    let status = options
        .filter_value("status")
        .map(GraphRelationshipStatus::parse)
        .transpose()?;
    let customer = options
        .filter_value("customer/tenantId")
        .map(|raw| {
            TenantId::parse(raw)
                .map_err(|e| GraphError::bad_request("invalid_query", e.to_string()))
        })
        .transpose()?;
    let filter = RelationshipFilter {
        partner_tenant_id: None,
        customer_tenant_id: customer,
        status: status.and_then(GraphRelationshipStatus::stored),
    };
    let now = state.portcullis.clock().now();
    let wanted = |r: &Relationship| {
        status.is_none_or(|s| GraphRelationshipStatus::of(r, now) == s)
            && customer.is_none_or(|c| r.customer_tenant_id == c)
    };
    // Read store pages until one more match than a page holds.
    let mut found: Vec<Relationship> = Vec::new();
    let mut after = options.after.clone().map(portcullis_domain::Cursor);
    'pages: loop {
        let page = PageRequest::new(Some(PageRequest::MAX_LIMIT), after.take())?;
        let batch = state
            .portcullis
            .list_relationships(&caller, filter.clone(), &page)
            .await?;
        for relationship in batch.items {
            if wanted(&relationship) {
                found.push(relationship);
                if found.len() > options.top {
                    break 'pages;
                }
            }
        }
        match batch.next {
            Some(next) => after = Some(next),
            None => break,
        }
    }
    let more = found.len() > options.top;
    found.truncate(options.top);
    let next_link = match found.last() {
        Some(last) if more => Some(options.next_link(&root, RELATIONSHIPS, &last.id.to_string())),
        _ => None,
    };
    Ok(axum::Json(Collection {
        context: root.context(RELATIONSHIPS_CONTEXT),
        next_link,
        value: views(&state.portcullis, &caller, &found).await?,
    }))
}

/// Propose a relationship from the caller's partner tenant (partner admins).
#[utoipa::path(post, path = "/v1.0/tenantRelationships/delegatedAdminRelationships", tag = "graph",
    request_body = NewRelationshipBody, security(("bearer" = [])),
    responses((status = 201, body = Entity<RelationshipView>,
        headers(("Location" = String, description = "The URL of the new relationship"), ("ETag" = String)))))]
async fn create_relationship(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphJson(body): GraphJson<NewRelationshipBody>,
) -> GraphResult<Response> {
    let partner = match (caller.principal.kind(), caller.principal.tenant()) {
        (PrincipalKind::PartnerAdmin, Some(own)) => own,
        (kind, _) => {
            return Err(GraphError::forbidden(format!(
                "a `{kind}` may not create relationships here: the partner is the caller's own tenant; operators use `POST /v1/relationships`"
            )));
        }
    };
    let new = NewRelationship {
        partner_tenant_id: partner,
        customer_tenant_id: body.customer.tenant_id,
        display_name: relationship_name(&body.display_name)?,
        roles: body.access_details.roles(),
        duration: body.duration,
        auto_extend_duration: body.auto_extend_duration.unwrap_or_else(IsoDuration::zero),
    };
    let created = state.portcullis.create_relationship(&caller, new).await?;
    respond(&state, &caller, &root, StatusCode::CREATED, created).await
}

/// Read a relationship.
#[utoipa::path(get, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}",
    tag = "graph", params(("delegatedAdminRelationshipId" = String, Path, format = Uuid)),
    security(("bearer" = [])),
    responses((status = 200, body = Entity<RelationshipView>, headers(("ETag" = String)))))]
async fn get_relationship(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphPath(raw): GraphPath<String>,
) -> GraphResult<Response> {
    let relationship = state
        .portcullis
        .get_relationship(&caller, relationship_id(&raw)?)
        .await?;
    respond(&state, &caller, &root, StatusCode::OK, relationship).await
}

/// Change a relationship: name and terms while `created`; while `active`,
/// only the removal of privileged roles. `If-Match` is required.
#[utoipa::path(patch, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}",
    tag = "graph", request_body = RelationshipChangeBody,
    params(("delegatedAdminRelationshipId" = String, Path, format = Uuid),
        ("If-Match" = String, Header, description = "The `@odata.etag` of the relationship, or `*`")),
    security(("bearer" = [])),
    responses((status = 200, body = Entity<RelationshipView>, headers(("ETag" = String)))))]
async fn update_relationship(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    root: ServiceRoot,
    GraphPath(raw): GraphPath<String>,
    RequiredIfMatch(version): RequiredIfMatch,
    GraphJson(body): GraphJson<RelationshipChangeBody>,
) -> GraphResult<Response> {
    let id = relationship_id(&raw)?;
    if let Some(customer) = &body.customer {
        let current = state.portcullis.get_relationship(&caller, id).await?;
        if customer.tenant_id != current.customer_tenant_id {
            return Err(GraphError::bad_request(
                "customer_fixed",
                "the customer of a relationship cannot change; create another relationship",
            ));
        }
    }
    let patch = RelationshipPatch {
        display_name: body
            .display_name
            .as_deref()
            .map(relationship_name)
            .transpose()?,
        roles: body.access_details.as_ref().map(AccessDetails::roles),
        duration: body.duration,
        auto_extend_duration: body.auto_extend_duration,
    };
    let updated = state
        .portcullis
        .update_relationship(&caller, id, version, patch)
        .await?;
    respond(&state, &caller, &root, StatusCode::OK, updated).await
}

/// Delete a relationship that was never sent for approval. `If-Match` is required.
#[utoipa::path(delete, path = "/v1.0/tenantRelationships/delegatedAdminRelationships/{delegatedAdminRelationshipId}",
    tag = "graph",
    params(("delegatedAdminRelationshipId" = String, Path, format = Uuid),
        ("If-Match" = String, Header, description = "The `@odata.etag` of the relationship, or `*`")),
    security(("bearer" = [])), responses((status = 204)))]
async fn delete_relationship(
    State(state): State<AppState>,
    GraphCaller(caller): GraphCaller,
    GraphPath(raw): GraphPath<String>,
    RequiredIfMatch(version): RequiredIfMatch,
) -> GraphResult<Response> {
    state
        .portcullis
        .delete_relationship(&caller, relationship_id(&raw)?, version)
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

//! `/v1/templates` and `/v1/bulk`: relationship templates applied to many
//! customers in one call, and bulk changes across relationships (remove a
//! role, change auto-extend, terminate), each with a dry run, per-item
//! results and a cap per call; `?background=true` answers `202` with a
//! run whose progress `GET /v1/bulk/runs/{run_id}` shows.
//!
//! Partner admins: their partner's templates and relationships; operators:
//! any partner's. Customer admins and services: 403. Another partner's
//! template, relationship or run is 404, as an unknown one.

use std::collections::BTreeSet;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{
    AssignmentKind, BulkOperation, BulkReport, BulkRun, GroupId, IsoDuration, RecordId,
    RelationshipId, RelationshipTemplate, RelationshipTerms, RoleId, TemplateAssignment,
    TemplateId, TenantId,
};
use portcullis_service::{BulkJob, NewTemplate};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authenticated};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_templates, create_template))
        .routes(routes!(get_template, delete_template))
        .routes(routes!(apply_template))
        .routes(routes!(bulk_relationships))
        .routes(routes!(list_bulk_runs))
        .routes(routes!(get_bulk_run))
}

/// One assignment a template makes on each relationship.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TemplateAssignmentBody {
    pub group_id: GroupId,
    pub roles: BTreeSet<RoleId>,
    /// Standing when absent.
    pub kind: Option<AssignmentKind>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTemplate {
    /// Required of operators; a partner admin's own partner when absent.
    pub partner_tenant_id: Option<TenantId>,
    /// The template's name, unique per partner.
    #[schema(min_length = 1, max_length = 256)]
    pub name: String,
    /// The relationship name: `{customer}` and `{date}` are replaced; cut to 50 characters.
    #[schema(min_length = 1, max_length = 200, example = "Helpdesk – {customer}")]
    pub name_pattern: String,
    pub roles: BTreeSet<RoleId>,
    /// `P1D`..`P730D`.
    pub duration: IsoDuration,
    /// `PT0S` (default) or `P180D`.
    pub auto_extend_duration: Option<IsoDuration>,
    #[serde(default)]
    pub assignments: Vec<TemplateAssignmentBody>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// Operators: one partner's templates (every partner's otherwise).
    pub partner_tenant_id: Option<TenantId>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BackgroundQuery {
    /// Run in the background: answer `202` with the run at once.
    pub background: Option<bool>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyTemplate {
    /// The customers to propose a relationship to (at most the server's cap, 100 by default).
    pub customer_tenant_ids: Vec<TenantId>,
    /// Only check: nothing is created.
    #[serde(default)]
    pub dry_run: bool,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRelationships {
    /// What to do to each relationship.
    pub change: BulkOperation,
    /// The relationships (at most the server's cap, 100 by default); all must be the caller's.
    pub relationship_ids: Vec<RelationshipId>,
    /// Only check: nothing changes.
    #[serde(default)]
    pub dry_run: bool,
}

/// A list of templates.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TemplateList {
    pub items: Vec<RelationshipTemplate>,
}

/// This node's background bulk runs, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BulkRunList {
    pub items: Vec<BulkRun>,
}

/// The templates the caller may see.
#[utoipa::path(get, path = "/v1/templates", tag = "templates", params(TemplateQuery),
    security(("bearer" = [])), responses((status = 200, body = TemplateList)))]
async fn list_templates(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<TemplateQuery>,
) -> ApiResult<axum::Json<TemplateList>> {
    let items = state
        .portcullis
        .list_templates(&caller, q.partner_tenant_id)
        .await?;
    Ok(axum::Json(TemplateList { items }))
}

/// Save a relationship template (partner admins for their partner, operators).
#[utoipa::path(post, path = "/v1/templates", tag = "templates", request_body = CreateTemplate,
    security(("bearer" = [])),
    responses((status = 201, body = RelationshipTemplate), (status = 409, body = ErrorBody)))]
async fn create_template(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<CreateTemplate>,
) -> ApiResult<Response> {
    let new = NewTemplate {
        partner_tenant_id: body.partner_tenant_id,
        name: portcullis_domain::DisplayName::parse(&body.name)?,
        name_pattern: body.name_pattern,
        terms: RelationshipTerms {
            roles: body.roles,
            duration: body.duration,
            auto_extend_duration: body.auto_extend_duration.unwrap_or_else(IsoDuration::zero),
        },
        assignments: body
            .assignments
            .into_iter()
            .map(|a| TemplateAssignment {
                group_id: a.group_id,
                roles: a.roles,
                kind: a.kind.unwrap_or(AssignmentKind::Standing),
            })
            .collect(),
    };
    let created = state.portcullis.create_template(&caller, new).await?;
    Ok((StatusCode::CREATED, axum::Json(created)).into_response())
}

/// Read a template.
#[utoipa::path(get, path = "/v1/templates/{template_id}", tag = "templates",
    params(("template_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = RelationshipTemplate)))]
async fn get_template(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<TemplateId>,
) -> ApiResult<axum::Json<RelationshipTemplate>> {
    Ok(axum::Json(
        state.portcullis.get_template(&caller, id).await?,
    ))
}

/// Delete a template (relationships made from it stay).
#[utoipa::path(delete, path = "/v1/templates/{template_id}", tag = "templates",
    params(("template_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 204)))]
async fn delete_template(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<TemplateId>,
) -> ApiResult<Response> {
    state.portcullis.delete_template(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Runs a job now (200 with its report) or in the background (202 with its run).
async fn run(
    state: &AppState,
    caller: &portcullis_service::Caller,
    job: BulkJob,
    background: bool,
) -> ApiResult<Response> {
    if background {
        let run = state.portcullis.start_bulk(caller, job).await?;
        return Ok((StatusCode::ACCEPTED, axum::Json(run)).into_response());
    }
    let report: BulkReport = state
        .portcullis
        .run_bulk(caller, &job, &|_: &BulkReport| {})
        .await?;
    Ok(axum::Json(report).into_response())
}

/// Apply a template to customers: one relationship request per customer,
/// sent for approval with its assignments pending (or, with `dry_run`,
/// only the checks); one result per customer.
#[utoipa::path(post, path = "/v1/templates/{template_id}/apply", tag = "templates",
    request_body = ApplyTemplate,
    params(("template_id" = String, Path, format = Uuid), BackgroundQuery), security(("bearer" = [])),
    responses((status = 200, body = BulkReport), (status = 202, body = BulkRun)))]
async fn apply_template(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<BackgroundQuery>,
    ApiPath(id): ApiPath<TemplateId>,
    ApiJson(body): ApiJson<ApplyTemplate>,
) -> ApiResult<Response> {
    let job = BulkJob::ApplyTemplate {
        template_id: id,
        customer_tenant_ids: body.customer_tenant_ids,
        dry_run: body.dry_run,
    };
    run(&state, &caller, job, q.background == Some(true)).await
}

/// Change many relationships alike: remove a role (Global Administrator
/// when none is named), set auto-extend, or terminate; one result per
/// relationship.
#[utoipa::path(post, path = "/v1/bulk/relationships", tag = "templates",
    request_body = BulkRelationships, params(BackgroundQuery), security(("bearer" = [])),
    responses((status = 200, body = BulkReport), (status = 202, body = BulkRun)))]
async fn bulk_relationships(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<BackgroundQuery>,
    ApiJson(body): ApiJson<BulkRelationships>,
) -> ApiResult<Response> {
    let job = BulkJob::Relationships {
        operation: body.change,
        relationship_ids: body.relationship_ids,
        dry_run: body.dry_run,
    };
    run(&state, &caller, job, q.background == Some(true)).await
}

/// The background bulk runs the caller may see, from any node: newest
/// first, at most 100, with their counts (the items are on each run).
#[utoipa::path(get, path = "/v1/bulk/runs", tag = "templates",
    security(("bearer" = [])), responses((status = 200, body = BulkRunList)))]
async fn list_bulk_runs(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> ApiResult<axum::Json<BulkRunList>> {
    Ok(axum::Json(BulkRunList {
        items: state.portcullis.bulk_runs(&caller).await?,
    }))
}

/// A background bulk run and its progress (`report.items` so far), from
/// any node.
#[utoipa::path(get, path = "/v1/bulk/runs/{run_id}", tag = "templates",
    params(("run_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = BulkRun)))]
async fn get_bulk_run(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<RecordId>,
) -> ApiResult<axum::Json<BulkRun>> {
    Ok(axum::Json(state.portcullis.bulk_run(&caller, id).await?))
}

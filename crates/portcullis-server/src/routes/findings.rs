//! `/v1/findings` and `/v1/containments`: detection findings (operators
//! triage them; a partner admin reads its partner's) and containment
//! (operators contain a partner user or tenant and lift it, audited).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use portcullis_domain::{Containment, ContainmentFilter, ContainmentMode, Finding, FindingFilter};
use portcullis_domain::{RecordId, TenantId, Timestamp};
use portcullis_service::ContainmentKind;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::vetting::reason;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, IfMatch, page_request};
use crate::list::{ListResponse, versioned};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_findings))
        .routes(routes!(get_finding, update_finding))
        .routes(routes!(list_containments, create_containment))
        .routes(routes!(lift_containment))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FindingQuery {
    /// `New`, `In Progress`, `Resolved` or `Suppressed`.
    #[param(max_length = 32)]
    pub status: Option<String>,
    #[param(max_length = 128)]
    pub rule_id: Option<String>,
    #[param(max_length = 128)]
    pub partner_tenant_id: Option<String>,
    #[param(max_length = 256)]
    pub user_id: Option<String>,
    /// RFC 3339: findings with evidence at or after this time.
    pub since: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
    /// Only findings whose evidence touched this customer tenant (a
    /// customer admin always reads only its own tenant's).
    #[param(value_type = Option<String>, format = Uuid)]
    pub customer_tenant_id: Option<TenantId>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingUpdate {
    /// `In Progress`, `Resolved` or `Suppressed` (which needs a reason).
    #[schema(max_length = 32)]
    pub status: String,
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContainmentQuery {
    /// Only containments not lifted (default true).
    pub active: Option<bool>,
    /// `enforced` or `shadow` (what the containment policy would have
    /// contained); both when absent.
    pub mode: Option<ContainmentMode>,
    /// Only the containments this finding led to.
    #[param(value_type = Option<String>, format = Uuid)]
    pub finding_id: Option<RecordId>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContainment {
    pub kind: ContainmentKind,
    /// The partner user's or partner tenant's id.
    #[schema(max_length = 64)]
    pub target_id: String,
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
    /// The finding that prompted it.
    pub finding_id: Option<RecordId>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Lift {
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

/// List findings (operators: all; partner admins: their partner's; customer
/// admins: those concerning their tenant, with every other customer's id
/// and evidence left out).
#[utoipa::path(get, path = "/v1/findings", tag = "findings", params(FindingQuery),
    security(("bearer" = [])), responses((status = 200, body = ListResponse<Finding>)))]
async fn list_findings(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<FindingQuery>,
) -> ApiResult<axum::Json<ListResponse<Finding>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = FindingFilter {
        status: q.status,
        rule_id: q.rule_id,
        partner_tenant_id: q.partner_tenant_id,
        user_id: q.user_id,
        since: q
            .since
            .as_deref()
            .map(|t| Timestamp::parse("since", t))
            .transpose()?,
        customer_tenant_id: q.customer_tenant_id,
    };
    Ok(axum::Json(
        state
            .portcullis
            .list_detection_findings(&caller, filter, &page)
            .await?
            .into(),
    ))
}

/// Read a finding (as the list shows it; 404 for a finding the caller may
/// not see).
#[utoipa::path(get, path = "/v1/findings/{finding_id}", tag = "findings",
    params(("finding_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Finding)))]
async fn get_finding(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<RecordId>,
) -> ApiResult<Response> {
    let found = state.portcullis.get_detection_finding(&caller, id).await?;
    Ok(versioned(StatusCode::OK, found.version, found))
}

/// Change a finding's status (operators), audited.
#[utoipa::path(patch, path = "/v1/findings/{finding_id}", tag = "findings",
    request_body = FindingUpdate, params(("finding_id" = String, Path, format = Uuid)),
    security(("bearer" = [])),
    responses((status = 200, body = Finding), (status = 412, body = ErrorBody)))]
async fn update_finding(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath(id): ApiPath<RecordId>,
    ApiJson(body): ApiJson<FindingUpdate>,
) -> ApiResult<Response> {
    let updated = state
        .portcullis
        .set_finding_status(&caller, id, &body.status, body.reason.as_deref(), version)
        .await?;
    Ok(versioned(StatusCode::OK, updated.version, updated))
}

/// List containments (operators).
#[utoipa::path(get, path = "/v1/containments", tag = "findings", params(ContainmentQuery),
    security(("bearer" = [])), responses((status = 200, body = ListResponse<Containment>)))]
async fn list_containments(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<ContainmentQuery>,
) -> ApiResult<axum::Json<ListResponse<Containment>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = ContainmentFilter {
        active_only: q.active.unwrap_or(true),
        mode: q.mode,
        finding_id: q.finding_id,
    };
    Ok(axum::Json(
        state
            .portcullis
            .list_containments(&caller, &filter, &page)
            .await?
            .into(),
    ))
}

/// Contain a partner user or partner tenant (operators): decisions deny at once.
#[utoipa::path(post, path = "/v1/containments", tag = "findings", request_body = NewContainment,
    security(("bearer" = [])),
    responses((status = 201, body = Containment), (status = 409, body = ErrorBody)))]
async fn create_containment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<NewContainment>,
) -> ApiResult<(StatusCode, axum::Json<Containment>)> {
    let created = state
        .portcullis
        .contain(
            &caller,
            body.kind,
            &body.target_id,
            &reason(&body.reason)?,
            body.finding_id,
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(created)))
}

/// Lift a containment (operators), audited.
#[utoipa::path(post, path = "/v1/containments/{containment_id}/lift", tag = "findings",
    request_body = Lift, params(("containment_id" = String, Path, format = Uuid)),
    security(("bearer" = [])),
    responses((status = 200, body = Containment), (status = 409, body = ErrorBody)))]
async fn lift_containment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<RecordId>,
    ApiJson(body): ApiJson<Lift>,
) -> ApiResult<axum::Json<Containment>> {
    Ok(axum::Json(
        state
            .portcullis
            .lift_containment(&caller, id, &reason(&body.reason)?)
            .await?,
    ))
}

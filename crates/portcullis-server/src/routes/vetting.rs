//! `/v1/vetting`: partner applications, their cases, reviews and standing.
//!
//! Partner admins apply for their own tenant, publish the DNS challenge,
//! ask for screening, answer requests for information and read their own
//! cases. Operators do all that for any partner, and alone review, suspend,
//! reinstate, revoke and re-verify. Customer admins and services are refused;
//! another tenant's case is 404.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use portcullis_domain::TenantId;
use portcullis_domain::vetting::{Application, CaseId, CaseState, ReviewDecision, VettingCase};
use portcullis_domain::vetting::{CaseFilter, ScreeningOutcome, VettingConcern};
use portcullis_service::{CaseDetail, ReviewResult};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, IfMatch, page_request};
use crate::list::{ListResponse, PageQuery, versioned};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit_application))
        .routes(routes!(list_cases))
        .routes(routes!(get_case))
        .routes(routes!(screen_case))
        .routes(routes!(amend_application))
        .routes(routes!(review_queue))
        .routes(routes!(review_case))
        .routes(routes!(suspend))
        .routes(routes!(reinstate))
        .routes(routes!(revoke))
        .routes(routes!(reverify_domain))
        .routes(routes!(list_findings))
        .routes(routes!(screening_history))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmitApplication {
    /// The applying partner tenant (a partner admin's own tenant when absent).
    pub tenant_id: Option<TenantId>,
    pub application: Application,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub decision: ReviewDecision,
    /// Why: kept with the case and in the audit log (1–1000 characters).
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// 1–1000 characters.
    #[schema(min_length = 1, max_length = 1000)]
    pub reason: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    pub tenant_id: Option<TenantId>,
    pub state: Option<CaseState>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FindingQuery {
    pub tenant_id: Option<TenantId>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// A reason given with a change: 1–1000 characters once trimmed, with no
/// control characters or bidirectional overrides.
pub(crate) fn reason(text: &str) -> Result<String, ApiError> {
    let trimmed = text.trim();
    let len = trimmed.chars().count();
    if (1..=1000).contains(&len) {
        Ok(portcullis_domain::free_text("reason", trimmed, 1000)?)
    } else {
        Err(portcullis_domain::ValidationError::new(
            "reason",
            format!("is {len} characters long; 1 to 1000 are allowed"),
        )
        .into())
    }
}

fn detail(status: StatusCode, detail: CaseDetail) -> Response {
    versioned(status, detail.case.version, detail)
}

/// Apply to become a partner (partner admins for their tenant, operators on
/// behalf of any partner). The answer carries the DNS TXT record to publish.
#[utoipa::path(post, path = "/v1/vetting/applications", tag = "vetting",
    request_body = SubmitApplication, security(("bearer" = [])),
    responses((status = 201, body = CaseDetail), (status = 409, body = ErrorBody)))]
async fn submit_application(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<SubmitApplication>,
) -> ApiResult<Response> {
    let tenant = match (body.tenant_id, caller.principal.tenant()) {
        (Some(tenant), _) | (None, Some(tenant)) => tenant,
        (None, None) => {
            return Err(portcullis_domain::ValidationError::new(
                "tenant_id",
                "is required when the caller is not bound to a partner tenant",
            )
            .into());
        }
    };
    let created = state
        .portcullis
        .submit_application(&caller, tenant, body.application)
        .await?;
    Ok(detail(StatusCode::CREATED, created))
}

/// List cases (operators: all; partner admins: their own).
#[utoipa::path(get, path = "/v1/vetting/cases", tag = "vetting", params(CaseQuery),
    security(("bearer" = [])), responses((status = 200, body = ListResponse<VettingCase>)))]
async fn list_cases(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<CaseQuery>,
) -> ApiResult<axum::Json<ListResponse<VettingCase>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = CaseFilter {
        tenant_id: q.tenant_id,
        state: q.state,
    };
    Ok(axum::Json(
        state
            .portcullis
            .list_cases(&caller, filter, &page)
            .await?
            .into(),
    ))
}

/// Read a case with its challenge, history and check results.
#[utoipa::path(get, path = "/v1/vetting/cases/{case_id}", tag = "vetting",
    params(("case_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = CaseDetail)))]
async fn get_case(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<CaseId>,
) -> ApiResult<Response> {
    let found = state.portcullis.get_case(&caller, id).await?;
    Ok(detail(StatusCode::OK, found))
}

/// Run the checks of a `submitted` case (publish the DNS record first).
#[utoipa::path(post, path = "/v1/vetting/cases/{case_id}/screen", tag = "vetting",
    params(("case_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = CaseDetail), (status = 409, body = ErrorBody)))]
async fn screen_case(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<CaseId>,
) -> ApiResult<Response> {
    let screened = state.portcullis.screen_case(&caller, id).await?;
    Ok(detail(StatusCode::OK, screened))
}

/// Answer a request for information with a corrected application; the case
/// is screened again.
#[utoipa::path(put, path = "/v1/vetting/cases/{case_id}/application", tag = "vetting",
    request_body = Application, params(("case_id" = String, Path, format = Uuid)),
    security(("bearer" = [])),
    responses((status = 200, body = CaseDetail), (status = 409, body = ErrorBody)))]
async fn amend_application(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<Application>,
) -> ApiResult<Response> {
    let amended = state
        .portcullis
        .amend_application(&caller, id, body)
        .await?;
    Ok(detail(StatusCode::OK, amended))
}

/// Cases waiting for review, riskiest first (operators).
#[utoipa::path(get, path = "/v1/vetting/review-queue", tag = "vetting", params(PageQuery),
    security(("bearer" = [])), responses((status = 200, body = ListResponse<VettingCase>)))]
async fn review_queue(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<ListResponse<VettingCase>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(
        state.portcullis.review_queue(&caller, &page).await?.into(),
    ))
}

/// Approve, reject, or ask the applicant for information (operators; never
/// the submitter; two distinct approvals for a high-risk case).
#[utoipa::path(post, path = "/v1/vetting/cases/{case_id}/reviews", tag = "vetting",
    request_body = Review, params(("case_id" = String, Path, format = Uuid)),
    security(("bearer" = [])),
    responses((status = 200, body = ReviewResult), (status = 403, body = ErrorBody),
        (status = 409, body = ErrorBody)))]
async fn review_case(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath(id): ApiPath<CaseId>,
    ApiJson(body): ApiJson<Review>,
) -> ApiResult<axum::Json<ReviewResult>> {
    let result = state
        .portcullis
        .review_case(&caller, id, body.decision, &reason(&body.reason)?, version)
        .await?;
    Ok(axum::Json(result))
}

macro_rules! standing_route {
    ($name:ident, $path:literal, $call:ident, $doc:literal) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "vetting", request_body = Reason,
                    params(("case_id" = String, Path, format = Uuid)), security(("bearer" = [])),
                    responses((status = 200, body = CaseDetail), (status = 409, body = ErrorBody)))]
        async fn $name(
            State(state): State<AppState>,
            Authenticated(caller): Authenticated,
            ApiPath(id): ApiPath<CaseId>,
            ApiJson(body): ApiJson<Reason>,
        ) -> ApiResult<Response> {
            let changed = state
                .portcullis
                .$call(&caller, id, &reason(&body.reason)?)
                .await?;
            Ok(detail(StatusCode::OK, changed))
        }
    };
}

standing_route!(
    suspend,
    "/v1/vetting/cases/{case_id}/suspend",
    suspend_partner,
    "Suspend an approved partner (operators): its access stops at once."
);
standing_route!(
    reinstate,
    "/v1/vetting/cases/{case_id}/reinstate",
    reinstate_partner,
    "Reinstate a suspended partner (operators)."
);
standing_route!(
    revoke,
    "/v1/vetting/cases/{case_id}/revoke",
    revoke_partner,
    "Revoke an approved or suspended partner for good (operators)."
);

/// Check the domain's challenge record again (operators); a vanished record
/// opens a finding.
#[utoipa::path(post, path = "/v1/vetting/cases/{case_id}/reverify-domain", tag = "vetting",
    params(("case_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = CaseDetail)))]
async fn reverify_domain(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<CaseId>,
) -> ApiResult<Response> {
    let checked = state.portcullis.reverify_domain(&caller, id).await?;
    Ok(detail(StatusCode::OK, checked))
}

/// Vetting findings (operators: all or one partner's; partner admins: their own).
#[utoipa::path(get, path = "/v1/vetting/findings", tag = "vetting", params(FindingQuery),
    security(("bearer" = [])), responses((status = 200, body = ListResponse<VettingConcern>)))]
async fn list_findings(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<FindingQuery>,
) -> ApiResult<axum::Json<ListResponse<VettingConcern>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(
        state
            .portcullis
            .list_vetting_findings(&caller, q.tenant_id, &page)
            .await?
            .into(),
    ))
}

/// Every change of a partner's screening outcome, oldest first: when it
/// first matched, and when that changed.
#[utoipa::path(get, path = "/v1/vetting/partners/{tenant_id}/screening-history", tag = "vetting",
    params(("tenant_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Vec<ScreeningOutcome>)))]
async fn screening_history(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(tenant): ApiPath<TenantId>,
) -> ApiResult<axum::Json<Vec<ScreeningOutcome>>> {
    Ok(axum::Json(
        state.portcullis.screening_history(&caller, tenant).await?,
    ))
}

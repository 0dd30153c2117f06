//! `/v1/access-reviews` and `/v1/tenants/{tenant_id}/access-review-policy`:
//! customer access reviews of a partner's access (the Entra access-review
//! model) and each customer's recurring review policy.
//!
//! Customer admins start, decide and complete their tenant's reviews and
//! set its policy; operators read every review and policy; partner admins
//! and services are refused. Another tenant's review or policy is 404, as
//! a missing one.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{
    AccessReview, AccessReviewDetail, AccessReviewFilter, ReviewDecision, ReviewPolicy,
    ReviewScope, ReviewStatus, TenantId, UsageWindow,
};
use portcullis_service::{ItemDecision, NewAccessReview, ReviewPolicyInput};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, IfMatch, page_request};
use crate::list::{ListResponse, versioned};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_reviews, start_review))
        .routes(routes!(get_review))
        .routes(routes!(decide_review))
        .routes(routes!(complete_review))
        .routes(routes!(get_policy, set_policy, delete_policy))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReviewListQuery {
    /// Operators: one customer's reviews. A customer admin sees only its own.
    pub customer_tenant_id: Option<TenantId>,
    pub partner_tenant_id: Option<TenantId>,
    pub status: Option<ReviewStatus>,
    /// 1 to 200; 50 when absent.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EvidenceQuery {
    /// The usage window shown beside each item, in days ending today: 1 to 365, default 90.
    #[param(minimum = 1, maximum = 365)]
    pub days: Option<u32>,
}

fn privileged() -> ReviewScope {
    ReviewScope::Privileged
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartReview {
    /// The partner whose access to the caller's tenant is reviewed.
    pub partner_tenant_id: TenantId,
    /// `privileged` (default): only what holds a privileged role; `all`: everything.
    #[serde(default = "privileged")]
    pub scope: ReviewScope,
    /// On completion, also remove what nobody reviewed. Default `false`.
    #[serde(default)]
    pub remove_unreviewed: bool,
    /// Days the review stays open: 1 to 90, default 14; then it completes by itself.
    pub duration_days: Option<u32>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// An item id of the review, e.g. `assignment.<id>`.
    pub item_id: String,
    pub decision: ReviewDecision,
    /// Why (up to 1,000 characters).
    pub justification: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decisions {
    pub decisions: Vec<Decision>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetPolicy {
    /// Days between two reviews of one partner: 1 to 365, default 90.
    pub every_days: Option<u32>,
    /// Days each review stays open: 1 to 90, default 14.
    pub duration_days: Option<u32>,
    /// Default `privileged`.
    pub scope: Option<ReviewScope>,
    #[serde(default)]
    pub remove_unreviewed: bool,
}

/// List access reviews: a customer admin its tenant's, operators all.
#[utoipa::path(get, path = "/v1/access-reviews", tag = "access reviews", params(ReviewListQuery),
    security(("bearer" = [])),
    responses((status = 200, body = ListResponse<AccessReview>), (status = 403, body = ErrorBody)))]
async fn list_reviews(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<ReviewListQuery>,
) -> ApiResult<axum::Json<ListResponse<AccessReview>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = AccessReviewFilter {
        customer_tenant_id: q.customer_tenant_id,
        partner_tenant_id: q.partner_tenant_id,
        status: q.status,
    };
    Ok(axum::Json(
        state
            .portcullis
            .list_access_reviews(&caller, filter, &page)
            .await?
            .into(),
    ))
}

/// Start a review of a partner's access to the caller's tenant (customer admins).
#[utoipa::path(post, path = "/v1/access-reviews", tag = "access reviews", request_body = StartReview,
    security(("bearer" = [])),
    responses((status = 201, body = AccessReview), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn start_review(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<StartReview>,
) -> ApiResult<Response> {
    let new = NewAccessReview {
        partner_tenant_id: body.partner_tenant_id,
        scope: body.scope,
        remove_unreviewed: body.remove_unreviewed,
        duration_days: body.duration_days,
    };
    let review = state.portcullis.start_access_review(&caller, new).await?;
    Ok(versioned(StatusCode::CREATED, review.version, review))
}

/// Read a review with each item's usage and the recommendations about it.
#[utoipa::path(get, path = "/v1/access-reviews/{review_id}", tag = "access reviews",
    params(("review_id" = String, Path, format = Uuid), EvidenceQuery), security(("bearer" = [])),
    responses((status = 200, body = AccessReviewDetail), (status = 404, body = ErrorBody)))]
async fn get_review(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<EvidenceQuery>,
) -> ApiResult<Response> {
    let detail = state
        .portcullis
        .get_access_review(&caller, &id, UsageWindow::parse(q.days)?)
        .await?;
    Ok(versioned(StatusCode::OK, detail.review.version, detail))
}

/// Approve or deny items of a review in progress; `If-Match` guards
/// against deciding over another reviewer's answers.
#[utoipa::path(post, path = "/v1/access-reviews/{review_id}/decisions", tag = "access reviews",
    request_body = Decisions,
    params(("review_id" = String, Path, format = Uuid), ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = AccessReview), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn decide_review(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
    ApiJson(body): ApiJson<Decisions>,
) -> ApiResult<Response> {
    let decisions = body
        .decisions
        .into_iter()
        .map(|d| ItemDecision {
            item_id: d.item_id,
            decision: d.decision,
            justification: d.justification,
        })
        .collect();
    let review = state
        .portcullis
        .decide_access_review(&caller, &id, version, decisions)
        .await?;
    Ok(versioned(StatusCode::OK, review.version, review))
}

/// Complete a review: denied access (and, if the review says so,
/// unreviewed access) is removed; each item records its outcome.
#[utoipa::path(post, path = "/v1/access-reviews/{review_id}/complete", tag = "access reviews",
    params(("review_id" = String, Path, format = Uuid), ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = AccessReview), (status = 404, body = ErrorBody),
        (status = 409, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn complete_review(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    IfMatch(version): IfMatch,
) -> ApiResult<Response> {
    let review = state
        .portcullis
        .complete_access_review(&caller, &id, version)
        .await?;
    Ok(versioned(StatusCode::OK, review.version, review))
}

/// Read a customer's recurring review policy.
#[utoipa::path(get, path = "/v1/tenants/{tenant_id}/access-review-policy", tag = "access reviews",
    params(("tenant_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = ReviewPolicy), (status = 404, body = ErrorBody)))]
async fn get_policy(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<Response> {
    let policy = state.portcullis.get_review_policy(&caller, id).await?;
    Ok(versioned(StatusCode::OK, policy.version, policy))
}

/// Set the caller's tenant's recurring review policy (customer admins):
/// each partner's access is reviewed every `every_days` days.
#[utoipa::path(put, path = "/v1/tenants/{tenant_id}/access-review-policy", tag = "access reviews",
    request_body = SetPolicy,
    params(("tenant_id" = String, Path, format = Uuid), ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = ReviewPolicy), (status = 404, body = ErrorBody), (status = 412, body = ErrorBody)))]
async fn set_policy(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath(id): ApiPath<TenantId>,
    ApiJson(body): ApiJson<SetPolicy>,
) -> ApiResult<Response> {
    let input = ReviewPolicyInput {
        every_days: body.every_days,
        duration_days: body.duration_days,
        scope: body.scope,
        remove_unreviewed: body.remove_unreviewed,
    };
    let policy = state
        .portcullis
        .set_review_policy(&caller, id, input, version)
        .await?;
    Ok(versioned(StatusCode::OK, policy.version, policy))
}

/// Remove the caller's tenant's review policy; reviews in progress stay.
#[utoipa::path(delete, path = "/v1/tenants/{tenant_id}/access-review-policy", tag = "access reviews",
    params(("tenant_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_policy(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<Response> {
    state.portcullis.delete_review_policy(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

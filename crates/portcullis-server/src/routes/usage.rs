//! `/v1/usage` and `/v1/recommendations`: role usage counted from allowed
//! decisions, and the least-privilege recommendations computed from it.
//!
//! Usage: operators all; partner admins their partner's relationships;
//! customer admins the relationships in their tenant; services 403.
//! Recommendations: operators all, partner admins their own; only a
//! partner admin applies one (its partner's). Another tenant's
//! relationship or recommendation is 404.

use axum::extract::{Path, State};
use portcullis_domain::{
    AppliedRecommendation, Recommendation, RelationshipId, RelationshipUsage, TenantId,
    UsageReport, UsageWindow,
};
use portcullis_service::UsageQuery as ServiceUsageQuery;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiPath, ApiQuery, Authenticated};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(usage_report))
        .routes(routes!(relationship_usage))
        .routes(routes!(list_recommendations))
        .routes(routes!(apply_recommendation))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UsageQuery {
    pub partner_tenant_id: Option<TenantId>,
    pub customer_tenant_id: Option<TenantId>,
    /// The window in days, ending today (UTC): 1 to 365, default 90.
    #[param(minimum = 1, maximum = 365)]
    pub days: Option<u32>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WindowQuery {
    /// The window in days, ending today (UTC): 1 to 365, default 90.
    #[param(minimum = 1, maximum = 365)]
    pub days: Option<u32>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RecommendationQuery {
    /// Operators: one partner's recommendations (all partners' otherwise).
    pub partner_tenant_id: Option<TenantId>,
    /// The window in days, ending today (UTC): 1 to 365, default 90.
    #[param(minimum = 1, maximum = 365)]
    pub days: Option<u32>,
}

/// Recommendations, most relevant relationship first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RecommendationList {
    pub window_days: u32,
    pub items: Vec<Recommendation>,
}

/// Role usage of the relationships the caller may see, per role, action,
/// assignment and partner user.
#[utoipa::path(get, path = "/v1/usage", tag = "usage", params(UsageQuery),
    security(("bearer" = [])), responses((status = 200, body = UsageReport)))]
async fn usage_report(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<UsageQuery>,
) -> ApiResult<axum::Json<UsageReport>> {
    let query = ServiceUsageQuery {
        partner_tenant_id: q.partner_tenant_id,
        customer_tenant_id: q.customer_tenant_id,
    };
    let report = state
        .portcullis
        .usage_report(&caller, query, UsageWindow::parse(q.days)?)
        .await?;
    Ok(axum::Json(report))
}

/// Role usage of one relationship (a party of it, or an operator).
#[utoipa::path(get, path = "/v1/relationships/{relationship_id}/usage", tag = "usage",
    params(("relationship_id" = String, Path, format = Uuid), WindowQuery),
    security(("bearer" = [])), responses((status = 200, body = RelationshipUsage)))]
async fn relationship_usage(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<WindowQuery>,
    ApiPath(id): ApiPath<RelationshipId>,
) -> ApiResult<axum::Json<RelationshipUsage>> {
    let usage = state
        .portcullis
        .relationship_usage(&caller, id, UsageWindow::parse(q.days)?)
        .await?;
    Ok(axum::Json(usage))
}

/// Least-privilege recommendations, each with its evidence, the reduction
/// it buys and what applying it does.
#[utoipa::path(get, path = "/v1/recommendations", tag = "usage", params(RecommendationQuery),
    security(("bearer" = [])), responses((status = 200, body = RecommendationList)))]
async fn list_recommendations(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<RecommendationQuery>,
) -> ApiResult<axum::Json<RecommendationList>> {
    let window = UsageWindow::parse(q.days)?;
    let items = state
        .portcullis
        .recommendations(&caller, q.partner_tenant_id, window)
        .await?;
    Ok(axum::Json(RecommendationList {
        window_days: window.days(),
        items,
    }))
}

/// Apply a recommendation (partner admins, their partner's): a removal or
/// eligibility at once; a narrowing as a new relationship request for the
/// customer to approve.
#[utoipa::path(post, path = "/v1/recommendations/{recommendation_id}/apply", tag = "usage",
    params(("recommendation_id" = String, Path, max_length = 128,
        description = "`remove_role.<assignment>.<role>`, `make_eligible.<assignment>` or `narrow_relationship.<relationship>`"),
        WindowQuery),
    security(("bearer" = [])),
    responses((status = 200, body = AppliedRecommendation), (status = 409, body = ErrorBody)))]
async fn apply_recommendation(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(id): Path<String>,
    ApiQuery(q): ApiQuery<WindowQuery>,
) -> ApiResult<axum::Json<AppliedRecommendation>> {
    let applied = state
        .portcullis
        .apply_recommendation(&caller, &id, UsageWindow::parse(q.days)?)
        .await?;
    Ok(axum::Json(applied))
}

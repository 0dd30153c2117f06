//! `/v1/posture/partners/{tenant_id}/score`: the partner security score
//! (0–100, its parts and the measured response times) and its daily
//! history. Operators: any partner; partner admins: their own (another is
//! 404); customer admins and services: 403.

use axum::extract::State;
use portcullis_domain::{PartnerScore, ScorePoint, TenantId};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery, Authenticated};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(score))
        .routes(routes!(score_history))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Days ending today (UTC): 1 to 365, default 90.
    #[param(minimum = 1, maximum = 365)]
    pub days: Option<i64>,
}

/// A partner's daily scores, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ScoreHistory {
    pub items: Vec<ScorePoint>,
}

/// The partner's security score now (kept as its score of the day).
#[utoipa::path(get, path = "/v1/posture/partners/{tenant_id}/score", tag = "posture",
    params(("tenant_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = PartnerScore)))]
async fn score(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<axum::Json<PartnerScore>> {
    Ok(axum::Json(
        state.portcullis.partner_score(&caller, id).await?,
    ))
}

/// The partner's score history: the last score of each day.
#[utoipa::path(get, path = "/v1/posture/partners/{tenant_id}/score/history", tag = "posture",
    params(("tenant_id" = String, Path, format = Uuid), HistoryQuery), security(("bearer" = [])),
    responses((status = 200, body = ScoreHistory)))]
async fn score_history(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<HistoryQuery>,
    ApiPath(id): ApiPath<TenantId>,
) -> ApiResult<axum::Json<ScoreHistory>> {
    let items = state
        .portcullis
        .score_history(&caller, id, q.days.unwrap_or(90))
        .await?;
    Ok(axum::Json(ScoreHistory { items }))
}

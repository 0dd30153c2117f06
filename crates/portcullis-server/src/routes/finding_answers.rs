//! `/v1/findings/{finding_id}/acknowledge`, `/resolve` and `/response`:
//! a partner admin answers a finding about its own users, and when (and by
//! whom) it was answered is kept to measure the partner's response time.
//!
//! Acknowledging and resolving: partner admins, their partner's findings
//! only (another's is 404); operators triage with `PATCH` instead, and
//! customer admins and services are 403. Reading the response: as reading
//! the finding.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use portcullis_domain::{Finding, FindingResponse, RecordId};
use portcullis_service::FindingAnswer;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Authenticated, IfMatch};
use crate::list::versioned;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(acknowledge))
        .routes(routes!(resolve))
        .routes(routes!(response))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingAnswerBody {
    /// What the partner did or found (kept as the finding's status reason).
    #[schema(max_length = 1000)]
    pub reason: Option<String>,
}

/// The finding as answered, and its response times.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AnsweredFinding {
    pub finding: Finding,
    pub response: FindingResponse,
}

async fn answer(
    state: &AppState,
    caller: &portcullis_service::Caller,
    id: RecordId,
    answer: FindingAnswer,
    version: Option<i64>,
    body: FindingAnswerBody,
) -> ApiResult<Response> {
    let (finding, response) = state
        .portcullis
        .answer_finding(caller, id, answer, body.reason.as_deref(), version)
        .await?;
    let version = finding.version;
    Ok(versioned(
        StatusCode::OK,
        version,
        AnsweredFinding { finding, response },
    ))
}

/// A partner admin acknowledges a finding about its users (`New → In Progress`).
#[utoipa::path(post, path = "/v1/findings/{finding_id}/acknowledge", tag = "findings",
    request_body = FindingAnswerBody,
    params(("finding_id" = String, Path, format = Uuid), ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = AnsweredFinding), (status = 412, body = ErrorBody)))]
async fn acknowledge(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath(id): ApiPath<RecordId>,
    ApiJson(body): ApiJson<FindingAnswerBody>,
) -> ApiResult<Response> {
    answer(
        &state,
        &caller,
        id,
        FindingAnswer::Acknowledge,
        version,
        body,
    )
    .await
}

/// A partner admin resolves a finding about its users (`→ Resolved`).
#[utoipa::path(post, path = "/v1/findings/{finding_id}/resolve", tag = "findings",
    request_body = FindingAnswerBody,
    params(("finding_id" = String, Path, format = Uuid), ("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = AnsweredFinding), (status = 412, body = ErrorBody)))]
async fn resolve(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiPath(id): ApiPath<RecordId>,
    ApiJson(body): ApiJson<FindingAnswerBody>,
) -> ApiResult<Response> {
    answer(&state, &caller, id, FindingAnswer::Resolve, version, body).await
}

/// When the partner acknowledged and resolved a finding, and who did.
#[utoipa::path(get, path = "/v1/findings/{finding_id}/response", tag = "findings",
    params(("finding_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = FindingResponse)))]
async fn response(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<RecordId>,
) -> ApiResult<axum::Json<FindingResponse>> {
    Ok(axum::Json(
        state.portcullis.finding_response(&caller, id).await?,
    ))
}

//! `/v1/activations`: just-in-time activations of eligible assignments.
//! Partner admins (for their users) and operators request; the customer or
//! another partner admin approves or denies — never the requester; either
//! party revokes.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use portcullis_domain::{
    Activation, ActivationId, AssignmentId, AuthStrength, Description, IsoDuration, UserId,
};
use portcullis_service::{ActivationDecision, NewActivation};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, Authenticated};
use crate::list::versioned;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_activation))
        .routes(routes!(get_activation))
        .routes(routes!(approve_activation))
        .routes(routes!(deny_activation))
        .routes(routes!(revoke_activation))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestActivation {
    pub assignment_id: AssignmentId,
    /// The partner user activating; a member of the assignment's group.
    pub user_id: UserId,
    pub justification: Description,
    /// `PT30M` up to the assignment's `max_activation`.
    pub duration: IsoDuration,
    /// The strength of the user's current sign-in.
    pub auth_strength: AuthStrength,
}

fn ok(status: StatusCode, activation: Activation) -> Response {
    versioned(status, activation.version, activation)
}

/// Request an activation; it starts at once unless the assignment needs approval.
#[utoipa::path(post, path = "/v1/activations", tag = "activations", request_body = RequestActivation,
    security(("bearer" = [])),
    responses((status = 201, body = Activation), (status = 409, body = ErrorBody)))]
async fn request_activation(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<RequestActivation>,
) -> ApiResult<Response> {
    let new = NewActivation {
        assignment_id: body.assignment_id,
        user_id: body.user_id,
        justification: body.justification,
        duration: body.duration,
        auth_strength: body.auth_strength,
    };
    let created = state.portcullis.request_activation(&caller, new).await?;
    Ok(ok(StatusCode::CREATED, created))
}

/// Read an activation.
#[utoipa::path(get, path = "/v1/activations/{activation_id}", tag = "activations",
    params(("activation_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Activation)))]
async fn get_activation(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<ActivationId>,
) -> ApiResult<Response> {
    let found = state.portcullis.get_activation(&caller, id).await?;
    Ok(ok(StatusCode::OK, found))
}

/// Approve a pending activation (a second person).
#[utoipa::path(post, path = "/v1/activations/{activation_id}/approve", tag = "activations",
    params(("activation_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Activation), (status = 409, body = ErrorBody)))]
async fn approve_activation(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<ActivationId>,
) -> ApiResult<Response> {
    let decided = state
        .portcullis
        .decide_activation(&caller, id, ActivationDecision::Approve)
        .await?;
    Ok(ok(StatusCode::OK, decided))
}

/// Deny a pending activation.
#[utoipa::path(post, path = "/v1/activations/{activation_id}/deny", tag = "activations",
    params(("activation_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Activation), (status = 409, body = ErrorBody)))]
async fn deny_activation(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<ActivationId>,
) -> ApiResult<Response> {
    let decided = state
        .portcullis
        .decide_activation(&caller, id, ActivationDecision::Deny)
        .await?;
    Ok(ok(StatusCode::OK, decided))
}

/// End an active activation now.
#[utoipa::path(post, path = "/v1/activations/{activation_id}/revoke", tag = "activations",
    params(("activation_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = Activation)))]
async fn revoke_activation(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<ActivationId>,
) -> ApiResult<Response> {
    let revoked = state.portcullis.revoke_activation(&caller, id).await?;
    Ok(ok(StatusCode::OK, revoked))
}

//! `POST /v1/decisions`: may this partner user do this in this customer
//! tenant, now? Services (resource providers) and operators.

mod wire;

use axum::extract::State;
use portcullis_domain::Role;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated};
use crate::state::AppState;
use wire::{Decision, DecisionRequest};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(decide))
        .routes(routes!(list_roles))
}

/// One check, or a batch of up to 1,000.
///
/// The single check is tried first: it is the common form, and a variant
/// that does not match costs serde a formatted error (for a batch, once
/// per call, not per check).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum DecisionInput {
    Single(DecisionRequest),
    Batch(DecisionBatch),
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBatch {
    #[schema(max_items = 1000)]
    pub checks: Vec<DecisionRequest>,
}

/// A single decision, or `{"decisions": [...]}` in the order of the checks.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum DecisionOutput {
    Batch { decisions: Vec<Decision> },
    Single(Decision),
}

/// Decide one access check or a batch; every decision says why.
#[utoipa::path(post, path = "/v1/decisions", tag = "decisions", request_body = DecisionInput,
    security(("bearer" = [])),
    responses((status = 200, body = DecisionOutput), (status = 403, body = ErrorBody)))]
async fn decide(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(input): ApiJson<DecisionInput>,
) -> ApiResult<axum::Json<DecisionOutput>> {
    let output = match input {
        DecisionInput::Single(request) => {
            let request = portcullis_decision::DecisionRequest::from(request);
            let mut decisions = wire_decisions(
                state
                    .portcullis
                    .decide(&caller, std::slice::from_ref(&request))
                    .await?,
            );
            match decisions.pop() {
                Some(decision) => DecisionOutput::Single(decision),
                None => DecisionOutput::Batch { decisions },
            }
        }
        DecisionInput::Batch(batch) => {
            let checks: Vec<portcullis_decision::DecisionRequest> =
                batch.checks.into_iter().map(Into::into).collect();
            DecisionOutput::Batch {
                decisions: wire_decisions(state.portcullis.decide(&caller, &checks).await?),
            }
        }
    };
    Ok(axum::Json(output))
}

fn wire_decisions(decisions: Vec<portcullis_decision::Decision>) -> Vec<Decision> {
    decisions.into_iter().map(Decision::from).collect()
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RoleList {
    pub items: Vec<Role>,
}

/// The role catalog: what each role permits and whether it is privileged.
#[utoipa::path(get, path = "/v1/roles", tag = "decisions", security(("bearer" = [])),
    responses((status = 200, body = RoleList)))]
async fn list_roles(
    State(state): State<AppState>,
    Authenticated(_caller): Authenticated,
) -> ApiResult<axum::Json<RoleList>> {
    let items = state
        .portcullis
        .decisions()
        .catalog()
        .iter()
        .cloned()
        .collect();
    Ok(axum::Json(RoleList { items }))
}

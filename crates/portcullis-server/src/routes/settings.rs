//! `/v1/settings`: cluster-wide settings (operators). A change made through
//! any node is in force on every node within a second; each is audited
//! once as `setting.update`. The posture baseline is set by
//! `POST /v1/posture/baseline/reload` and listed here.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use portcullis_domain::Setting;
use portcullis_service::ContainmentPolicy;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, Authenticated, IfMatch};
use crate::list::versioned;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_settings))
        .routes(routes!(containment, set_containment))
}

/// The stored settings.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SettingList {
    pub items: Vec<Setting>,
}

/// Every stored cluster-wide setting, by name (operators). A setting never
/// stored is the configuration file's on each node.
#[utoipa::path(get, path = "/v1/settings", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = SettingList), (status = 403, body = ErrorBody)))]
async fn list_settings(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> ApiResult<axum::Json<SettingList>> {
    Ok(axum::Json(SettingList {
        items: state.portcullis.list_settings(&caller).await?,
    }))
}

/// The containment policy in force on this node (operators): the stored
/// setting, else this node's configuration file.
#[utoipa::path(get, path = "/v1/settings/containment", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = ContainmentPolicy), (status = 403, body = ErrorBody)))]
async fn containment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> ApiResult<axum::Json<ContainmentPolicy>> {
    Ok(axum::Json(state.portcullis.containment_in_force(&caller)?))
}

/// Set the containment policy of every node (operators): the default mode
/// and the rule per detection, replacing `[detection] containment_mode` and
/// `[detection.containment]` of every node's configuration file.
/// `If-Match` (the setting's version; `"0"` before the first change)
/// guards against lost updates.
#[utoipa::path(put, path = "/v1/settings/containment", tag = "settings",
    request_body = ContainmentPolicy, params(("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = Setting), (status = 403, body = ErrorBody),
        (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_containment(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiJson(policy): ApiJson<ContainmentPolicy>,
) -> ApiResult<Response> {
    let setting = state
        .portcullis
        .set_containment_policy(&caller, policy, version)
        .await?;
    Ok(versioned(StatusCode::OK, setting.version, setting))
}

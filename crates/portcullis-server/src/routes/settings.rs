//! `/v1/settings`: cluster-wide settings (operators). A change made through
//! any node is in force on every node within a second; each is audited
//! once as `setting.update`. Each setting is read (in force on the node
//! asked) and written at `/v1/settings/{name}`: `containment`, `roles`,
//! `detection`, `vetting`. The posture baseline is set by
//! `POST /v1/posture/baseline/reload` and listed here.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use portcullis_domain::Setting;
use portcullis_service::{ContainmentPolicy, DetectionSettings, RoleCatalogSetting, VettingPolicy};
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
        .routes(routes!(role_catalog, set_role_catalog))
        .routes(routes!(detection, set_detection))
        .routes(routes!(vetting, set_vetting))
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

/// The role catalog in force on this node (operators): the stored setting,
/// else this node's catalog file (`--roles`, or the default Entra catalog).
#[utoipa::path(get, path = "/v1/settings/roles", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = RoleCatalogSetting), (status = 403, body = ErrorBody)))]
async fn role_catalog(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> ApiResult<axum::Json<RoleCatalogSetting>> {
    Ok(axum::Json(state.portcullis.role_catalog_in_force(&caller)?))
}

/// Set the role catalog of every node (operators), replacing each node's
/// catalog file (`--roles`): ids unique, every role named and permitting at
/// least one action. A role left out permits nothing from then on.
#[utoipa::path(put, path = "/v1/settings/roles", tag = "settings",
    request_body = RoleCatalogSetting, params(("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = Setting), (status = 403, body = ErrorBody),
        (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_role_catalog(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiJson(catalog): ApiJson<RoleCatalogSetting>,
) -> ApiResult<Response> {
    let setting = state
        .portcullis
        .set_role_catalog(&caller, catalog, version)
        .await?;
    Ok(versioned(StatusCode::OK, setting.version, setting))
}

/// The detection settings in force on this node (operators): the engine's
/// thresholds and the period of detection rounds.
#[utoipa::path(get, path = "/v1/settings/detection", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = DetectionSettings), (status = 403, body = ErrorBody)))]
async fn detection(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> ApiResult<axum::Json<DetectionSettings>> {
    Ok(axum::Json(
        state.portcullis.detection_settings_in_force(&caller)?,
    ))
}

/// Set the detection settings of every node (operators), replacing
/// `[detection] every_ms` and `[detection.engine]` of each node's file;
/// every detection engine takes them before its next batch, keeping its
/// state.
#[utoipa::path(put, path = "/v1/settings/detection", tag = "settings",
    request_body = DetectionSettings, params(("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = Setting), (status = 403, body = ErrorBody),
        (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_detection(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiJson(settings): ApiJson<DetectionSettings>,
) -> ApiResult<Response> {
    let setting = state
        .portcullis
        .set_detection_settings(&caller, settings, version)
        .await?;
    Ok(versioned(StatusCode::OK, setting.version, setting))
}

/// The vetting policy in force on this node (operators).
#[utoipa::path(get, path = "/v1/settings/vetting", tag = "settings", security(("bearer" = [])),
    responses((status = 200, body = VettingPolicy), (status = 403, body = ErrorBody)))]
async fn vetting(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> ApiResult<axum::Json<VettingPolicy>> {
    Ok(axum::Json(
        state.portcullis.vetting_policy_in_force(&caller)?,
    ))
}

/// Set the vetting policy of every node (operators), replacing those
/// fields of each node's `[vetting]` table (name servers and the
/// re-screening period stay each node's).
#[utoipa::path(put, path = "/v1/settings/vetting", tag = "settings",
    request_body = VettingPolicy, params(("If-Match" = Option<String>, Header)),
    security(("bearer" = [])),
    responses((status = 200, body = Setting), (status = 403, body = ErrorBody),
        (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_vetting(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    IfMatch(version): IfMatch,
    ApiJson(policy): ApiJson<VettingPolicy>,
) -> ApiResult<Response> {
    let setting = state
        .portcullis
        .set_vetting_policy(&caller, policy, version)
        .await?;
    Ok(versioned(StatusCode::OK, setting.version, setting))
}

//! `/v1/posture`: tenant security posture.
//!
//! Partner admins upload their own tenant's configuration snapshot (the
//! JSON that ScubaGear exports, plus `portcullis_partner_program`) and read
//! its reports and state; operators do that for any partner, list partners
//! by state and reload the baseline. Customer admins and services are
//! refused; another partner's records are 404.

use std::path::PathBuf;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode, header};
use portcullis_domain::PostureStanding;
use portcullis_domain::RecordId;
use portcullis_domain::{
    MAX_SNAPSHOT_BYTES, PartnerPosture, PostureFilter, PostureReportRecord, TenantId,
};
use portcullis_service::{BaselineInfo, BaselineReload, PostureUpload};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, page_request};
use crate::list::ListResponse;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(upload_snapshot))
        // A snapshot is larger than other bodies (ScubaGear's sample export
        // is 646 KB); the limit leaves room for the JSON around it.
        .layer(DefaultBodyLimit::max(MAX_SNAPSHOT_BYTES))
        .routes(routes!(partner_posture))
        .routes(routes!(latest_report))
        .routes(routes!(get_report))
        .routes(routes!(list_partners))
        .routes(routes!(baseline))
        .routes(routes!(reload_baseline))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PostureQuery {
    /// Only partners in this state.
    pub state: Option<PostureStanding>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReloadBaseline {
    /// A directory of `.rego` files on the server, loaded over the default
    /// baseline; the configured `baseline_dir` (or the default baseline
    /// alone) when absent.
    pub directory: Option<String>,
}

fn require_json(headers: &HeaderMap) -> Result<(), ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| {
            let mime = mime.trim();
            mime.eq_ignore_ascii_case("application/json")
                || mime.to_ascii_lowercase().ends_with("+json")
        });
    if json {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "the body must be JSON with `Content-Type: application/json`",
        ))
    }
}

/// Upload a tenant configuration snapshot; it is judged at once against
/// the baseline in force and the partner's posture state follows. A body
/// that is not JSON or has a field of the wrong type is refused with
/// `invalid_snapshot` (422) naming the line and column or the JSON path.
#[utoipa::path(post, path = "/v1/posture/partners/{tenant_id}/snapshots", tag = "posture",
    params(("tenant_id" = String, Path, format = Uuid)),
    request_body(content = Object, content_type = "application/json",
        description = "ScubaGear's Entra ID provider export plus `portcullis_partner_program`"),
    security(("bearer" = [])),
    responses((status = 201, body = PostureUpload), (status = 413, body = ErrorBody)))]
async fn upload_snapshot(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(tenant): ApiPath<TenantId>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, axum::Json<PostureUpload>)> {
    require_json(&headers)?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("a snapshot may be at most {MAX_SNAPSHOT_BYTES} bytes"),
            )
        } else {
            ApiError::bad_request("malformed_json", rejection.body_text())
        }
    })?;
    let uploaded = state
        .portcullis
        .upload_posture_snapshot(&caller, tenant, &body)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(uploaded)))
}

/// A partner's posture state.
#[utoipa::path(get, path = "/v1/posture/partners/{tenant_id}", tag = "posture",
    params(("tenant_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = PartnerPosture)))]
async fn partner_posture(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(tenant): ApiPath<TenantId>,
) -> ApiResult<axum::Json<PartnerPosture>> {
    Ok(axum::Json(
        state.portcullis.partner_posture(&caller, tenant).await?,
    ))
}

/// A partner's latest evaluation report.
#[utoipa::path(get, path = "/v1/posture/partners/{tenant_id}/report", tag = "posture",
    params(("tenant_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = PostureReportRecord)))]
async fn latest_report(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(tenant): ApiPath<TenantId>,
) -> ApiResult<axum::Json<PostureReportRecord>> {
    Ok(axum::Json(
        state
            .portcullis
            .latest_posture_report(&caller, tenant)
            .await?,
    ))
}

/// An evaluation report by id.
#[utoipa::path(get, path = "/v1/posture/reports/{report_id}", tag = "posture",
    params(("report_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = PostureReportRecord)))]
async fn get_report(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<RecordId>,
) -> ApiResult<axum::Json<PostureReportRecord>> {
    Ok(axum::Json(
        state.portcullis.posture_report(&caller, id).await?,
    ))
}

/// Partners by posture state (operators).
#[utoipa::path(get, path = "/v1/posture/partners", tag = "posture", params(PostureQuery),
    security(("bearer" = [])), responses((status = 200, body = ListResponse<PartnerPosture>)))]
async fn list_partners(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<PostureQuery>,
) -> ApiResult<axum::Json<ListResponse<PartnerPosture>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = PostureFilter { state: q.state };
    Ok(axum::Json(
        state
            .portcullis
            .list_partner_postures(&caller, filter, &page)
            .await?
            .into(),
    ))
}

/// The baseline in force: its version and requirements (operators and
/// partner admins).
#[utoipa::path(get, path = "/v1/posture/baseline", tag = "posture",
    security(("bearer" = [])), responses((status = 200, body = BaselineInfo)))]
async fn baseline(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> ApiResult<axum::Json<BaselineInfo>> {
    Ok(axum::Json(
        state.portcullis.posture_baseline(&caller).await?,
    ))
}

/// Reload the baseline (operators). A baseline that does not load is
/// refused with `invalid_baseline` (422) and the working one stays; a new
/// version judges every partner's latest snapshot again.
#[utoipa::path(post, path = "/v1/posture/baseline/reload", tag = "posture",
    request_body = ReloadBaseline, security(("bearer" = [])),
    responses((status = 200, body = BaselineReload)))]
async fn reload_baseline(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<ReloadBaseline>,
) -> ApiResult<axum::Json<BaselineReload>> {
    let dir = body.directory.map(PathBuf::from);
    Ok(axum::Json(
        state
            .portcullis
            .reload_baseline(&caller, dir.as_deref())
            .await?,
    ))
}

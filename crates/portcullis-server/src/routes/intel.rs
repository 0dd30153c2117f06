//! `/v1/vetting/intel`: threat-intelligence sources (operators only). An
//! import upserts indicators by STIX id and re-screens standing partners.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use portcullis_domain::IntelSource;
use portcullis_service::IntelImportReport;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::Authenticated;
use crate::state::AppState;

pub fn router(max_bytes: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_sources))
        .routes(routes!(import))
        .layer(DefaultBodyLimit::max(max_bytes))
}

/// List intelligence sources with their indicator counts.
#[utoipa::path(get, path = "/v1/vetting/intel", tag = "vetting",
    security(("bearer" = [])), responses((status = 200, body = Vec<IntelSource>)))]
async fn list_sources(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> ApiResult<axum::Json<Vec<IntelSource>>> {
    Ok(axum::Json(state.portcullis.intel_sources(&caller).await?))
}

/// Import indicators into a source: a STIX 2.1 bundle (or JSON lines of
/// STIX objects), or a CSV list with a `type,value,…` header. Bad records
/// are reported and the good ones kept; standing partners are re-screened.
#[utoipa::path(put, path = "/v1/vetting/intel/{source}", tag = "vetting",
    params(("source" = String, Path, pattern = "^[A-Za-z0-9._-]{1,64}$")),
    request_body(content = String, content_type = "application/json",
        description = "A STIX 2.1 bundle, JSON lines of STIX objects, or CSV"),
    security(("bearer" = [])),
    responses((status = 200, body = IntelImportReport), (status = 413, body = ErrorBody)))]
async fn import(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(source): Path<String>,
    body: Bytes,
) -> ApiResult<axum::Json<IntelImportReport>> {
    Ok(axum::Json(
        state
            .portcullis
            .import_intel(&caller, &source, &body)
            .await?,
    ))
}

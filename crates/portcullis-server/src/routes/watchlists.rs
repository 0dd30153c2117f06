//! `/v1/vetting/watchlists`: the lists applicants and partners are screened
//! against (operators only). A load replaces the list whole and re-screens
//! approved partners against what changed.

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use portcullis_domain::WatchlistInfo;
use portcullis_service::{WatchlistFormat, WatchlistLoadReport};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Authenticated};
use crate::state::AppState;

/// The largest watchlist a load accepts unless configured otherwise: 256 MiB.
pub const DEFAULT_MAX_WATCHLIST_BYTES: usize = 256 * 1024 * 1024;

pub fn router(max_bytes: usize) -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_watchlists))
        .routes(routes!(load_watchlist, delete_watchlist))
        .layer(DefaultBodyLimit::max(max_bytes))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct LoadQuery {
    /// `ftm` (FollowTheMoney JSON lines, the OpenSanctions format) or `csv`.
    #[param(inline)]
    pub format: WatchlistFormat,
}

/// List the loaded watchlists.
#[utoipa::path(get, path = "/v1/vetting/watchlists", tag = "vetting",
    security(("bearer" = [])), responses((status = 200, body = Vec<WatchlistInfo>)))]
async fn list_watchlists(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
) -> ApiResult<axum::Json<Vec<WatchlistInfo>>> {
    Ok(axum::Json(state.portcullis.list_watchlists(&caller).await?))
}

/// Load or replace a watchlist from the request body. Bad lines are
/// reported by number and the good ones kept; approved partners are
/// re-screened against what was added, changed or removed.
#[utoipa::path(put, path = "/v1/vetting/watchlists/{name}", tag = "vetting",
    params(("name" = String, Path, pattern = "^[A-Za-z0-9._-]{1,64}$"), LoadQuery),
    request_body(content = String, content_type = "text/plain",
        description = "FollowTheMoney JSON lines, or CSV with `format=csv`"),
    security(("bearer" = [])),
    responses((status = 200, body = WatchlistLoadReport), (status = 413, body = ErrorBody)))]
async fn load_watchlist(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(name): Path<String>,
    ApiQuery(q): ApiQuery<LoadQuery>,
    body: Bytes,
) -> ApiResult<axum::Json<WatchlistLoadReport>> {
    Ok(axum::Json(
        state
            .portcullis
            .load_watchlist(&caller, &name, q.format, &body)
            .await?,
    ))
}

/// Delete a watchlist.
#[utoipa::path(delete, path = "/v1/vetting/watchlists/{name}", tag = "vetting",
    params(("name" = String, Path, pattern = "^[A-Za-z0-9._-]{1,64}$")),
    security(("bearer" = [])), responses((status = 204)))]
async fn delete_watchlist(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    Path(name): Path<String>,
) -> ApiResult<StatusCode> {
    let report = state.portcullis.delete_watchlist(&caller, &name).await?;
    tracing::info!(watchlist = %name, ?report, "watchlist deleted");
    Ok(StatusCode::NO_CONTENT)
}

//! `/v1/audit`: the audit log (operators only).

use axum::extract::State;
use portcullis_domain::AuditFilter;
use portcullis_domain::{AuditRecord, TenantId, Timestamp};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{ApiQuery, Authenticated, page_request};
use crate::list::ListResponse;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_audit))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Exact principal that made the change, e.g. `operator token:<id>`
    /// (also accepted as `principal`).
    #[serde(alias = "principal")]
    pub actor: Option<String>,
    pub tenant_id: Option<String>,
    /// Exact operation, e.g. `tenant.create`.
    pub operation: Option<String>,
    /// RFC 3339, inclusive.
    pub since: Option<String>,
    /// RFC 3339, exclusive.
    pub until: Option<String>,
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

fn query_value(err: portcullis_domain::ValidationError) -> ApiError {
    ApiError::bad_request("invalid_query", err.to_string())
}

/// Page through audit records, oldest first.
#[utoipa::path(get, path = "/v1/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, body = ListResponse<AuditRecord>), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_audit(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<AuditQuery>,
) -> ApiResult<axum::Json<ListResponse<AuditRecord>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    let filter = AuditFilter {
        actor: q.actor,
        tenant_id: q
            .tenant_id
            .as_deref()
            .map(TenantId::parse)
            .transpose()
            .map_err(query_value)?,
        operation: q.operation,
        since: q
            .since
            .as_deref()
            .map(|s| Timestamp::parse("since", s))
            .transpose()
            .map_err(query_value)?,
        until: q
            .until
            .as_deref()
            .map(|s| Timestamp::parse("until", s))
            .transpose()
            .map_err(query_value)?,
    };
    Ok(axum::Json(
        state
            .portcullis
            .list_audit(&caller, &filter, &page)
            .await?
            .into(),
    ))
}

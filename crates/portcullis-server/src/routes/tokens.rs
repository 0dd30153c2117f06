//! `/v1/tokens`: API tokens (operators only). The secret is returned once,
//! at creation; only its hash is stored.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{ApiToken, Description, IsoDuration, PrincipalKind, TenantId, TokenId};
use portcullis_service::NewToken;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{ApiJson, ApiPath, ApiQuery, Authenticated, page_request};
use crate::list::{ListResponse, PageQuery};
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(get_token, revoke_token))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateToken {
    pub kind: PrincipalKind,
    /// Required for `partner_admin` (a partner tenant) and `customer_admin`
    /// (a customer tenant); absent for `operator` and `service`.
    pub tenant_id: Option<TenantId>,
    pub description: Option<Description>,
    /// Lifetime, `PT1S` to `P730D`; absent for a token that lives until revoked.
    pub expires_in: Option<IsoDuration>,
}

/// A new token and its secret, shown only in this response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    pub token: ApiToken,
    /// The bearer secret: `Authorization: Bearer <secret>`. Never shown again.
    pub secret: String,
}

/// List tokens (never their secrets).
#[utoipa::path(get, path = "/v1/tokens", tag = "tokens", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, body = ListResponse<ApiToken>), (status = 403, body = ErrorBody)))]
async fn list_tokens(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiQuery(q): ApiQuery<PageQuery>,
) -> ApiResult<axum::Json<ListResponse<ApiToken>>> {
    let page = page_request(q.limit, q.cursor.as_deref())?;
    Ok(axum::Json(
        state.portcullis.list_tokens(&caller, &page).await?.into(),
    ))
}

/// Mint a token.
#[utoipa::path(post, path = "/v1/tokens", tag = "tokens", request_body = CreateToken, security(("bearer" = [])),
    responses((status = 201, body = CreatedToken), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_token(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiJson(body): ApiJson<CreateToken>,
) -> ApiResult<(StatusCode, axum::Json<CreatedToken>)> {
    let new = NewToken {
        kind: body.kind,
        tenant_id: body.tenant_id,
        description: body.description,
        expires_in: body.expires_in,
    };
    let (token, secret) = state.portcullis.create_token(&caller, new).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(CreatedToken { token, secret }),
    ))
}

/// Read a token's record.
#[utoipa::path(get, path = "/v1/tokens/{token_id}", tag = "tokens",
    params(("token_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 200, body = ApiToken), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_token(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<TokenId>,
) -> ApiResult<axum::Json<ApiToken>> {
    Ok(axum::Json(state.portcullis.get_token(&caller, id).await?))
}

/// Revoke a token; it stops working at once.
#[utoipa::path(delete, path = "/v1/tokens/{token_id}", tag = "tokens",
    params(("token_id" = String, Path, format = Uuid)), security(("bearer" = [])),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn revoke_token(
    State(state): State<AppState>,
    Authenticated(caller): Authenticated,
    ApiPath(id): ApiPath<TokenId>,
) -> ApiResult<Response> {
    state.portcullis.revoke_token(&caller, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

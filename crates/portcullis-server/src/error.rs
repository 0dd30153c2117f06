//! The one API error type: `{"error":{"code":"…","message":"…"}}` with a
//! stable code per failure.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use portcullis_domain::ValidationError;
use portcullis_service::ServiceError;
use serde::Serialize;

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `unauthenticated`, `forbidden`, `not_found`,
    /// `malformed_json`, `unknown_field`, `validation_failed`, `invalid_id`,
    /// `invalid_query`, `invalid_cursor`, `invalid_if_match`,
    /// `payload_too_large`, `unsupported_media_type`, `conflict`,
    /// `precondition_failed`, `wrong_tenant_kind`, `method_not_allowed`,
    /// `unavailable`, `internal`, and the codes of the domain rules
    /// (`invalid_transition`, `partner_not_authorized`,
    /// `global_role_auto_extend`, `invalid_duration`, `self_approval`, …).
    pub code: &'static str,
    /// Human-readable; lowercase, input in backticks.
    pub message: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    pub fn invalid_id(err: ValidationError) -> Self {
        Self::bad_request("invalid_id", err.to_string())
    }

    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error; the request id identifies the details in the server log",
        )
    }
}

impl From<ValidationError> for ApiError {
    fn from(err: ValidationError) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            err.to_string(),
        )
    }
}

impl From<ServiceError> for ApiError {
    fn from(err: ServiceError) -> Self {
        let message = err.to_string();
        match err {
            ServiceError::Unauthenticated => {
                Self::new(StatusCode::UNAUTHORIZED, "unauthenticated", message)
            }
            ServiceError::Forbidden(_) => Self::new(StatusCode::FORBIDDEN, "forbidden", message),
            ServiceError::NotFound(_) => Self::new(StatusCode::NOT_FOUND, "not_found", message),
            ServiceError::Invalid(v) => v.into(),
            ServiceError::WrongTenantKind(_) => Self::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "wrong_tenant_kind",
                message,
            ),
            ServiceError::Conflict(_) => Self::new(StatusCode::CONFLICT, "conflict", message),
            ServiceError::InvalidCursor => Self::bad_request("invalid_cursor", message),
            ServiceError::Rule(rule) => {
                let status = match rule.code {
                    "invalid_transition" | "duplicate_approval" => StatusCode::CONFLICT,
                    "partner_not_authorized"
                    | "partner_noncompliant"
                    | "score_below_floor"
                    | "self_approval"
                    | "reviewer_is_submitter" => StatusCode::FORBIDDEN,
                    _ => StatusCode::UNPROCESSABLE_ENTITY,
                };
                Self::new(status, rule.code, message)
            }
            ServiceError::PreconditionFailed { .. } => Self::new(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                message,
            ),
            ServiceError::Internal(detail) => Self::internal(detail),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: self.message,
            },
        };
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"portcullis\""),
            );
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

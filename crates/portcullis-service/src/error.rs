use portcullis_domain::{RuleViolation, ValidationError};
use portcullis_store::StoreError;
use thiserror::Error;

/// Why a use case did not happen. Each variant maps to one HTTP status and
/// one stable error code in the interfaces.
#[derive(Debug, Error)]
pub enum ServiceError {
    /// No valid credentials.
    #[error("a valid bearer token is required")]
    Unauthenticated,
    /// The caller's kind may never do this.
    #[error("{0}")]
    Forbidden(String),
    /// The resource does not exist, or is outside the caller's tenant.
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The request is well-formed but names a tenant of the wrong kind.
    #[error("{0}")]
    WrongTenantKind(String),
    #[error("{0}")]
    Conflict(String),
    /// A domain rule refused the change (`invalid_transition`,
    /// `global_role_auto_extend`, `partner_not_authorized`, …).
    #[error(transparent)]
    Rule(#[from] RuleViolation),
    /// A list cursor that was never handed out.
    #[error("`cursor` must be a `next_cursor` value returned by this API")]
    InvalidCursor,
    /// `If-Match` named another version than the stored one.
    #[error("the resource has changed; its current version is {current}")]
    PreconditionFailed { current: i64 },
    /// Something inside failed; the detail is logged, never returned.
    #[error("internal error")]
    Internal(String),
}

impl ServiceError {
    /// Maps a store error, naming what was not found.
    pub(crate) fn from_store(err: StoreError, what: impl FnOnce() -> String) -> Self {
        match err {
            StoreError::NotFound => Self::NotFound(what()),
            StoreError::VersionMismatch { current } => Self::PreconditionFailed { current },
            StoreError::Conflict(message) => Self::Conflict(message),
            StoreError::InvalidCursor(_) => Self::InvalidCursor,
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<StoreError> for ServiceError {
    fn from(err: StoreError) -> Self {
        Self::from_store(err, || "not found".into())
    }
}

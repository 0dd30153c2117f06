//! The store's one error type, and how database errors map onto it.

use thiserror::Error;

/// Why a store call failed.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The addressed record does not exist (within the scope asked).
    #[error("not found")]
    NotFound,
    /// An `If-Match` version did not match the stored one.
    #[error("the record has changed: its current version is {current}")]
    VersionMismatch { current: i64 },
    /// A uniqueness or reference rule would be broken.
    #[error("{0}")]
    Conflict(String),
    /// A stored value no longer parses: the database was changed outside Portcullis.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The database URL or options are unusable.
    #[error("{0}")]
    Config(String),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// A change the store refuses to write because it breaks the rules of
    /// changes themselves (an insert not at version 1, an update that moves
    /// a record to another owner): a bug in the caller, never user input.
    #[error("invalid change: {0}")]
    InvalidChange(String),
    /// A list cursor that this store never handed out.
    #[error("`{0}` is not a cursor of this list")]
    InvalidCursor(String),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Whether `err` is a uniqueness violation (and not, say, a missing reference).
pub(crate) fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|db| db.is_unique_violation())
}

/// Maps a uniqueness violation to the error `conflict` makes, and any other
/// database error as usual.
pub(crate) fn on_unique(
    conflict: impl FnOnce() -> StoreError,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |err| {
        if is_unique_violation(&err) {
            conflict()
        } else {
            StoreError::from(err)
        }
    }
}

/// Whether `err` is a reference (foreign key) violation.
pub(crate) fn is_reference_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|db| db.is_foreign_key_violation())
}

/// Maps a reference violation to the error `conflict` makes, and any other
/// database error as usual.
pub(crate) fn on_reference(
    conflict: impl FnOnce() -> StoreError,
) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |err| {
        if is_reference_violation(&err) {
            conflict()
        } else {
            StoreError::from(err)
        }
    }
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let Some(db) = err.as_database_error() {
            if db.is_unique_violation() {
                return Self::Conflict("a record with the same unique value already exists".into());
            }
            if db.is_foreign_key_violation() {
                return Self::Conflict("the record is still referenced by other records".into());
            }
        }
        Self::Database(err)
    }
}

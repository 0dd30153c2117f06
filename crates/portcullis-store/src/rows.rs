//! Reading typed values out of rows, and turning a bad stored value into
//! [`StoreError::Corrupt`] instead of a panic.

use portcullis_domain::{Timestamp, ValidationError};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::StoreError;

pub(crate) fn text(row: &AnyRow, column: &str) -> Result<String, StoreError> {
    row.try_get::<String, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub(crate) fn opt_text(row: &AnyRow, column: &str) -> Result<Option<String>, StoreError> {
    row.try_get::<Option<String>, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub(crate) fn int(row: &AnyRow, column: &str) -> Result<i64, StoreError> {
    row.try_get::<i64, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub(crate) fn opt_int(row: &AnyRow, column: &str) -> Result<Option<i64>, StoreError> {
    row.try_get::<Option<i64>, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub(crate) fn float(row: &AnyRow, column: &str) -> Result<f64, StoreError> {
    row.try_get::<f64, _>(column)
        .map_err(|e| corrupt(column, e))
}

pub(crate) fn flag(row: &AnyRow, column: &str) -> Result<bool, StoreError> {
    int(row, column).map(|v| v != 0)
}

pub(crate) fn time(row: &AnyRow, column: &str) -> Result<Timestamp, StoreError> {
    int(row, column).map(Timestamp::from_unix_millis)
}

pub(crate) fn opt_time(row: &AnyRow, column: &str) -> Result<Option<Timestamp>, StoreError> {
    row.try_get::<Option<i64>, _>(column)
        .map(|v| v.map(Timestamp::from_unix_millis))
        .map_err(|e| corrupt(column, e))
}

/// Reads a text column and parses it with a domain parser.
pub(crate) fn parsed<T>(
    row: &AnyRow,
    column: &str,
    parse: impl FnOnce(&str) -> Result<T, ValidationError>,
) -> Result<T, StoreError> {
    let value = text(row, column)?;
    parse(&value).map_err(|e| corrupt(column, e))
}

pub(crate) fn opt_parsed<T>(
    row: &AnyRow,
    column: &str,
    parse: impl FnOnce(&str) -> Result<T, ValidationError>,
) -> Result<Option<T>, StoreError> {
    opt_text(row, column)?
        .map(|value| parse(&value).map_err(|e| corrupt(column, e)))
        .transpose()
}

/// Reads a text column naming one value of an enumeration.
pub(crate) fn named<T>(
    row: &AnyRow,
    column: &str,
    parse: impl FnOnce(&str) -> Option<T>,
) -> Result<T, StoreError> {
    let value = text(row, column)?;
    parse(&value).ok_or_else(|| corrupt(column, format!("`{value}` is not a known value")))
}

/// Reads a text column holding JSON.
pub(crate) fn json<T: serde::de::DeserializeOwned>(
    row: &AnyRow,
    column: &str,
) -> Result<T, StoreError> {
    let value = text(row, column)?;
    serde_json::from_str(&value).map_err(|e| corrupt(column, e))
}

/// The JSON text stored for `value`.
pub(crate) fn to_json<T: serde::Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::InvalidChange(e.to_string()))
}

fn corrupt(column: &str, err: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("column `{column}`: {err}"))
}

//! Threat-intelligence sources as kept: what each holds, and what an
//! import changed.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// An intelligence source and what it holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IntelSource {
    pub source: String,
    pub indicators: i64,
    pub last_imported_at: Timestamp,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct IntelUpsert {
    /// Indicators new to the store.
    pub inserted: u64,
    /// Indicators replaced by a newer version.
    pub updated: u64,
    /// Indicators whose stored version is as new or newer.
    pub unchanged: u64,
}

//! Watchlists as kept: each loaded list, replaced whole on every load.

use serde::{Deserialize, Serialize};

use crate::Timestamp;

/// A loaded list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WatchlistInfo {
    /// The list's name, e.g. `opensanctions-default`.
    pub name: String,
    /// `ftm` (FollowTheMoney JSON lines) or `csv`.
    pub format: String,
    pub entity_count: i64,
    /// Lines of the last load that were rejected.
    pub rejected_count: i64,
    pub loaded_at: Timestamp,
    /// Counts the loads of this list.
    pub version: i64,
}

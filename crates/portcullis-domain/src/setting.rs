//! Cluster-wide settings: configuration kept in the store, so that a change
//! made through any node is in force on every node.

use serde::{Deserialize, Serialize};

use crate::{Timestamp, ValidationError};

/// What a stored setting configures; the stable string is its name in the
/// store, the API (`/v1/settings/{name}`) and the audit log's target.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
pub enum SettingName {
    /// The posture baseline's operator modules (set by a baseline reload).
    #[serde(rename = "posture.baseline")]
    PostureBaseline,
    /// The containment policy: default mode and rule per detection.
    #[serde(rename = "containment")]
    Containment,
    /// The role catalog: the roles relationships may grant.
    #[serde(rename = "roles")]
    RoleCatalog,
    /// The detection engine's thresholds and the period of its rounds.
    #[serde(rename = "detection")]
    Detection,
    /// The vetting policy: countries, risk weights, auto-approval, e-mail
    /// aliases, the watchlist threshold and what suspends on re-screening.
    #[serde(rename = "vetting")]
    Vetting,
}

impl SettingName {
    pub const ALL: [Self; 5] = [
        Self::PostureBaseline,
        Self::Containment,
        Self::RoleCatalog,
        Self::Detection,
        Self::Vetting,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PostureBaseline => "posture.baseline",
            Self::Containment => "containment",
            Self::RoleCatalog => "roles",
            Self::Detection => "detection",
            Self::Vetting => "vetting",
        }
    }

    pub fn parse(field: &'static str, text: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|name| name.as_str() == text)
            .ok_or_else(|| {
                ValidationError::new(field, format!("`{text}` is not a cluster setting"))
            })
    }
}

impl std::fmt::Display for SettingName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A stored setting: its JSON value, a version that each change raises by
/// one, and when it last changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Setting {
    pub name: SettingName,
    #[schema(value_type = Object)]
    pub value: serde_json::Value,
    pub version: i64,
    pub updated_at: Timestamp,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_unknown_ones_are_refused() {
        for name in SettingName::ALL {
            assert_eq!(SettingName::parse("name", name.as_str()).unwrap(), name);
            let json = serde_json::to_string(&name).unwrap();
            assert_eq!(json, format!("\"{}\"", name.as_str()));
        }
        let err = SettingName::parse("name", "roles.catalog").unwrap_err();
        assert!(err.message.contains("`roles.catalog`"), "{}", err.message);
    }
}

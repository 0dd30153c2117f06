//! What a requirement module declares about itself in its `requirement` rule.

use serde::{Deserialize, Serialize};

/// How binding a requirement is. Only `SHALL` failures gate authorization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Criticality {
    /// Mandatory: a failure or error makes the partner non-compliant.
    #[serde(rename = "SHALL")]
    Shall,
    /// Recommended: a failure is reported, never gating.
    #[serde(rename = "SHOULD")]
    Should,
}

/// A requirement's metadata, as declared by its module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// Stable identifier, e.g. `aad.legacy-auth-blocked`. Operators override a
    /// requirement by shipping a module with the same id.
    pub id: String,
    /// The ScubaGear policy id it implements, e.g. `MS.AAD.1.1v1`.
    #[serde(default)]
    pub policy_id: Option<String>,
    /// `SHALL` or `SHOULD`.
    pub criticality: Criticality,
    /// One line: what must hold.
    pub description: String,
    /// Why it matters.
    pub rationale: String,
    /// Top-level snapshot sections the verdict needs. When one is missing the
    /// requirement reports `error` without running its Rego.
    #[serde(default)]
    pub sections: Vec<String>,
}

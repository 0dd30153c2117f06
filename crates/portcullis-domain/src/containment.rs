//! Containment: a partner user, relationship or partner tenant held back
//! from access because of a finding or an operator's judgement.

use serde::{Deserialize, Serialize};

use crate::{RecordId, Timestamp};

/// What a containment holds back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContainmentKind {
    /// A partner user: every decision about it denies (`user_contained`).
    User,
    /// A partner tenant: its vetting case is suspended, so every decision
    /// about its users denies (`partner_not_authorized`).
    Partner,
    /// A relationship: it grants nothing (`relationship_contained`).
    Relationship,
}

impl ContainmentKind {
    pub const ALL: [Self; 3] = [Self::User, Self::Partner, Self::Relationship];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::Partner => "partner",
            Self::Relationship => "relationship",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl std::fmt::Display for ContainmentKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a containment holds its target back or only records that the
/// containment policy would have (shadow mode).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, Serialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ContainmentMode {
    /// Decisions deny the target while the containment is active.
    #[default]
    Enforced,
    /// Recorded for review only: decisions are unaffected.
    Shadow,
}

impl ContainmentMode {
    pub const ALL: [Self; 2] = [Self::Enforced, Self::Shadow];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Enforced => "enforced",
            Self::Shadow => "shadow",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == text)
    }
}

impl std::fmt::Display for ContainmentMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A partner user, relationship or partner tenant held back from access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Containment {
    pub id: RecordId,
    pub kind: ContainmentKind,
    /// The contained user, relationship or partner tenant id (which of
    /// them `kind` says).
    pub target_id: String,
    /// `enforced`, or `shadow`: what the containment policy would have done.
    #[serde(default)]
    pub mode: ContainmentMode,
    pub finding_id: Option<RecordId>,
    pub reason: String,
    pub created_at: Timestamp,
    pub created_by: String,
    pub lifted_at: Option<Timestamp>,
    pub lifted_by: Option<String>,
    pub lift_reason: Option<String>,
}

impl Containment {
    /// Holds its target back now: enforced and not lifted.
    pub fn is_in_force(&self) -> bool {
        self.mode == ContainmentMode::Enforced && self.lifted_at.is_none()
    }
}

/// Which containments to list; every filter is optional.
#[derive(Debug, Clone, Copy, Default)]
pub struct ContainmentFilter {
    /// Only those not lifted.
    pub active_only: bool,
    pub mode: Option<ContainmentMode>,
    /// Only those a finding led to.
    pub finding_id: Option<RecordId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_string_and_json() {
        for kind in ContainmentKind::ALL {
            assert_eq!(ContainmentKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_value(kind).unwrap();
            assert_eq!(json, serde_json::json!(kind.as_str()));
        }
        assert_eq!(ContainmentKind::parse("tenant"), None);
    }

    #[test]
    fn every_mode_round_trips_through_its_string_and_json() {
        for mode in ContainmentMode::ALL {
            assert_eq!(ContainmentMode::parse(mode.as_str()), Some(mode));
            let json = serde_json::to_value(mode).unwrap();
            assert_eq!(json, serde_json::json!(mode.as_str()));
        }
        assert_eq!(ContainmentMode::parse("Shadow"), None);
    }
}

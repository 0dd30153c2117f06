//! Least-privilege recommendations computed from role usage: what to take
//! away, the evidence for it, what it buys, and the one action that applies it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{
    AccessAssignment, Action, AssignmentId, Relationship, RelationshipId, RoleId, TenantId,
    Timestamp, ValidationError, error::excerpt,
};

/// What a recommendation proposes.
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
#[serde(rename_all = "snake_case")]
pub enum RecommendationKind {
    /// A role of an assignment allowed nothing in the window: remove it
    /// from the assignment (the assignment goes when it was its last role).
    RemoveRole,
    /// A standing assignment holding privileged roles used on few days:
    /// make it eligible, so each use needs a just-in-time activation.
    MakeEligible,
    /// The actions a relationship's users performed are covered by a
    /// smaller set of catalog roles: ask the customer for a relationship
    /// with only those roles, move the assignments, end the old one.
    NarrowRelationship,
}

impl RecommendationKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::RemoveRole => "remove_role",
            Self::MakeEligible => "make_eligible",
            Self::NarrowRelationship => "narrow_relationship",
        }
    }
}

/// A recommendation's stable id: its kind and what it is about, so that the
/// same finding keeps its id from one computation to the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecommendationId {
    RemoveRole {
        assignment_id: AssignmentId,
        role_id: RoleId,
    },
    MakeEligible {
        assignment_id: AssignmentId,
    },
    NarrowRelationship {
        relationship_id: RelationshipId,
    },
}

impl RecommendationId {
    pub const fn kind(self) -> RecommendationKind {
        match self {
            Self::RemoveRole { .. } => RecommendationKind::RemoveRole,
            Self::MakeEligible { .. } => RecommendationKind::MakeEligible,
            Self::NarrowRelationship { .. } => RecommendationKind::NarrowRelationship,
        }
    }

    /// Reads `remove_role.<assignment>.<role>`, `make_eligible.<assignment>`
    /// or `narrow_relationship.<relationship>`.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let invalid = || {
            ValidationError::new(
                "recommendation_id",
                format!(
                    "`{}` is not a recommendation id such as `make_eligible.<assignment id>`",
                    excerpt(input, 64)
                ),
            )
        };
        let mut parts = input.split('.');
        let kind = parts.next().unwrap_or_default();
        let first = parts.next().ok_or_else(invalid)?;
        let second = parts.next();
        if parts.next().is_some() {
            return Err(invalid());
        }
        match (kind, second) {
            ("remove_role", Some(role)) => Ok(Self::RemoveRole {
                assignment_id: AssignmentId::parse(first).map_err(|_| invalid())?,
                role_id: RoleId::parse(role).map_err(|_| invalid())?,
            }),
            ("make_eligible", None) => Ok(Self::MakeEligible {
                assignment_id: AssignmentId::parse(first).map_err(|_| invalid())?,
            }),
            ("narrow_relationship", None) => Ok(Self::NarrowRelationship {
                relationship_id: RelationshipId::parse(first).map_err(|_| invalid())?,
            }),
            _ => Err(invalid()),
        }
    }
}

impl fmt::Display for RecommendationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = self.kind().as_str();
        match self {
            Self::RemoveRole {
                assignment_id,
                role_id,
            } => write!(f, "{kind}.{assignment_id}.{role_id}"),
            Self::MakeEligible { assignment_id } => write!(f, "{kind}.{assignment_id}"),
            Self::NarrowRelationship { relationship_id } => write!(f, "{kind}.{relationship_id}"),
        }
    }
}

/// What the usage showed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Evidence {
    pub window_days: u32,
    /// The first instant of the window.
    pub since: Timestamp,
    /// Allowed decisions through what the recommendation changes.
    pub allowed: u64,
    /// Distinct UTC days with at least one such decision.
    pub days_used: u32,
    pub last_used: Option<Timestamp>,
    /// The actions performed through the relationship (narrowing only).
    pub used_actions: Vec<Action>,
    /// The roles before and after the change.
    pub roles_before: Vec<RoleId>,
    pub roles_after: Vec<RoleId>,
}

/// What applying the recommendation takes away, counted in actions of the
/// catalog's vocabulary (see `docs/least-privilege.md`): for removals and
/// narrowing, the actions permitted before and after; for making an
/// assignment eligible, the actions permitted standing (without activation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Reduction {
    pub permitted_before: u32,
    pub permitted_after: u32,
}

/// One recommendation, with its evidence, what it buys and what applying it does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Recommendation {
    /// Stable id, e.g. `make_eligible.<assignment id>`; apply it with
    /// `POST /v1/recommendations/{id}/apply`.
    pub id: String,
    pub kind: RecommendationKind,
    pub partner_tenant_id: TenantId,
    pub customer_tenant_id: TenantId,
    pub relationship_id: RelationshipId,
    pub assignment_id: Option<AssignmentId>,
    pub role_id: Option<RoleId>,
    /// One sentence saying what was seen and what to do.
    pub summary: String,
    /// What applying it does.
    pub action: String,
    pub evidence: Evidence,
    pub reduction: Reduction,
}

/// A narrowed relationship request: `relationship_id` was proposed to the
/// customer to replace `replaces_id` with fewer roles; when the customer
/// approves it, the assignments move and the old relationship ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RelationshipNarrowing {
    pub relationship_id: RelationshipId,
    pub replaces_id: RelationshipId,
    pub roles_before: Vec<RoleId>,
    pub roles_after: Vec<RoleId>,
    pub created_at: Timestamp,
}

/// What applying a recommendation did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AppliedRecommendation {
    /// The recommendation as it stood when applied.
    pub recommendation: Recommendation,
    /// The assignment as changed (removal, eligibility).
    pub assignment: Option<AccessAssignment>,
    /// The narrowed relationship requested of the customer (narrowing).
    pub relationship: Option<Relationship>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_text() {
        let ids = [
            RecommendationId::RemoveRole {
                assignment_id: AssignmentId::generate(),
                role_id: RoleId::generate(),
            },
            RecommendationId::MakeEligible {
                assignment_id: AssignmentId::generate(),
            },
            RecommendationId::NarrowRelationship {
                relationship_id: RelationshipId::generate(),
            },
        ];
        for id in ids {
            assert_eq!(RecommendationId::parse(&id.to_string()).unwrap(), id);
        }
    }

    #[test]
    fn malformed_ids_are_refused() {
        let a = AssignmentId::generate();
        for bad in [
            String::new(),
            "remove_role".into(),
            format!("remove_role.{a}"),
            format!("make_eligible.{a}.{a}"),
            format!("delete_everything.{a}"),
            "make_eligible.not-a-uuid".into(),
        ] {
            let err = RecommendationId::parse(&bad).unwrap_err();
            assert_eq!(err.field, "recommendation_id", "{bad}");
        }
    }
}

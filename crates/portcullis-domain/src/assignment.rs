//! Access assignments: which of a relationship's roles a partner security
//! group receives, standing or eligible for just-in-time activation.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{
    GroupId, IsoDuration, Relationship, RelationshipId, RelationshipStatus, RoleId, RuleViolation,
    Timestamp,
};

crate::id::uuid_id!(
    /// An access assignment.
    AssignmentId,
    "assignment_id"
);

/// The shortest and longest a just-in-time activation may last.
pub const MIN_ACTIVATION_SECONDS: i64 = 30 * 60;
pub const MAX_ACTIVATION_SECONDS: i64 = 8 * 3600;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AssignmentStatus {
    /// Waiting for its relationship to become active.
    Pending,
    Active,
    /// Being removed; grants nothing.
    Deleting,
    Deleted,
}

impl AssignmentStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Active => "active",
            Self::Deleting => "deleting",
            Self::Deleted => "deleted",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Self::Pending, Self::Active, Self::Deleting, Self::Deleted]
            .into_iter()
            .find(|s| s.as_str() == input)
    }
}

/// Standing access, or eligibility that needs an activation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum AssignmentKind {
    /// The group's members hold the roles while the assignment is active.
    Standing,
    /// Members hold the roles only during an activation.
    Eligible {
        /// The longest activation, `PT30M`..`PT8H`.
        max_activation: IsoDuration,
        /// Whether a second person must approve each activation.
        approval_required: bool,
    },
}

/// A grant of some of a relationship's roles to one partner security group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccessAssignment {
    pub id: AssignmentId,
    pub relationship_id: RelationshipId,
    pub group_id: GroupId,
    pub roles: BTreeSet<RoleId>,
    pub kind: AssignmentKind,
    pub status: AssignmentStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

impl AccessAssignment {
    /// A new assignment: active at once when the relationship is active,
    /// pending while it awaits approval.
    pub fn create(
        relationship: &Relationship,
        group_id: GroupId,
        roles: BTreeSet<RoleId>,
        kind: AssignmentKind,
        now: Timestamp,
    ) -> Result<Self, RuleViolation> {
        let status = match relationship.status_at(now) {
            RelationshipStatus::Active => AssignmentStatus::Active,
            RelationshipStatus::Created | RelationshipStatus::ApprovalPending => {
                AssignmentStatus::Pending
            }
            other => {
                return Err(RuleViolation::new(
                    "invalid_transition",
                    format!(
                        "cannot assign roles of a relationship that is `{}`",
                        other.as_str()
                    ),
                ));
            }
        };
        check_roles(&roles, relationship)?;
        check_kind(&kind)?;
        Ok(Self {
            id: AssignmentId::generate(),
            relationship_id: relationship.id,
            group_id,
            roles,
            kind,
            status,
            created_at: now,
            updated_at: now,
            version: 1,
        })
    }

    /// New roles, still a non-empty subset of the relationship's.
    pub fn change_roles(
        &mut self,
        roles: BTreeSet<RoleId>,
        relationship: &Relationship,
    ) -> Result<(), RuleViolation> {
        if matches!(
            self.status,
            AssignmentStatus::Deleting | AssignmentStatus::Deleted
        ) {
            return Err(RuleViolation::new(
                "invalid_transition",
                format!(
                    "cannot change an assignment that is `{}`",
                    self.status.as_str()
                ),
            ));
        }
        check_roles(&roles, relationship)?;
        self.roles = roles;
        Ok(())
    }

    /// Whether it grants anything at `now` (its relationship's state aside).
    pub fn is_active(&self) -> bool {
        self.status == AssignmentStatus::Active
    }
}

fn check_roles(roles: &BTreeSet<RoleId>, relationship: &Relationship) -> Result<(), RuleViolation> {
    if roles.is_empty() {
        return Err(RuleViolation::new(
            "no_roles",
            "an assignment needs at least one role",
        ));
    }
    if let Some(extra) = roles.iter().find(|r| !relationship.roles.contains(r)) {
        return Err(RuleViolation::new(
            "role_not_in_relationship",
            format!("role `{extra}` is not one of the relationship's roles"),
        ));
    }
    Ok(())
}

fn check_kind(kind: &AssignmentKind) -> Result<(), RuleViolation> {
    if let AssignmentKind::Eligible { max_activation, .. } = kind {
        let seconds = max_activation.as_seconds();
        if !(MIN_ACTIVATION_SECONDS..=MAX_ACTIVATION_SECONDS).contains(&seconds) {
            return Err(RuleViolation::new(
                "invalid_activation_duration",
                format!("the longest activation `{max_activation}` is outside `PT30M`..`PT8H`"),
            ));
        }
    }
    Ok(())
}

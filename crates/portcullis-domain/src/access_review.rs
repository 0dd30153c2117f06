//! Customer access reviews (the Entra access-review model): a customer
//! admin, or its review policy, asks for every relationship, assignment and
//! role a partner holds in its tenant to be approved or denied. Completing
//! the review removes what was denied and, when the review says so, what
//! was left unreviewed.
//!
//! This module holds the review and its items; `lifecycle` the pure
//! rules (which items a review lists, how a decision is recorded, what
//! completion removes); `policy` the customer's recurring review policy.

mod lifecycle;
mod policy;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{AssignmentId, RelationshipId, RoleId, TenantId, Timestamp, ValidationError};

pub use lifecycle::{ReviewedRelationship, review_items};
pub use policy::{DEFAULT_REVIEW_EVERY_DAYS, ReviewPolicy};

crate::id::uuid_id!(
    /// An access review.
    AccessReviewId,
    "review_id"
);

/// How long a review stays open unless it says otherwise.
pub const DEFAULT_REVIEW_DAYS: u32 = 14;
/// The longest a review may stay open.
pub const MAX_REVIEW_DAYS: u32 = 90;
/// How long before its due date an open review's reminder is sent.
pub const REMIND_BEFORE_SECONDS: i64 = 3 * 86_400;
/// The longest justification a reviewer may give.
pub const MAX_JUSTIFICATION: usize = 1_000;

macro_rules! word_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }

            pub fn parse(raw: &str) -> Option<Self> {
                match raw {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

word_enum!(
    /// A reviewer's answer for one item.
    ReviewDecision {
        /// Keep the access.
        Approve => "approve",
        /// Remove the access when the review completes.
        Deny => "deny",
        /// No answer (yet).
        NotReviewed => "not_reviewed",
    }
);

word_enum!(
    /// What an item of a review is.
    ReviewItemKind {
        /// A relationship between the partner and the customer.
        Relationship => "relationship",
        /// An assignment of roles to a partner security group.
        Assignment => "assignment",
        /// One role of an assignment.
        Role => "role",
    }
);

word_enum!(
    /// Where a review stands.
    ReviewStatus {
        /// Open for decisions.
        InProgress => "in_progress",
        /// Decided and applied.
        Completed => "completed",
    }
);

word_enum!(
    /// Which access a review covers.
    ReviewScope {
        /// Only relationships, assignments and roles holding a privileged role.
        Privileged => "privileged",
        /// Every relationship, assignment and role.
        All => "all",
    }
);

word_enum!(
    /// What completing the review did to an item.
    ItemOutcome {
        /// The access stays.
        Kept => "kept",
        /// The access was removed (the relationship terminated, the
        /// assignment deleted, the role taken off the assignment).
        Removed => "removed",
        /// Already gone when the review completed (ended or removed meanwhile).
        AlreadyGone => "already_gone",
    }
);

/// One thing to approve or deny.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewItem {
    /// `relationship.<id>`, `assignment.<id>` or `role.<assignment>.<role>`.
    pub id: String,
    pub kind: ReviewItemKind,
    pub relationship_id: RelationshipId,
    pub assignment_id: Option<AssignmentId>,
    pub role_id: Option<RoleId>,
    /// What a person reads: the relationship's name, the group, the role.
    pub label: String,
    /// Whether the item holds a privileged role.
    pub privileged: bool,
    pub decision: ReviewDecision,
    pub justification: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<Timestamp>,
    /// Set when the review completes.
    pub outcome: Option<ItemOutcome>,
}

/// A review of one partner's access to one customer tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccessReview {
    pub id: AccessReviewId,
    pub customer_tenant_id: TenantId,
    pub partner_tenant_id: TenantId,
    pub scope: ReviewScope,
    /// On completion, also remove what nobody reviewed (an item with no
    /// decision whose parent or children were not approved).
    pub remove_unreviewed: bool,
    /// Who started it: a customer admin, or `system` for the review policy.
    pub started_by: String,
    pub status: ReviewStatus,
    pub created_at: Timestamp,
    /// When the worker completes it if nobody has.
    pub due_at: Timestamp,
    /// When the reminder was sent.
    pub reminded_at: Option<Timestamp>,
    pub completed_at: Option<Timestamp>,
    pub completed_by: Option<String>,
    pub items: Vec<ReviewItem>,
    pub version: i64,
}

/// One removal that completing a review makes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewRemoval {
    Relationship(RelationshipId),
    Assignment(RelationshipId, AssignmentId),
    /// Roles taken off an assignment (the assignment goes when none stay).
    Roles(RelationshipId, AssignmentId, BTreeSet<RoleId>),
}

/// Days a review stays open: 1 to 90.
pub fn check_review_days(days: u32) -> Result<(), ValidationError> {
    if (1..=MAX_REVIEW_DAYS).contains(&days) {
        Ok(())
    } else {
        Err(ValidationError::new(
            "duration_days",
            format!("`{days}` is not between 1 and {MAX_REVIEW_DAYS}"),
        ))
    }
}

/// What a reviewer sees beside one item: its use over the window and the
/// least-privilege recommendations about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewItemEvidence {
    pub item_id: String,
    /// Allowed decisions through the item in the window.
    pub allowed: u64,
    /// Days (UTC) with at least one allowed decision (for a relationship or
    /// an assignment: the most of any one of its roles).
    pub days_used: u32,
    pub last_used: Option<Timestamp>,
    pub recommendations: Vec<crate::Recommendation>,
}

/// A review with the evidence of each item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccessReviewDetail {
    pub review: AccessReview,
    /// The usage window of the evidence, in days ending today.
    pub window_days: u32,
    /// One entry per item, in the review's item order.
    pub evidence: Vec<ReviewItemEvidence>,
}

/// Which reviews a list holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessReviewFilter {
    pub customer_tenant_id: Option<TenantId>,
    pub partner_tenant_id: Option<TenantId>,
    pub status: Option<ReviewStatus>,
}

#[cfg(test)]
#[path = "access_review_tests.rs"]
mod tests;

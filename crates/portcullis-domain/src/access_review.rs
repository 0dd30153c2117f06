//! Customer access reviews (the Entra access-review model): a customer
//! admin, or its review policy, asks for every relationship, assignment and
//! role a partner holds in its tenant to be approved or denied. Completing
//! the review removes what was denied and, when the review says so, what
//! was left unreviewed.
//!
//! This module holds the review, its items and the pure rules: which items
//! a review lists, how a decision is recorded, and what completion removes.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{
    AccessAssignment, AssignmentId, AssignmentStatus, RelationshipId, RelationshipStatus,
    RoleCatalog, RoleId, RuleViolation, TenantId, Timestamp, ValidationError,
};

crate::id::uuid_id!(
    /// An access review.
    AccessReviewId,
    "review_id"
);

/// How long a review stays open unless it says otherwise.
pub const DEFAULT_REVIEW_DAYS: u32 = 14;
/// The longest a review may stay open.
pub const MAX_REVIEW_DAYS: u32 = 90;
/// How often a review policy starts a review unless it says otherwise.
pub const DEFAULT_REVIEW_EVERY_DAYS: u32 = 90;
/// How long before its due date an open review's reminder is sent.
pub const REMIND_BEFORE_SECONDS: i64 = 3 * 86_400;
/// The longest justification a reviewer may give.
pub const MAX_JUSTIFICATION: usize = 1_000;

const DAY_SECONDS: i64 = 86_400;

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

/// The customer's standing order: review each partner's access every
/// `every_days` days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewPolicy {
    pub customer_tenant_id: TenantId,
    /// Days between two reviews of one partner (1 to 365; default 90).
    pub every_days: u32,
    /// Days each review stays open (1 to 90; default 14).
    pub duration_days: u32,
    pub scope: ReviewScope,
    pub remove_unreviewed: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

impl ReviewPolicy {
    /// Checks the numbers a customer admin chose.
    pub fn check(every_days: u32, duration_days: u32) -> Result<(), ValidationError> {
        if !(1..=365).contains(&every_days) {
            return Err(ValidationError::new(
                "every_days",
                format!("`{every_days}` is not between 1 and 365"),
            ));
        }
        check_review_days(duration_days)
    }

    /// Whether a review is due for a partner whose last review started at `last`.
    pub fn due(&self, last: Option<Timestamp>, now: Timestamp) -> bool {
        last.is_none_or(|at| {
            now >= at.saturating_add_seconds(i64::from(self.every_days) * DAY_SECONDS)
        })
    }
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

/// A relationship of the review's pair, with its assignments.
#[derive(Debug, Clone, Copy)]
pub struct ReviewedRelationship<'a> {
    pub relationship: &'a crate::Relationship,
    pub assignments: &'a [AccessAssignment],
}

fn unreviewed(
    id: String,
    kind: ReviewItemKind,
    relationship_id: RelationshipId,
    label: String,
    privileged: bool,
) -> ReviewItem {
    ReviewItem {
        id,
        kind,
        relationship_id,
        assignment_id: None,
        role_id: None,
        label,
        privileged,
        decision: ReviewDecision::NotReviewed,
        justification: None,
        decided_by: None,
        decided_at: None,
        outcome: None,
    }
}

/// The items of a review: every active relationship, its active
/// assignments and their roles; with [`ReviewScope::Privileged`], only
/// those holding a privileged role.
pub fn review_items(
    relationships: &[ReviewedRelationship<'_>],
    catalog: &RoleCatalog,
    scope: ReviewScope,
    now: Timestamp,
) -> Vec<ReviewItem> {
    let privileged = |role: &RoleId| catalog.get(*role).is_some_and(|r| r.privileged);
    let wanted = |is_privileged: bool| scope == ReviewScope::All || is_privileged;
    let mut items = Vec::new();
    for r in relationships {
        let rel = r.relationship;
        if rel.status_at(now) != RelationshipStatus::Active {
            continue;
        }
        let rel_privileged = rel.roles.iter().any(privileged);
        if !wanted(rel_privileged) {
            continue;
        }
        items.push(unreviewed(
            format!("relationship.{}", rel.id),
            ReviewItemKind::Relationship,
            rel.id,
            rel.display_name.to_string(),
            rel_privileged,
        ));
        for a in r
            .assignments
            .iter()
            .filter(|a| a.relationship_id == rel.id && a.status == AssignmentStatus::Active)
        {
            let a_privileged = a.roles.iter().any(privileged);
            if !wanted(a_privileged) {
                continue;
            }
            let mut item = unreviewed(
                format!("assignment.{}", a.id),
                ReviewItemKind::Assignment,
                rel.id,
                format!(
                    "group {} ({})",
                    a.group_id,
                    match a.kind {
                        crate::AssignmentKind::Standing => "standing",
                        crate::AssignmentKind::Eligible { .. } => "eligible",
                    }
                ),
                a_privileged,
            );
            item.assignment_id = Some(a.id);
            items.push(item);
            for role in a.roles.iter().filter(|role| wanted(privileged(role))) {
                let name = catalog
                    .get(*role)
                    .map_or_else(|| role.to_string(), |r| r.name.clone());
                let mut item = unreviewed(
                    format!("role.{}.{role}", a.id),
                    ReviewItemKind::Role,
                    rel.id,
                    name,
                    privileged(role),
                );
                item.assignment_id = Some(a.id);
                item.role_id = Some(*role);
                items.push(item);
            }
        }
    }
    items
}

fn not_open(status: ReviewStatus) -> RuleViolation {
    RuleViolation::new(
        "invalid_transition",
        format!(
            "the review is `{}`; only a review in progress changes",
            status.as_str()
        ),
    )
}

impl AccessReview {
    pub fn is_open(&self) -> bool {
        self.status == ReviewStatus::InProgress
    }

    /// Records a reviewer's decision on one item; `None` when the review
    /// has no such item.
    pub fn decide(
        &mut self,
        item_id: &str,
        decision: ReviewDecision,
        justification: Option<String>,
        by: &str,
        now: Timestamp,
    ) -> Result<Option<&ReviewItem>, RuleViolation> {
        if !self.is_open() {
            return Err(not_open(self.status));
        }
        let Some(item) = self.items.iter_mut().find(|i| i.id == item_id) else {
            return Ok(None);
        };
        item.decision = decision;
        item.justification = justification;
        item.decided_by = Some(by.to_owned());
        item.decided_at = Some(now);
        Ok(Some(item))
    }

    /// Whether the reminder is due: open, not yet reminded, and within
    /// [`REMIND_BEFORE_SECONDS`] of the due date.
    pub fn reminder_due(&self, now: Timestamp) -> bool {
        self.is_open()
            && self.reminded_at.is_none()
            && now >= self.due_at.saturating_add_seconds(-REMIND_BEFORE_SECONDS)
    }

    /// Items still without a decision.
    pub fn unreviewed_count(&self) -> usize {
        self.items
            .iter()
            .filter(|i| i.decision == ReviewDecision::NotReviewed)
            .count()
    }

    fn is_under(&self, child: &ReviewItem, parent: &ReviewItem) -> bool {
        match parent.kind {
            ReviewItemKind::Relationship => {
                child.kind != ReviewItemKind::Relationship
                    && child.relationship_id == parent.relationship_id
            }
            ReviewItemKind::Assignment => {
                child.kind == ReviewItemKind::Role && child.assignment_id == parent.assignment_id
            }
            ReviewItemKind::Role => false,
        }
    }

    /// Whether completing the review removes `item`: denied; or left
    /// unreviewed, `remove_unreviewed` set, no enclosing item approved and
    /// nothing inside it approved.
    pub fn removes(&self, item: &ReviewItem) -> bool {
        match item.decision {
            ReviewDecision::Deny => true,
            ReviewDecision::Approve => false,
            ReviewDecision::NotReviewed => {
                let approved = |other: &&ReviewItem| other.decision == ReviewDecision::Approve;
                let parent_approved = self
                    .items
                    .iter()
                    .filter(approved)
                    .any(|p| self.is_under(item, p));
                let child_approved = self
                    .items
                    .iter()
                    .filter(approved)
                    .any(|c| self.is_under(c, item));
                self.remove_unreviewed && !parent_approved && !child_approved
            }
        }
    }

    /// What completing the review removes: a removed relationship takes
    /// its assignments with it, a removed assignment its roles.
    pub fn removals(&self) -> Vec<ReviewRemoval> {
        let removed: Vec<&ReviewItem> = self.items.iter().filter(|i| self.removes(i)).collect();
        let gone_relationship = |r: RelationshipId| {
            removed
                .iter()
                .any(|i| i.kind == ReviewItemKind::Relationship && i.relationship_id == r)
        };
        let gone_assignment = |a: Option<AssignmentId>| {
            removed
                .iter()
                .any(|i| i.kind == ReviewItemKind::Assignment && i.assignment_id == a)
        };
        let mut out: Vec<ReviewRemoval> = Vec::new();
        for item in &removed {
            match (item.kind, item.assignment_id, item.role_id) {
                (ReviewItemKind::Relationship, _, _) => {
                    out.push(ReviewRemoval::Relationship(item.relationship_id));
                }
                (ReviewItemKind::Assignment, Some(a), _)
                    if !gone_relationship(item.relationship_id) =>
                {
                    out.push(ReviewRemoval::Assignment(item.relationship_id, a));
                }
                (ReviewItemKind::Role, Some(a), Some(role))
                    if !gone_relationship(item.relationship_id) && !gone_assignment(Some(a)) =>
                {
                    let existing = out.iter_mut().find_map(|r| match r {
                        ReviewRemoval::Roles(_, id, roles) if *id == a => Some(roles),
                        _ => None,
                    });
                    match existing {
                        Some(roles) => {
                            roles.insert(role);
                        }
                        None => out.push(ReviewRemoval::Roles(
                            item.relationship_id,
                            a,
                            BTreeSet::from([role]),
                        )),
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// Marks the review completed; `gone` names the items whose access had
    /// already ended, every other removed item is `removed`.
    pub fn complete(
        &mut self,
        gone: &BTreeSet<String>,
        by: &str,
        now: Timestamp,
    ) -> Result<(), RuleViolation> {
        if !self.is_open() {
            return Err(not_open(self.status));
        }
        let outcomes: Vec<ItemOutcome> = self
            .items
            .iter()
            .map(|i| {
                if gone.contains(&i.id) {
                    ItemOutcome::AlreadyGone
                } else if self.removes(i) {
                    ItemOutcome::Removed
                } else {
                    ItemOutcome::Kept
                }
            })
            .collect();
        for (item, outcome) in self.items.iter_mut().zip(outcomes) {
            item.outcome = Some(outcome);
        }
        self.status = ReviewStatus::Completed;
        self.completed_at = Some(now);
        self.completed_by = Some(by.to_owned());
        Ok(())
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

//! The pure rules of a review: which items it lists, how a decision is
//! recorded, and what completion removes.

use std::collections::BTreeSet;

use super::{
    AccessReview, ItemOutcome, REMIND_BEFORE_SECONDS, ReviewDecision, ReviewItem, ReviewItemKind,
    ReviewRemoval, ReviewScope, ReviewStatus,
};
use crate::{
    AccessAssignment, AssignmentId, AssignmentStatus, RelationshipId, RelationshipStatus,
    RoleCatalog, RoleId, RuleViolation, Timestamp,
};

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

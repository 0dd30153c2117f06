//! A relationship's status over time, from the few fields that decide it,
//! so that the decision index can keep them inline in its pair map (a
//! decision reads them without another hop) and still answer exactly as
//! [`Relationship::status_at`] does: the rule is written here once.

use crate::{APPROVAL_WINDOW_SECONDS, Relationship, RelationshipStatus, Timestamp};

/// The fields of a [`Relationship`] that its status at an instant depends
/// on, and the rule over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationshipLifetime {
    status: RelationshipStatus,
    end_at: Option<Timestamp>,
    /// The auto-extension step in milliseconds; 0 when it never extends.
    extend_ms: i64,
    approval_requested_at: Option<Timestamp>,
}

impl RelationshipLifetime {
    pub fn of(relationship: &Relationship) -> Self {
        Self {
            status: relationship.status,
            end_at: relationship.end_at,
            extend_ms: relationship
                .auto_extend_duration
                .as_seconds()
                .saturating_mul(1000),
            approval_requested_at: relationship.approval_requested_at,
        }
    }

    /// See [`Relationship::status_at`].
    pub fn status_at(&self, now: Timestamp) -> RelationshipStatus {
        match self.status {
            RelationshipStatus::Active => match self.end_at_time(now) {
                Some(end) if now < end => RelationshipStatus::Active,
                _ => RelationshipStatus::Expired,
            },
            RelationshipStatus::ApprovalPending => match self.approval_requested_at {
                Some(sent) if now < sent.saturating_add_seconds(APPROVAL_WINDOW_SECONDS) => {
                    RelationshipStatus::ApprovalPending
                }
                _ => RelationshipStatus::Expired,
            },
            other => other,
        }
    }

    /// See [`Relationship::end_at_time`].
    pub fn end_at_time(&self, now: Timestamp) -> Option<Timestamp> {
        let end = self.end_at?;
        if self.extend_ms <= 0 || now < end {
            return Some(end);
        }
        let behind = now.unix_millis().saturating_sub(end.unix_millis());
        let steps = behind / self.extend_ms + 1;
        Some(end.saturating_add_millis(steps.saturating_mul(self.extend_ms)))
    }
}

//! Bulk changes across relationships (and applying a template to many
//! customers): what to do, to which items, and what became of each.

use serde::{Deserialize, Serialize};

use crate::{IsoDuration, RoleId};

/// The most items one bulk call may name unless the server is configured
/// otherwise.
pub const DEFAULT_BULK_CAP: usize = 100;
/// The highest cap a server may be configured with.
pub const MAX_BULK_CAP: usize = 10_000;
/// The role `remove_role` removes when none is named: Global Administrator.
pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";

/// What a bulk call does to each relationship it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "operation", rename_all = "snake_case", deny_unknown_fields)]
pub enum BulkOperation {
    /// Removes a role from each relationship (Global Administrator when
    /// none is named). An active relationship loses only privileged roles;
    /// one that is still `created` loses any.
    RemoveRole {
        #[serde(default)]
        #[schema(value_type = Option<String>)]
        role_id: Option<RoleId>,
    },
    /// Sets the auto-extend duration (`PT0S` or `P180D`) of each
    /// relationship that is `created` or `active`.
    SetAutoExtend {
        #[schema(value_type = String, example = "PT0S")]
        auto_extend_duration: IsoDuration,
    },
    /// Terminates each active relationship.
    Terminate,
}

impl BulkOperation {
    /// The operation's stable name.
    pub const fn as_str(&self) -> &'static str {
        match self {
            Self::RemoveRole { .. } => "remove_role",
            Self::SetAutoExtend { .. } => "set_auto_extend",
            Self::Terminate => "terminate",
        }
    }
}

/// What became of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BulkOutcome {
    /// Changed (or, for a template, the relationship request created).
    Done,
    /// A dry run: it would be changed.
    WouldDo,
    /// Nothing to do: the relationship is already as asked.
    Unchanged,
    /// Refused; `error` says why. The other items go on.
    Failed,
}

impl BulkOutcome {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::WouldDo => "would_do",
            Self::Unchanged => "unchanged",
            Self::Failed => "failed",
        }
    }

    /// The outcome named by its stable string.
    pub fn parse(text: &str) -> Option<Self> {
        [Self::Done, Self::WouldDo, Self::Unchanged, Self::Failed]
            .into_iter()
            .find(|o| o.as_str() == text)
    }
}

/// One item's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BulkItem {
    /// The relationship (or, applying a template, the customer tenant) named.
    pub target: String,
    pub outcome: BulkOutcome,
    /// The relationship changed or created, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship_id: Option<String>,
    /// Why it failed: the error's code and message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The result of a bulk call, item by item in the order named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BulkReport {
    /// `remove_role`, `set_auto_extend`, `terminate` or `apply_template`.
    pub operation: String,
    pub dry_run: bool,
    pub total: usize,
    pub done: usize,
    pub failed: usize,
    pub items: Vec<BulkItem>,
}

impl BulkReport {
    pub fn new(operation: &str, dry_run: bool, total: usize) -> Self {
        Self {
            operation: operation.to_owned(),
            dry_run,
            total,
            done: 0,
            failed: 0,
            items: Vec::with_capacity(total),
        }
    }

    /// Adds one item's result.
    pub fn push(&mut self, item: BulkItem) {
        match item.outcome {
            BulkOutcome::Failed => self.failed += 1,
            BulkOutcome::Done | BulkOutcome::WouldDo | BulkOutcome::Unchanged => self.done += 1,
        }
        self.items.push(item);
    }

    /// Items handled so far.
    pub fn handled(&self) -> usize {
        self.items.len()
    }
}

/// A bulk call run in the background, with its progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct BulkRun {
    #[schema(value_type = String, format = Uuid)]
    pub id: crate::RecordId,
    /// The partner whose relationships it changes (`None`: an operator's run).
    #[schema(value_type = Option<String>, format = Uuid)]
    pub partner_tenant_id: Option<crate::TenantId>,
    pub started_at: crate::Timestamp,
    /// `None` while it runs.
    pub finished_at: Option<crate::Timestamp>,
    /// Set when the run as a whole was refused (nothing was changed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The items handled so far (all of them once finished).
    pub report: BulkReport,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_read_from_their_tagged_json() {
        let op: BulkOperation =
            serde_json::from_value(serde_json::json!({"operation": "terminate"})).unwrap();
        assert_eq!(op, BulkOperation::Terminate);
        let op: BulkOperation = serde_json::from_value(
            serde_json::json!({"operation": "set_auto_extend", "auto_extend_duration": "P180D"}),
        )
        .unwrap();
        assert_eq!(op.as_str(), "set_auto_extend");
        assert!(
            serde_json::from_value::<BulkOperation>(serde_json::json!({"operation": "explode"}))
                .is_err()
        );
    }

    #[test]
    fn a_report_counts_failures_apart() {
        let mut report = BulkReport::new("terminate", false, 2);
        for outcome in [BulkOutcome::Done, BulkOutcome::Failed] {
            report.push(BulkItem {
                target: "x".into(),
                outcome,
                relationship_id: None,
                error: None,
            });
        }
        assert_eq!((report.done, report.failed, report.handled()), (1, 1, 2));
    }
}

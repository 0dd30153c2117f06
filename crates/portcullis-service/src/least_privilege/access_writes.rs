//! The one write path of access changes: relationships, assignments and
//! activations are stored in one transaction with their audit and webhook
//! events, then mirrored in the in-memory decision index.

use portcullis_domain::{AuditOperation, Relationship};
use portcullis_store::AccessChange;

use crate::{Caller, Portcullis, ServiceError};

/// Refuses a stale `If-Match`.
pub(crate) fn check_if_match(current: i64, if_match: Option<i64>) -> Result<(), ServiceError> {
    match if_match {
        Some(expected) if expected != current => Err(ServiceError::PreconditionFailed { current }),
        _ => Ok(()),
    }
}

impl Portcullis {
    /// Writes one relationship change and updates the index.
    pub(crate) async fn save_relationship(
        &self,
        caller: &Caller,
        operation: AuditOperation,
        before: Relationship,
        mut after: Relationship,
        extra: Vec<AccessChange>,
    ) -> Result<Relationship, ServiceError> {
        let now = self.clock.now();
        after.updated_at = now;
        after.version = before.version + 1;
        let mut changes = vec![AccessChange::Relationship {
            operation,
            before: Some(before),
            after: Some(after.clone()),
        }];
        changes.extend(extra);
        self.apply_access(caller, changes).await?;
        Ok(after)
    }

    /// Applies changes in one transaction, with their webhook events, then
    /// mirrors them in the index.
    pub(crate) async fn apply_access(
        &self,
        caller: &Caller,
        changes: Vec<AccessChange>,
    ) -> Result<(), ServiceError> {
        let announcements = self.access_announcements(&changes).await?;
        let ctx = caller.audit(self.clock.now()).announcing(announcements);
        self.store.apply(&ctx, changes.clone()).await.map_err(|e| {
            ServiceError::from_store(e, || "a record changed or vanished meanwhile".into())
        })?;
        self.decisions.update(|index| {
            for change in &changes {
                match change {
                    AccessChange::Relationship { after: Some(r), .. } => {
                        index.upsert_relationship(r)
                    }
                    AccessChange::Relationship {
                        before: Some(r),
                        after: None,
                        ..
                    } => {
                        index.remove_relationship(r.id);
                    }
                    AccessChange::Assignment { after: Some(a), .. } => index.upsert_assignment(a),
                    AccessChange::Assignment {
                        before: Some(a),
                        after: None,
                        ..
                    } => {
                        index.remove_assignment(a.id);
                    }
                    AccessChange::Activation { after: Some(a), .. } => index.upsert_activation(a),
                    AccessChange::Activation {
                        before: Some(a),
                        after: None,
                        ..
                    } => {
                        index.remove_activation(a.id);
                    }
                    _ => {}
                }
            }
        });
        Ok(())
    }
}

//! Closing a relationship: the customer rejects a proposal, either side
//! terminates an active one. Every termination ends in
//! [`Portcullis::end_relationship`].

use portcullis_domain::{AuditOperation, Relationship, RelationshipId};

use crate::caller_rules::{self, Side};
use crate::{Caller, Portcullis, ServiceError};

/// The longest reason a side may give for rejecting or terminating.
pub const MAX_CLOSED_REASON: usize = 1000;

/// How a relationship is closed.
#[derive(Debug, Clone, Copy)]
enum Closure {
    Reject,
    Terminate,
}

impl Portcullis {
    /// The customer refuses the proposal.
    pub async fn reject_relationship(
        &self,
        caller: &Caller,
        id: RelationshipId,
    ) -> Result<Relationship, ServiceError> {
        self.close_relationship(caller, id, Closure::Reject, None)
            .await
    }

    /// As [`Self::reject_relationship`], recording why (1 to 1000
    /// characters of free text) on the relationship.
    pub async fn reject_relationship_because(
        &self,
        caller: &Caller,
        id: RelationshipId,
        reason: &str,
    ) -> Result<Relationship, ServiceError> {
        self.close_relationship(caller, id, Closure::Reject, Some(reason))
            .await
    }

    /// Either side (or an operator containing an incident) ends an active
    /// relationship; it grants nothing from this instant.
    pub async fn terminate_relationship(
        &self,
        caller: &Caller,
        id: RelationshipId,
    ) -> Result<Relationship, ServiceError> {
        self.close_relationship(caller, id, Closure::Terminate, None)
            .await
    }

    /// As [`Self::terminate_relationship`], recording why (1 to 1000
    /// characters of free text) on the relationship.
    pub async fn terminate_relationship_because(
        &self,
        caller: &Caller,
        id: RelationshipId,
        reason: &str,
    ) -> Result<Relationship, ServiceError> {
        self.close_relationship(caller, id, Closure::Terminate, Some(reason))
            .await
    }

    async fn close_relationship(
        &self,
        caller: &Caller,
        id: RelationshipId,
        closure: Closure,
        reason: Option<&str>,
    ) -> Result<Relationship, ServiceError> {
        // Looked up first: a stranger learns nothing from a bad reason.
        let (before, side) = self.relationship_for(caller, id).await?;
        let reason = reason
            .map(|r| portcullis_domain::free_text("reason", r, MAX_CLOSED_REASON))
            .transpose()?;
        match closure {
            Closure::Reject => {
                caller_rules::require_side(
                    &caller.principal,
                    side,
                    &[Side::Customer],
                    "reject relationships (only the customer does)",
                )?;
                let mut after = before.clone();
                after.reject(self.clock.now())?;
                after.closed_reason = reason;
                self.save_relationship(
                    caller,
                    AuditOperation::RelationshipReject,
                    before,
                    after,
                    Vec::new(),
                )
                .await
            }
            Closure::Terminate => self.end_relationship(caller, before, reason).await,
        }
    }

    /// Terminates `before`, keeping `reason` on it (`relationship.terminate`).
    /// The one path of every termination — by either side, in bulk, by an
    /// access review's denial — once the caller has been authorized.
    pub(crate) async fn end_relationship(
        &self,
        caller: &Caller,
        before: Relationship,
        reason: Option<String>,
    ) -> Result<Relationship, ServiceError> {
        let mut after = before.clone();
        after.request_termination(self.clock.now())?;
        after.closed_reason = reason;
        self.save_relationship(
            caller,
            AuditOperation::RelationshipTerminate,
            before,
            after,
            Vec::new(),
        )
        .await
    }
}

//! Applying a completed review: each removal goes through the same use
//! case as a party's own removal, past its caller check (the review made
//! its own: the reviewing customer, or `system` completing a due review) —
//! `relationship.terminate` as a termination by either side,
//! `assignment.delete` as a party's deletion, `assignment.role.remove` as
//! a partner applying a recommendation — so the audit record, the decision
//! index, other nodes, the change feed and webhooks are the same.

use std::collections::BTreeSet;

use portcullis_domain::{
    AccessAssignment, AccessReview, AssignmentStatus, RelationshipStatus, ReviewItemKind,
    ReviewRemoval, RoleId,
};

use crate::{Caller, Portcullis, ServiceError};

impl Portcullis {
    /// Applies the removals `review` decided; returns the ids of the items
    /// whose access was already gone.
    pub(crate) async fn apply_review_removals(
        &self,
        caller: &Caller,
        review: &AccessReview,
    ) -> Result<BTreeSet<String>, ServiceError> {
        let mut gone = BTreeSet::new();
        let reason = format!("denied in access review {}", review.id);
        for removal in review.removals() {
            match removal {
                ReviewRemoval::Relationship(id) => {
                    if !self.terminate_denied(caller, id, &reason).await? {
                        gone.insert(format!("relationship.{id}"));
                    }
                }
                ReviewRemoval::Assignment(_, id) => {
                    if self.live_assignment(id).await?.is_none() {
                        gone.insert(format!("assignment.{id}"));
                        continue;
                    }
                    self.take_roles(caller, id, None).await?;
                }
                ReviewRemoval::Roles(_, id, roles) => {
                    let Some(assignment) = self.live_assignment(id).await? else {
                        gone.extend(roles.iter().map(|r| format!("role.{id}.{r}")));
                        continue;
                    };
                    let held: BTreeSet<RoleId> =
                        roles.intersection(&assignment.roles).copied().collect();
                    gone.extend(roles.difference(&held).map(|r| format!("role.{id}.{r}")));
                    if !held.is_empty() {
                        self.take_roles(caller, id, Some(&held)).await?;
                    }
                }
            }
        }
        // Items under a relationship or assignment that was already gone
        // were already gone too.
        for item in &review.items {
            let parent_gone = gone.contains(&format!("relationship.{}", item.relationship_id))
                || (item.kind == ReviewItemKind::Role
                    && item
                        .assignment_id
                        .is_some_and(|a| gone.contains(&format!("assignment.{a}"))));
            if parent_gone && review.removes(item) {
                gone.insert(item.id.clone());
            }
        }
        Ok(gone)
    }

    /// Terminates an active relationship through the one termination path
    /// ([`Self::end_relationship`]); `false` when it no longer was active.
    async fn terminate_denied(
        &self,
        caller: &Caller,
        id: portcullis_domain::RelationshipId,
        reason: &str,
    ) -> Result<bool, ServiceError> {
        let Some(before) = self.store.get_relationship(id).await? else {
            return Ok(false);
        };
        if before.status_at(self.clock.now()) != RelationshipStatus::Active {
            return Ok(false);
        }
        self.end_relationship(caller, before, Some(reason.to_owned()))
            .await?;
        Ok(true)
    }

    async fn live_assignment(
        &self,
        id: portcullis_domain::AssignmentId,
    ) -> Result<Option<AccessAssignment>, ServiceError> {
        Ok(self.store.get_assignment(id).await?.filter(|a| {
            matches!(
                a.status,
                AssignmentStatus::Active | AssignmentStatus::Pending
            )
        }))
    }

    /// Removes `roles` from an assignment (all of them, deleting it:
    /// `None`) through the same paths as a partner's or customer's
    /// removal ([`Self::remove_assignment_roles`], [`Self::remove_assignment`]).
    async fn take_roles(
        &self,
        caller: &Caller,
        id: portcullis_domain::AssignmentId,
        roles: Option<&BTreeSet<RoleId>>,
    ) -> Result<(), ServiceError> {
        let Some(before) = self.live_assignment(id).await? else {
            return Ok(());
        };
        match roles {
            Some(roles) => self.remove_assignment_roles(caller, before, roles).await?,
            None => self.remove_assignment(caller, before).await?,
        };
        Ok(())
    }
}

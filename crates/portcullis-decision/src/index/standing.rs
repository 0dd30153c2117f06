//! What detection asks of the index about an activity event, in a few hash
//! lookups: whether the customer is reachable through the user's
//! assignments, and where the user's partner tenant stands.

use portcullis_domain::{RelationshipStatus, TenantId, TenantKind, Timestamp, UserId};

use super::DecisionIndex;

/// Where a partner tenant stands for access at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartnerAccess {
    /// Authorized by vetting and not suspended for its posture.
    Authorized,
    /// Authorized, but its posture is non-compliant: suspension starts
    /// when the grace period ends.
    Noncompliant,
    /// Authorized, but suspended for its posture (`partner_noncompliant`).
    Suspended,
    /// Not (or no longer) authorized by vetting (`partner_not_authorized`).
    NotAuthorized,
    /// Not authorized because its vetting case is suspended: an operator
    /// suspended it, a re-screen hit, or a containment named the partner
    /// (`partner_not_authorized` too).
    VettingSuspended,
}

impl DecisionIndex {
    /// Whether `customer` is reachable through `user`'s assignments at
    /// `now`: one of its groups holds an assignment (standing or eligible)
    /// in a relationship between its partner tenant and `customer` that is
    /// active and not contained. Whether a role permits any given action,
    /// and the user's own state, are not considered. `None` when the index
    /// does not know the user.
    pub fn reaches(&self, user: UserId, customer: TenantId, now: Timestamp) -> Option<bool> {
        let person = self.people.get(user)?;
        let account = person.account?;
        let reached = self
            .links
            .between(account.tenant, customer)
            .iter()
            .filter(|l| {
                l.lifetime.status_at(now) == RelationshipStatus::Active
                    && !self.contained_relationships.contains(&l.id)
            })
            .flat_map(|l| l.assignments.iter())
            .any(|a| person.groups.contains(&a.group));
        Some(reached)
    }

    /// Where `partner` stands at `now`; `None` when the index knows no
    /// partner tenant of that id.
    pub fn partner_access(&self, partner: TenantId, now: Timestamp) -> Option<PartnerAccess> {
        if self.tenants.get(&partner) != Some(&TenantKind::Partner) {
            return None;
        }
        if !self.authorized.contains(&partner) {
            return Some(if self.vetting_suspended.contains(&partner) {
                PartnerAccess::VettingSuspended
            } else {
                PartnerAccess::NotAuthorized
            });
        }
        Some(match self.posture.get(&partner) {
            None => PartnerAccess::Authorized,
            Some(from) if now >= *from => PartnerAccess::Suspended,
            Some(_) => PartnerAccess::Noncompliant,
        })
    }
}

//! Everything a decision depends on, as plain data: what the store reads in
//! one consistent snapshot and the decision engine indexes.

use crate::{
    AccessAssignment, Activation, CustomerRestrictions, GroupMember, PartnerUser, Relationship,
    Tenant, TenantId, Timestamp, UserId,
};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccessSnapshot {
    pub tenants: Vec<Tenant>,
    /// Partner tenants allowed to act as partners (vetted and authorized).
    pub authorized_partners: Vec<TenantId>,
    /// Partner tenants whose tenant security posture is non-compliant, each
    /// with the first instant of its suspension (the end of its grace
    /// period; the distant past once suspended): from then on decisions
    /// deny with `partner_noncompliant`.
    pub posture_suspensions: Vec<(TenantId, Timestamp)>,
    pub users: Vec<PartnerUser>,
    /// Partner users suspended by containment.
    pub contained_users: Vec<UserId>,
    /// Relationships suspended by containment: they grant nothing.
    pub contained_relationships: Vec<crate::RelationshipId>,
    pub memberships: Vec<GroupMember>,
    pub relationships: Vec<Relationship>,
    pub assignments: Vec<AccessAssignment>,
    /// Pending or active activations (ended ones grant nothing).
    pub activations: Vec<Activation>,
    /// Customer tenants' restrictions; a customer without an entry has none.
    pub restrictions: Vec<(TenantId, CustomerRestrictions)>,
}

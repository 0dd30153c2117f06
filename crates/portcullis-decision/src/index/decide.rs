//! `decide`: a handful of hash lookups, each landing on the record the rule
//! needs (see the crate documentation for the rules).

use std::collections::BTreeSet;

use portcullis_domain::{
    ActivationId, AssignmentId, AuthStrength, RelationshipId, RelationshipStatus, TenantKind,
    Timestamp,
};
use smallvec::SmallVec;

use super::DecisionIndex;
use super::links::{Assigned, Linked};
use super::matcher::Places;
use super::users::GroupIx;
use crate::{Decision, DecisionRequest, DenyReason, Grant};

/// What the user holds in the customer: its groups, the relationships
/// between the two tenants, and the roles that permit the action.
struct Held<'a> {
    groups: &'a [GroupIx],
    between: &'a [Linked],
    permitted: &'a Places,
}

/// Orders candidate grants: least-privileged role first (its place in the
/// catalog's privilege order), then ids.
type GrantKey = (u32, RelationshipId, AssignmentId, Option<ActivationId>);

impl DecisionIndex {
    /// Decides `request` at `now`; see the crate documentation for the rules.
    pub fn decide(&self, request: &DecisionRequest, now: Timestamp) -> Decision {
        let partner = request.partner_tenant_id;
        // At scale the user and the pair records are usually cache misses:
        // both probes come first, so that the two loads are in flight at
        // once, and the action's roles (all in cache) are matched while they
        // arrive. Nothing read from them is used before this point.
        let person = self.people.get(request.user_id);
        let between = self.links.between(partner, request.customer_tenant_id);
        let restrictions = self.restrictions.get(&request.customer_tenant_id);
        let permitted = self.roles.permitting(&request.action);
        let mut reasons = BTreeSet::new();

        let is_partner = self.tenants.get(&partner) == Some(&TenantKind::Partner);
        if !is_partner || !self.authorized.contains(&partner) {
            reasons.insert(DenyReason::PartnerNotAuthorized);
        }
        if is_partner && self.posture.get(&partner).is_some_and(|from| now >= *from) {
            reasons.insert(DenyReason::PartnerNoncompliant);
        }

        let account = person
            .and_then(|p| p.account)
            .filter(|a| a.tenant == partner);
        match account {
            None => {
                reasons.insert(DenyReason::UnknownUser);
            }
            Some(account) => {
                if !account.enabled {
                    reasons.insert(DenyReason::UserDisabled);
                }
                if self.contained.contains(&request.user_id) {
                    reasons.insert(DenyReason::UserContained);
                }
            }
        }

        let mut any_active = false;
        let mut any_contained = false;
        let mut expired = false;
        for linked in between {
            match linked.lifetime.status_at(now) {
                RelationshipStatus::Active if self.contained_relationships.contains(&linked.id) => {
                    any_contained = true;
                }
                RelationshipStatus::Active => any_active = true,
                RelationshipStatus::Expired => expired = true,
                _ => {}
            }
        }
        if !any_active {
            reasons.insert(if any_contained {
                DenyReason::RelationshipContained
            } else if expired {
                DenyReason::RelationshipExpired
            } else {
                DenyReason::NoActiveRelationship
            });
        }

        let grant = match person {
            Some(person) if account.is_some() && any_active => {
                let held = Held {
                    groups: &person.groups,
                    between,
                    permitted: &permitted,
                };
                self.find_grant(request, &held, now, &mut reasons)
            }
            _ => None,
        };

        if let Some(found) = &grant {
            if request.auth_strength == AuthStrength::None {
                reasons.insert(DenyReason::MfaRequired);
            }
            if found.privileged && request.auth_strength != AuthStrength::PhishingResistant {
                reasons.insert(DenyReason::PhishingResistantMfaRequired);
            }
        }

        if let Some(restrictions) = restrictions {
            if !restrictions.allows_ip(request.source_ip) {
                reasons.insert(DenyReason::IpNotAllowed);
            }
            if !restrictions.allows_time(now) {
                reasons.insert(DenyReason::OutsideAllowedHours);
            }
        }

        Decision::from_parts(reasons, grant)
    }

    /// The least-privileged grant of the action through the user's groups'
    /// active assignments in the active relationships of `between`, or the
    /// reason there is none.
    fn find_grant(
        &self,
        request: &DecisionRequest,
        held: &Held<'_>,
        now: Timestamp,
        reasons: &mut BTreeSet<DenyReason>,
    ) -> Option<Grant> {
        let mut any_assignment = false;
        let mut eligible_would_permit = false;
        let mut best: Option<(GrantKey, Grant)> = None;
        let active = held.between.iter().filter(|l| {
            l.lifetime.status_at(now) == RelationshipStatus::Active
                && !self.contained_relationships.contains(&l.id)
        });
        for linked in active {
            let assignments = linked
                .assignments
                .iter()
                .filter(|a| held.groups.contains(&a.group));
            for assigned in assignments {
                any_assignment = true;
                // Looked up once per assignment, when a role permits the action.
                let mut activations: Option<SmallVec<[Option<ActivationId>; 2]>> = None;
                for role in &assigned.roles {
                    let Some(ranked) = self.roles.get_if(*role, held.permitted) else {
                        continue;
                    };
                    let activations = activations
                        .get_or_insert_with(|| self.activations_of(request, assigned, now));
                    if activations.is_empty() {
                        eligible_would_permit = true;
                    }
                    for activation in activations.iter() {
                        let key = (ranked.place, linked.id, assigned.id, *activation);
                        if best.as_ref().is_none_or(|(k, _)| key < *k) {
                            let grant = Grant {
                                relationship_id: linked.id,
                                assignment_id: assigned.id,
                                role_id: ranked.id,
                                activation_id: *activation,
                                privileged: ranked.privileged,
                            };
                            best = Some((key, grant));
                        }
                    }
                }
            }
        }
        if !any_assignment {
            reasons.insert(DenyReason::NoAssignment);
            return None;
        }
        match best {
            Some((_, grant)) => Some(grant),
            None => {
                reasons.insert(if eligible_would_permit {
                    DenyReason::ActivationRequired
                } else {
                    DenyReason::RoleDoesNotPermitAction
                });
                None
            }
        }
    }

    /// `[None]` for a standing assignment; the user's activations active at
    /// `now` for an eligible one (possibly none).
    fn activations_of(
        &self,
        request: &DecisionRequest,
        assigned: &Assigned,
        now: Timestamp,
    ) -> SmallVec<[Option<ActivationId>; 2]> {
        if !assigned.eligible {
            return smallvec::smallvec![None];
        }
        self.activations
            .active_at(request.user_id, assigned.id, now)
            .map(Some)
            .collect()
    }
}

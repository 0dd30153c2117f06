//! The reference: obviously correct, slow, scans everything.

use std::collections::BTreeSet;

use portcullis_domain::{
    AccessSnapshot, AssignmentKind, AssignmentStatus, AuthStrength, RelationshipStatus,
    RoleCatalog, TenantKind, Timestamp,
};

use crate::{Decision, DecisionRequest, DenyReason, Grant};

/// Decides by scanning `snapshot`; see the crate documentation for the rules.
pub fn decide_naive(
    snapshot: &AccessSnapshot,
    catalog: &RoleCatalog,
    request: &DecisionRequest,
    now: Timestamp,
) -> Decision {
    let mut reasons = BTreeSet::new();
    let partner = request.partner_tenant_id;

    let is_partner = snapshot
        .tenants
        .iter()
        .any(|t| t.id == partner && t.kind == TenantKind::Partner);
    if !is_partner || !snapshot.authorized_partners.contains(&partner) {
        reasons.insert(DenyReason::PartnerNotAuthorized);
    }
    let suspended = snapshot
        .posture_suspensions
        .iter()
        .any(|(t, from)| *t == partner && now >= *from);
    if is_partner && suspended {
        reasons.insert(DenyReason::PartnerNoncompliant);
    }

    let user = snapshot
        .users
        .iter()
        .find(|u| u.id == request.user_id && u.tenant_id == partner);
    match user {
        None => {
            reasons.insert(DenyReason::UnknownUser);
        }
        Some(user) => {
            if !user.enabled {
                reasons.insert(DenyReason::UserDisabled);
            }
            if snapshot.contained_users.contains(&user.id) {
                reasons.insert(DenyReason::UserContained);
            }
        }
    }

    let between: Vec<_> = snapshot
        .relationships
        .iter()
        .filter(|r| {
            r.partner_tenant_id == partner && r.customer_tenant_id == request.customer_tenant_id
        })
        .collect();
    let contained =
        |r: &&&portcullis_domain::Relationship| snapshot.contained_relationships.contains(&r.id);
    let active: Vec<_> = between
        .iter()
        .filter(|r| r.is_active_at(now) && !contained(r))
        .collect();
    if active.is_empty() {
        if between.iter().any(|r| r.is_active_at(now) && contained(&r)) {
            reasons.insert(DenyReason::RelationshipContained);
        } else if between
            .iter()
            .any(|r| r.status_at(now) == RelationshipStatus::Expired)
        {
            reasons.insert(DenyReason::RelationshipExpired);
        } else {
            reasons.insert(DenyReason::NoActiveRelationship);
        }
    }

    let mut grant: Option<Grant> = None;
    if let Some(user) = user.filter(|_| !active.is_empty()) {
        let groups: Vec<_> = snapshot
            .memberships
            .iter()
            .filter(|m| m.user_id == user.id)
            .map(|m| m.group_id)
            .collect();
        let assignments: Vec<_> = snapshot
            .assignments
            .iter()
            .filter(|a| {
                a.status == AssignmentStatus::Active
                    && groups.contains(&a.group_id)
                    && active.iter().any(|r| r.id == a.relationship_id)
            })
            .collect();
        if assignments.is_empty() {
            reasons.insert(DenyReason::NoAssignment);
        } else {
            let mut best = None;
            let mut eligible_would_permit = false;
            for assignment in &assignments {
                let activations: Vec<Option<_>> = match assignment.kind {
                    AssignmentKind::Standing => vec![None],
                    AssignmentKind::Eligible { .. } => snapshot
                        .activations
                        .iter()
                        .filter(|a| {
                            a.assignment_id == assignment.id
                                && a.user_id == user.id
                                && a.is_active_at(now)
                        })
                        .map(|a| Some(a.id))
                        .collect(),
                };
                for role_id in &assignment.roles {
                    let Some(role) = catalog.get(*role_id) else {
                        continue;
                    };
                    if !role.permits(&request.action) {
                        continue;
                    }
                    if activations.is_empty() {
                        eligible_would_permit = true;
                    }
                    for activation in &activations {
                        let key = (
                            role.privilege_rank(),
                            assignment.relationship_id,
                            assignment.id,
                            *activation,
                        );
                        let candidate = Grant {
                            relationship_id: assignment.relationship_id,
                            assignment_id: assignment.id,
                            role_id: role.id,
                            activation_id: *activation,
                            privileged: role.privileged,
                        };
                        if best.as_ref().is_none_or(|(k, _)| key < *k) {
                            best = Some((key, candidate));
                        }
                    }
                }
            }
            match best {
                Some((_, found)) => grant = Some(found),
                None if eligible_would_permit => {
                    reasons.insert(DenyReason::ActivationRequired);
                }
                None => {
                    reasons.insert(DenyReason::RoleDoesNotPermitAction);
                }
            }
        }
    }

    if let Some(found) = &grant {
        if request.auth_strength == AuthStrength::None {
            reasons.insert(DenyReason::MfaRequired);
        }
        if found.privileged && request.auth_strength != AuthStrength::PhishingResistant {
            reasons.insert(DenyReason::PhishingResistantMfaRequired);
        }
    }

    let restrictions = snapshot
        .restrictions
        .iter()
        .find(|(tenant, _)| *tenant == request.customer_tenant_id)
        .map(|(_, r)| r.clone())
        .unwrap_or_default();
    if !restrictions.allows_ip(request.source_ip) {
        reasons.insert(DenyReason::IpNotAllowed);
    }
    if !restrictions.allows_time(now) {
        reasons.insert(DenyReason::OutsideAllowedHours);
    }

    Decision::from_parts(reasons, grant)
}

//! Relationships, their assignments to groups, and activations of the
//! eligible ones.

use std::collections::BTreeSet;

use anyhow::Context as _;
use portcullis_domain::{
    AccessAssignment, Activation, ActivationId, ActivationStatus, AssignmentId, AssignmentKind,
    AssignmentStatus, Description, IsoDuration, Relationship, RelationshipId, RelationshipStatus,
    RoleCatalog, RoleId, TenantId,
};

use super::{DAY, HOUR, NOW, Partner, Scale, duration, name, positions, timestamp};
use crate::rng::Rng;
use crate::vocabulary::{BUNDLES, GLOBAL_ADMINISTRATOR};

/// The roles of a relationship: two to four bundles, and now and then
/// Global Administrator.
fn relationship_roles(rng: &mut Rng) -> anyhow::Result<BTreeSet<RoleId>> {
    let mut roles = BTreeSet::new();
    for _ in 0..rng.between(2, 4) {
        for id in rng.pick(BUNDLES).copied().unwrap_or_default() {
            roles.insert(RoleId::parse(id)?);
        }
    }
    if rng.chance(40) {
        roles.insert(RoleId::parse(GLOBAL_ADMINISTRATOR)?);
    }
    Ok(roles)
}

/// Relationships spread evenly over partners and at random over customers:
/// mostly active (some auto-extending, some past their end but not yet swept
/// to `expired`), the rest expired, terminated, pending, drafted or rejected.
pub(super) fn relationships(
    rng: &mut Rng,
    partner_ids: &[TenantId],
    customer_ids: &[TenantId],
    scale: Scale,
    catalog: &RoleCatalog,
) -> anyhow::Result<Vec<Relationship>> {
    let now = NOW.unix_millis();
    let no_extension = duration("PT0S")?;
    let extension = duration("P180D")?;
    let mut out = Vec::with_capacity(scale.relationships);
    for n in 0..scale.relationships {
        let partner = partner_ids
            .get(n % partner_ids.len().max(1))
            .copied()
            .context("no partner")?;
        let customer = rng.pick(customer_ids).copied().context("no customer")?;
        let roles = relationship_roles(rng)?;
        let has_global = roles
            .iter()
            .any(|r| catalog.get(*r).is_some_and(|role| role.global));
        let days = rng.between(30, 730);
        let length = i64::try_from(days)? * DAY;
        let roll = rng.below(1000);
        let status = match roll {
            0..860 => RelationshipStatus::Active,
            860..900 => RelationshipStatus::Expired,
            900..940 => RelationshipStatus::Terminated,
            940..955 => RelationshipStatus::TerminationRequested,
            955..980 => RelationshipStatus::ApprovalPending,
            980..990 => RelationshipStatus::Created,
            _ => RelationshipStatus::Rejected,
        };
        let auto_extends = status == RelationshipStatus::Active && !has_global && rng.chance(300);
        // An active relationship ended before `NOW` one time in sixteen.
        let ended = matches!(
            status,
            RelationshipStatus::Expired | RelationshipStatus::Terminated
        ) || (status == RelationshipStatus::Active && !auto_extends && rng.chance(60));
        let activated = if ended {
            now - length - rng.millis_between(DAY, 120 * DAY)
        } else {
            now - rng.millis_between(HOUR, length)
        };
        let approval_requested = match status {
            // A request older than 90 days has expired unanswered.
            RelationshipStatus::ApprovalPending => now - rng.millis_between(HOUR, 120 * DAY),
            _ => activated - rng.millis_between(HOUR, 10 * DAY),
        };
        let approved = !matches!(
            status,
            RelationshipStatus::Created
                | RelationshipStatus::ApprovalPending
                | RelationshipStatus::Rejected
        );
        let closed = matches!(
            status,
            RelationshipStatus::Terminated
                | RelationshipStatus::TerminationRequested
                | RelationshipStatus::Rejected
        );
        out.push(Relationship {
            id: RelationshipId::from_uuid(rng.uuid()),
            partner_tenant_id: partner,
            customer_tenant_id: customer,
            display_name: name(&format!("relationship {n}"))?,
            roles,
            duration: IsoDuration::days(u32::try_from(days)?),
            auto_extend_duration: if auto_extends {
                extension.clone()
            } else {
                no_extension.clone()
            },
            status,
            created_at: timestamp(approval_requested - DAY),
            updated_at: timestamp(activated),
            approval_requested_at: (status != RelationshipStatus::Created)
                .then(|| timestamp(approval_requested)),
            activated_at: approved.then(|| timestamp(activated)),
            end_at: approved.then(|| timestamp(activated + length)),
            closed_at: closed.then(|| timestamp(now - rng.millis_between(HOUR, 30 * DAY))),
            closed_reason: None,
            version: 1,
        });
    }
    Ok(out)
}

/// Three or four assignments per relationship, each to another of the
/// partner's groups, with a subset of the relationship's roles; a quarter
/// eligible (just-in-time), the rest standing.
pub(super) fn assignments(
    rng: &mut Rng,
    relationships: &[Relationship],
    partners: &[Partner],
    total: usize,
) -> anyhow::Result<Vec<AccessAssignment>> {
    let per = total / relationships.len().max(1);
    let extra = total % relationships.len().max(1);
    let eight_hours = duration("PT8H")?;
    let four_hours = duration("PT4H")?;
    let position = positions(partners);
    let mut out = Vec::with_capacity(total);
    for (n, relationship) in relationships.iter().enumerate() {
        let partner = position
            .get(&relationship.partner_tenant_id)
            .and_then(|n| partners.get(*n))
            .context("relationship of an unknown partner")?;
        let count = per + usize::from(n < extra);
        let first_group = rng.below(partner.groups.len());
        let roles: Vec<RoleId> = relationship.roles.iter().copied().collect();
        for k in 0..count {
            let group = partner
                .groups
                .get((first_group + k) % partner.groups.len().max(1))
                .copied()
                .context("partner without groups")?;
            let mut chosen: BTreeSet<RoleId> =
                roles.iter().copied().filter(|_| rng.chance(400)).collect();
            if chosen.is_empty() {
                chosen.extend(rng.pick(&roles).copied());
            }
            let kind = if rng.chance(250) {
                AssignmentKind::Eligible {
                    max_activation: if rng.chance(500) {
                        eight_hours.clone()
                    } else {
                        four_hours.clone()
                    },
                    approval_required: rng.chance(300),
                }
            } else {
                AssignmentKind::Standing
            };
            let status = match relationship.status {
                RelationshipStatus::Active => match rng.below(100) {
                    0..97 => AssignmentStatus::Active,
                    97..99 => AssignmentStatus::Deleting,
                    _ => AssignmentStatus::Deleted,
                },
                RelationshipStatus::Created | RelationshipStatus::ApprovalPending => {
                    AssignmentStatus::Pending
                }
                _ if rng.chance(500) => AssignmentStatus::Active,
                _ => AssignmentStatus::Deleted,
            };
            out.push(AccessAssignment {
                id: AssignmentId::from_uuid(rng.uuid()),
                relationship_id: relationship.id,
                group_id: group,
                roles: chosen,
                kind,
                status,
                created_at: relationship.updated_at,
                updated_at: relationship.updated_at,
                version: 1,
            });
        }
    }
    Ok(out)
}

/// For two eligible assignments in five of active relationships, one or two
/// members have asked to activate: most activations running (some already
/// past their end), the rest waiting for approval.
pub(super) fn activations(
    rng: &mut Rng,
    assignments: &[AccessAssignment],
    relationships: &[Relationship],
    partners: &[Partner],
) -> anyhow::Result<Vec<Activation>> {
    let now = NOW.unix_millis();
    let justification =
        Description::parse("ticket from the customer's service desk").context("justification")?;
    let position = positions(partners);
    let mut out = Vec::new();
    // Assignments come grouped by relationship, in relationship order.
    let mut relationship_of = relationships.iter().peekable();
    for assignment in assignments {
        while relationship_of
            .peek()
            .is_some_and(|r| r.id != assignment.relationship_id)
        {
            relationship_of.next();
        }
        let Some(relationship) = relationship_of.peek() else {
            break;
        };
        let AssignmentKind::Eligible { max_activation, .. } = &assignment.kind else {
            continue;
        };
        if relationship.status != RelationshipStatus::Active
            || assignment.status != AssignmentStatus::Active
            || !rng.chance(400)
        {
            continue;
        }
        let members = position
            .get(&relationship.partner_tenant_id)
            .and_then(|n| partners.get(*n))
            .and_then(|p| {
                let g = p.groups.iter().position(|g| *g == assignment.group_id)?;
                p.members.get(g)
            })
            .map(Vec::as_slice)
            .unwrap_or_default();
        for _ in 0..rng.between(1, 2) {
            let Some(user) = rng.pick(members).copied() else {
                break;
            };
            let hours = rng
                .between(1, 8)
                .min(usize::try_from(max_activation.as_seconds() / 3600)?);
            let length = i64::try_from(hours)? * HOUR;
            let running = rng.chance(800);
            let starts = now - rng.millis_between(0, 10 * HOUR);
            out.push(Activation {
                id: ActivationId::from_uuid(rng.uuid()),
                assignment_id: assignment.id,
                user_id: user,
                justification: justification.clone(),
                duration: duration(&format!("PT{hours}H"))?,
                status: if running {
                    ActivationStatus::Active
                } else {
                    ActivationStatus::PendingApproval
                },
                requested_at: timestamp(starts - 10 * 60_000),
                requested_by: None,
                decided_by: None,
                starts_at: running.then(|| timestamp(starts)),
                ends_at: running.then(|| timestamp(starts + length)),
                version: 1,
            });
        }
    }
    Ok(out)
}

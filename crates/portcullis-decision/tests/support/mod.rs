//! Random small ecosystems for differential testing, built from a seed.
#![allow(dead_code, reason = "shared by several test binaries")]

use std::collections::BTreeSet;

use portcullis_decision::DecisionRequest;
use portcullis_domain::{
    AccessAssignment, AccessSnapshot, Action, Activation, ActivationId, ActivationStatus,
    AssignmentId, AssignmentKind, AssignmentStatus, AuthStrength, CustomerRestrictions,
    Description, DisplayName, GroupId, GroupMember, HoursWindow, IsoDuration, PartnerUser,
    Relationship, RelationshipId, RelationshipStatus, RoleId, Tenant, TenantId, TenantKind,
    Timestamp, UserId, UserPrincipalName,
};

pub const T0: i64 = 1_800_000_000_000;
pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;

pub const ROLES: [&str; 5] = [
    "729827e3-9c14-49f7-bb1b-9608f156bbb8", // Helpdesk Administrator (privileged)
    "5d6b6bb7-de71-4623-b4af-96380a352509", // Security Reader
    "62e90394-69f5-4237-9190-012177145e10", // Global Administrator (privileged, global)
    "fe930be7-5e62-47db-91af-98c3a49a38b1", // User Administrator (privileged)
    "fdd7a751-b60b-444a-984c-02652fe8fa1c", // Groups Administrator
];

pub const ACTIONS: [&str; 7] = [
    "users.read",
    "users.password.reset",
    "groups.update",
    "security.alerts.read",
    "federation.update",
    "mail.send",
    "support.tickets.create",
];

/// A tiny deterministic generator (xorshift64*), so a failing seed replays.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed | 1)
    }

    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap()).unwrap()
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    pub fn time_around(&mut self, spread_days: i64) -> Timestamp {
        let span = u64::try_from(spread_days * 2 * DAY).unwrap();
        let offset = i64::try_from(self.next() % span).unwrap() - spread_days * DAY;
        Timestamp::from_unix_millis(T0 + offset)
    }
}

pub fn role(i: usize) -> RoleId {
    RoleId::parse(ROLES[i]).unwrap()
}

fn role_subset(rng: &mut Rng) -> BTreeSet<RoleId> {
    let mut roles: BTreeSet<_> = (0..ROLES.len())
        .filter(|_| rng.chance(35))
        .map(role)
        .collect();
    if roles.is_empty() {
        roles.insert(role(rng.below(ROLES.len())));
    }
    roles
}

pub fn name(text: &str) -> DisplayName {
    DisplayName::parse(text).unwrap()
}

/// A random small ecosystem: tenants, users, groups, relationships in every
/// state, assignments, activations and restrictions.
pub fn ecosystem(rng: &mut Rng) -> AccessSnapshot {
    let created = Timestamp::from_unix_millis(T0 - 30 * DAY);
    let tenant = |kind, n: usize| Tenant {
        id: TenantId::generate(),
        kind,
        display_name: name(&format!("tenant {n}")),
        created_at: created,
        updated_at: created,
        version: 1,
    };
    let tenants: Vec<Tenant> = (0..2)
        .map(|n| tenant(TenantKind::Partner, n))
        .chain((2..4).map(|n| tenant(TenantKind::Customer, n)))
        .collect();
    let partners: Vec<TenantId> = tenants[..2].iter().map(|t| t.id).collect();
    let customers: Vec<TenantId> = tenants[2..].iter().map(|t| t.id).collect();
    let all: Vec<TenantId> = tenants.iter().map(|t| t.id).collect();
    let authorized_partners = all.iter().copied().filter(|_| rng.chance(70)).collect();
    // Some tenants non-compliant: suspended already, or from an instant
    // around the decision times.
    let mut posture_suspensions = Vec::new();
    for t in &all {
        if rng.chance(25) {
            let from = if rng.chance(30) {
                Timestamp::from_unix_millis(i64::MIN)
            } else {
                rng.time_around(12)
            };
            posture_suspensions.push((*t, from));
        }
    }

    let users: Vec<PartnerUser> = (0..4)
        .map(|n| PartnerUser {
            id: UserId::generate(),
            tenant_id: if rng.chance(90) {
                *rng.pick(&partners)
            } else {
                *rng.pick(&customers)
            },
            user_principal_name: UserPrincipalName::parse(&format!("u{n}@p.example")).unwrap(),
            display_name: name(&format!("user {n}")),
            enabled: rng.chance(85),
            created_at: created,
            updated_at: created,
            version: 1,
        })
        .collect();
    let contained_users = users
        .iter()
        .map(|u| u.id)
        .filter(|_| rng.chance(10))
        .collect();
    let groups: Vec<GroupId> = (0..3).map(|_| GroupId::generate()).collect();
    let mut memberships = Vec::new();
    for user in &users {
        for group in &groups {
            if rng.chance(45) {
                memberships.push(GroupMember {
                    group_id: *group,
                    user_id: user.id,
                    added_at: created,
                });
            }
        }
    }

    let statuses = [
        RelationshipStatus::Created,
        RelationshipStatus::ApprovalPending,
        RelationshipStatus::Active,
        RelationshipStatus::Active,
        RelationshipStatus::Active,
        RelationshipStatus::Expired,
        RelationshipStatus::Rejected,
        RelationshipStatus::TerminationRequested,
        RelationshipStatus::Terminated,
    ];
    let relationships: Vec<Relationship> = (0..rng.below(6))
        .map(|n| {
            let days = 1 + rng.below(10);
            let activated = rng.time_around(8);
            Relationship {
                id: RelationshipId::generate(),
                partner_tenant_id: if rng.chance(90) {
                    *rng.pick(&partners)
                } else {
                    *rng.pick(&all)
                },
                customer_tenant_id: *rng.pick(&customers),
                display_name: name(&format!("rel {n}")),
                roles: role_subset(rng),
                duration: IsoDuration::parse(&format!("P{days}D")).unwrap(),
                auto_extend_duration: IsoDuration::parse(if rng.chance(25) {
                    "P180D"
                } else {
                    "PT0S"
                })
                .unwrap(),
                status: *rng.pick(&statuses),
                created_at: created,
                updated_at: created,
                approval_requested_at: Some(rng.time_around(100)),
                activated_at: Some(activated),
                end_at: rng
                    .chance(95)
                    .then(|| activated.saturating_add_millis(i64::try_from(days).unwrap() * DAY)),
                closed_at: None,
                closed_reason: None,
                version: 1,
            }
        })
        .collect();

    let assignment_statuses = [
        AssignmentStatus::Pending,
        AssignmentStatus::Active,
        AssignmentStatus::Active,
        AssignmentStatus::Active,
        AssignmentStatus::Deleting,
        AssignmentStatus::Deleted,
    ];
    let assignments: Vec<AccessAssignment> = if relationships.is_empty() {
        Vec::new()
    } else {
        (0..rng.below(8))
            .map(|_| {
                let relationship = rng.pick(&relationships);
                AccessAssignment {
                    id: AssignmentId::generate(),
                    relationship_id: relationship.id,
                    group_id: *rng.pick(&groups),
                    roles: role_subset(rng),
                    kind: if rng.chance(60) {
                        AssignmentKind::Standing
                    } else {
                        AssignmentKind::Eligible {
                            max_activation: IsoDuration::parse("PT8H").unwrap(),
                            approval_required: rng.chance(50),
                        }
                    },
                    status: *rng.pick(&assignment_statuses),
                    created_at: created,
                    updated_at: created,
                    version: 1,
                }
            })
            .collect()
    };

    let activation_statuses = [
        ActivationStatus::PendingApproval,
        ActivationStatus::Active,
        ActivationStatus::Active,
        ActivationStatus::Denied,
        ActivationStatus::Revoked,
    ];
    let activations: Vec<Activation> =
        if assignments.is_empty() {
            Vec::new()
        } else {
            (0..rng.below(8))
                .map(|_| {
                    let starts = rng.time_around(3);
                    Activation {
                        id: ActivationId::generate(),
                        assignment_id: rng.pick(&assignments).id,
                        user_id: rng.pick(&users).id,
                        justification: Description::parse("ticket 42").unwrap(),
                        duration: IsoDuration::parse("PT4H").unwrap(),
                        status: *rng.pick(&activation_statuses),
                        requested_at: starts,
                        requested_by: None,
                        decided_by: None,
                        starts_at: Some(starts),
                        ends_at: Some(starts.saturating_add_millis(
                            i64::try_from(1 + rng.below(48)).unwrap() * HOUR,
                        )),
                        version: 1,
                    }
                })
                .collect()
        };

    let mut restrictions = Vec::new();
    for c in &customers {
        if !rng.chance(40) {
            continue;
        }
        let r = CustomerRestrictions {
            allowed_ip_ranges: if rng.chance(50) {
                vec!["203.0.113.0/24".parse().unwrap()]
            } else {
                Vec::new()
            },
            allowed_hours: rng
                .chance(50)
                .then(|| {
                    HoursWindow::new(
                        u8::try_from(rng.below(24)).unwrap(),
                        u8::try_from(rng.below(25)).unwrap(),
                    )
                    .ok()
                })
                .flatten(),
        };
        restrictions.push((*c, r));
    }

    let contained_relationships = relationships
        .iter()
        .map(|r| r.id)
        .filter(|_| rng.chance(10))
        .collect();
    AccessSnapshot {
        tenants,
        authorized_partners,
        posture_suspensions,
        users,
        contained_users,
        contained_relationships,
        memberships,
        relationships,
        assignments,
        activations,
        restrictions,
    }
}

/// A random request about the ecosystem. Most are guided: a member of a
/// group with an assignment asks for an action one of its roles permits, in
/// the relationship's customer, so that allows are common; the rest are
/// anything at all (strangers, wrong tenants, other actions).
pub fn request(rng: &mut Rng, snapshot: &AccessSnapshot) -> DecisionRequest {
    let strengths = [
        AuthStrength::None,
        AuthStrength::Mfa,
        AuthStrength::PhishingResistant,
    ];
    let strength = if rng.chance(70) {
        AuthStrength::PhishingResistant
    } else {
        *rng.pick(&strengths)
    };
    let ip = if rng.chance(80) {
        Some("203.0.113.9")
    } else {
        *rng.pick(&[None, Some("198.51.100.1")])
    };
    let mut req = DecisionRequest {
        partner_tenant_id: rng.pick(&snapshot.tenants).id,
        user_id: if rng.chance(90) && !snapshot.users.is_empty() {
            rng.pick(&snapshot.users).id
        } else {
            UserId::generate()
        },
        customer_tenant_id: rng.pick(&snapshot.tenants).id,
        action: Action::parse(ACTIONS[rng.below(ACTIONS.len())]).unwrap(),
        auth_strength: strength,
        source_ip: ip.map(|ip| ip.parse().unwrap()),
    };
    if snapshot.assignments.is_empty() || rng.chance(25) {
        return req;
    }
    let assignment = rng.pick(&snapshot.assignments);
    if let Some(relationship) = snapshot
        .relationships
        .iter()
        .find(|r| r.id == assignment.relationship_id)
    {
        req.partner_tenant_id = relationship.partner_tenant_id;
        req.customer_tenant_id = relationship.customer_tenant_id;
    }
    let members: Vec<UserId> = snapshot
        .memberships
        .iter()
        .filter(|m| m.group_id == assignment.group_id)
        .map(|m| m.user_id)
        .collect();
    if !members.is_empty() {
        req.user_id = *rng.pick(&members);
    }
    let catalog = portcullis_domain::RoleCatalog::default_entra();
    let permitted: Vec<&str> = ACTIONS
        .iter()
        .copied()
        .filter(|a| {
            let action = Action::parse(a).unwrap();
            assignment
                .roles
                .iter()
                .any(|r| catalog.get(*r).is_some_and(|role| role.permits(&action)))
        })
        .collect();
    if !permitted.is_empty() && rng.chance(85) {
        req.action = Action::parse(permitted[rng.below(permitted.len())]).unwrap();
    }
    req
}

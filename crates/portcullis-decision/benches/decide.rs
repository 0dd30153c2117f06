//! `DecisionIndex::decide` on an allow and on typical denies, with
//! `decide_naive` (which scans the snapshot) as the in-run baseline, on a
//! small ecosystem: 20 partners of 25 users in 4 groups, 2,000 customers,
//! 6,000 relationships, 20,000 assignments. Ends with the index-to-naive
//! ratio per case. Then `decide` with and without role usage tracking
//! (`UsageTracker::record` after each decision), side by side, and the
//! overhead per decision. Run: `cargo bench -p portcullis-decision --bench decide`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark: a setup failure should stop it loudly"
)]

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::Instant;

use criterion::Criterion;
use portcullis_decision::{DecisionIndex, DecisionRequest, DenyReason, UsageTracker, decide_naive};
use portcullis_domain::{
    AccessAssignment, AccessSnapshot, Action, Activation, ActivationId, ActivationStatus,
    AssignmentId, AssignmentKind, AssignmentStatus, AuthStrength, Description, DisplayName,
    GroupId, GroupMember, IsoDuration, PartnerUser, Relationship, RelationshipId,
    RelationshipStatus, RoleCatalog, RoleId, Tenant, TenantId, TenantKind, Timestamp, UserId,
    UserPrincipalName,
};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
const NOW: Timestamp = Timestamp::from_unix_millis(1_800_000_000_000);

const HELPDESK_ADMINISTRATOR: &str = "729827e3-9c14-49f7-bb1b-9608f156bbb8";
const SECURITY_READER: &str = "5d6b6bb7-de71-4623-b4af-96380a352509";
const GROUPS_ADMINISTRATOR: &str = "fdd7a751-b60b-444a-984c-02652fe8fa1c";
const USER_ADMINISTRATOR: &str = "fe930be7-5e62-47db-91af-98c3a49a38b1";

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

fn role(id: &str) -> RoleId {
    RoleId::parse(id).unwrap()
}

fn name(text: &str) -> DisplayName {
    DisplayName::parse(text).unwrap()
}

struct World {
    snapshot: AccessSnapshot,
    catalog: RoleCatalog,
    probe: Probe,
}

/// The requests the bench asks, all about the first partner's first user.
struct Probe {
    partner: TenantId,
    user: UserId,
    customer: TenantId,
    other_customer: TenantId,
}

fn world() -> World {
    let catalog = RoleCatalog::default_entra();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let created = Timestamp::from_unix_millis(NOW.unix_millis() - 400 * DAY);
    let tenant = |kind, n: usize| Tenant {
        id: TenantId::generate(),
        kind,
        display_name: name(&format!("tenant {n}")),
        created_at: created,
        updated_at: created,
        version: 1,
    };
    let partners: Vec<Tenant> = (0..20).map(|n| tenant(TenantKind::Partner, n)).collect();
    let customers: Vec<Tenant> = (0..2_000)
        .map(|n| tenant(TenantKind::Customer, n))
        .collect();
    let mut users = Vec::new();
    let mut memberships = Vec::new();
    let mut groups: Vec<Vec<GroupId>> = Vec::new();
    for (p, partner) in partners.iter().enumerate() {
        let own: Vec<GroupId> = (0..4).map(|_| GroupId::generate()).collect();
        for u in 0..25 {
            let user = PartnerUser {
                id: UserId::generate(),
                tenant_id: partner.id,
                user_principal_name: UserPrincipalName::parse(&format!("u{u}@p{p}.example"))
                    .unwrap(),
                display_name: name(&format!("user {u}")),
                enabled: true,
                created_at: created,
                updated_at: created,
                version: 1,
            };
            // The first user is in groups 0 and 1; the others in one or two.
            let chosen: BTreeSet<usize> = if u == 0 {
                [0, 1].into()
            } else {
                [rng.below(4), rng.below(4)].into()
            };
            for g in chosen {
                memberships.push(GroupMember {
                    group_id: own[g],
                    user_id: user.id,
                    added_at: created,
                });
            }
            users.push(user);
        }
        groups.push(own);
    }

    let roles: BTreeSet<RoleId> = [
        role(HELPDESK_ADMINISTRATOR),
        role(SECURITY_READER),
        role(GROUPS_ADMINISTRATOR),
        role(USER_ADMINISTRATOR),
    ]
    .into();
    let mut relationships = Vec::new();
    let mut assignments = Vec::new();
    for n in 0..6_000 {
        let p = n % partners.len();
        // The first partner's first relationship is with the first customer.
        let c = if n == 0 {
            0
        } else {
            1 + rng.below(customers.len() - 1)
        };
        let activated = Timestamp::from_unix_millis(NOW.unix_millis() - 30 * DAY);
        let relationship = Relationship {
            id: RelationshipId::generate(),
            partner_tenant_id: partners[p].id,
            customer_tenant_id: customers[c].id,
            display_name: name(&format!("relationship {n}")),
            roles: roles.clone(),
            duration: IsoDuration::parse("P365D").unwrap(),
            auto_extend_duration: IsoDuration::parse("PT0S").unwrap(),
            status: RelationshipStatus::Active,
            created_at: created,
            updated_at: created,
            approval_requested_at: Some(created),
            activated_at: Some(activated),
            end_at: Some(activated.saturating_add_millis(365 * DAY)),
            closed_at: None,
            closed_reason: None,
            version: 1,
        };
        // Group 0 holds Helpdesk and Security Reader standing; group 1 is
        // eligible for User Administrator.
        let assignment = |group, roles: &[&str], kind| AccessAssignment {
            id: AssignmentId::generate(),
            relationship_id: relationship.id,
            group_id: group,
            roles: roles.iter().map(|r| role(r)).collect(),
            kind,
            status: AssignmentStatus::Active,
            created_at: created,
            updated_at: created,
            version: 1,
        };
        assignments.push(assignment(
            groups[p][0],
            &[HELPDESK_ADMINISTRATOR, SECURITY_READER],
            AssignmentKind::Standing,
        ));
        assignments.push(assignment(
            groups[p][1],
            &[USER_ADMINISTRATOR],
            AssignmentKind::Eligible {
                max_activation: IsoDuration::parse("PT8H").unwrap(),
                approval_required: false,
            },
        ));
        assignments.push(assignment(
            groups[p][2],
            &[GROUPS_ADMINISTRATOR],
            AssignmentKind::Standing,
        ));
        if n % 3 == 0 {
            assignments.push(assignment(
                groups[p][3],
                &[SECURITY_READER],
                AssignmentKind::Standing,
            ));
        }
        relationships.push(relationship);
    }
    // Someone else's activation on the first partner's eligible assignment.
    let activations = vec![Activation {
        id: ActivationId::generate(),
        assignment_id: assignments[1].id,
        user_id: users[1].id,
        justification: Description::parse("ticket 42").unwrap(),
        duration: IsoDuration::parse("PT4H").unwrap(),
        status: ActivationStatus::Active,
        requested_at: NOW,
        requested_by: None,
        decided_by: None,
        starts_at: Some(Timestamp::from_unix_millis(NOW.unix_millis() - HOUR)),
        ends_at: Some(Timestamp::from_unix_millis(NOW.unix_millis() + 3 * HOUR)),
        version: 1,
    }];
    let probe = Probe {
        partner: partners[0].id,
        user: users[0].id,
        customer: customers[0].id,
        other_customer: customers[customers.len() - 1].id,
    };
    let mut tenants = partners;
    let authorized_partners = tenants.iter().map(|t| t.id).collect();
    tenants.extend(customers);
    World {
        snapshot: AccessSnapshot {
            tenants,
            authorized_partners,
            posture_suspensions: Vec::new(),
            users,
            memberships,
            relationships,
            assignments,
            activations,
            ..AccessSnapshot::default()
        },
        catalog,
        probe,
    }
}

impl Probe {
    fn request(&self, customer: TenantId, action: &str, strength: AuthStrength) -> DecisionRequest {
        DecisionRequest {
            partner_tenant_id: self.partner,
            user_id: self.user,
            customer_tenant_id: customer,
            action: Action::parse(action).unwrap(),
            auth_strength: strength,
            source_ip: Some("203.0.113.9".parse().unwrap()),
        }
    }

    /// (name, request, the reason it is denied for, if it is)
    fn cases(&self) -> Vec<(&'static str, DecisionRequest, Option<DenyReason>)> {
        let pr = AuthStrength::PhishingResistant;
        vec![
            (
                "allow",
                self.request(self.customer, "users.password.reset", pr),
                None,
            ),
            (
                "deny_activation_required",
                self.request(self.customer, "users.delete", pr),
                Some(DenyReason::ActivationRequired),
            ),
            (
                "deny_role_does_not_permit_action",
                self.request(self.customer, "federation.update", pr),
                Some(DenyReason::RoleDoesNotPermitAction),
            ),
            (
                "deny_phishing_resistant_mfa_required",
                self.request(self.customer, "users.password.reset", AuthStrength::Mfa),
                Some(DenyReason::PhishingResistantMfaRequired),
            ),
            (
                "deny_no_active_relationship",
                self.request(self.other_customer, "users.read", pr),
                Some(DenyReason::NoActiveRelationship),
            ),
        ]
    }
}

/// Median nanoseconds per call over a few hundred calls (for the ratio line).
fn median_ns(f: impl FnMut()) -> f64 {
    median_ns_of(20, f)
}

/// Median nanoseconds per call over 15 samples of `calls` calls each.
fn median_ns_of(calls: u32, mut f: impl FnMut()) -> f64 {
    let mut samples: Vec<f64> = (0..15)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..calls {
                f();
            }
            start.elapsed().as_secs_f64() * 1e9 / f64::from(calls)
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

fn main() {
    let world = world();
    let index = DecisionIndex::from_snapshot(&world.snapshot, &world.catalog);
    let cases = world.probe.cases();
    for (name, request, reason) in &cases {
        let fast = index.decide(request, NOW);
        let slow = decide_naive(&world.snapshot, &world.catalog, request, NOW);
        assert_eq!(
            fast, slow,
            "{name}: the index and the naive reference disagree"
        );
        match reason {
            None => assert!(fast.is_allowed(), "{name}: {:?}", fast.reasons),
            Some(reason) => assert!(
                fast.reasons.contains(reason),
                "{name}: expected {reason:?}, got {:?}",
                fast.reasons
            ),
        }
    }

    let mut criterion = Criterion::default().configure_from_args();
    for (name, request, _) in &cases {
        let mut group = criterion.benchmark_group(format!("decide/{name}"));
        group.bench_function("index", |b| {
            b.iter(|| index.decide(black_box(request), NOW));
        });
        group.bench_function("naive", |b| {
            b.iter(|| decide_naive(&world.snapshot, &world.catalog, black_box(request), NOW));
        });
        group.finish();
    }
    let tracker = UsageTracker::default();
    for (name, request, _) in cases.iter().take(2) {
        let mut group = criterion.benchmark_group(format!("tracking/{name}"));
        group.bench_function("decide", |b| {
            b.iter(|| index.decide(black_box(request), NOW));
        });
        group.bench_function("decide_and_record", |b| {
            b.iter(|| {
                let decision = index.decide(black_box(request), NOW);
                tracker.record(request, &decision, NOW);
                decision
            });
        });
        group.finish();
    }
    criterion.final_summary();

    println!("\nindex against the naive scan, in this run (median ns per decision):");
    for (name, request, _) in &cases {
        let fast = median_ns(|| {
            black_box(index.decide(black_box(request), NOW));
        });
        let slow = median_ns(|| {
            black_box(decide_naive(
                &world.snapshot,
                &world.catalog,
                black_box(request),
                NOW,
            ));
        });
        println!(
            "  {name:<40} index {fast:>8.0} ns   naive {slow:>10.0} ns   ratio {:>7.0}x",
            slow / fast
        );
    }

    // Usage tracking, measured in alternation so both see the same machine.
    println!("\nrole usage tracking, in this run (median ns per decision):");
    for (name, request, _) in cases.iter().take(2) {
        let (mut plain, mut tracked) = (Vec::new(), Vec::new());
        for _ in 0..25 {
            plain.push(median_ns_of(1_000, || {
                black_box(index.decide(black_box(request), NOW));
            }));
            tracked.push(median_ns_of(1_000, || {
                let decision = index.decide(black_box(request), NOW);
                tracker.record(request, &decision, NOW);
                black_box(decision);
            }));
        }
        plain.sort_by(f64::total_cmp);
        tracked.sort_by(f64::total_cmp);
        let (plain, tracked) = (plain[plain.len() / 2], tracked[tracked.len() / 2]);
        println!(
            "  {name:<40} decide {plain:>6.0} ns   decide + record {tracked:>6.0} ns   overhead {:>5.0} ns",
            tracked - plain
        );
    }
    assert!(
        tracker.drain().iter().all(|c| c.allowed > 0),
        "every counter counts an allowed decision"
    );
}

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a benchmark: a setup failure should stop it loudly"
)]
//! `cargo bench -p portcullis-decision --bench recommend [-- --quick]`: times computing
//! every least-privilege recommendation for 1,000 partners holding
//! 1,000,000 assignments (100 relationships of 10 assignments each per
//! partner; `--quick`: a tenth of the partners), from usage facts drawn
//! like a quarter of real use: about half the roles of an assignment used,
//! on 1 to 90 days.
//!
//! Generating the ecosystem is not timed; the figure is the wall time of
//! `portcullis_decision::recommend` over all of it, best and median of 3.

use std::collections::BTreeSet;
use std::time::Instant;

use portcullis_decision::{RecommendParams, RoleUse, UsageFacts, recommend};
use portcullis_domain::{
    AccessAssignment, Action, AssignmentId, AssignmentKind, AssignmentStatus, DisplayName,
    IsoDuration, Relationship, RelationshipId, RelationshipStatus, Role, RoleCatalog, RoleId,
    TenantId, Timestamp, UsageWindow,
};

#[path = "support/rng.rs"]
mod rng;

use rng::Rng;

const DAY: i64 = 86_400_000;
const NOW: Timestamp = Timestamp::from_unix_millis(1_800_000_000_000);
const RELATIONSHIPS_PER_PARTNER: usize = 100;
const ASSIGNMENTS_PER_RELATIONSHIP: usize = 10;

/// What `recommend` is timed over.
struct Ecosystem {
    catalog: RoleCatalog,
    relationships: Vec<Relationship>,
    assignments: Vec<AccessAssignment>,
    facts: UsageFacts,
}

/// An action the role permits: its first pattern's action or prefix.
fn action_of(role: &Role, rng: &mut Rng) -> Option<Action> {
    let pattern = rng.pick(&role.actions)?.to_string();
    let text = match pattern.strip_suffix(".*") {
        Some(prefix) => prefix.to_owned(),
        None if pattern == "*" => "directory.read".to_owned(),
        None => pattern,
    };
    Action::parse(&text).ok()
}

fn relationship(
    partner: TenantId,
    n: usize,
    roles: BTreeSet<RoleId>,
) -> Result<Relationship, Box<dyn std::error::Error>> {
    let created = Timestamp::from_unix_millis(NOW.unix_millis() - 200 * DAY);
    Ok(Relationship {
        id: RelationshipId::generate(),
        partner_tenant_id: partner,
        customer_tenant_id: TenantId::generate(),
        display_name: DisplayName::parse(&format!("relationship {n}"))?,
        roles,
        duration: IsoDuration::parse("P730D")?,
        auto_extend_duration: IsoDuration::parse("PT0S")?,
        status: RelationshipStatus::Active,
        created_at: created,
        updated_at: created,
        approval_requested_at: Some(created),
        activated_at: Some(created),
        end_at: Some(created.saturating_add_millis(730 * DAY)),
        closed_at: None,
        closed_reason: None,
        version: 1,
    })
}

/// Draws the ecosystem and its usage from `seed`.
fn generate(partners: usize, seed: u64) -> Result<Ecosystem, Box<dyn std::error::Error>> {
    let catalog = RoleCatalog::default_entra();
    let roles: Vec<&Role> = catalog
        .iter()
        .filter(|r| r.allowed_in_relationships)
        .collect();
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut eco = Ecosystem {
        relationships: Vec::with_capacity(partners * RELATIONSHIPS_PER_PARTNER),
        assignments: Vec::with_capacity(
            partners * RELATIONSHIPS_PER_PARTNER * ASSIGNMENTS_PER_RELATIONSHIP,
        ),
        facts: UsageFacts::default(),
        catalog: catalog.clone(),
    };
    let eligible = AssignmentKind::Eligible {
        max_activation: IsoDuration::parse("PT2H")?,
        approval_required: false,
    };
    for p in 0..partners {
        let partner = TenantId::generate();
        for n in 0..RELATIONSHIPS_PER_PARTNER {
            let held: Vec<&Role> = (0..rng.between(3, 6))
                .filter_map(|_| rng.pick(&roles).copied())
                .collect();
            let rel = relationship(
                partner,
                p * RELATIONSHIPS_PER_PARTNER + n,
                held.iter().map(|r| r.id).collect(),
            )?;
            for _ in 0..ASSIGNMENTS_PER_RELATIONSHIP {
                let mine: Vec<&Role> = (0..rng.between(1, 3))
                    .filter_map(|_| rng.pick(&held).copied())
                    .collect();
                let assignment = AccessAssignment {
                    id: AssignmentId::generate(),
                    relationship_id: rel.id,
                    group_id: portcullis_domain::GroupId::generate(),
                    roles: mine.iter().map(|r| r.id).collect(),
                    kind: if rng.chance(200) {
                        eligible.clone()
                    } else {
                        AssignmentKind::Standing
                    },
                    status: AssignmentStatus::Active,
                    created_at: rel.created_at,
                    updated_at: rel.created_at,
                    version: 1,
                };
                for role in &mine {
                    if !rng.chance(500) {
                        continue;
                    }
                    let days = u32::try_from(rng.between(1, 90)).unwrap_or(1);
                    let used = RoleUse {
                        allowed: u64::from(days) * u64::try_from(rng.between(1, 20)).unwrap_or(1),
                        days_used: days,
                        last_used: Some(NOW),
                    };
                    eco.facts
                        .roles
                        .entry((assignment.id, role.id))
                        .or_default()
                        .add(used);
                    let (total, actions) = eco.facts.relationships.entry(rel.id).or_default();
                    total.add(used);
                    if let Some(action) = action_of(role, &mut rng) {
                        actions.insert(action);
                    }
                }
                eco.assignments.push(assignment);
            }
            eco.relationships.push(rel);
        }
    }
    Ok(eco)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::args().any(|a| a == "--quick");
    let partners = if quick { 100 } else { 1_000 };
    let started = Instant::now();
    let eco = generate(partners, 42)?;
    println!(
        "generated {partners} partners, {} relationships, {} assignments, {} used assignment roles in {:.1} s",
        eco.relationships.len(),
        eco.assignments.len(),
        eco.facts.roles.len(),
        started.elapsed().as_secs_f64()
    );
    let params = RecommendParams::new(UsageWindow::default(), NOW);
    let mut seconds = Vec::new();
    for run in 1..=3 {
        let start = Instant::now();
        let found = recommend(
            &eco.catalog,
            &eco.relationships,
            &eco.assignments,
            &eco.facts,
            &params,
        );
        let took = start.elapsed().as_secs_f64();
        println!("run {run}: {} recommendations in {took:.2} s", found.len());
        seconds.push(took);
    }
    seconds.sort_by(f64::total_cmp);
    let best = seconds.first().copied().unwrap_or_default();
    let median = seconds.get(1).copied().unwrap_or_default();
    println!(
        "recommendations for {partners} partners, {} relationships, {} assignments: best {best:.2} s, median {median:.2} s (limit 10 s)",
        eco.relationships.len(),
        eco.assignments.len()
    );
    Ok(())
}

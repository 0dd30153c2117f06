//! The benchmark ecosystem: partners, their staff in security groups,
//! customers, relationships in every state, assignments standing and
//! eligible, activations and a few customer restrictions — generated from
//! a seed, so every run and every engine sees the same data.

use std::collections::HashMap;

use anyhow::Context as _;
use ipnet::Ipv4Net;
use portcullis_domain::{
    AccessSnapshot, DisplayName, GroupId, IsoDuration, RoleCatalog, Tenant, TenantId, TenantKind,
    Timestamp, UserId,
};

use crate::rng::Rng;

mod grants;
mod restrictions;
mod staff;

pub const HOUR: i64 = 3_600_000;
pub const DAY: i64 = 24 * HOUR;
/// The instant every decision is asked at: 2027-01-15T14:30:00Z.
pub const NOW: Timestamp = Timestamp::from_unix_millis(1_800_000_000_000 + 6 * HOUR + HOUR / 2);

/// How big the ecosystem is, and how many requests are asked of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub partners: usize,
    pub customers: usize,
    pub relationships: usize,
    pub assignments: usize,
    pub users: usize,
    pub requests: usize,
}

impl Scale {
    /// 1,000 partners, 100,000 customers, 300,000 relationships,
    /// 1,000,000 assignments, 50,000 partner users.
    pub const FULL: Self = Self {
        partners: 1_000,
        customers: 100_000,
        relationships: 300_000,
        assignments: 1_000_000,
        users: 50_000,
        requests: 50_000,
    };

    /// A hundredth of [`Scale::FULL`] (requests: a tenth), for CI and tests.
    pub const QUICK: Self = Self {
        partners: 10,
        customers: 1_000,
        relationships: 3_000,
        assignments: 10_000,
        users: 500,
        requests: 5_000,
    };
}

/// A generated ecosystem: the snapshot every engine is built from, the role
/// catalog, and each partner's egress network (where its staff's requests
/// come from, and what restricted customers allow).
#[derive(Debug, Clone, PartialEq)]
pub struct Ecosystem {
    pub snapshot: AccessSnapshot,
    pub catalog: RoleCatalog,
    pub egress: Vec<(TenantId, Ipv4Net)>,
}

/// A partner as the generator sees it: its groups and their members.
struct Partner {
    id: TenantId,
    groups: Vec<GroupId>,
    /// Members of each group, by position in `groups`.
    members: Vec<Vec<UserId>>,
}

/// Each partner's position in `partners`.
fn positions(partners: &[Partner]) -> HashMap<TenantId, usize> {
    partners
        .iter()
        .enumerate()
        .map(|(n, p)| (p.id, n))
        .collect()
}

fn timestamp(millis: i64) -> Timestamp {
    Timestamp::from_unix_millis(millis)
}

fn name(text: &str) -> anyhow::Result<DisplayName> {
    DisplayName::parse(text).with_context(|| format!("display name `{text}`"))
}

fn duration(text: &str) -> anyhow::Result<IsoDuration> {
    IsoDuration::parse(text).with_context(|| format!("duration `{text}`"))
}

/// The egress network of the partner at position `n`: `10.a.b.0/24`.
fn egress_net(n: usize) -> anyhow::Result<Ipv4Net> {
    let a = u8::try_from((n / 256) % 256)?;
    let b = u8::try_from(n % 256)?;
    Ok(Ipv4Net::new(std::net::Ipv4Addr::new(10, a, b, 0), 24)?)
}

/// Builds the ecosystem for `seed` at `scale`.
pub fn generate(seed: u64, scale: Scale) -> anyhow::Result<Ecosystem> {
    let mut rng = Rng::new(seed);
    let catalog = RoleCatalog::default_entra();
    let created = timestamp(NOW.unix_millis() - 800 * DAY);
    let tenant = |rng: &mut Rng, kind, label: String| -> anyhow::Result<Tenant> {
        Ok(Tenant {
            id: TenantId::from_uuid(rng.uuid()),
            kind,
            display_name: name(&label)?,
            created_at: created,
            updated_at: created,
            version: 1,
        })
    };

    let mut tenants = Vec::with_capacity(scale.partners + scale.customers);
    for n in 0..scale.partners {
        tenants.push(tenant(
            &mut rng,
            TenantKind::Partner,
            format!("partner {n}"),
        )?);
    }
    for n in 0..scale.customers {
        tenants.push(tenant(
            &mut rng,
            TenantKind::Customer,
            format!("customer {n}"),
        )?);
    }
    let partner_ids: Vec<TenantId> = tenants.iter().take(scale.partners).map(|t| t.id).collect();
    let customer_ids: Vec<TenantId> = tenants.iter().skip(scale.partners).map(|t| t.id).collect();
    // One partner in fifty is not (or no longer) authorized.
    let authorized_partners: Vec<TenantId> = partner_ids
        .iter()
        .enumerate()
        .filter(|(n, _)| n % 50 != 7)
        .map(|(_, id)| *id)
        .collect();
    let egress = partner_ids
        .iter()
        .enumerate()
        .map(|(n, id)| Ok((*id, egress_net(n)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;

    let (users, partners, memberships, contained_users) =
        staff::staff(&mut rng, &partner_ids, scale.users, created)?;
    let relationships =
        grants::relationships(&mut rng, &partner_ids, &customer_ids, scale, &catalog)?;
    let assignments = grants::assignments(&mut rng, &relationships, &partners, scale.assignments)?;
    let activations = grants::activations(&mut rng, &assignments, &relationships, &partners)?;
    let restrictions =
        restrictions::restrictions(&mut rng, &customer_ids, &relationships, &egress)?;

    Ok(Ecosystem {
        snapshot: AccessSnapshot {
            tenants,
            authorized_partners,
            posture_suspensions: Vec::new(),
            users,
            contained_users,
            contained_relationships: Vec::new(),
            memberships,
            relationships,
            assignments,
            activations,
            restrictions,
        },
        catalog,
        egress,
    })
}

//! The partner population and its ordinary month, plus benign look-alikes.

use std::net::{IpAddr, Ipv4Addr};

use crate::ScenarioConfig;
use portcullis_detection::{Event, EventClass, Status};

pub(crate) const MIN: i64 = 60_000;
pub(crate) const HOUR: i64 = 60 * MIN;
pub(crate) const DAY: i64 = 24 * HOUR;
/// Midnight UTC of the month's first day (a Monday).
pub(crate) const START: i64 = 20_251 * DAY;

/// A city partners work from: country, position, UTC offset (hours).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub country: [u8; 2],
    pub lat: f64,
    pub long: f64,
    pub utc_offset: i64,
}

const fn place(country: &[u8; 2], lat: f64, long: f64, utc_offset: i64) -> Place {
    Place {
        country: *country,
        lat,
        long,
        utc_offset,
    }
}

pub(crate) const HOMES: [Place; 12] = [
    place(b"FR", 48.85, 2.35, 1),
    place(b"DE", 52.52, 13.40, 1),
    place(b"GB", 51.51, -0.13, 0),
    place(b"US", 40.71, -74.0, -5),
    place(b"ES", 40.42, -3.70, 1),
    place(b"NL", 52.37, 4.90, 1),
    place(b"PL", 52.23, 21.01, 1),
    place(b"CA", 43.65, -79.38, -5),
    place(b"IN", 12.97, 77.59, 5),
    place(b"AU", -33.87, 151.21, 10),
    place(b"JP", 35.68, 139.69, 9),
    place(b"BR", -23.55, -46.63, -3),
];

pub(crate) const ATTACKER_PLACES: [Place; 4] = [
    place(b"RU", 55.75, 37.62, 3),
    place(b"NG", 6.52, 3.38, 1),
    place(b"VN", 21.03, 105.85, 7),
    place(b"KZ", 43.24, 76.89, 5),
];

pub(crate) struct Tenant {
    pub id: String,
    pub homes: Vec<usize>,
    /// Office ASN per home (same order).
    pub offices: Vec<u32>,
    pub customers: Vec<String>,
}

/// What a user does for a living, as far as privileged operations go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Technician,
    /// Assigns roles, adds app credentials, changes federation routinely.
    Admin,
}

pub(crate) struct User {
    pub id: String,
    pub tenant: usize,
    pub home: usize,
    /// Local hour the working day starts (22 for a night shift).
    pub start_hour: i64,
    /// Follow-the-sun: on odd weeks the day starts at this hour instead.
    pub alternate_start: Option<i64>,
    pub role: Role,
    /// Sweeps its usual customers on patch days.
    pub patcher: bool,
    /// A new hire's first day (0 for staff already there).
    pub first_day: i64,
    /// From this day on, the user's home ISP is this one instead.
    pub new_isp: Option<(i64, u32)>,
    /// Usual networks, primary first.
    pub asns: Vec<u32>,
    pub ip_base: u32,
    pub customers: Vec<String>,
    /// Dormant users have no ordinary activity.
    pub dormant: bool,
    /// Days without activity (holiday, travel handled apart).
    pub away: Vec<i64>,
    /// From this day on, the user's office network is this one instead.
    pub new_office: Option<(i64, u32)>,
    /// Already used by an attack or a look-alike.
    pub taken: bool,
}

pub(crate) struct World {
    pub tenants: Vec<Tenant>,
    pub users: Vec<User>,
    pub days: i64,
    pub mix: crate::Mix,
    pub benign_escalation_rate: f64,
}

/// Consumer ISP `k` of country `home` (several per country).
pub(crate) fn isp_asn(home: usize, k: usize) -> u32 {
    7000 + (home as u32) * 10 + k as u32
}

/// Operations administrators perform as part of their job.
pub(crate) const ADMIN_OPS: [&str; 4] = [
    "roles.assignments.create",
    "applications.credentials.add",
    "federation.update",
    "consents.grant",
];

pub(crate) const ORDINARY_OPS: [&str; 6] = [
    "users.read",
    "users.read",
    "mailboxes.read",
    "tickets.update",
    "policies.read",
    "users.password.reset",
];

impl World {
    pub(crate) fn new(rng: &mut fastrand::Rng, config: &ScenarioConfig) -> Self {
        let mix = &config.mix;
        let mut tenants = Vec::new();
        let mut users = Vec::new();
        for t in 0..config.tenants {
            let first = rng.usize(..HOMES.len());
            let mut homes = vec![first];
            if rng.f64() < 0.4 {
                homes.push((first + 1 + rng.usize(..HOMES.len() - 1)) % HOMES.len());
            }
            let offices = homes
                .iter()
                .enumerate()
                .map(|(k, _)| 1000 + (t as u32) * 10 + k as u32)
                .collect();
            let customers = (0..config.customers_per_tenant)
                .map(|k| format!("cust-{t}-{k}"))
                .collect();
            tenants.push(Tenant {
                id: format!("partner-{t}"),
                homes,
                offices,
                customers,
            });
        }
        for (t, tenant) in tenants.iter().enumerate() {
            for u in 0..config.users_per_tenant {
                let slot = rng.usize(..tenant.homes.len());
                let home = tenant.homes.get(slot).copied().unwrap_or(0);
                let office = tenant.offices.get(slot).copied().unwrap_or(1000);
                let isp = isp_asn(home, rng.usize(..3));
                let first_day = if rng.f64() < mix.new_hires {
                    8 + rng.i64(0..(config.days - 16).max(1))
                } else {
                    0
                };
                let asns = if rng.f64() < 0.7 || first_day > 0 {
                    vec![office, isp]
                } else {
                    vec![isp, office]
                };
                let mut pool = tenant.customers.clone();
                rng.shuffle(&mut pool);
                pool.truncate(4 + rng.usize(..12));
                let index = users.len();
                let shift = rng.f64();
                let (start_hour, alternate_start) = if shift < mix.night_shift {
                    (21 + rng.i64(0..3), None)
                } else if shift < mix.night_shift + mix.follow_the_sun {
                    (7, Some(15))
                } else {
                    (7 + rng.i64(0..3), None)
                };
                let role = if rng.f64() < mix.admins {
                    Role::Admin
                } else {
                    Role::Technician
                };
                let new_isp = (rng.f64() < mix.new_isp).then(|| {
                    (
                        7 + rng.i64(0..(config.days - 10).max(1)),
                        isp_asn(home, 3 + rng.usize(..4)),
                    )
                });
                users.push(User {
                    id: format!("user-{t}-{u}"),
                    tenant: t,
                    home,
                    start_hour,
                    alternate_start,
                    role,
                    patcher: rng.f64() < mix.patchers,
                    first_day,
                    new_isp,
                    asns,
                    ip_base: 0x6440_0000 + (index as u32) * 16,
                    customers: pool,
                    dormant: false,
                    away: Vec::new(),
                    new_office: None,
                    taken: false,
                });
            }
        }
        Self {
            tenants,
            users,
            days: config.days,
            mix: config.mix.clone(),
            benign_escalation_rate: config.benign_escalation_rate,
        }
    }

    pub(crate) fn tenant_id(&self, user: &User) -> String {
        self.tenants
            .get(user.tenant)
            .map_or_else(String::new, |t| t.id.clone())
    }

    /// The user's network on `day`: primary most of the time.
    pub(crate) fn network(&self, rng: &mut fastrand::Rng, user: &User, day: i64) -> u32 {
        let primary = user.asns.first().copied().unwrap_or(0);
        let secondary = user.asns.get(1).copied().unwrap_or(primary);
        let asn = if rng.f64() < 0.85 { primary } else { secondary };
        let asn = match user.new_office {
            Some((from, office)) if day >= from && asn < 7000 => office,
            _ => asn,
        };
        match user.new_isp {
            Some((from, isp)) if day >= from && asn >= 7000 => isp,
            _ => asn,
        }
    }

    /// UTC time of local hour `hour` on `day` for the user's home.
    pub(crate) fn local(&self, user: &User, day: i64, hour_ms: i64) -> i64 {
        let offset = HOMES.get(user.home).map_or(0, |p| p.utc_offset);
        START + day * DAY + hour_ms - offset * HOUR
    }

    /// The local hour the user's working day starts on `day`.
    pub(crate) fn start_hour(&self, user: &User, day: i64) -> i64 {
        match user.alternate_start {
            Some(alternate) if (day / 7) % 2 == 1 => alternate,
            _ => user.start_hour,
        }
    }

    pub(crate) fn sign_in(
        &self,
        user: &User,
        customer: &str,
        t: i64,
        at: Place,
        asn: u32,
    ) -> Event {
        let slot = user.asns.iter().position(|a| *a == asn).unwrap_or(2) as u32;
        Event {
            class: EventClass::Authentication,
            time_ms: t,
            status: Status::Success,
            user: user.id.clone(),
            partner_tenant: Some(self.tenant_id(user)),
            customer_tenant: Some(customer.to_owned()),
            src_ip: Some(IpAddr::V4(Ipv4Addr::from(user.ip_base + slot))),
            country: Some(at.country),
            lat_long: Some((at.lat + jitter(t), at.long + jitter(t / 7))),
            asn: Some(asn),
            is_mfa: Some(true),
            ..Event::default()
        }
    }

    pub(crate) fn action(&self, user: &User, customer: &str, op: &str, t: i64) -> Event {
        Event {
            class: EventClass::ApiActivity,
            time_ms: t,
            status: Status::Success,
            user: user.id.clone(),
            partner_tenant: Some(self.tenant_id(user)),
            customer_tenant: Some(customer.to_owned()),
            src_ip: Some(IpAddr::V4(Ipv4Addr::from(user.ip_base))),
            operation: Some(op.to_owned()),
            ..Event::default()
        }
    }

    /// A random user not yet taken that satisfies `ok`; marks it taken.
    pub(crate) fn pick_user(
        &mut self,
        rng: &mut fastrand::Rng,
        ok: impl Fn(&World, &User) -> bool,
    ) -> Option<usize> {
        let candidates: Vec<usize> = (0..self.users.len())
            .filter(|i| {
                self.users
                    .get(*i)
                    .is_some_and(|u| !u.taken && !u.dormant && u.first_day == 0 && ok(self, u))
            })
            .collect();
        let i = *candidates.get(rng.usize(..candidates.len().max(1)))?;
        if let Some(u) = self.users.get_mut(i) {
            u.taken = true;
        }
        Some(i)
    }
}

fn jitter(seed: i64) -> f64 {
    ((seed.rem_euclid(1000)) as f64 / 1000.0 - 0.5) * 0.2
}

pub(crate) fn pick(rng: &mut fastrand::Rng, items: &[String]) -> String {
    items
        .get(rng.usize(..items.len().max(1)))
        .cloned()
        .unwrap_or_default()
}

pub(crate) fn pick_str<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items
        .get(rng.usize(..items.len().max(1)))
        .copied()
        .unwrap_or("users.read")
}

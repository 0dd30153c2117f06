//! Labelled attacks of every kind, injected into the month.

use std::net::{IpAddr, Ipv4Addr};

use crate::population::{
    ATTACKER_PLACES, DAY, HOMES, HOUR, MIN, Role, START, World, isp_asn, pick,
};
use crate::{AttackKind, Label, LabelSubject, ScenarioConfig};
use portcullis_detection::{Event, Status};

pub(crate) struct Injected {
    pub events: Vec<Event>,
    pub labels: Vec<Label>,
    pub indicator_ips: Vec<IpAddr>,
}

/// Attacks start two weeks in (the engine's learning period is one).
const FIRST_DAY: i64 = 14;

pub(crate) fn inject(
    rng: &mut fastrand::Rng,
    world: &mut World,
    config: &ScenarioConfig,
) -> Injected {
    let mut out = Injected {
        events: Vec::new(),
        labels: Vec::new(),
        indicator_ips: Vec::new(),
    };
    // Room for a week-long slow-and-low before the month ends.
    let last_day = (world.days - 8).max(FIRST_DAY + 1);
    for n in 0..config.attacks_per_kind {
        for kind in AttackKind::ALL {
            let day = FIRST_DAY + rng.i64(0..last_day - FIRST_DAY);
            let before = out.events.len();
            let subject = attack(rng, world, &mut out, kind, day, n);
            let Some(subject) = subject else { continue };
            let times = out
                .events
                .get(before..)
                .unwrap_or_default()
                .iter()
                .map(|e| e.time_ms);
            let (start, end) = times.fold((i64::MAX, i64::MIN), |(a, b), t| (a.min(t), b.max(t)));
            out.labels.push(Label {
                kind,
                subject,
                start_ms: start,
                end_ms: end,
            });
        }
    }
    out
}

fn attack(
    rng: &mut fastrand::Rng,
    world: &mut World,
    out: &mut Injected,
    kind: AttackKind,
    day: i64,
    n: usize,
) -> Option<LabelSubject> {
    if kind == AttackKind::PasswordSpray {
        return Some(spray(rng, world, out, day, n));
    }
    // Attackers of the escalation kind pick accounts whose owners do not
    // routinely do what they are about to do.
    let i = world.pick_user(rng, |_, u| match kind {
        AttackKind::EscalationSequence => u.role == Role::Technician,
        // Off-hours is the victim's off-hours: six hours before its day.
        AttackKind::OffHours => u.alternate_start.is_none(),
        _ => true,
    })?;
    if kind == AttackKind::DormantAccount
        && let Some(u) = world.users.get_mut(i)
    {
        u.dormant = true;
    }
    let user = world.users.get(i)?;
    let home = HOMES.get(user.home).copied()?;
    let asn = user.asns.first().copied()?;
    let customer = pick(rng, &user.customers);
    // Mid-morning local time: inside working hours.
    let t = world.local(user, day, (user.start_hour + 2) * HOUR + rng.i64(0..HOUR));
    let events = &mut out.events;
    match kind {
        AttackKind::FanOut => {
            let tenant = world.tenants.get(user.tenant)?;
            for (k, c) in tenant.customers.iter().take(25).enumerate() {
                events.push(world.sign_in(user, c, t + k as i64 * 90_000, home, asn));
                events.push(world.action(
                    user,
                    c,
                    "mailboxes.read",
                    t + k as i64 * 90_000 + 20_000,
                ));
            }
        }
        AttackKind::NewInfrastructure => {
            let place = ATTACKER_PLACES.get(n % ATTACKER_PLACES.len()).copied()?;
            let mut e = world.sign_in(user, &customer, t, place, 9100 + n as u32);
            e.src_ip = Some(attacker_ip(n as u32));
            events.push(e);
            for k in 1..4 {
                events.push(world.action(user, &customer, "mailboxes.read", t + k * MIN));
            }
        }
        AttackKind::ImpossibleTravel => {
            events.push(world.sign_in(user, &customer, t, home, asn));
            let far = HOMES.iter().copied().max_by(|a, b| {
                let d = |p: &crate::population::Place| {
                    (p.lat - home.lat).abs() + (p.long - home.long).abs()
                };
                d(a).total_cmp(&d(b))
            })?;
            let mut e = world.sign_in(user, &customer, t + 40 * MIN, far, 9200 + n as u32);
            e.src_ip = Some(attacker_ip(100 + n as u32));
            events.push(e);
        }
        AttackKind::DormantAccount => {
            events.push(world.sign_in(user, &customer, START - 60 * DAY + 10 * HOUR, home, asn));
            events.push(world.sign_in(user, &customer, t, home, asn));
            events.push(world.action(user, &customer, "users.password.reset", t + 20 * MIN));
        }
        AttackKind::EscalationSequence => {
            events.push(world.sign_in(user, &customer, t, home, asn));
            events.push(world.action(user, &customer, "users.read", t + 5 * MIN));
            events.push(world.action(
                user,
                &customer,
                "applications.credentials.add",
                t + 12 * MIN,
            ));
        }
        AttackKind::DeniedBurst => {
            for k in 0..40 {
                let mut e =
                    world.action(user, &customer, "roles.assignments.create", t + k * 12_000);
                e.status = Status::Failure;
                events.push(e);
            }
        }
        AttackKind::ThreatIntel => {
            let ip = IpAddr::V4(Ipv4Addr::new(203, 0, 113, 10 + n as u8));
            out.indicator_ips.push(ip);
            let mut e = world.sign_in(user, &customer, t, home, asn);
            e.src_ip = Some(ip);
            events.push(e);
        }
        AttackKind::OffHours => {
            let night = world.local(user, day, (user.start_hour - 6) * HOUR + rng.i64(0..HOUR));
            events.push(world.sign_in(user, &customer, night, home, asn));
            events.push(world.action(user, &customer, "users.password.reset", night + 4 * MIN));
            events.push(world.action(user, &customer, "mailboxes.export", night + 9 * MIN));
        }
        AttackKind::SlowAndLow => {
            slow_and_low(rng, world, events, i, day, n)?;
        }
        AttackKind::PasswordSpray => {}
    }
    Some(LabelSubject::User(user.id.clone()))
}

/// Over five to seven days, one or two sessions a day from a hosting network
/// in the user's own country, each in a customer of the partner the user
/// never worked with, reading mail and users. No burst, no new country.
fn slow_and_low(
    rng: &mut fastrand::Rng,
    world: &World,
    events: &mut Vec<Event>,
    i: usize,
    day: i64,
    n: usize,
) -> Option<()> {
    let user = world.users.get(i)?;
    let home = HOMES.get(user.home).copied()?;
    let tenant = world.tenants.get(user.tenant)?;
    let mut targets: Vec<&String> = tenant
        .customers
        .iter()
        .filter(|c| !user.customers.contains(c))
        .collect();
    rng.shuffle(&mut targets);
    let asn = isp_asn(user.home, 8) + 100 * (1 + n as u32 % 3);
    let span = 5 + rng.i64(0..3);
    let mut targets = targets.into_iter();
    for d in (day..day + span).filter(|d| d % 7 < 5) {
        for _ in 0..1 + rng.usize(..2) {
            let Some(customer) = targets.next() else {
                break;
            };
            let start = world.start_hour(user, d);
            let t = world.local(user, d, (start + 1) * HOUR + rng.i64(0..5 * HOUR));
            let mut e = world.sign_in(user, customer, t, home, asn);
            e.src_ip = Some(attacker_ip(300 + n as u32));
            events.push(e);
            for k in 1..3 {
                let op = if k == 1 {
                    "users.read"
                } else {
                    "mailboxes.read"
                };
                events.push(world.action(user, customer, op, t + k * 2 * MIN));
            }
        }
    }
    Some(())
}

/// One attacker IP trying one password on 15 users across partners.
fn spray(
    rng: &mut fastrand::Rng,
    world: &World,
    out: &mut Injected,
    day: i64,
    n: usize,
) -> LabelSubject {
    let ip = attacker_ip(200 + n as u32);
    let t = START + day * DAY + rng.i64(0..DAY - HOUR);
    let place = ATTACKER_PLACES
        .get(n % ATTACKER_PLACES.len())
        .copied()
        .unwrap_or(ATTACKER_PLACES[0]);
    for k in 0..15 {
        let Some(user) = world.users.get(rng.usize(..world.users.len().max(1))) else {
            continue;
        };
        let mut e = world.sign_in(user, &world.tenant_id(user), t + k * 2 * MIN, place, 9300);
        e.status = Status::Failure;
        e.src_ip = Some(ip);
        out.events.push(e);
    }
    LabelSubject::Source(ip)
}

fn attacker_ip(n: u32) -> IpAddr {
    IpAddr::V4(Ipv4Addr::from(0xC633_6400 + n))
}

//! Event builders for the engine tests.
#![allow(dead_code, reason = "each test binary uses a subset")]

use portcullis_detection::{Detection, Engine, Event, EventClass, RuleId, Status};

pub const MIN: i64 = 60_000;
pub const HOUR: i64 = 60 * MIN;
pub const DAY: i64 = 24 * HOUR;
/// A UTC midnight.
pub const T0: i64 = 19_700 * DAY;

pub fn sign_in(user: &str, customer: &str, t: i64) -> Event {
    Event {
        class: EventClass::Authentication,
        time_ms: t,
        status: Status::Success,
        user: user.into(),
        partner_tenant: Some("partner-1".into()),
        customer_tenant: Some(customer.into()),
        uid: Some(format!("{user}-{customer}-{t}")),
        ..Event::default()
    }
}

pub fn failed_sign_in(user: &str, ip: &str, t: i64) -> Event {
    Event {
        status: Status::Failure,
        src_ip: Some(ip.parse().unwrap()),
        ..sign_in(user, "partner-1", t)
    }
}

pub fn action(user: &str, customer: &str, op: &str, t: i64) -> Event {
    Event {
        class: EventClass::ApiActivity,
        operation: Some(op.into()),
        ..sign_in(user, customer, t)
    }
}

pub fn denied(user: &str, customer: &str, t: i64) -> Event {
    Event {
        status: Status::Failure,
        ..action(user, customer, "users.read", t)
    }
}

/// Places a sign-in: country, position, ASN, IP.
pub fn from(mut e: Event, country: &str, lat: f64, long: f64, asn: u32) -> Event {
    let c = country.as_bytes();
    e.country = Some([c[0], c[1]]);
    e.lat_long = Some((lat, long));
    e.asn = Some(asn);
    e.src_ip = Some(
        format!("198.51.{}.{}", asn % 256, (lat.abs() as u32) % 256)
            .parse()
            .unwrap(),
    );
    e
}

pub const PARIS: (&str, f64, f64) = ("FR", 48.85, 2.35);
pub const BERLIN: (&str, f64, f64) = ("DE", 52.52, 13.40);
pub const NEW_YORK: (&str, f64, f64) = ("US", 40.71, -74.0);
pub const MOSCOW: (&str, f64, f64) = ("RU", 55.75, 37.62);

pub fn at(e: Event, place: (&str, f64, f64), asn: u32) -> Event {
    from(e, place.0, place.1, place.2, asn)
}

/// Processes events, returning every finding.
pub fn run(engine: &mut Engine, events: impl IntoIterator<Item = Event>) -> Vec<Detection> {
    events
        .into_iter()
        .flat_map(|e| engine.process(&e))
        .collect()
}

/// The new (not updated) findings of `rule`.
pub fn new_of(findings: &[Detection], rule: RuleId) -> Vec<&Detection> {
    findings
        .iter()
        .filter(|f| f.rule == rule && !f.is_update)
        .collect()
}

/// A user with `days` of ordinary sign-ins from Paris on AS100 at 10:00 UTC.
pub fn settled_user(user: &str, days: i64) -> Vec<Event> {
    (0..days)
        .map(|d| {
            at(
                sign_in(user, "partner-1", T0 + d * DAY + 10 * HOUR),
                PARIS,
                100,
            )
        })
        .collect()
}

/// Defaults, with baselines taken as learned from the first event: the rule
/// tests exercise each rule's mechanics on users with little history.
pub fn settled() -> portcullis_detection::Config {
    let mut config = portcullis_detection::Config::default();
    config.learning.period_ms = 0;
    config.learning.min_events = 0;
    // Any user's first escalation operation is raised, whatever the chance
    // that it is an administrator.
    config.escalation.admin_chance = 1.0;
    config
}

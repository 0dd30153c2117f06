//! Events per second through the full engine (all rules on) with 100,000
//! partner users of state, memory per tracked user (resident-set growth),
//! and the size and cost of one state snapshot as a detection partition
//! saves it after each batch (JSON).
//!
//! `cargo run --release -p portcullis-detection --example throughput [-- --quick]`

use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

use portcullis_detection::{Config, Engine, Event, EventClass, IntelLookup, IntelMatch, Status};

const USERS: u64 = 100_000;

/// A hash-set lookup, as the intel index would do.
struct SetIntel(std::collections::HashSet<IpAddr>);

impl IntelLookup for SetIntel {
    fn ip(&self, ip: IpAddr) -> Option<IntelMatch> {
        self.0.contains(&ip).then(|| IntelMatch {
            indicator: "i".into(),
            description: "bench".into(),
        })
    }
    fn domain(&self, _: &str) -> Option<IntelMatch> {
        None
    }
}

/// The n-th event: users round-robin, mostly delegated actions, some
/// sign-ins with geo, a few failures and denials. Each user cycles over
/// `spread` customers: 5 is ordinary work, 5000 makes fan-out fire and
/// update its finding on most events (the alerting worst case).
fn event(n: u64, t0: i64, spread: u64) -> Event {
    let user = n % USERS;
    let kind = (n / USERS + user) % 10;
    let customer = format!("cust-{}", (user * 7 + (n / USERS) % spread) % 5000);
    let ip = IpAddr::V4(Ipv4Addr::from(0x6440_0000 + user as u32));
    let mut e = Event {
        class: if kind < 3 {
            EventClass::Authentication
        } else {
            EventClass::ApiActivity
        },
        time_ms: t0 + (n as i64) * 3,
        status: if kind == 9 {
            Status::Failure
        } else {
            Status::Success
        },
        user: format!("user-{user}"),
        partner_tenant: Some(format!("partner-{}", user % 1000)),
        customer_tenant: Some(customer),
        src_ip: Some(ip),
        operation: Some(
            if kind == 4 {
                "users.password.reset"
            } else {
                "users.read"
            }
            .into(),
        ),
        uid: Some(format!("ev-{n}")),
        ..Event::default()
    };
    if e.class == EventClass::Authentication {
        e.country = Some(*b"FR");
        e.lat_long = Some((48.85, 2.35));
        e.asn = Some(3215 + (user % 50) as u32);
    }
    e
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let measured: u64 = if quick { 300_000 } else { 3_000_000 };
    let t0 = 20_000 * 86_400_000;
    let intel = SetIntel(
        (0..1000)
            .map(|i| IpAddr::V4(Ipv4Addr::new(203, 0, 113, (i % 250) as u8)))
            .collect(),
    );
    let mut engine = Engine::with_intel(Config::default(), Box::new(intel));

    let before = rss_kib();
    let warm: Vec<Event> = (0..USERS * 2).map(|n| event(n, t0, 5)).collect();
    for e in &warm {
        engine.process(e);
    }
    drop(warm);
    let after = rss_kib();
    let per_user = (after.saturating_sub(before)) as f64 * 1024.0 / engine.tracked_users() as f64;

    let mut offset = USERS * 2;
    for (label, spread) in [("ordinary", 5), ("alerting", 5000)] {
        let events: Vec<Event> = (offset..offset + measured)
            .map(|n| event(n, t0, spread))
            .collect();
        offset += measured;
        let start = Instant::now();
        let mut findings = 0usize;
        for e in &events {
            findings += engine.process(e).len();
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{label}: {measured} events, {} users of state: {:.0} events/s ({:.2} us/event), {findings} findings",
            engine.tracked_users(),
            measured as f64 / secs,
            secs * 1e6 / measured as f64,
        );
    }
    println!(
        "memory: ~{per_user:.0} bytes per tracked user (resident-set growth while warming state)"
    );
    snapshot_cost(&engine);
}

/// One snapshot serialized as a partition saves it: bytes, and time (best
/// of five) to take and serialize it.
fn snapshot_cost(engine: &Engine) {
    let users = engine.tracked_users().max(1);
    let mut best = f64::MAX;
    let mut bytes = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let Ok(json) = serde_json::to_string(&engine.snapshot()) else {
            println!("snapshot: cannot serialize the state");
            return;
        };
        best = best.min(start.elapsed().as_secs_f64());
        bytes = json.len();
    }
    println!(
        "snapshot: {bytes} bytes of JSON for {users} users (~{:.0} bytes per tracked user), \
         taken and serialized in {:.1} ms (~{:.2} us per tracked user)",
        bytes as f64 / users as f64,
        best * 1e3,
        best * 1e6 / users as f64,
    );
}

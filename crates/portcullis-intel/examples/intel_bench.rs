//! Indicator matching at scale: builds an `IndicatorIndex` of 1,000,000
//! generated indicators (exact IPv4 and IPv6 addresses, CIDR ranges,
//! domains, `*.domain` wildcards) and measures lookups per second for hits
//! and misses, the build time (pattern parsing included) and the resident
//! memory the index adds.
//!
//! Run: `cargo run --release -p portcullis-intel --example intel_bench`
//! (`-- --quick` for 100,000 indicators and fewer lookups).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_precision_loss,
    reason = "a benchmark: a setup failure should stop it loudly"
)]

use std::hint::black_box;
use std::time::Instant;

use portcullis_intel::{Indicator, IndicatorIndex, Observable, Pattern};
use time::macros::datetime;

/// A tiny deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// What one generated indicator lists, and an observable it should hit.
fn generate(n: usize, rng: &mut Rng) -> (String, Observable) {
    // Addresses in 1.0.0.0/8..99.0.0.0/8; misses come from 100.0.0.0/8 up.
    let a = 1 + rng.below(99) as u8;
    let (b, c, d) = (
        rng.below(256) as u8,
        rng.below(256) as u8,
        rng.below(256) as u8,
    );
    match rng.below(100) {
        0..40 => {
            let ip = format!("{a}.{b}.{c}.{d}");
            (
                format!("[ipv4-addr:value = '{ip}']"),
                Observable::guess(&ip).unwrap(),
            )
        }
        40..55 => {
            let len = 16 + rng.below(13);
            let ip = format!("{a}.{b}.{c}.{d}");
            (
                format!("[ipv4-addr:value ISSUBSET '{ip}/{len}']"),
                Observable::guess(&ip).unwrap(),
            )
        }
        55..60 => {
            let ip = format!("2001:db8:{:x}::{:x}", rng.below(65536), rng.below(65536));
            let pattern = if n.is_multiple_of(2) {
                format!("[ipv6-addr:value = '{ip}']")
            } else {
                format!("[ipv6-addr:value = '{ip}/64']")
            };
            (pattern, Observable::guess(&ip).unwrap())
        }
        60..92 => {
            let domain = format!("host{n}.d{}.example", rng.below(50_000));
            (
                format!("[domain-name:value = '{domain}']"),
                Observable::domain(&domain),
            )
        }
        _ => {
            let domain = format!("w{n}.example");
            (
                format!("[domain-name:value = '{domain}' OR domain-name:value LIKE '%.{domain}']"),
                Observable::domain(&format!("mail.{domain}")),
            )
        }
    }
}

fn indicator(n: usize, text: &str) -> Indicator {
    Indicator {
        id: format!("indicator--{n:08}-0000-4000-8000-000000000000"),
        name: None,
        pattern: Pattern::parse(text).unwrap(),
        pattern_type: "stix".into(),
        valid_from: datetime!(2024-01-01 00:00 UTC),
        valid_until: None,
        revoked: false,
        indicator_types: Vec::new(),
        labels: Vec::new(),
        confidence: None,
        source: None,
        modified: None,
    }
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

fn measure(
    label: &str,
    index: &IndicatorIndex,
    probes: &[Observable],
    rounds: usize,
    expect_hit: bool,
) {
    let now = datetime!(2025-01-01 00:00 UTC);
    let hits = probes
        .iter()
        .filter(|p| !index.lookup(p, now).is_empty())
        .count();
    if expect_hit {
        assert_eq!(hits, probes.len(), "{label}: every probe should hit");
    } else {
        assert_eq!(hits, 0, "{label}: no probe should hit");
    }
    let started = Instant::now();
    for _ in 0..rounds {
        for probe in probes {
            black_box(index.lookup(black_box(probe), now));
        }
    }
    let elapsed = started.elapsed();
    let lookups = (rounds * probes.len()) as f64;
    println!(
        "{label:<28} {:>12.0} lookups/s  {:>8.0} ns/lookup",
        lookups / elapsed.as_secs_f64(),
        elapsed.as_nanos() as f64 / lookups
    );
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let count = if quick { 100_000 } else { 1_000_000 };
    let rounds = if quick { 2 } else { 10 };
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut ip_hits = Vec::new();
    let mut domain_hits = Vec::new();
    let before = rss_kib();
    let started = Instant::now();
    let index = IndicatorIndex::build((0..count).map(|n| {
        let (text, probe) = generate(n, &mut rng);
        if n.is_multiple_of(100) {
            match probe {
                Observable::DomainName(_) => domain_hits.push(probe),
                _ => ip_hits.push(probe),
            }
        }
        indicator(n, &text)
    }));
    let build = started.elapsed();
    let after = rss_kib();
    println!(
        "indicators: {count}, build (parse + index): {:.2} s ({:.0} indicators/s), index RSS: +{} MiB ({:.0} bytes/indicator), fallback: {}",
        build.as_secs_f64(),
        count as f64 / build.as_secs_f64(),
        after.saturating_sub(before) / 1024,
        after.saturating_sub(before) as f64 * 1024.0 / count as f64,
        index.fallback_len(),
    );
    let ip_misses: Vec<Observable> = (0..10_000)
        .map(|_| {
            Observable::guess(&format!(
                "{}.{}.{}.{}",
                100 + rng.below(100),
                rng.below(256),
                rng.below(256),
                rng.below(256)
            ))
            .unwrap()
        })
        .collect();
    let domain_misses: Vec<Observable> = (0..10_000)
        .map(|n| Observable::domain(&format!("a{n}.b{}.unlisted.example", rng.below(1000))))
        .collect();
    measure("ip hits (exact/range)", &index, &ip_hits, rounds, true);
    measure("ip misses", &index, &ip_misses, rounds, false);
    measure(
        "domain hits (exact/parent)",
        &index,
        &domain_hits,
        rounds,
        true,
    );
    measure("domain misses", &index, &domain_misses, rounds, false);
}

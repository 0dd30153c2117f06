//! Screening throughput and index memory against a large synthetic list.
//!
//! `cargo run --release -p portcullis-screening --example screening_bench
//! [ENTITIES] [QUERIES]` (defaults 1,000,000 and 20,000): builds the index
//! over ENTITIES synthetic entities (the quality test's generator, plus 5 %
//! Chinese and Korean names in Han characters, Hangul and Latin
//! romanisations), then screens QUERIES names on one thread — half variants
//! of listed names (typos, order, case, legal forms, dropped tokens), half
//! names that are not listed — and prints names per second (of wall time
//! and per CPU second, which is what a shared machine can vouch for), the
//! index build time and the resident memory the index added (Linux).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::print_stdout,
    reason = "a benchmark program"
)]

#[path = "../tests/support/synth.rs"]
mod synth;

use std::time::Instant;

use portcullis_screening::{DEFAULT_THRESHOLD, Entity, Kind, Query, Schema, Screener};
use synth::Rng;

const HAN_SURNAMES: &[(&str, &str)] = &[
    ("王", "Wang"),
    ("李", "Li"),
    ("张", "Zhang"),
    ("刘", "Liu"),
    ("陈", "Chen"),
    ("杨", "Yang"),
    ("黄", "Huang"),
    ("赵", "Zhao"),
    ("吴", "Wu"),
    ("周", "Zhou"),
];
const HAN_GIVEN: &[(&str, &str)] = &[
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("华", "hua"),
    ("平", "ping"),
    ("国", "guo"),
    ("建", "jian"),
    ("文", "wen"),
];
const HANGUL: &[&str] = &["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임"];
const HANGUL_GIVEN: &[&str] = &["민", "서", "준", "지", "현", "우", "영", "수", "은", "호"];

fn east_asian(rng: &mut Rng, i: usize) -> Entity {
    let name = if rng.chance(0.5) {
        let (han, latin) = HAN_SURNAMES[rng.below(HAN_SURNAMES.len())];
        let (g1, l1) = HAN_GIVEN[rng.below(HAN_GIVEN.len())];
        let (g2, l2) = HAN_GIVEN[rng.below(HAN_GIVEN.len())];
        if rng.chance(0.5) {
            format!("{han}{g1}{g2}")
        } else {
            format!("{latin} {l1}{l2}")
        }
    } else {
        format!(
            "{}{}{}",
            HANGUL[rng.below(HANGUL.len())],
            HANGUL_GIVEN[rng.below(HANGUL_GIVEN.len())],
            HANGUL_GIVEN[rng.below(HANGUL_GIVEN.len())]
        )
    };
    Entity {
        id: format!("cjk-{i}"),
        schema: Schema::Person,
        names: vec![name],
        countries: vec!["cn".to_owned()],
        birth_years: vec![1950 + rng.below(50) as i32],
    }
}

/// CPU seconds this process has used (user + system), from
/// `/proc/self/stat` (clock ticks of 1/100 s).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let q: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let mut entities = synth::entities(n - n / 20, 42);
    let mut rng = Rng::new(7);
    entities.extend((0..n / 20).map(|i| east_asian(&mut rng, i)));
    let names: Vec<(String, bool, String)> = entities
        .iter()
        .map(|e| (e.names[0].clone(), e.schema == Schema::Person, e.id.clone()))
        .collect();
    let before = resident_kib();
    let start = Instant::now();
    let screener = Screener::new(entities);
    let built = start.elapsed();
    let after = resident_kib();

    let mut rng = Rng::new(99);
    let queries: Vec<(Query, Option<String>)> = (0..q)
        .map(|i| {
            let (name, person, source) = if i % 2 == 0 {
                let (name, person, id) = &names[rng.below(names.len())];
                (synth::variant(&mut rng, name), *person, Some(id.clone()))
            } else if rng.chance(0.6) {
                (synth::person_name(&mut rng), true, None)
            } else {
                (synth::org_name(&mut rng), false, None)
            };
            let kind = if person {
                Kind::Person
            } else {
                Kind::Organization
            };
            let query = Query {
                name,
                country: None,
                birth_year: None,
                kind,
            };
            (query, source)
        })
        .collect();
    let start = Instant::now();
    let cpu_start = cpu_seconds();
    let mut hits = 0usize;
    let (mut variants, mut found) = (0usize, 0usize);
    for (query, source) in &queries {
        let matches = screener.screen(query, DEFAULT_THRESHOLD);
        hits += matches.len();
        if let Some(id) = source {
            variants += 1;
            found += usize::from(matches.iter().any(|m| &m.entity_id == id));
        }
    }
    let took = start.elapsed();
    let cpu = match (cpu_start, cpu_seconds()) {
        (Some(a), Some(b)) => b - a,
        _ => took.as_secs_f64(),
    };
    println!(
        "{n} entities: index built in {:.1} s, +{} MiB resident",
        built.as_secs_f64(),
        match (before, after) {
            (Some(b), Some(a)) => (a.saturating_sub(b) / 1024).to_string(),
            _ => "?".to_owned(),
        }
    );
    println!(
        "{q} names screened in {:.2} s on one thread ({cpu:.2} CPU s): {:.0} names/s of wall time, {:.0} names per CPU second, {hits} hits",
        took.as_secs_f64(),
        q as f64 / took.as_secs_f64(),
        q as f64 / cpu.max(1e-9)
    );
    println!(
        "variants of listed names whose source entity was among the matches: {found} of {variants}"
    );
}

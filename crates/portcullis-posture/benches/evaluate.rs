//! Evaluation time per snapshot with the default partner baseline, and the
//! time to compile that baseline. Run: `cargo bench -p portcullis-posture`.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "benchmark setup")]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use portcullis_posture::{Baseline, PostureConfig, Snapshot, evaluate};
use time::macros::datetime;

fn sample_export() -> Vec<u8> {
    let path = portcullis_testkit::conformance_dir("scubagear-aad")
        .join("sample-provider-export.json");
    std::fs::read(path).unwrap()
}

fn benches(c: &mut Criterion) {
    let now = datetime!(2026-11-25 12:00 UTC);
    let config = PostureConfig::default();
    let baseline = Baseline::default_partner().unwrap();
    let export = sample_export();
    let sample = Snapshot::parse(&export).unwrap();
    let compliant = Snapshot::parse(include_bytes!("../tests/support/compliant.json")).unwrap();

    c.bench_function("evaluate/scubagear_sample_export_646KB", |b| {
        b.iter(|| evaluate(black_box(&baseline), black_box(&sample), now, &config));
    });
    c.bench_function("evaluate/compliant_partner_snapshot", |b| {
        b.iter(|| evaluate(black_box(&baseline), black_box(&compliant), now, &config));
    });
    c.bench_function("parse/scubagear_sample_export_646KB", |b| {
        b.iter(|| Snapshot::parse(black_box(&export)).unwrap());
    });
    c.bench_function("baseline/compile_default_partner", |b| {
        b.iter(|| Baseline::default_partner().unwrap());
    });
}

criterion_group! {
    name = evaluate_benches;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(evaluate_benches);

//! Portcullis alone, timed as `decisions` times it, on the same ecosystem
//! and requests: for profiling the index and comparing two builds quickly
//! (the full `decisions` run also builds, checks and times Cedar and
//! casbin, which takes minutes). It checks no peer: agreement is
//! `decisions`' job.
//!
//! ```sh
//! cargo run --release -p portcullis-bench --example portcullis_only -- [--quick] [--seed N] [--passes N]
//! ```
//!
//! `--passes N` times N throughput passes instead of 7: with many, the
//! decisions outweigh building the ecosystem in a `perf record` of the run.
//!
//! Prints the throughput, p50 and p99 over all requests, how many were
//! allowed and a digest of every decision (effect, reasons and grant), so
//! that two builds can be shown to answer alike; the last line is JSON.

use std::hash::{DefaultHasher, Hash, Hasher};

use portcullis_bench::ecosystem::NOW;
use portcullis_bench::measure::{self, Passes};
use portcullis_bench::{Options, run};

/// The allocator of the `portcullis` binary, so that the engines are timed
/// with the allocator a deployed node runs (every engine here uses it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value_of = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
    };
    let seed = value_of("--seed")
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(42);
    let timed = value_of("--passes")
        .map(|s| s.parse())
        .transpose()?
        .unwrap_or(7);
    let options = Options {
        quick: args.iter().any(|a| a == "--quick"),
        seed,
    };
    let mut log = |line: String| println!("{line}");
    let prepared = run::prepare(options, &mut log)?;
    let requests = &prepared.requests;

    let mut digest = DefaultHasher::new();
    let mut allowed = 0_usize;
    for request in requests {
        let decision = prepared.index.decide(request, NOW);
        allowed += usize::from(decision.is_allowed());
        decision.effect.hash(&mut digest);
        decision.reasons.hash(&mut digest);
        decision.grant.hash(&mut digest);
    }
    let digest = format!("{:016x}", digest.finish());

    let decide = |r: &_| prepared.index.decide(r, NOW).is_allowed();
    let clock_overhead_ns = measure::clock_overhead_ns();
    let passes = Passes { warmup: 1, timed };
    let throughput = measure::throughput(requests, passes, decide);
    let latencies = measure::latencies(
        requests,
        Passes {
            warmup: 0,
            timed: 3,
        },
        decide,
    );
    let (p50, p99) = (
        measure::quantile(&latencies, 0.5),
        measure::quantile(&latencies, 0.99),
    );
    println!(
        "portcullis, all requests: {:.0} decisions/s, p50 {p50} ns, p99 {p99} ns (clock pair {clock_overhead_ns} ns, included); {allowed} of {} allowed; digest {digest}",
        throughput.per_sec,
        requests.len()
    );
    println!(
        "{}",
        serde_json::json!({
            "decisions_per_sec": throughput.per_sec.round(),
            "p50_ns": p50,
            "p99_ns": p99,
            "clock_overhead_ns": clock_overhead_ns,
            "requests": requests.len(),
            "allowed": allowed,
            "digest": digest,
            "quick": options.quick,
            "seed": seed,
        })
    );
    Ok(())
}

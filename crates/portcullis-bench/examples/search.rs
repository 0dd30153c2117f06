//! The searches behind AuthZEN's search APIs, timed on the benchmark
//! ecosystem (full scale: 1,000 partners, 100,000 customers, 300,000
//! relationships, 1,000,000 assignments): for each allowed request of the
//! benchmark's request set, which partner users may do its action in its
//! customer, which customers its user may do it in, which actions its user
//! may do in its customer — a first page of 50 (the AuthZEN default) and
//! the whole answer (a page of 1,000). Prints p50, p90 and p99 per search
//! and, last, one JSON line.
//!
//! `cargo run --release -p portcullis-bench --example search [-- --quick] [--seed N]`
#![allow(clippy::print_stdout, reason = "a benchmark report")]

use std::hint::black_box;

use portcullis_bench::ecosystem::NOW;
use portcullis_bench::measure::{self, Passes};
use portcullis_bench::{Options, run};
use portcullis_decision::{DecisionIndex, DecisionRequest, SearchSession};
use serde_json::{Value, json};

/// Searches timed per kind (the first allowed requests of the set).
const PROBES: usize = 5_000;

fn session(request: &DecisionRequest) -> SearchSession {
    SearchSession {
        auth_strength: request.auth_strength,
        source_ip: request.source_ip,
    }
}

type Search = fn(&DecisionIndex, &DecisionRequest, usize) -> usize;

fn subjects(index: &DecisionIndex, r: &DecisionRequest, limit: usize) -> usize {
    let page = index.subjects_permitted(
        r.customer_tenant_id,
        &r.action,
        session(r),
        NOW,
        None,
        limit,
    );
    page.items.len()
}

fn customers(index: &DecisionIndex, r: &DecisionRequest, limit: usize) -> usize {
    let page = index.customers_permitted(r.user_id, &r.action, session(r), NOW, None, limit);
    page.items.len()
}

fn actions(index: &DecisionIndex, r: &DecisionRequest, limit: usize) -> usize {
    let page = index.actions_permitted(
        r.user_id,
        r.customer_tenant_id,
        session(r),
        NOW,
        None,
        limit,
    );
    page.items.len()
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        quick: false,
        seed: 42,
    };
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--quick" => options.quick = true,
            "--seed" => {
                let value = rest.next().ok_or("`--seed` needs a number")?;
                options.seed = value
                    .parse()
                    .map_err(|_| format!("`{value}` is not a seed"))?;
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(options)
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = options(&args).map_err(anyhow::Error::msg)?;
    let prepared = run::prepare(options, &mut |line| println!("{line}"))?;
    let index = &prepared.index;
    let probes: Vec<DecisionRequest> = prepared
        .requests
        .iter()
        .filter(|r| index.decide(r, NOW).is_allowed())
        .take(PROBES)
        .cloned()
        .collect();
    println!(
        "{} probes: allowed requests of the set (a member of a group asking in a customer of its partner)",
        probes.len()
    );
    let passes = Passes {
        warmup: 1,
        timed: 3,
    };
    let clock = measure::clock_overhead_ns();
    let mut figures = serde_json::Map::new();
    let kinds: [(&str, Search); 3] = [
        ("subjects", subjects),
        ("customers", customers),
        ("actions", actions),
    ];
    for (name, search) in kinds {
        for limit in [50, 1_000] {
            let found: usize = probes.iter().map(|r| search(index, r, limit)).sum();
            let latencies =
                measure::latencies(&probes, passes, |r| black_box(search(index, r, limit)) > 0);
            let (p50, p90, p99) = (
                measure::quantile(&latencies, 0.5),
                measure::quantile(&latencies, 0.9),
                measure::quantile(&latencies, 0.99),
            );
            #[expect(clippy::cast_precision_loss, reason = "a mean for display")]
            let mean = found as f64 / probes.len().max(1) as f64;
            println!(
                "{name:>9}, page of {limit:>5}: p50 {:>7.2} µs  p90 {:>7.2} µs  p99 {:>7.2} µs  ({mean:.1} results on average)",
                micros(p50),
                micros(p90),
                micros(p99),
            );
            figures.insert(
                format!("{name}_{limit}"),
                json!({"p50_ns": p50, "p90_ns": p90, "p99_ns": p99, "mean_results": mean}),
            );
        }
    }
    let summary: Value = json!({
        "quick": options.quick,
        "seed": options.seed,
        "probes": probes.len(),
        "clock_overhead_ns": clock,
        "searches": figures,
    });
    println!("{summary}");
    Ok(())
}

fn micros(nanos: u64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "a duration for display")]
    let nanos = nanos as f64;
    nanos / 1000.0
}

//! The searches behind AuthZEN's search APIs, timed on the benchmark
//! ecosystem (full scale: 1,000 partners, 100,000 customers, 300,000
//! relationships, 1,000,000 assignments): for each allowed request of the
//! benchmark's request set, which partner users may do its action in its
//! customer, which customers its user may do it in, which actions its user
//! may do in its customer — a first page of 50 (the AuthZEN default) and
//! the whole answer (a page of 1,000). Prints p50, p90 and p99 per search
//! and, last, one JSON line.
//!
//! The ecosystem is `portcullis-bench`'s own generator (its modules are
//! compiled in here, so that this runs without building the Cedar and
//! casbin peers); the probes are allowed requests made from its
//! assignments: a member of an assignment's group asking, in the
//! relationship's customer, for an action one of the assignment's roles
//! permits.
//!
//! `cargo run --release -p portcullis-decision --example search [-- --quick] [--seed N]`
#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    dead_code,
    reason = "a benchmark report, with the bench crate's generator compiled in"
)]

#[path = "../../portcullis-bench/src/ecosystem/mod.rs"]
mod ecosystem;
#[path = "../../portcullis-bench/src/measure.rs"]
mod measure;
#[path = "../../portcullis-bench/src/rng.rs"]
mod rng;
#[path = "../../portcullis-bench/src/vocabulary.rs"]
mod vocabulary;

use std::hint::black_box;
use std::time::Instant;

use ecosystem::{NOW, Scale};
use measure::Passes;
use portcullis_decision::{DecisionIndex, DecisionRequest, SearchSession};
use portcullis_domain::{AuthStrength, RoleCatalog};

struct Options {
    quick: bool,
    seed: u64,
}

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

/// Allowed requests made from the snapshot's assignments.
fn probes(
    eco: &ecosystem::Ecosystem,
    index: &DecisionIndex,
    catalog: &RoleCatalog,
) -> Vec<DecisionRequest> {
    let s = &eco.snapshot;
    let relationships: std::collections::HashMap<_, _> =
        s.relationships.iter().map(|r| (r.id, r)).collect();
    let mut members: std::collections::HashMap<_, Vec<_>> = std::collections::HashMap::new();
    for m in &s.memberships {
        members.entry(m.group_id).or_default().push(m.user_id);
    }
    let vocabulary = index.action_vocabulary();
    let mut out = Vec::new();
    for (n, assignment) in s.assignments.iter().enumerate() {
        let (Some(rel), Some(group)) = (
            relationships.get(&assignment.relationship_id),
            members.get(&assignment.group_id),
        ) else {
            continue;
        };
        let user = group[n % group.len()];
        let actions: Vec<_> = vocabulary
            .iter()
            .filter(|a| {
                assignment
                    .roles
                    .iter()
                    .any(|r| catalog.get(*r).is_some_and(|role| role.permits(a)))
            })
            .collect();
        if actions.is_empty() {
            continue;
        }
        let ip = eco
            .egress
            .iter()
            .find(|(t, _)| *t == rel.partner_tenant_id)
            .map(|(_, net)| std::net::IpAddr::V4(net.network()));
        let request = DecisionRequest {
            partner_tenant_id: rel.partner_tenant_id,
            user_id: user,
            customer_tenant_id: rel.customer_tenant_id,
            action: actions[n % actions.len()].clone(),
            auth_strength: AuthStrength::PhishingResistant,
            source_ip: ip,
        };
        if index.decide(&request, NOW).is_allowed() {
            out.push(request);
            if out.len() == PROBES {
                break;
            }
        }
    }
    out
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = options(&args)?;
    let scale = if options.quick {
        Scale::QUICK
    } else {
        Scale::FULL
    };
    let start = Instant::now();
    let eco = ecosystem::generate(options.seed, scale).map_err(|e| format!("{e:#}"))?;
    println!(
        "ecosystem (seed {}): {} relationships, {} assignments, {} users; generated in {:.0} s",
        options.seed,
        eco.snapshot.relationships.len(),
        eco.snapshot.assignments.len(),
        eco.snapshot.users.len(),
        start.elapsed().as_secs_f64()
    );
    let index = DecisionIndex::from_snapshot(&eco.snapshot, &eco.catalog);
    let index = &index;
    let probes = probes(&eco, index, &eco.catalog);
    println!(
        "{} probes: allowed requests (a member of an assignment's group, its relationship's customer, an action its roles permit)",
        probes.len()
    );
    let passes = Passes {
        warmup: 1,
        timed: 3,
    };
    let clock = measure::clock_overhead_ns();
    let mut figures = Vec::new();
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
            figures.push(format!("\"{name}_{limit}\":{{\"p50_ns\":{p50},\"p90_ns\":{p90},\"p99_ns\":{p99},\"mean_results\":{mean:.1}}}"));
        }
    }
    println!(
        "{{\"quick\":{},\"seed\":{},\"probes\":{},\"clock_overhead_ns\":{clock},\"searches\":{{{}}}}}",
        options.quick,
        options.seed,
        probes.len(),
        figures.join(",")
    );
    Ok(())
}

fn micros(nanos: u64) -> f64 {
    #[expect(clippy::cast_precision_loss, reason = "a duration for display")]
    let nanos = nanos as f64;
    nanos / 1000.0
}

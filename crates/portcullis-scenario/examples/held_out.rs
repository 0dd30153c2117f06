//! The held-out check: labelled months built like the development months
//! but with other seeds and population mixes — more night shifts, more
//! administrators, more travel and holidays, partners moving ISP together
//! (`portcullis_scenario::held_out_months`) — each scored against the
//! issue's bar (recall ≥ 0.95 overall, ≥ 0.8 per kind, ≥ 0.5 slow and low;
//! at most 1 in 20 look-alikes alerted; ≤ 1 false finding per 1,000
//! user-days), with the false containments the default policy would have
//! made. Seeds 101–106 were used to diagnose the defaults (docs/detection.md),
//! so a fresh first seed is the check.
//!
//! `cargo run --release -p portcullis-scenario --example held_out [-- --seeds-from N]`
//!
//! `--seeds-from N` builds the same six mixes with seeds N to N + 5 instead
//! of 101 to 106: fresh months, for a check after the defaults changed.

use portcullis_detection::Config;
use portcullis_scenario::{AttackKind, Report, evaluate, generate, held_out_months};

fn verdict(report: &Report) -> Vec<String> {
    let mut misses = Vec::new();
    let attacked = report.recall.values().any(|r| r.injected > 0);
    if attacked && report.overall_recall() < 0.95 {
        misses.push(format!("overall recall {:.2}", report.overall_recall()));
    }
    for (kind, r) in &report.recall {
        let bar = if *kind == AttackKind::SlowAndLow {
            0.5
        } else {
            0.8
        };
        if r.injected > 0 && r.recall() < bar {
            misses.push(format!("{kind:?} recall {:.2}", r.recall()));
        }
    }
    let (labelled, alerted) = report.look_alikes_alerted();
    if alerted * 20 > labelled {
        misses.push(format!("{alerted} of {labelled} look-alikes alerted"));
    }
    if report.false_per_1000_user_days() > 1.0 {
        misses.push(format!(
            "{:.2} false findings per 1,000 user-days",
            report.false_per_1000_user_days()
        ));
    }
    misses
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let first_seed = args
        .iter()
        .position(|a| a == "--seeds-from")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok())
        .unwrap_or(101);
    let mut contained = 0;
    let mut user_days = 0;
    for (name, config) in held_out_months(first_seed) {
        let report = evaluate(&generate(&config), Config::default());
        contained += report.false_contained;
        user_days += report.user_days;
        let misses = verdict(&report);
        let verdict = if misses.is_empty() {
            "meets the bar".to_owned()
        } else {
            format!("MISSES: {}", misses.join("; "))
        };
        println!("== {name}: {verdict}\n{report}\n");
    }
    println!(
        "false containments under the default policy: {contained} in {user_days} user-days \
         = {:.3} per 1,000 user-days",
        contained as f64 * 1000.0 / user_days.max(1) as f64
    );
}

//! The held-out check: labelled months built like the development months
//! but with seeds and a population mix the defaults were never looked at
//! on — more night shifts, more administrators, more travel and holidays,
//! partners moving ISP together — each scored against the bar
//! (recall ≥ 0.95 overall, ≥ 0.8 per kind, ≥ 0.5 slow and low; at most 1 in
//! 20 look-alikes alerted; ≤ 1 false finding per 1,000 user-days), with the
//! false containments the default policy would have made.
//!
//! `cargo run --release -p portcullis-scenario --example held_out [-- --seeds-from N]`
//!
//! `--seeds-from N` builds the same six mixes with seeds N to N + 5 instead
//! of 101 to 106: fresh months, for a check after the defaults changed.

use portcullis_detection::Config;
use portcullis_scenario::{AttackKind, Mix, Report, ScenarioConfig, evaluate, generate};

fn months(first_seed: u64) -> Vec<(String, ScenarioConfig)> {
    let base = Mix::default();
    let night = Mix {
        night_shift: 0.25,
        follow_the_sun: 0.15,
        ..base.clone()
    };
    let admins = Mix {
        admins: 0.35,
        ..base.clone()
    };
    let travel = Mix {
        travellers: 15,
        holidays: 15,
        partner_moves: 4,
        ..base.clone()
    };
    let isp = Mix {
        new_isp: 0.3,
        partner_isp_moves: 4,
        ..base.clone()
    };
    let all = Mix {
        night_shift: 0.2,
        follow_the_sun: 0.1,
        admins: 0.3,
        patchers: 0.5,
        new_hires: 0.08,
        new_isp: 0.25,
        travellers: 12,
        holidays: 12,
        partner_moves: 3,
        partner_isp_moves: 3,
    };
    let month = |seed: u64, mix: &Mix| ScenarioConfig {
        mix: mix.clone(),
        ..ScenarioConfig::full_month(seed)
    };
    let s = first_seed;
    vec![
        ("night shifts ×3", month(s, &night)),
        ("administrators ×3", month(s + 1, &admins)),
        ("travel and holidays ×3, 4 office moves", month(s + 2, &travel)),
        ("new ISPs ×3, 4 partners move ISP", month(s + 3, &isp)),
        ("all of it", month(s + 4, &all)),
        ("all of it, no attack", month(s + 5, &all).quiet()),
    ]
    .into_iter()
    .map(|(name, config)| (format!("{name} (seed {})", config.seed), config))
    .collect()
}

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
    for (name, config) in months(first_seed) {
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

//! Prints recall per attack kind, benign look-alikes alerted and false
//! findings per 1,000 user-days for the labelled 60-day month (40 partners,
//! 400 users, 3,000 customers) at the default thresholds, and the engine's
//! throughput over it (one core, every rule and baseline on).
//!
//! `cargo run --release -p portcullis-scenario --example scenario [seed] [--quiet]`

use std::time::Instant;

use portcullis_detection::{Config, Engine};
use portcullis_scenario::{ScenarioConfig, evaluate, generate};

fn main() {
    let seed = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let mut config = ScenarioConfig::full_month(seed);
    if std::env::args().any(|a| a == "--quiet") {
        config = config.quiet();
    }
    let scenario = generate(&config);
    println!("seed {seed}\n{}", evaluate(&scenario, Config::default()));
    let mut engine = Engine::new(Config::default());
    let start = Instant::now();
    let findings: usize = scenario
        .events
        .iter()
        .map(|e| engine.process(e).len())
        .sum();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "throughput: {} events in {:.3} s = {:.0} events/s ({findings} findings and updates)",
        scenario.events.len(),
        secs,
        scenario.events.len() as f64 / secs
    );
}

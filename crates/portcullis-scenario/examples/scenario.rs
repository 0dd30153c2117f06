//! Prints recall per attack kind and false findings per 1,000 user-days for
//! the labelled month at the default thresholds.
//!
//! `cargo run --release -p portcullis-scenario --example scenario [seed]`

use portcullis_detection::Config;
use portcullis_scenario::{ScenarioConfig, evaluate, generate};

fn main() {
    let seed = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(7);
    let scenario = generate(&ScenarioConfig {
        seed,
        ..ScenarioConfig::default()
    });
    println!("seed {seed}\n{}", evaluate(&scenario, Config::default()));
}

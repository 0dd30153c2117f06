//! Writes the labelled month as OCSF NDJSON (the lines of
//! `shared/spec/events.md`), for `portcullis detect --input FILE`.
//!
//! `cargo run --release -p portcullis-scenario --example write_month -- FILE [seed] [--quiet]`

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use portcullis_scenario::{ScenarioConfig, generate, write_ndjson};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).filter(|a| a != "--quiet");
    let Some(path) = args.next() else {
        eprintln!("usage: write_month FILE [seed] [--quiet]");
        return ExitCode::FAILURE;
    };
    let seed = args.next().and_then(|s| s.parse().ok()).unwrap_or(7);
    let mut config = ScenarioConfig::full_month(seed);
    if std::env::args().any(|a| a == "--quiet") {
        config = config.quiet();
    }
    let scenario = generate(&config);
    let written = std::fs::File::create(&path).and_then(|file| {
        let mut out = BufWriter::new(file);
        write_ndjson(&scenario.events, &mut out)?;
        out.flush()
    });
    match written {
        Ok(()) => {
            println!(
                "{} events of seed {seed} written to {path}",
                scenario.events.len()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write {path}: {e}");
            ExitCode::FAILURE
        }
    }
}

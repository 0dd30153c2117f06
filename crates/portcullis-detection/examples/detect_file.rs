//! What `portcullis detect --input FILE` does, timed in one process on one
//! thread: read the NDJSON lines, parse each with the domain's OCSF parser,
//! run the replay (reorder buffer, de-duplication, every rule and baseline)
//! and serialise the findings. Prints the time of each stage, best of N.
//!
//! Write a month first (`cargo run --release -p portcullis-scenario
//! --example write_month -- /tmp/month.ndjson 7`), then
//! `taskset -c 0 cargo run --release -p portcullis-detection --example
//! detect_file -- /tmp/month.ndjson [runs]`. The real command is timed the
//! same way with `taskset -c 0 target/release/portcullis detect --input
//! /tmp/month.ndjson > /dev/null`.

use std::io::BufRead;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use portcullis_detection::{Config, DEFAULT_LATENESS_MS, Engine, Event, Replay};
use portcullis_domain::ActivityEvent;

#[derive(Default, Clone, Copy)]
struct Stages {
    read: Duration,
    parse: Duration,
    detect: Duration,
    write: Duration,
    findings: usize,
    events: usize,
}

impl Stages {
    fn total(&self) -> Duration {
        self.read + self.parse + self.detect + self.write
    }
}

fn run(path: &str) -> std::io::Result<Stages> {
    let mut stages = Stages::default();
    let start = Instant::now();
    let text = std::fs::read(path)?;
    stages.read = start.elapsed();
    let mut replay = Replay::new(Engine::new(Config::default()), DEFAULT_LATENESS_MS);
    let mut sink = Vec::new();
    let mut parse = Duration::ZERO;
    let mut detect = Duration::ZERO;
    let mut write = Duration::ZERO;
    for line in text.lines() {
        let line = line?;
        let t0 = Instant::now();
        let event = ActivityEvent::from_ocsf_line(&line)
            .ok()
            .and_then(|e| Event::try_from(&e).ok());
        let t1 = Instant::now();
        parse += t1 - t0;
        let Some(event) = event else { continue };
        stages.events += 1;
        let found = replay.push(event);
        let t2 = Instant::now();
        detect += t2 - t1;
        for d in &found {
            serde_json::to_writer(&mut sink, &d.to_ocsf()).map_err(std::io::Error::other)?;
        }
        stages.findings += found.len();
        write += t2.elapsed();
    }
    let t = Instant::now();
    stages.findings += replay.finish().len();
    detect += t.elapsed();
    stages.parse = parse;
    stages.detect = detect;
    stages.write = write;
    Ok(stages)
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: detect_file FILE [runs]");
        return ExitCode::FAILURE;
    };
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5);
    let mut best: Option<Stages> = None;
    for _ in 0..runs.max(1) {
        match run(&path) {
            Ok(s) if best.is_none_or(|b| s.total() < b.total()) => best = Some(s),
            Ok(_) => {}
            Err(e) => {
                eprintln!("cannot read {path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let Some(s) = best else {
        return ExitCode::FAILURE;
    };
    println!(
        "{} events, {} findings and updates; best of {runs}: {:.3} s \
         (read {:.3}, parse {:.3}, detect {:.3}, write findings {:.3}) = {:.0} events/s",
        s.events,
        s.findings,
        s.total().as_secs_f64(),
        s.read.as_secs_f64(),
        s.parse.as_secs_f64(),
        s.detect.as_secs_f64(),
        s.write.as_secs_f64(),
        s.events as f64 / s.total().as_secs_f64()
    );
    ExitCode::SUCCESS
}

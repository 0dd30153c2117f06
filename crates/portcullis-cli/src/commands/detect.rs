//! `portcullis detect --input FILE|-`: the detection engine over an OCSF
//! NDJSON file, offline. Detections go to standard output as OCSF Detection
//! Finding lines; a summary and the bad lines (by 1-based number) go to
//! standard error.
//!
//! Input need not be in time order: events pass through the engine's
//! [`Replay`] buffer, which holds them for 5 minutes of event time
//! ([`DEFAULT_LATENESS_MS`]). Lines with the same `metadata.uid` as an
//! earlier line are skipped. Bad lines are reported; the rest are processed.

use std::io::{BufRead, Write};
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context as _;
use portcullis_detection::{Config, DEFAULT_LATENESS_MS, Detection, Engine, Event, Replay};
use portcullis_domain::ActivityEvent;

/// Bad lines listed in the summary (all are counted).
const MAX_REPORTED_ERRORS: usize = 1000;

/// What a run did.
#[derive(Debug, Default)]
struct Summary {
    lines: u64,
    bad_lines: u64,
    /// `(line number, message)` of the first bad lines.
    errors: Vec<(u64, String)>,
}

pub fn detect(input: &Path) -> anyhow::Result<ExitCode> {
    let reader = super::open_input(input)?;
    let mut output = std::io::BufWriter::new(std::io::stdout().lock());
    let mut replay = Replay::new(Engine::new(Config::default()), DEFAULT_LATENESS_MS);
    let mut summary = Summary::default();
    for (index, line) in reader.lines().enumerate() {
        let number = index as u64 + 1;
        let line = line.with_context(|| format!("cannot read line {number}"))?;
        summary.lines += 1;
        if line.trim().is_empty() {
            continue;
        }
        match parse(&line) {
            Ok(event) => write(&mut output, &replay.push(event))?,
            Err(message) => {
                summary.bad_lines += 1;
                if summary.errors.len() < MAX_REPORTED_ERRORS {
                    summary.errors.push((number, message));
                }
            }
        }
    }
    write(&mut output, &replay.finish())?;
    output.flush().context("cannot write findings")?;
    let counts = replay.counts();
    eprintln!(
        "{} lines, {} events, {} duplicates, {} late, {} bad lines; {} new findings, {} updates",
        summary.lines,
        counts.events,
        counts.duplicates,
        counts.late,
        summary.bad_lines,
        counts.detections_new,
        counts.detections_updated
    );
    for (line, message) in &summary.errors {
        eprintln!("line {line}: {message}");
    }
    Ok(ExitCode::SUCCESS)
}

/// One line, read by the domain's OCSF parser, as the engine's event.
fn parse(line: &str) -> Result<Event, String> {
    let event = ActivityEvent::from_ocsf_line(line).map_err(|e| e.to_string())?;
    Event::try_from(&event).map_err(|e| e.to_string())
}

fn write(output: &mut impl Write, detections: &[Detection]) -> anyhow::Result<()> {
    for detection in detections {
        serde_json::to_writer(&mut *output, &detection.to_ocsf())
            .context("cannot write findings")?;
        output.write_all(b"\n").context("cannot write findings")?;
    }
    Ok(())
}

//! Offline detection: the engine over an NDJSON event stream, for
//! `portcullis detect --input FILE|-`.
//!
//! Input need not be in time order: events pass through a reorder buffer that
//! holds them for `lateness_ms` of event time (default 5 minutes) and releases
//! them in time order (ties in input order). An event later than that behind
//! the newest one seen is still processed, at once, and counted in
//! [`Summary::late`]; for a fully unordered file, sort it first (or raise the
//! lateness). Lines with the same `metadata.uid` as an earlier line are
//! skipped. Bad lines are reported with their 1-based line number; the rest
//! are processed.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashSet};
use std::io::{BufRead, Write};

use serde::Serialize;

use crate::engine::Engine;
use crate::event::{Event, parse_line};

/// Default reorder window of event time.
pub const DEFAULT_LATENESS_MS: i64 = 300_000;
/// Bad lines kept in the summary (all are counted).
const MAX_REPORTED_ERRORS: usize = 1000;

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub lines: u64,
    pub events: u64,
    pub duplicates: u64,
    /// Events later than the reorder window (processed out of order).
    pub late: u64,
    pub bad_lines: u64,
    /// `(line number, message)` of the first bad lines.
    pub errors: Vec<(u64, String)>,
    pub findings_new: u64,
    pub findings_updated: u64,
}

impl std::fmt::Display for Summary {
    /// The one-line summary for stderr, then one line per reported bad line.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} lines, {} events, {} duplicates, {} late, {} bad lines; {} new findings, {} updates",
            self.lines,
            self.events,
            self.duplicates,
            self.late,
            self.bad_lines,
            self.findings_new,
            self.findings_updated
        )?;
        for (line, message) in &self.errors {
            write!(f, "\nline {line}: {message}")?;
        }
        Ok(())
    }
}

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum DetectError {
    #[error("cannot read line {line}: {source}")]
    Read { line: u64, source: std::io::Error },
    #[error("cannot write findings: {0}")]
    Write(#[from] std::io::Error),
}

/// Runs `engine` over `input`, writing each new or updated finding as an
/// OCSF Detection Finding line to `output`.
pub fn detect_with(
    engine: &mut Engine,
    input: impl BufRead,
    mut output: impl Write,
    lateness_ms: i64,
) -> Result<Summary, DetectError> {
    let mut summary = Summary::default();
    let mut seen_uids: HashSet<String> = HashSet::new();
    let mut buffer: BinaryHeap<Reverse<(i64, u64, Slot)>> = BinaryHeap::new();
    let mut newest = i64::MIN;
    let mut released = i64::MIN;
    for (index, line) in input.lines().enumerate() {
        let number = index as u64 + 1;
        let line = line.map_err(|source| DetectError::Read {
            line: number,
            source,
        })?;
        summary.lines += 1;
        if line.trim().is_empty() {
            continue;
        }
        let event = match parse_line(&line) {
            Ok(event) => event,
            Err(e) => {
                summary.bad_lines += 1;
                if summary.errors.len() < MAX_REPORTED_ERRORS {
                    summary.errors.push((number, e.to_string()));
                }
                continue;
            }
        };
        if let Some(uid) = &event.uid
            && !seen_uids.insert(uid.clone())
        {
            summary.duplicates += 1;
            continue;
        }
        summary.events += 1;
        if event.time_ms < released {
            summary.late += 1;
            run(engine, &event, &mut output, &mut summary)?;
            continue;
        }
        newest = newest.max(event.time_ms);
        buffer.push(Reverse((event.time_ms, number, Slot(event))));
        while let Some(Reverse((time, _, _))) = buffer.peek() {
            if *time > newest.saturating_sub(lateness_ms) {
                break;
            }
            if let Some(Reverse((time, _, Slot(event)))) = buffer.pop() {
                released = time;
                run(engine, &event, &mut output, &mut summary)?;
            }
        }
    }
    while let Some(Reverse((_, _, Slot(event)))) = buffer.pop() {
        run(engine, &event, &mut output, &mut summary)?;
    }
    output.flush()?;
    Ok(summary)
}

/// [`detect_with`] with a default engine and the default lateness.
pub fn detect(input: impl BufRead, output: impl Write) -> Result<Summary, DetectError> {
    let mut engine = Engine::new(crate::Config::default());
    detect_with(&mut engine, input, output, DEFAULT_LATENESS_MS)
}

fn run(
    engine: &mut Engine,
    event: &Event,
    output: &mut impl Write,
    summary: &mut Summary,
) -> Result<(), DetectError> {
    for finding in engine.process(event) {
        if finding.is_update {
            summary.findings_updated += 1;
        } else {
            summary.findings_new += 1;
        }
        serde_json::to_writer(&mut *output, &finding.to_ocsf()).map_err(std::io::Error::from)?;
        output.write_all(b"\n")?;
    }
    Ok(())
}

/// An event in the reorder heap; ordering comes from (time, line) alone.
struct Slot(Event);

impl PartialEq for Slot {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}
impl Eq for Slot {}
impl PartialOrd for Slot {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Slot {
    fn cmp(&self, _: &Self) -> std::cmp::Ordering {
        std::cmp::Ordering::Equal
    }
}

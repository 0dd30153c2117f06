//! `portcullis screen`: applicants (JSON lines) against watchlist files,
//! offline.
//!
//! Input: `{"id": "a1", "name": "Acme LLC", "country": "us", "birth_year":
//! 1970, "kind": "organization"}` (`country` and `birth_year` optional,
//! `kind` is `organization` or `person`). Output: one JSON line per good
//! applicant, in input order, `{"id": "a1", "matches": [{"entity_id", "name",
//! "score", "features"}]}`. Bad watchlist and applicant lines are skipped and
//! listed on standard error; a watchlist that cannot be read completely stops
//! the run (screening against part of a list would miss hits).

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use portcullis_screening::{
    CappedLines, Kind, Line, LoadLimits, LoadReport, Match, Query, Rejection, Screener, Stop,
    Watchlist, load_csv, load_ftm,
};
use serde::{Deserialize, Serialize};

/// Longest accepted applicant line, in bytes.
const MAX_APPLICANT_LINE_BYTES: usize = 64 * 1024;

#[derive(Debug, Args)]
pub struct ScreenArgs {
    /// A watchlist: FollowTheMoney JSON lines, or CSV by its `.csv` extension (repeatable).
    #[arg(long = "watchlist", required = true)]
    pub watchlists: Vec<PathBuf>,
    /// Applicants as JSON lines (`{"id","name","country","birth_year"?,"kind"}`); `-` for stdin.
    #[arg(long)]
    pub input: PathBuf,
    /// Report matches scoring at least this (0..=1).
    #[arg(long, default_value_t = portcullis_screening::DEFAULT_THRESHOLD)]
    pub threshold: f64,
}

#[derive(Deserialize)]
struct Applicant {
    id: String,
    name: String,
    #[serde(default)]
    country: Option<String>,
    #[serde(default)]
    birth_year: Option<i32>,
    kind: Kind,
}

#[derive(Serialize)]
struct Outcome<'a> {
    id: &'a str,
    matches: &'a [Match],
}

/// What a run did.
#[derive(Debug, Default)]
struct Summary {
    entities: usize,
    applicants: usize,
    applicants_with_matches: usize,
    input_rejections: Vec<Rejection>,
}

pub fn screen(args: &ScreenArgs) -> anyhow::Result<ExitCode> {
    let input = super::open_input(&args.input)?;
    if !(0.0..=1.0).contains(&args.threshold) {
        anyhow::bail!("threshold `{}` is not between 0 and 1", args.threshold);
    }
    if args.watchlists.is_empty() {
        anyhow::bail!("at least one watchlist is needed");
    }
    let mut list = Watchlist::default();
    let mut watchlist_rejections = Vec::new();
    for path in &args.watchlists {
        let report = load_watchlist(path)
            .with_context(|| format!("cannot open watchlist `{}`", path.display()))?;
        if report.truncated {
            let reason = report
                .rejected
                .last()
                .map_or_else(String::new, |r| r.reason.clone());
            anyhow::bail!(
                "watchlist `{}` was not read completely: {reason}",
                path.display()
            );
        }
        watchlist_rejections.extend(report.rejected.into_iter().map(|bad| (path, bad)));
        list.extend(report.entities);
    }
    let mut summary = Summary {
        entities: list.len(),
        ..Summary::default()
    };
    let screener = Screener::new(list.into_entities());
    let stdout = std::io::stdout();
    screen_lines(
        &screener,
        input,
        stdout.lock(),
        args.threshold,
        &mut summary,
    )?;
    for (path, bad) in &watchlist_rejections {
        eprintln!("{}: line {}: {}", path.display(), bad.line, bad.reason);
    }
    for bad in &summary.input_rejections {
        eprintln!(
            "{}: line {}: {}",
            args.input.display(),
            bad.line,
            bad.reason
        );
    }
    eprintln!(
        "screened {} applicants against {} entities: {} with matches, {} bad input lines",
        summary.applicants,
        summary.entities,
        summary.applicants_with_matches,
        summary.input_rejections.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// One watchlist file: CSV when its name ends in `.csv` (any case), FtM JSON
/// lines otherwise.
fn load_watchlist(path: &Path) -> std::io::Result<LoadReport> {
    let file = File::open(path)?;
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    Ok(if is_csv {
        load_csv(BufReader::new(file), LoadLimits::default())
    } else {
        load_ftm(BufReader::new(file), LoadLimits::default())
    })
}

/// Screens every applicant line of `input`, writing one JSON line each.
fn screen_lines(
    screener: &Screener,
    input: impl BufRead,
    mut output: impl Write,
    threshold: f64,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    const WRITE: &str = "cannot write the results";
    let mut lines = CappedLines::new(input, MAX_APPLICANT_LINE_BYTES, u64::MAX);
    loop {
        let (n, line) = match lines.next_line() {
            Ok(Some(next)) => next,
            Ok(None) | Err(Stop::TotalCap) => break,
            Err(Stop::Io(e)) => {
                return Err(anyhow::Error::new(e).context("cannot read the applicants"));
            }
        };
        let bytes = match line {
            Line::TooLong => {
                summary.input_rejections.push(Rejection {
                    line: n,
                    reason: format!("line longer than {MAX_APPLICANT_LINE_BYTES} bytes"),
                });
                continue;
            }
            Line::Text(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => continue,
            Line::Text(bytes) => bytes,
        };
        let (id, query) = match parse_applicant(bytes) {
            Ok(applicant) => applicant,
            Err(reason) => {
                summary.input_rejections.push(Rejection { line: n, reason });
                continue;
            }
        };
        let matches = screener.screen(&query, threshold);
        summary.applicants += 1;
        if !matches.is_empty() {
            summary.applicants_with_matches += 1;
        }
        let outcome = Outcome {
            id: &id,
            matches: &matches,
        };
        serde_json::to_writer(&mut output, &outcome).context(WRITE)?;
        output.write_all(b"\n").context(WRITE)?;
    }
    output.flush().context(WRITE)?;
    Ok(())
}

fn parse_applicant(bytes: &[u8]) -> Result<(String, Query), String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "line is not valid UTF-8".to_owned())?;
    let applicant: Applicant =
        serde_json::from_str(text).map_err(|e| format!("invalid applicant JSON: {e}"))?;
    if applicant.id.trim().is_empty() {
        return Err("applicant has an empty `id`".to_owned());
    }
    let query = Query {
        name: applicant.name,
        country: applicant.country,
        birth_year: applicant.birth_year,
        kind: applicant.kind,
    };
    if !query.has_name() {
        return Err(format!(
            "applicant `{}` has no name with a letter or digit",
            applicant.id
        ));
    }
    Ok((applicant.id, query))
}

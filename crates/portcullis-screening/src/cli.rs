//! The offline `portcullis screen` command as a plain function.
//!
//! Input: applicants as JSON lines,
//! `{"id": "a1", "name": "Acme LLC", "country": "us", "birth_year": 1970, "kind": "organization"}`
//! (`country` and `birth_year` optional, `kind` is `organization` or
//! `person`). Output: one JSON line per good applicant, in input order,
//! `{"id": "a1", "matches": [{"entity_id", "name", "score", "features"}]}`.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::lines::{CappedLines, Line, Stop};
use crate::{
    Kind, LoadLimits, LoadReport, Match, Query, Rejection, Screener, Watchlist, load_csv, load_ftm,
};

/// Longest accepted applicant line, in bytes.
pub const MAX_APPLICANT_LINE_BYTES: usize = 64 * 1024;

/// A rejected watchlist line, with its file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileRejection {
    /// The watchlist file.
    pub path: PathBuf,
    /// The line and why.
    #[serde(flatten)]
    pub rejection: Rejection,
}

/// What a run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScreenSummary {
    /// Entities screened against (after merging repeated ids).
    pub entities: usize,
    /// Records of non-party schemas that were skipped.
    pub skipped: usize,
    /// Bad watchlist lines.
    pub watchlist_rejections: Vec<FileRejection>,
    /// Applicants screened.
    pub applicants: usize,
    /// Applicants with at least one match.
    pub applicants_with_matches: usize,
    /// Bad applicant lines (not screened, not in the output).
    pub input_rejections: Vec<Rejection>,
}

/// Why a run could not complete.
#[derive(Debug, thiserror::Error)]
pub enum ScreenError {
    /// The threshold is not a number in 0..=1.
    #[error("threshold `{0}` is not between 0 and 1")]
    InvalidThreshold(f64),
    /// No `--watchlist` was given.
    #[error("at least one watchlist is needed")]
    NoWatchlist,
    /// A watchlist file could not be opened.
    #[error("cannot open watchlist `{path}`: {source}")]
    OpenWatchlist {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A watchlist was only partly read (too large, or a read failed):
    /// screening against part of a list would miss hits, so none is done.
    #[error("watchlist `{path}` was not read completely: {reason}")]
    IncompleteWatchlist {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The applicants could not be read.
    #[error("cannot read the applicants: {0}")]
    Input(io::Error),
    /// The results could not be written.
    #[error("cannot write the results: {0}")]
    Output(io::Error),
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

/// Loads one watchlist file: CSV when its name ends in `.csv` (any case),
/// FtM JSON lines otherwise.
///
/// # Errors
/// When the file cannot be opened.
pub fn load_watchlist(path: &Path, limits: LoadLimits) -> io::Result<LoadReport> {
    let file = File::open(path)?;
    let is_csv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    Ok(if is_csv {
        load_csv(BufReader::new(file), limits)
    } else {
        load_ftm(BufReader::new(file), limits)
    })
}

/// Screens every applicant of `input` against the `watchlists` and writes
/// one JSON line per applicant to `output`. Bad watchlist and applicant
/// lines are skipped and listed in the summary; good ones are all used.
///
/// # Errors
/// An invalid threshold, no watchlist, a watchlist that cannot be opened or
/// was not read completely (fail closed), or an I/O error on the input or
/// output.
pub fn screen(
    watchlists: &[PathBuf],
    input: impl BufRead,
    mut output: impl Write,
    threshold: f64,
) -> Result<ScreenSummary, ScreenError> {
    if !(0.0..=1.0).contains(&threshold) {
        return Err(ScreenError::InvalidThreshold(threshold));
    }
    if watchlists.is_empty() {
        return Err(ScreenError::NoWatchlist);
    }
    let mut summary = ScreenSummary::default();
    let mut list = Watchlist::default();
    for path in watchlists {
        let report = load_watchlist(path, LoadLimits::default()).map_err(|source| {
            ScreenError::OpenWatchlist {
                path: path.clone(),
                source,
            }
        })?;
        if report.truncated {
            let reason = report
                .rejected
                .last()
                .map_or_else(String::new, |r| r.reason.clone());
            return Err(ScreenError::IncompleteWatchlist {
                path: path.clone(),
                reason,
            });
        }
        summary.skipped += report.skipped;
        summary
            .watchlist_rejections
            .extend(report.rejected.into_iter().map(|rejection| FileRejection {
                path: path.clone(),
                rejection,
            }));
        list.extend(report.entities);
    }
    summary.entities = list.len();
    let screener = Screener::new(list.into_entities());

    let mut lines = CappedLines::new(input, MAX_APPLICANT_LINE_BYTES, u64::MAX);
    loop {
        let (n, line) = match lines.next_line() {
            Ok(Some(next)) => next,
            Ok(None) => break,
            Err(Stop::Io(e)) => return Err(ScreenError::Input(e)),
            Err(Stop::TotalCap) => break,
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
        let applicant = match parse_applicant(bytes) {
            Ok(a) => a,
            Err(reason) => {
                summary.input_rejections.push(Rejection { line: n, reason });
                continue;
            }
        };
        let query = Query {
            name: applicant.name,
            country: applicant.country,
            birth_year: applicant.birth_year,
            kind: applicant.kind,
        };
        let matches = screener.screen(&query, threshold);
        summary.applicants += 1;
        if !matches.is_empty() {
            summary.applicants_with_matches += 1;
        }
        let outcome = Outcome {
            id: &applicant.id,
            matches: &matches,
        };
        serde_json::to_writer(&mut output, &outcome)
            .map_err(|e| ScreenError::Output(io::Error::other(e)))?;
        output.write_all(b"\n").map_err(ScreenError::Output)?;
    }
    output.flush().map_err(ScreenError::Output)?;
    Ok(summary)
}

fn parse_applicant(bytes: &[u8]) -> Result<Applicant, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "line is not valid UTF-8".to_owned())?;
    let applicant: Applicant =
        serde_json::from_str(text).map_err(|e| format!("invalid applicant JSON: {e}"))?;
    if applicant.id.trim().is_empty() {
        return Err("applicant has an empty `id`".to_owned());
    }
    if crate::normalize::name_tokens(&applicant.name, false).is_empty() {
        return Err(format!(
            "applicant `{}` has no name with a letter or digit",
            applicant.id
        ));
    }
    Ok(applicant)
}

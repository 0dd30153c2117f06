//! Plain functions behind `portcullis intel ...`; the binary parses the
//! arguments and prints.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;

use crate::import::{ImportError, ImportReport, MAX_IMPORT_BYTES, parse_csv, parse_stix_bundle};
use crate::pattern::{Pattern, PatternError};

/// `portcullis intel check-pattern 'PATTERN'`: `Ok` → print `valid`, exit 0;
/// `Err` → print the error, exit 1.
///
/// # Errors
///
/// The [`PatternError`] of an invalid pattern.
pub fn check_pattern(text: &str) -> Result<(), PatternError> {
    Pattern::parse(text).map(|_| ())
}

/// `portcullis intel import FILE`: reads at most [`MAX_IMPORT_BYTES`] of
/// `path` and imports it as STIX JSON when it starts with `{` or `[`,
/// otherwise as CSV.
///
/// # Errors
///
/// [`ImportError::Io`] when the file cannot be read, else the importer's.
pub fn import_file(path: &Path) -> Result<ImportReport, ImportError> {
    let io = |e: std::io::Error| ImportError::Io {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::new();
    let cap = u64::try_from(MAX_IMPORT_BYTES)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    file.take(cap).read_to_end(&mut bytes).map_err(io)?;
    import_bytes(&bytes)
}

/// Imports `bytes` as STIX JSON when they start with `{` or `[`, otherwise
/// as CSV.
///
/// # Errors
///
/// The importer's.
pub fn import_bytes(bytes: &[u8]) -> Result<ImportReport, ImportError> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    if matches!(first, Some(b'{' | b'[')) {
        parse_stix_bundle(bytes)
    } else {
        parse_csv(bytes)
    }
}

/// The import summary to print: counts by observable type, other STIX
/// objects, then every rejected and skipped record.
#[must_use]
pub fn render_import(report: &ImportReport) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "indicators: {}", report.indicators.len());
    for (kind, count) in report.counts_by_type() {
        let _ = writeln!(out, "  {kind}: {count}");
    }
    if !report.other_objects.is_empty() {
        let total: usize = report.other_objects.values().sum();
        let _ = writeln!(out, "other objects: {total}");
        for (kind, count) in &report.other_objects {
            let _ = writeln!(out, "  {kind}: {count}");
        }
    }
    for (title, records) in [("rejected", &report.rejected), ("skipped", &report.skipped)] {
        if !records.is_empty() {
            let _ = writeln!(out, "{title}: {}", records.len());
            for record in records {
                let _ = writeln!(out, "  {record}");
            }
        }
    }
    out
}

//! Simple CSV watchlists.
//!
//! A header row names the columns, in any order; unknown columns are
//! ignored:
//!
//! | column | required | content |
//! | --- | --- | --- |
//! | `id` | yes | the list's identifier |
//! | `name` | yes | the primary name |
//! | `schema` | no | an FtM schema (`Person`, `Company`, …); empty or absent: `LegalEntity` |
//! | `aliases` | no | other names, separated by `;` |
//! | `countries` | no | country codes, separated by `;` |
//! | `birth_date` | no | dates or years (`1952-10-07`, `1952`), separated by `;` |

use std::io::{self, Read};

use crate::entity::{Draft, Drafted};
use crate::{LoadLimits, LoadReport};

/// Loads a CSV watchlist (columns above). A record with a missing `id`, an
/// unknown schema, no usable name, invalid UTF-8 or more bytes than the
/// line cap is rejected with the line it starts on, and loading goes on. A
/// header without `id` or `name` rejects the whole file (one rejection on
/// line 1).
pub fn load_csv(reader: impl Read, limits: LoadLimits) -> LoadReport {
    let mut report = LoadReport::default();
    let capped = CappedRead {
        inner: reader,
        left: limits.max_total_bytes,
    };
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(true)
        .from_reader(capped);
    let columns = match csv.byte_headers() {
        Ok(h) => Columns::find(h),
        Err(e) => {
            stop(&mut report, 1, &e, limits);
            return report;
        }
    };
    let Some(columns) = columns else {
        report.reject(1, "header must name the columns `id` and `name`");
        return report;
    };
    let mut record = csv::ByteRecord::new();
    loop {
        let line = csv.position().line();
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    stop(&mut report, line, &e, limits);
                    break;
                }
                report.reject(line, format!("invalid CSV record: {e}"));
                continue;
            }
        }
        let line = record.position().map_or(line, csv::Position::line);
        if record.as_slice().len() > limits.max_line_bytes {
            report.reject(
                line,
                format!("record longer than {} bytes", limits.max_line_bytes),
            );
            continue;
        }
        if record.iter().all(<[u8]>::is_empty) {
            continue;
        }
        match columns.draft(&record).and_then(Draft::build) {
            Ok(Drafted::Entity(entity)) => report.entities.push(entity),
            Ok(Drafted::Skipped) => report.skipped += 1,
            Err(reason) => report.reject(line, reason),
        }
    }
    report
}

fn stop(report: &mut LoadReport, line: u64, error: &csv::Error, limits: LoadLimits) {
    report.truncated = true;
    let reason = match error.kind() {
        csv::ErrorKind::Io(e) if e.kind() == io::ErrorKind::FileTooLarge => format!(
            "file exceeds {} bytes; the rest was not read",
            limits.max_total_bytes
        ),
        _ => format!("read failed: {error}"),
    };
    report.reject(line, reason);
}

struct Columns {
    id: usize,
    name: usize,
    schema: Option<usize>,
    aliases: Option<usize>,
    countries: Option<usize>,
    birth_date: Option<usize>,
}

impl Columns {
    fn find(header: &csv::ByteRecord) -> Option<Self> {
        let at = |name: &str| {
            header
                .iter()
                .position(|h| h.trim_ascii().eq_ignore_ascii_case(name.as_bytes()))
        };
        Some(Self {
            id: at("id")?,
            name: at("name")?,
            schema: at("schema"),
            aliases: at("aliases"),
            countries: at("countries"),
            birth_date: at("birth_date"),
        })
    }

    fn draft<'r>(&self, record: &'r csv::ByteRecord) -> Result<Draft<'r>, String> {
        let field = |i: Option<usize>| -> Result<&'r str, String> {
            let bytes = i.and_then(|i| record.get(i)).unwrap_or_default();
            std::str::from_utf8(bytes).map_err(|_| "record is not valid UTF-8".to_owned())
        };
        let list = |i: Option<usize>| -> Result<Vec<&'r str>, String> {
            Ok(field(i)?.split(';').collect())
        };
        let schema = field(self.schema)?;
        let mut names = vec![field(Some(self.name))?];
        names.extend(list(self.aliases)?);
        Ok(Draft {
            id: Some(field(Some(self.id))?),
            schema: Some(if schema.trim().is_empty() {
                "LegalEntity"
            } else {
                schema
            }),
            names,
            countries: list(self.countries)?,
            dates: list(self.birth_date)?,
        })
    }
}

/// A reader that fails with `FileTooLarge` once `left` bytes are used up.
struct CappedRead<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for CappedRead<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let used = n as u64;
        if used > self.left {
            self.left = 0;
            return Err(io::Error::new(
                io::ErrorKind::FileTooLarge,
                "file exceeds the size cap",
            ));
        }
        self.left -= used;
        Ok(n)
    }
}

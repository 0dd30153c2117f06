//! FollowTheMoney entities as JSON lines (the OpenSanctions export format).
//!
//! Read per line: `id`, `schema`, and of `properties` (each a list of
//! strings): `name`, `alias`, `previousName` (names); `country`,
//! `nationality`, `citizenship`, `jurisdiction` (countries); `birthDate`,
//! `incorporationDate` (years). `weakAlias` is not screened: such aliases
//! are short nicknames that OpenSanctions itself does not match on. Other
//! properties are ignored.

use std::io::BufRead;

use serde::Deserialize;

use crate::entity::{Draft, Drafted};
use crate::lines::{CappedLines, Line, Stop};
use crate::{LoadLimits, LoadReport};

#[derive(Deserialize)]
struct FtmLine<'a> {
    #[serde(borrow)]
    id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow)]
    schema: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    properties: Properties,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Properties {
    #[serde(default)]
    name: Vec<String>,
    #[serde(default)]
    alias: Vec<String>,
    #[serde(default)]
    previous_name: Vec<String>,
    #[serde(default)]
    country: Vec<String>,
    #[serde(default)]
    nationality: Vec<String>,
    #[serde(default)]
    citizenship: Vec<String>,
    #[serde(default)]
    jurisdiction: Vec<String>,
    #[serde(default)]
    birth_date: Vec<String>,
    #[serde(default)]
    incorporation_date: Vec<String>,
}

/// Loads FtM JSON lines. Blank lines are ignored; a line that is not valid
/// UTF-8 or JSON, lacks `id` or `schema`, has an unknown schema or no usable
/// name, or is longer than the cap is rejected with its number and the
/// reason, and loading goes on. An I/O error ends the load with what was
/// read so far and a rejection that says so.
pub fn load_ftm(reader: impl BufRead, limits: LoadLimits) -> LoadReport {
    let mut report = LoadReport::default();
    let mut lines = CappedLines::new(reader, limits.max_line_bytes, limits.max_total_bytes);
    let mut last_line = 0;
    loop {
        let (n, line) = match lines.next_line() {
            Ok(Some(next)) => next,
            Ok(None) => break,
            Err(Stop::TotalCap) => {
                report.truncated = true;
                report.reject(
                    last_line + 1,
                    format!(
                        "file exceeds {} bytes; the rest was not read",
                        limits.max_total_bytes
                    ),
                );
                break;
            }
            Err(Stop::Io(e)) => {
                report.truncated = true;
                report.reject(last_line + 1, format!("read failed: {e}"));
                break;
            }
        };
        last_line = n;
        match line {
            Line::TooLong => report.reject(
                n,
                format!("line longer than {} bytes", limits.max_line_bytes),
            ),
            Line::Text(bytes) => {
                if bytes.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                match parse_line(bytes) {
                    Ok(Drafted::Entity(entity)) => report.entities.push(entity),
                    Ok(Drafted::Skipped) => report.skipped += 1,
                    Err(reason) => report.reject(n, reason),
                }
            }
        }
    }
    report
}

fn parse_line(bytes: &[u8]) -> Result<Drafted, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "line is not valid UTF-8".to_owned())?;
    let parsed: FtmLine<'_> =
        serde_json::from_str(text).map_err(|e| format!("invalid entity JSON: {e}"))?;
    let p = &parsed.properties;
    Draft {
        id: parsed.id.as_deref(),
        schema: parsed.schema.as_deref(),
        names: strs(&[&p.name, &p.alias, &p.previous_name]),
        countries: strs(&[&p.country, &p.nationality, &p.citizenship, &p.jurisdiction]),
        dates: strs(&[&p.birth_date, &p.incorporation_date]),
    }
    .build()
}

fn strs<'a>(lists: &[&'a Vec<String>]) -> Vec<&'a str> {
    lists
        .iter()
        .flat_map(|l| l.iter().map(String::as_str))
        .collect()
}

//! STIX 2.1 JSON: a bundle, a TAXII envelope, a JSON array of objects, or
//! JSON lines with one STIX object a line.
//!
//! An object's type is its `type`, or else the prefix of its `id`
//! (`indicator--...`), so that lists of indicator records without `type`
//! import too. An indicator needs `id`, `pattern` and `valid_from`;
//! `pattern_type` defaults to `stix` (STIX 2.0 had none). When one id comes
//! in several versions, the latest `modified` wins.

use std::collections::{HashMap, HashSet};

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::report::{ImportError, ImportReport, RecordAt, Rejection};
use crate::indicator::Indicator;
use crate::pattern::Pattern;

/// Imports STIX 2.1 JSON: a bundle (`{"type": "bundle", "objects": [...]}`),
/// a TAXII envelope (`{"objects": [...]}`), a JSON array of objects, a
/// single object, or JSON lines of objects.
///
/// # Errors
///
/// [`ImportError`] when the input is over the size cap, empty, a single
/// JSON document that does not parse, or JSON of another shape. Broken
/// records (including broken JSON lines) are reported in
/// [`ImportReport::rejected`] while the good ones are kept.
pub fn parse_stix_bundle(bytes: &[u8]) -> Result<ImportReport, ImportError> {
    super::check_size(bytes)?;
    match serde_json::from_slice::<Value>(bytes) {
        Ok(document) => objects_of(document).map(|objects| {
            parse_stix_objects(
                objects
                    .into_iter()
                    .enumerate()
                    .map(|(i, o)| (RecordAt::Object(i), o)),
            )
        }),
        Err(_) if looks_like_json_lines(bytes) => Ok(parse_json_lines(bytes)),
        Err(error) => Err(ImportError::InvalidJson {
            line: error.line(),
            column: error.column(),
            reason: error.to_string(),
        }),
    }
}

/// Imports STIX objects already read (from TAXII, or the lines of a file),
/// each with where it came from.
#[must_use]
pub fn parse_stix_objects(objects: impl IntoIterator<Item = (RecordAt, Value)>) -> ImportReport {
    let mut report = ImportReport::default();
    let mut found = Vec::new();
    for (at, object) in objects {
        if let Some(indicator) = read_object(&mut report, at, object) {
            found.push((at, indicator));
        }
    }
    keep_latest_versions(&mut report, found);
    report
}

/// The objects of a whole JSON document, or why it has none.
fn objects_of(document: Value) -> Result<Vec<Value>, ImportError> {
    match document {
        Value::Array(objects) => Ok(objects),
        Value::Object(mut map) => {
            let kind = map.get("type").and_then(Value::as_str).map(str::to_owned);
            match (kind.as_deref(), map.remove("objects")) {
                (Some("bundle") | None, Some(Value::Array(objects))) => Ok(objects),
                (Some("bundle"), None) => Ok(Vec::new()),
                (Some("bundle") | None, Some(_)) => {
                    Err(ImportError::UnknownSchema("`objects` is not a list".into()))
                }
                (Some(_), _) => Ok(vec![Value::Object(map)]),
                (None, None)
                    if map
                        .get("id")
                        .and_then(Value::as_str)
                        .is_some_and(|id| id.contains("--")) =>
                {
                    Ok(vec![Value::Object(map)])
                }
                (None, None) => Err(ImportError::UnknownSchema(
                    "a JSON object that is neither a STIX bundle nor a STIX object".into(),
                )),
            }
        }
        other => Err(ImportError::UnknownSchema(format!(
            "expected a STIX bundle or object, found a JSON {}",
            json_kind(&other)
        ))),
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Several non-empty lines, the first a JSON object on its own.
fn looks_like_json_lines(bytes: &[u8]) -> bool {
    let mut lines = bytes
        .split(|b| *b == b'\n')
        .filter(|line| !line.iter().all(u8::is_ascii_whitespace));
    let first_is_object = lines
        .next()
        .is_some_and(|line| serde_json::from_slice::<Map<String, Value>>(line).is_ok());
    first_is_object && lines.next().is_some()
}

fn parse_json_lines(bytes: &[u8]) -> ImportReport {
    let mut report = ImportReport::default();
    let mut objects = Vec::new();
    for (n, line) in bytes.split(|b| *b == b'\n').enumerate() {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let at = RecordAt::Line(n + 1);
        match serde_json::from_slice::<Value>(line) {
            Ok(value) => objects.push((at, value)),
            Err(error) => report.rejected.push(Rejection {
                at,
                id: None,
                reason: format!("invalid json: {error}"),
            }),
        }
    }
    let mut objects_report = parse_stix_objects(objects);
    objects_report.rejected.splice(0..0, report.rejected);
    objects_report.rejected.sort_by_key(|r| r.at);
    objects_report
}

/// Files one object into the report, or returns it when it is a usable
/// indicator.
fn read_object(report: &mut ImportReport, at: RecordAt, object: Value) -> Option<Indicator> {
    let reject = |report: &mut ImportReport, id: Option<String>, reason: String| {
        report.rejected.push(Rejection { at, id, reason });
    };
    let Value::Object(object) = object else {
        reject(
            report,
            None,
            format!(
                "expected a STIX object, found a JSON {}",
                json_kind(&object)
            ),
        );
        return None;
    };
    let id = object.get("id").and_then(Value::as_str).map(str::to_owned);
    let object_type = match (object.get("type"), &id) {
        (Some(Value::String(t)), _) => t.clone(),
        (Some(_), _) => {
            reject(report, id, "`type` is not a string".into());
            return None;
        }
        (None, Some(id)) if id.contains("--") => {
            id.split("--").next().unwrap_or_default().to_owned()
        }
        (None, _) => {
            reject(
                report,
                id,
                "unknown schema: no `type` and no STIX `id`".into(),
            );
            return None;
        }
    };
    if object_type != "indicator" {
        *report.other_objects.entry(object_type).or_insert(0) += 1;
        return None;
    }
    match indicator(&object) {
        Ok(Some(indicator)) => return Some(indicator),
        Ok(None) => {
            let pattern_type = object
                .get("pattern_type")
                .and_then(Value::as_str)
                .unwrap_or("");
            report.skipped.push(Rejection {
                at,
                id,
                reason: format!("pattern type `{pattern_type}` is not supported"),
            });
        }
        Err(reason) => reject(report, id, reason),
    }
    None
}

/// The indicator of a STIX `indicator` object; `None` for a pattern
/// language other than `stix`.
fn indicator(object: &Map<String, Value>) -> Result<Option<Indicator>, String> {
    let id = required_string(object, "id")?;
    if !id.starts_with("indicator--") {
        return Err(format!("`id` `{id}` is not an indicator id"));
    }
    let pattern_type = optional_string(object, "pattern_type")?.unwrap_or_else(|| "stix".into());
    if pattern_type != "stix" {
        return Ok(None);
    }
    let text = required_string(object, "pattern")?;
    let pattern = Pattern::parse(&text).map_err(|error| format!("bad pattern: {error}"))?;
    let valid_from = timestamp(object, "valid_from")?.ok_or("missing `valid_from`")?;
    let valid_until = timestamp(object, "valid_until")?;
    if valid_until.is_some_and(|until| until <= valid_from) {
        return Err("`valid_until` is not after `valid_from`".into());
    }
    let revoked = match object.get("revoked") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(revoked)) => *revoked,
        Some(_) => return Err("`revoked` is not a boolean".into()),
    };
    let confidence = match object.get("confidence") {
        None | Some(Value::Null) => None,
        Some(value) => Some(
            value
                .as_u64()
                .filter(|c| *c <= 100)
                .and_then(|c| u8::try_from(c).ok())
                .ok_or_else(|| format!("`confidence` `{value}` is not an integer from 0 to 100"))?,
        ),
    };
    Ok(Some(Indicator {
        id,
        name: optional_string(object, "name")?,
        pattern,
        pattern_type,
        valid_from,
        valid_until,
        revoked,
        indicator_types: strings(object, "indicator_types")?,
        labels: strings(object, "labels")?,
        confidence,
        source: optional_string(object, "created_by_ref")?,
        modified: timestamp(object, "modified")?,
    }))
}

fn required_string(object: &Map<String, Value>, field: &str) -> Result<String, String> {
    optional_string(object, field)?.ok_or_else(|| format!("missing `{field}`"))
}

fn optional_string(object: &Map<String, Value>, field: &str) -> Result<Option<String>, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(format!("`{field}` is not a string")),
    }
}

fn strings(object: &Map<String, Value>, field: &str) -> Result<Vec<String>, String> {
    match object.get(field) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| item.as_str().map(str::to_owned))
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| format!("`{field}` is not a list of strings")),
        Some(_) => Err(format!("`{field}` is not a list of strings")),
    }
}

fn timestamp(object: &Map<String, Value>, field: &str) -> Result<Option<OffsetDateTime>, String> {
    optional_string(object, field)?
        .map(|text| {
            OffsetDateTime::parse(&text, &Rfc3339)
                .map_err(|_| format!("`{field}` `{text}` is not an RFC 3339 timestamp"))
        })
        .transpose()
}

/// Keeps one version per indicator id: the latest `modified`, the later
/// record on a tie. The others are skipped as superseded.
fn keep_latest_versions(report: &mut ImportReport, found: Vec<(RecordAt, Indicator)>) {
    let mut latest: HashMap<&str, usize> = HashMap::new();
    for (n, (_, indicator)) in found.iter().enumerate() {
        let best = latest.entry(indicator.id.as_str()).or_insert(n);
        let current = found.get(*best).and_then(|(_, i)| i.modified);
        if indicator.modified >= current {
            *best = n;
        }
    }
    let keep: HashSet<usize> = latest.into_values().collect();
    for (n, (at, indicator)) in found.into_iter().enumerate() {
        if keep.contains(&n) {
            report.indicators.push(indicator);
        } else {
            report.skipped.push(Rejection {
                at,
                id: Some(indicator.id),
                reason: "superseded by a later version".into(),
            });
        }
    }
}

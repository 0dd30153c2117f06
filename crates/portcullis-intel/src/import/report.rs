//! What an import produced.

use std::collections::BTreeMap;

use crate::indicator::Indicator;

/// The result of one import: the indicators, and every record that was not
/// used with the reason.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportReport {
    /// The good indicators.
    pub indicators: Vec<Indicator>,
    /// Records that are broken: bad JSON, missing fields, bad patterns.
    pub rejected: Vec<Rejection>,
    /// Records that are sound but not used: a pattern language other than
    /// `stix`, or a version superseded by a later one of the same id.
    pub skipped: Vec<Rejection>,
    /// STIX objects that are not indicators, counted by type.
    pub other_objects: BTreeMap<String, usize>,
}

impl ImportReport {
    /// The indicators counted by the observable types their patterns compare
    /// (see [`Indicator::observable_type`]).
    #[must_use]
    pub fn counts_by_type(&self) -> BTreeMap<String, usize> {
        let mut counts = BTreeMap::new();
        for indicator in &self.indicators {
            *counts.entry(indicator.observable_type()).or_insert(0) += 1;
        }
        counts
    }

    /// Adds another report's records to this one.
    pub fn merge(&mut self, other: Self) {
        self.indicators.extend(other.indicators);
        self.rejected.extend(other.rejected);
        self.skipped.extend(other.skipped);
        for (object_type, count) in other.other_objects {
            *self.other_objects.entry(object_type).or_insert(0) += count;
        }
    }
}

/// One record that was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Where the record was.
    pub at: RecordAt,
    /// Its id, when it had a readable one.
    pub id: Option<String>,
    /// Why it was not used.
    pub reason: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.id {
            Some(id) => write!(f, "{} (`{id}`): {}", self.at, self.reason),
            None => write!(f, "{}: {}", self.at, self.reason),
        }
    }
}

/// Where a record was in its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecordAt {
    /// The n-th object (from 0) of a bundle's `objects` or a JSON array.
    Object(usize),
    /// A line (from 1) of JSON lines or CSV.
    Line(usize),
}

impl std::fmt::Display for RecordAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Object(index) => write!(f, "object {index}"),
            Self::Line(line) => write!(f, "line {line}"),
        }
    }
}

/// Input that cannot be imported at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// Over [`MAX_IMPORT_BYTES`](crate::MAX_IMPORT_BYTES).
    #[error("input is {size} bytes, over the limit of {max} bytes")]
    TooLarge {
        /// The input's size.
        size: usize,
        /// The limit.
        max: usize,
    },
    /// Nothing but whitespace.
    #[error("input is empty")]
    Empty,
    /// A single JSON document that does not parse.
    #[error("invalid json at line {line}, column {column}: {reason}")]
    InvalidJson {
        /// The line of the error (from 1).
        line: usize,
        /// The column of the error (from 1).
        column: usize,
        /// What the JSON parser said.
        reason: String,
    },
    /// Readable input of a shape we do not know.
    #[error("unknown schema: {0}")]
    UnknownSchema(String),
}

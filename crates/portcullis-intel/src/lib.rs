//! Threat intelligence for partner vetting (check 4 of vetting).
//!
//! - [`Pattern`]: the STIX 2.1 patterning language, parsed by a pest grammar
//!   of the full language and evaluated against an [`Observable`] (an IP
//!   address, domain name, URL or email address).
//! - [`Indicator`]s come from [`parse_stix_bundle`] (STIX 2.1 JSON) and
//!   [`parse_csv`]; each returns an [`ImportReport`] of the good indicators
//!   and every rejected record with its place and reason.
//! - [`IndicatorIndex::lookup`] answers which active indicators match an
//!   observable, from hash maps and prefix tables, falling back to
//!   evaluation for patterns too complex for them.
//! - [`taxii::TaxiiClient`] pulls STIX objects from TAXII 2.1 collections.
//! - [`import_bytes`] reads either format, telling them apart by the first
//!   character.
//!
//! Benchmark: `cargo run --release -p portcullis-intel --example intel_bench`
//! (1,000,000 indicators; `-- --quick` for 100,000).

mod import;
mod index;
mod indicator;
mod observable;
mod pattern;
pub mod taxii;

pub use import::{
    ImportError, ImportReport, MAX_IMPORT_BYTES, RecordAt, Rejection, import_bytes, parse_csv,
    parse_stix_bundle, parse_stix_objects,
};
pub use index::{Hit, HitReason, IndicatorIndex};
pub use indicator::Indicator;
pub use observable::{Observable, ObservableKind};
pub use pattern::{
    Comparison, ComparisonExpr, Literal, MAX_NESTING, MAX_PATTERN_BYTES, ObjectPath,
    ObservationExpr, Operator, PathStep, Pattern, PatternError, Qualifier,
};

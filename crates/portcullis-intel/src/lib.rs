//! Threat intelligence for partner vetting (check 4 of vetting).
//!
//! - [`Pattern`]: the STIX 2.1 patterning language, parsed by a pest grammar
//!   of the full language and evaluated against an [`Observable`] (an IP
//!   address, domain name, URL or email address).

mod observable;
mod pattern;

pub use observable::{Observable, ObservableKind};
pub use pattern::{
    Comparison, ComparisonExpr, Literal, MAX_NESTING, MAX_PATTERN_BYTES, ObjectPath,
    ObservationExpr, Operator, PathStep, Pattern, PatternError, Qualifier,
};

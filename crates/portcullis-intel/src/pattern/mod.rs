//! STIX 2.1 patterns: [`Pattern::parse`] reads the full patterning grammar;
//! [`Pattern::matches`] evaluates a pattern against one [`Observable`].

mod ast;
mod error;
mod eval;
mod parser;
mod semantic;

use regex::{Regex, RegexBuilder};

pub use ast::{
    Comparison, ComparisonExpr, Literal, ObjectPath, ObservationExpr, Operator, PathStep, Qualifier,
};
pub use error::PatternError;
pub(crate) use eval::{normalize_for, parse_net};
pub use parser::MAX_NESTING;

use crate::observable::ObservableKind;

/// The longest pattern accepted, in bytes.
pub const MAX_PATTERN_BYTES: usize = 64 * 1024;

/// The most memory one compiled `LIKE` or `MATCHES` expression may take.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A parsed STIX 2.1 pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    text: String,
    expression: ObservationExpr,
}

impl Pattern {
    /// Parses a STIX 2.1 pattern.
    ///
    /// # Errors
    ///
    /// A [`PatternError`] naming the line, column and what was expected when
    /// `text` is not a pattern; also for a repeated qualifier on one
    /// observation, a malformed hash of a known algorithm, nesting deeper
    /// than [`MAX_NESTING`] or text over [`MAX_PATTERN_BYTES`].
    pub fn parse(text: &str) -> Result<Self, PatternError> {
        if text.len() > MAX_PATTERN_BYTES {
            return Err(PatternError::at(
                text,
                MAX_PATTERN_BYTES,
                format!("pattern longer than {MAX_PATTERN_BYTES} bytes"),
            ));
        }
        Ok(Self {
            text: text.to_owned(),
            expression: parser::parse(text)?,
        })
    }

    /// The pattern as written.
    #[must_use]
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The syntax tree.
    #[must_use]
    pub fn expression(&self) -> &ObservationExpr {
        &self.expression
    }

    /// Every object path the pattern compares, in order of appearance (with
    /// repeats), e.g. `ipv4-addr:value`.
    #[must_use]
    pub fn object_paths(&self) -> Vec<&ObjectPath> {
        let mut out = Vec::new();
        visit_comparisons(&self.expression, &mut |c| match c {
            ComparisonExpr::Test(t) => out.push(&t.path),
            ComparisonExpr::Exists(path) => out.push(path),
            _ => {}
        });
        out
    }

    /// The object types the pattern compares, sorted and without repeats,
    /// e.g. `["domain-name", "ipv4-addr"]`.
    #[must_use]
    pub fn object_types(&self) -> Vec<&str> {
        let mut types: Vec<&str> = self
            .object_paths()
            .into_iter()
            .map(|path| path.object_type.as_str())
            .collect();
        types.sort_unstable();
        types.dedup();
        types
    }

    /// Whether every comparison is on the `value` of an observable kind we
    /// match (addresses, domains, URLs, email addresses).
    #[must_use]
    pub fn is_network_only(&self) -> bool {
        self.object_paths().iter().all(|path| {
            ObservableKind::from_object_type(&path.object_type)
                .is_some_and(|_| path.is_value_of(&path.object_type))
        })
    }
}

impl std::fmt::Display for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Calls `f` on every comparison expression node, depth first.
pub(crate) fn visit_comparisons<'a>(
    expression: &'a ObservationExpr,
    f: &mut impl FnMut(&'a ComparisonExpr),
) {
    fn comparisons<'a>(c: &'a ComparisonExpr, f: &mut impl FnMut(&'a ComparisonExpr)) {
        f(c);
        if let ComparisonExpr::Or(children) | ComparisonExpr::And(children) = c {
            for child in children {
                comparisons(child, f);
            }
        }
    }
    match expression {
        ObservationExpr::FollowedBy(children)
        | ObservationExpr::Or(children)
        | ObservationExpr::And(children) => {
            for child in children {
                visit_comparisons(child, f);
            }
        }
        ObservationExpr::Observation { comparison, .. } => comparisons(comparison, f),
        ObservationExpr::Group { inner, .. } => visit_comparisons(inner, f),
    }
}

/// The compiled form of a `LIKE` (SQL wildcards, whole value) or `MATCHES`
/// (a regular expression found anywhere in the value) test; case-insensitive
/// on `domain-name` and `email-addr`. `None` when the expression does not
/// compile within the size limit (such as PCRE look-around, which the
/// `regex` crate does not support): that test is then false.
fn regex_for(operator: Operator, text: &str, object_type: &str) -> Option<Regex> {
    let source = if operator == Operator::Like {
        like_to_regex(text)
    } else {
        text.to_owned()
    };
    let case_insensitive = matches!(object_type, "domain-name" | "email-addr");
    RegexBuilder::new(&source)
        .case_insensitive(case_insensitive)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .build()
        .ok()
}

/// `%` is any run of characters, `_` any one character, the rest literal.
fn like_to_regex(like: &str) -> String {
    let mut out = String::with_capacity(like.len() + 8);
    out.push_str("(?s)^");
    let mut literal = [0u8; 4];
    for c in like.chars() {
        match c {
            '%' => out.push_str(".*"),
            '_' => out.push('.'),
            other => out.push_str(&regex::escape(other.encode_utf8(&mut literal))),
        }
    }
    out.push('$');
    out
}

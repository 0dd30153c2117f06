//! Why a pattern was refused, and where.

use pest::error::{ErrorVariant, InputLocation, LineColLocation};

use super::parser::Rule;

/// A pattern that does not parse or breaks a rule of STIX 2.1 patterning.
///
/// `line` and `column` count from 1; `offset` is the byte offset into the
/// pattern text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message} at line {line}, column {column}")]
pub struct PatternError {
    /// The line of the offending input (from 1).
    pub line: usize,
    /// The column of the offending input (from 1, in characters).
    pub column: usize,
    /// The byte offset of the offending input.
    pub offset: usize,
    /// What was wrong or what was expected, e.g. ``expected `]`, found `?` ``.
    pub message: String,
}

impl PatternError {
    /// An error at a byte `offset` of `text`.
    pub(crate) fn at(text: &str, offset: usize, message: impl Into<String>) -> Self {
        let before = text.get(..offset).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
        Self {
            line,
            column,
            offset,
            message: message.into(),
        }
    }

    /// Translates a pest syntax error into one that names what was expected
    /// and what was found.
    pub(crate) fn from_pest(text: &str, error: &pest::error::Error<Rule>) -> Self {
        let offset = match error.location {
            InputLocation::Pos(pos) | InputLocation::Span((pos, _)) => pos,
        };
        let message = match &error.variant {
            ErrorVariant::ParsingError { positives, .. } => {
                let rest = text.get(offset..).unwrap_or("");
                let malformed = [("t'", "timestamp"), ("h'", "hex"), ("b'", "base64")]
                    .into_iter()
                    .find(|(prefix, _)| rest.starts_with(prefix));
                if let (Some((_, kind)), true) =
                    (malformed, positives.contains(&Rule::string_literal))
                {
                    format!("malformed {kind} literal")
                } else if positives.contains(&Rule::timestamp_literal) {
                    format!("expected a literal, found {}", found(text, offset))
                } else {
                    let mut names: Vec<&str> =
                        positives.iter().map(|rule| describe(*rule)).collect();
                    names.sort_unstable();
                    names.dedup();
                    format!("expected {}, found {}", one_of(&names), found(text, offset))
                }
            }
            ErrorVariant::CustomError { message } => message.clone(),
        };
        let mut out = Self::at(text, offset, message);
        if let LineColLocation::Pos((line, column)) = error.line_col {
            out.line = line;
            out.column = column;
        }
        out
    }
}

/// `a`, `a or b`, `a, b or c`.
fn one_of(names: &[&str]) -> String {
    match names {
        [] => "something else".to_owned(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// The token at `offset`, quoted, or "end of input".
fn found(text: &str, offset: usize) -> String {
    let rest = text.get(offset..).unwrap_or("");
    let Some(first) = rest.chars().next() else {
        return "end of input".to_owned();
    };
    let token: String = if first.is_ascii_alphanumeric() || first == '_' || first == '-' {
        rest.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .take(40)
            .collect()
    } else {
        first.to_string()
    };
    format!("`{token}`")
}

/// How an error message names a grammar rule.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of input",
        Rule::pattern
        | Rule::observation_expressions
        | Rule::observation_or
        | Rule::observation_and
        | Rule::observation_expression => "an observation `[...]` or `(...)`",
        Rule::observation_simple => "`[`",
        Rule::observation_compound => "`(`",
        Rule::comparison_expression | Rule::comparison_and | Rule::prop_test_op => "a comparison",
        Rule::prop_test_paren => "`(`",
        Rule::prop_test_exists | Rule::kw_exists => "`EXISTS`",
        Rule::equality | Rule::op_eq | Rule::op_ne => "a comparison operator",
        Rule::ordering | Rule::op_le | Rule::op_ge | Rule::op_lt | Rule::op_gt => {
            "a comparison operator"
        }
        Rule::set_test | Rule::kw_in => "`IN`",
        Rule::like_test | Rule::kw_like => "`LIKE`",
        Rule::matches_test | Rule::kw_matches => "`MATCHES`",
        Rule::subset_test | Rule::kw_issubset => "`ISSUBSET`",
        Rule::superset_test | Rule::kw_issuperset => "`ISSUPERSET`",
        Rule::kw_not => "`NOT`",
        Rule::start_stop | Rule::kw_start => "`START`",
        Rule::kw_stop => "`STOP`",
        Rule::within | Rule::kw_within => "`WITHIN`",
        Rule::repeats | Rule::kw_repeats => "`REPEATS`",
        Rule::kw_seconds => "`SECONDS`",
        Rule::kw_times => "`TIMES`",
        Rule::kw_and => "`AND`",
        Rule::kw_or => "`OR`",
        Rule::kw_followedby => "`FOLLOWEDBY`",
        Rule::object_path | Rule::object_type => "an object path",
        Rule::first_component | Rule::identifier => "a property name",
        Rule::key_step => "`.`",
        Rule::index_step => "`[`",
        Rule::any_index => "`*`",
        Rule::set_literal => "a set `(...)`",
        Rule::int_literal => "an integer",
        Rule::int_pos_literal => "a non-negative integer",
        Rule::float_literal => "a number",
        Rule::float_pos_literal => "a non-negative number",
        Rule::bool_literal => "a boolean",
        Rule::string_literal => "a string",
        Rule::hex_literal => "a hex literal",
        Rule::binary_literal => "a base64 literal",
        Rule::timestamp_literal => "a timestamp `t'YYYY-MM-DDTHH:MM:SSZ'`",
        Rule::keyword => "a keyword",
        Rule::WHITESPACE | Rule::COMMENT => "whitespace",
        Rule::qualifier => "a qualifier",
        Rule::lbrack => "`[`",
        Rule::rbrack => "`]`",
        Rule::lparen => "`(`",
        Rule::rparen => "`)`",
        Rule::colon => "`:`",
        Rule::dot => "`.`",
        Rule::comma => "`,`",
        Rule::prop_test | Rule::test_tail => "a comparison",
        Rule::path_step => "`.` or `[`",
        Rule::ident_start | Rule::ident_char => "an identifier character",
        Rule::primitive_literal | Rule::orderable_literal => "a literal",
        Rule::digits => "a digit",
        Rule::b64 => "a base64 character",
        Rule::month | Rule::day | Rule::hour | Rule::minute | Rule::second => {
            "a timestamp `t'YYYY-MM-DDTHH:MM:SSZ'`"
        }
    }
}

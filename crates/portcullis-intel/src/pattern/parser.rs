//! From pattern text to [`ObservationExpr`]: the pest grammar, then a walk
//! over its parse tree that builds the syntax tree and applies the rules the
//! grammar cannot say (one qualifier of a kind per observation, hash lengths).

use pest::Parser as _;
use pest::iterators::Pair;
use pest_derive::Parser;

use super::ast::{
    ComparisonExpr, Literal, ObjectPath, ObservationExpr, Operator, PathStep, Qualifier,
};
use super::error::PatternError;
use super::{regex_for, semantic};
use crate::pattern::ast::Comparison;

#[derive(Parser)]
#[grammar = "pattern/stix.pest"]
pub(crate) struct StixGrammar;

/// The deepest nesting of `(` and `[` accepted, so that deep input cannot
/// exhaust the stack of the recursive-descent parser.
pub const MAX_NESTING: usize = 64;

/// Parses `text` into an observation expression.
pub(crate) fn parse(text: &str) -> Result<ObservationExpr, PatternError> {
    check_nesting(text)?;
    let mut pairs = StixGrammar::parse(Rule::pattern, text)
        .map_err(|error| PatternError::from_pest(text, &error))?;
    let builder = Builder { text };
    let pattern = builder.next(&mut pairs)?;
    let mut inner = children(pattern);
    builder.observation_expressions(builder.next(&mut inner)?)
}

/// Refuses nesting deeper than [`MAX_NESTING`], ignoring brackets in strings.
fn check_nesting(text: &str) -> Result<(), PatternError> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, c) in text.char_indices() {
        if in_string {
            match (escaped, c) {
                (false, '\\') => escaped = true,
                (false, '\'') => in_string = false,
                _ => escaped = false,
            }
            continue;
        }
        match c {
            '\'' => in_string = true,
            '(' | '[' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(PatternError::at(
                        text,
                        offset,
                        format!("nesting deeper than {MAX_NESTING} levels"),
                    ));
                }
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    Ok(())
}

struct Builder<'t> {
    text: &'t str,
}

impl<'t> Builder<'t> {
    fn malformed(&self, pair: &Pair<'_, Rule>) -> PatternError {
        PatternError::at(
            self.text,
            pair.as_span().start(),
            format!("unexpected `{}` in the parse tree", pair.as_str()),
        )
    }

    fn next<'i>(
        &self,
        pairs: &mut impl Iterator<Item = Pair<'i, Rule>>,
    ) -> Result<Pair<'i, Rule>, PatternError> {
        pairs
            .next()
            .ok_or_else(|| PatternError::at(self.text, self.text.len(), "incomplete parse tree"))
    }

    /// `FOLLOWEDBY`, `OR` and `AND` levels: one child is passed through.
    fn observation_expressions(
        &self,
        pair: Pair<'_, Rule>,
    ) -> Result<ObservationExpr, PatternError> {
        let rule = pair.as_rule();
        let mut items = Vec::new();
        for child in children(pair) {
            match child.as_rule() {
                Rule::kw_followedby | Rule::kw_or | Rule::kw_and => {}
                Rule::observation_or | Rule::observation_and => {
                    items.push(self.observation_expressions(child)?);
                }
                Rule::observation_expression => items.push(self.observation_expression(child)?),
                _ => return Err(self.malformed(&child)),
            }
        }
        if items.len() == 1
            && let Some(only) = items.pop()
        {
            return Ok(only);
        }
        Ok(match rule {
            Rule::observation_expressions => ObservationExpr::FollowedBy(items),
            Rule::observation_or => ObservationExpr::Or(items),
            _ => ObservationExpr::And(items),
        })
    }

    fn observation_expression(
        &self,
        pair: Pair<'_, Rule>,
    ) -> Result<ObservationExpr, PatternError> {
        let mut inner = children(pair);
        let base = self.next(&mut inner)?;
        let mut qualifiers: Vec<Qualifier> = Vec::new();
        let simple = base.as_rule() == Rule::observation_simple;
        for qualifier in inner {
            let offset = qualifier.as_span().start();
            let parsed = self.qualifier(qualifier)?;
            if simple && qualifiers.iter().any(|q| q.kind() == parsed.kind()) {
                return Err(PatternError::at(
                    self.text,
                    offset,
                    format!("duplicate qualifier type: `{}`", parsed.kind()),
                ));
            }
            qualifiers.push(parsed);
        }
        let base_inner = self.next(&mut children(base))?;
        Ok(if simple {
            ObservationExpr::Observation {
                comparison: self.comparison_expression(base_inner)?,
                qualifiers,
            }
        } else {
            ObservationExpr::Group {
                inner: Box::new(self.observation_expressions(base_inner)?),
                qualifiers,
            }
        })
    }

    fn qualifier(&self, pair: Pair<'_, Rule>) -> Result<Qualifier, PatternError> {
        let rule = pair.as_rule();
        let values: Vec<Pair<'_, Rule>> = children(pair.clone())
            .filter(|p| {
                !matches!(
                    p.as_rule(),
                    Rule::kw_within
                        | Rule::kw_seconds
                        | Rule::kw_repeats
                        | Rule::kw_times
                        | Rule::kw_start
                        | Rule::kw_stop
                )
            })
            .collect();
        match (rule, values.as_slice()) {
            (Rule::within, [n]) => {
                let seconds: f64 = n.as_str().parse().map_err(|_| self.malformed(n))?;
                Ok(Qualifier::Within { seconds })
            }
            (Rule::repeats, [n]) => {
                let times = n.as_str().trim_start_matches('+').parse().map_err(|_| {
                    PatternError::at(
                        self.text,
                        n.as_span().start(),
                        format!("`{}` is too large", n.as_str()),
                    )
                })?;
                Ok(Qualifier::Repeats { times })
            }
            (Rule::start_stop, [start, stop]) => Ok(Qualifier::StartStop {
                start: timestamp_text(start.as_str()),
                stop: timestamp_text(stop.as_str()),
            }),
            _ => Err(self.malformed(&pair)),
        }
    }

    fn comparison_expression(&self, pair: Pair<'_, Rule>) -> Result<ComparisonExpr, PatternError> {
        let rule = pair.as_rule();
        let mut items = Vec::new();
        for child in children(pair) {
            match child.as_rule() {
                Rule::kw_or | Rule::kw_and => {}
                Rule::comparison_and => items.push(self.comparison_expression(child)?),
                Rule::prop_test_paren => {
                    items.push(self.comparison_expression(self.next(&mut children(child))?)?);
                }
                Rule::prop_test_exists => {
                    let mut inner = children(child);
                    let _exists = self.next(&mut inner)?;
                    items.push(ComparisonExpr::Exists(
                        self.object_path(self.next(&mut inner)?)?,
                    ));
                }
                Rule::prop_test_op => items.push(ComparisonExpr::Test(self.comparison(child)?)),
                _ => return Err(self.malformed(&child)),
            }
        }
        if items.len() == 1
            && let Some(only) = items.pop()
        {
            return Ok(only);
        }
        Ok(if rule == Rule::comparison_expression {
            ComparisonExpr::Or(items)
        } else {
            ComparisonExpr::And(items)
        })
    }

    fn comparison(&self, pair: Pair<'_, Rule>) -> Result<Comparison, PatternError> {
        let start = pair.as_span().start();
        let mut inner = children(pair);
        let path = self.object_path(self.next(&mut inner)?)?;
        let mut tail = self.next(&mut inner)?;
        let negated = tail.as_rule() == Rule::kw_not;
        if negated {
            tail = self.next(&mut inner)?;
        }
        let tail_rule = tail.as_rule();
        let mut parts = children(tail);
        let first = self.next(&mut parts)?;
        let operator = match (tail_rule, first.as_rule()) {
            (Rule::equality, Rule::op_eq) => Operator::Equal,
            (Rule::equality, Rule::op_ne) => Operator::NotEqual,
            (Rule::ordering, Rule::op_gt) => Operator::Greater,
            (Rule::ordering, Rule::op_lt) => Operator::Less,
            (Rule::ordering, Rule::op_ge) => Operator::GreaterOrEqual,
            (Rule::ordering, Rule::op_le) => Operator::LessOrEqual,
            (Rule::set_test, _) => Operator::In,
            (Rule::like_test, _) => Operator::Like,
            (Rule::matches_test, _) => Operator::Matches,
            (Rule::subset_test, _) => Operator::IsSubset,
            (Rule::superset_test, _) => Operator::IsSuperset,
            _ => return Err(self.malformed(&first)),
        };
        let value = self.literal(self.next(&mut parts)?)?;
        let regex = match (operator, &value) {
            (Operator::Like | Operator::Matches, Literal::String(text)) => {
                regex_for(operator, text, &path.object_type)
            }
            _ => None,
        };
        let comparison = Comparison {
            path,
            negated,
            operator,
            value,
            regex,
        };
        semantic::check_hash(&comparison)
            .map_err(|message| PatternError::at(self.text, start, message))?;
        Ok(comparison)
    }

    fn object_path(&self, pair: Pair<'_, Rule>) -> Result<ObjectPath, PatternError> {
        let mut inner = children(pair);
        let object_type = self.next(&mut inner)?.as_str().to_owned();
        let first = self.next(&mut inner)?;
        let mut steps = vec![PathStep::Key(self.key(self.next(&mut children(first))?)?)];
        for step in inner {
            let rule = step.as_rule();
            let part = self.next(&mut children(step))?;
            steps.push(match (rule, part.as_rule()) {
                (Rule::key_step, _) => PathStep::Key(self.key(part)?),
                (Rule::index_step, Rule::any_index) => PathStep::AnyIndex,
                (Rule::index_step, _) => PathStep::Index(self.int(&part)?),
                _ => return Err(self.malformed(&part)),
            });
        }
        Ok(ObjectPath { object_type, steps })
    }

    fn key(&self, pair: Pair<'_, Rule>) -> Result<String, PatternError> {
        match pair.as_rule() {
            Rule::identifier => Ok(pair.as_str().to_owned()),
            Rule::string_literal => Ok(unescape(pair.as_str())),
            _ => Err(self.malformed(&pair)),
        }
    }

    fn int(&self, pair: &Pair<'_, Rule>) -> Result<i64, PatternError> {
        pair.as_str().trim_start_matches('+').parse().map_err(|_| {
            PatternError::at(
                self.text,
                pair.as_span().start(),
                format!("integer `{}` is out of range", pair.as_str()),
            )
        })
    }

    fn literal(&self, pair: Pair<'_, Rule>) -> Result<Literal, PatternError> {
        let text = pair.as_str();
        Ok(match pair.as_rule() {
            Rule::set_literal => Literal::Set(
                children(pair)
                    .map(|p| self.literal(p))
                    .collect::<Result<_, _>>()?,
            ),
            Rule::int_literal => Literal::Int(self.int(&pair)?),
            Rule::float_literal => Literal::Float(text.parse().map_err(|_| self.malformed(&pair))?),
            Rule::bool_literal => Literal::Bool(text == "true"),
            Rule::string_literal => Literal::String(unescape(text)),
            Rule::hex_literal => Literal::Hex(quoted_body(text, 1)),
            Rule::binary_literal => Literal::Binary(quoted_body(text, 1)),
            Rule::timestamp_literal => Literal::Timestamp(timestamp_text(text)),
            _ => return Err(self.malformed(&pair)),
        })
    }
}

/// The children of `pair` without punctuation, which carries no meaning
/// once parsed.
fn children(pair: Pair<'_, Rule>) -> impl Iterator<Item = Pair<'_, Rule>> {
    pair.into_inner().filter(|child| {
        !matches!(
            child.as_rule(),
            Rule::lbrack
                | Rule::rbrack
                | Rule::lparen
                | Rule::rparen
                | Rule::colon
                | Rule::dot
                | Rule::comma
        )
    })
}

/// `'it\'s'` → `it's`: strips the quotes and resolves `\'` and `\\`.
fn unescape(quoted: &str) -> String {
    let body = quoted_body(quoted, 0);
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(next) = chars.next() {
                out.push(next);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The text between the quotes of `prefix'...'` where the prefix is
/// `prefix_len` bytes long.
fn quoted_body(literal: &str, prefix_len: usize) -> String {
    literal
        .get(prefix_len + 1..literal.len().saturating_sub(1))
        .unwrap_or("")
        .to_owned()
}

fn timestamp_text(literal: &str) -> String {
    quoted_body(literal, 1)
}

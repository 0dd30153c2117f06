//! Evaluating a pattern against one observable.
//!
//! The observable stands for every observation the pattern asks for: `AND`
//! and `FOLLOWEDBY` of observation expressions need each side to match it,
//! `OR` either side; qualifiers (`WITHIN`, `REPEATS`, `START/STOP`) are not
//! restrictions on a single value and are ignored. Inside `[...]` a test
//! applies only to `TYPE:value` where `TYPE` is the observable's type; a test
//! that does not apply is false, with or without `NOT` (STIX: a comparison on
//! an absent property is false), and so is a `LIKE` or `MATCHES` whose
//! expression the `regex` crate cannot compile (such as look-around).

use std::cmp::Ordering;
use std::net::IpAddr;

use ipnet::IpNet;

use super::Pattern;
use super::ast::{Comparison, ComparisonExpr, Literal, ObservationExpr, Operator};
use crate::observable::{Observable, ObservableKind};

impl Pattern {
    /// Whether this pattern matches `observable` (see the module docs of
    /// `eval` for the semantics: CIDR containment for address `=` and
    /// `ISSUBSET`, case-insensitive domains and email addresses, `LIKE` with
    /// `%`/`_`, `MATCHES` with the `regex` crate).
    #[must_use]
    pub fn matches(&self, observable: &Observable) -> bool {
        let value = Value::of(observable);
        observation(self.expression(), &value)
    }
}

/// The observable with its normalized text computed once.
struct Value<'a> {
    kind: ObservableKind,
    address: Option<IpAddr>,
    text: std::borrow::Cow<'a, str>,
}

impl<'a> Value<'a> {
    fn of(observable: &'a Observable) -> Self {
        Self {
            kind: observable.kind(),
            address: observable.address(),
            text: observable.normalized(),
        }
    }
}

fn observation(expression: &ObservationExpr, value: &Value<'_>) -> bool {
    match expression {
        ObservationExpr::FollowedBy(children) | ObservationExpr::And(children) => {
            children.iter().all(|child| observation(child, value))
        }
        ObservationExpr::Or(children) => children.iter().any(|child| observation(child, value)),
        ObservationExpr::Observation { comparison, .. } => comparison_expr(comparison, value),
        ObservationExpr::Group { inner, .. } => observation(inner, value),
    }
}

fn comparison_expr(expression: &ComparisonExpr, value: &Value<'_>) -> bool {
    match expression {
        ComparisonExpr::Or(children) => children.iter().any(|child| comparison_expr(child, value)),
        ComparisonExpr::And(children) => children.iter().all(|child| comparison_expr(child, value)),
        ComparisonExpr::Exists(path) => path.is_value_of(value.kind.object_type()),
        ComparisonExpr::Test(test) => {
            test.path.is_value_of(value.kind.object_type())
                && decidable(test)
                && (holds(test, value) != test.negated)
        }
    }
}

/// A `LIKE` or `MATCHES` whose expression did not compile decides nothing:
/// the test is false, with or without `NOT`.
fn decidable(test: &Comparison) -> bool {
    !matches!(test.operator, Operator::Like | Operator::Matches) || test.regex.is_some()
}

/// The operator's result, before `NOT`, on an applicable value.
fn holds(test: &Comparison, value: &Value<'_>) -> bool {
    match (test.operator, &test.value) {
        (Operator::Equal, literal) => equals(literal, value),
        (Operator::NotEqual, literal) => !equals(literal, value),
        (Operator::In, Literal::Set(items)) => items.iter().any(|item| equals(item, value)),
        (Operator::Like | Operator::Matches, Literal::String(_)) => test
            .regex
            .as_ref()
            .is_some_and(|regex| regex.is_match(&value.text)),
        (Operator::IsSubset, Literal::String(range)) => match (value.address, parse_net(range)) {
            (Some(address), Some(net)) => net.contains(&address),
            _ => false,
        },
        (Operator::IsSuperset, Literal::String(range)) => match (value.address, parse_net(range)) {
            (Some(address), Some(net)) => {
                net.prefix_len() == net.max_prefix_len() && net.addr() == address
            }
            _ => false,
        },
        (Operator::Greater, Literal::String(s)) => order(value, s) == Some(Ordering::Greater),
        (Operator::Less, Literal::String(s)) => order(value, s) == Some(Ordering::Less),
        (Operator::GreaterOrEqual, Literal::String(s)) => {
            matches!(order(value, s), Some(Ordering::Greater | Ordering::Equal))
        }
        (Operator::LessOrEqual, Literal::String(s)) => {
            matches!(order(value, s), Some(Ordering::Less | Ordering::Equal))
        }
        _ => false,
    }
}

/// `=` of one literal: CIDR containment for addresses, case-insensitive for
/// domains and email addresses (a domain's trailing dot ignored), exact for
/// URLs; false for anything but a string literal.
fn equals(literal: &Literal, value: &Value<'_>) -> bool {
    let Literal::String(expected) = literal else {
        return false;
    };
    match value.kind {
        ObservableKind::Ipv4 | ObservableKind::Ipv6 => match (value.address, parse_net(expected)) {
            (Some(address), Some(net)) => net.contains(&address),
            _ => false,
        },
        ObservableKind::DomainName | ObservableKind::EmailAddress => {
            value.text == normalize_for(value.kind, expected)
        }
        ObservableKind::Url => value.text == expected.as_str(),
    }
}

/// Lexical order of the value's text against `s` (normalized like the value).
fn order(value: &Value<'_>, s: &str) -> Option<Ordering> {
    Some(
        value
            .text
            .as_ref()
            .cmp(normalize_for(value.kind, s).as_str()),
    )
}

/// A literal normalized the way the observable of `kind` is.
pub(crate) fn normalize_for(kind: ObservableKind, text: &str) -> String {
    match kind {
        ObservableKind::DomainName => crate::observable::normalize_domain(text),
        ObservableKind::EmailAddress => text.trim().to_lowercase(),
        ObservableKind::Ipv4 | ObservableKind::Ipv6 | ObservableKind::Url => text.to_owned(),
    }
}

/// `10.0.0.0/8`, or a bare address as a host range (`/32`, `/128`).
pub(crate) fn parse_net(text: &str) -> Option<IpNet> {
    let text = text.trim();
    text.parse::<IpNet>()
        .ok()
        .or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

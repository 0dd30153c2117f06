//! Which patterns the index can answer from hash maps, and with what keys.
//!
//! A pattern decomposes when it is an `OR` (at any level) of positive tests
//! on `TYPE:value` that are one of: `=` or `IN` with strings, `ISSUBSET` on
//! an address type, or `LIKE '%.suffix'` on a domain (the suffix without
//! wildcards). Tests that can never hold on our observables (other types,
//! other properties) contribute nothing. Anything else (`AND`, `NOT`, `!=`,
//! `MATCHES`, other `LIKE`s, `EXISTS`, ordering) makes the pattern complex:
//! the index then evaluates it with `Pattern::matches`.

use std::net::IpAddr;

use ipnet::IpNet;

use crate::observable::ObservableKind;
use crate::pattern::{
    Comparison, ComparisonExpr, Literal, ObservationExpr, Operator, Pattern, normalize_for,
    parse_net,
};

/// One key under which an indicator is filed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Atom {
    /// An exact address.
    Address(IpAddr),
    /// A CIDR range (host bits cleared).
    Range(IpNet),
    /// An exact domain (normalized).
    Domain(String),
    /// Every domain ending with this suffix, which starts with `.`.
    DomainSuffix(String),
    /// An exact URL.
    Url(String),
    /// An exact email address (normalized).
    Email(String),
}

/// What the analysis found.
pub(crate) enum Shape {
    /// The pattern holds exactly when one of the atoms does (none: never).
    Atoms(Vec<Atom>),
    /// Only evaluation can tell.
    Complex,
}

/// The shape of a whole pattern.
pub(crate) fn shape(pattern: &Pattern) -> Shape {
    match observation(pattern.expression()) {
        Some(Some(atoms)) => Shape::Atoms(atoms),
        Some(None) => Shape::Atoms(Vec::new()),
        None => Shape::Complex,
    }
}

/// `None`: complex. `Some(None)`: can never hold. `Some(Some(atoms))`.
type Analysis = Option<Option<Vec<Atom>>>;

fn observation(expression: &ObservationExpr) -> Analysis {
    match expression {
        ObservationExpr::Or(children) => any(children.iter().map(observation)),
        ObservationExpr::And(children) | ObservationExpr::FollowedBy(children) => {
            all(children.iter().map(observation))
        }
        ObservationExpr::Observation { comparison, .. } => comparison_expr(comparison),
        ObservationExpr::Group { inner, .. } => observation(inner),
    }
}

fn comparison_expr(expression: &ComparisonExpr) -> Analysis {
    match expression {
        ComparisonExpr::Or(children) => any(children.iter().map(comparison_expr)),
        ComparisonExpr::And(children) => all(children.iter().map(comparison_expr)),
        ComparisonExpr::Exists(path) => {
            let applies = ObservableKind::ALL
                .iter()
                .any(|kind| path.is_value_of(kind.object_type()));
            if applies { None } else { Some(None) }
        }
        ComparisonExpr::Test(test) => comparison(test),
    }
}

/// `OR`: complex if any side is; else the union (never if all never).
fn any(children: impl Iterator<Item = Analysis>) -> Analysis {
    let mut atoms: Option<Vec<Atom>> = None;
    for child in children {
        if let Some(found) = child? {
            atoms.get_or_insert_with(Vec::new).extend(found);
        }
    }
    Some(atoms)
}

/// `AND`: never if any side is never; otherwise complex.
fn all(children: impl Iterator<Item = Analysis>) -> Analysis {
    let mut never = false;
    for child in children {
        if matches!(child, Some(None)) {
            never = true;
        }
    }
    if never { Some(None) } else { None }
}

fn comparison(test: &Comparison) -> Analysis {
    let Some(kind) = ObservableKind::ALL
        .into_iter()
        .find(|kind| test.path.is_value_of(kind.object_type()))
    else {
        return Some(None);
    };
    if test.negated {
        return None;
    }
    match (test.operator, &test.value) {
        (Operator::Equal, literal) => Some(equal_atom(kind, literal).map(|atom| vec![atom])),
        (Operator::In, Literal::Set(items)) => {
            let atoms: Vec<Atom> = items.iter().filter_map(|i| equal_atom(kind, i)).collect();
            Some(Some(atoms).filter(|a| !a.is_empty()))
        }
        (Operator::IsSubset, Literal::String(range)) => match kind {
            ObservableKind::Ipv4 | ObservableKind::Ipv6 => {
                Some(address_atom(kind, range).map(|atom| vec![atom]))
            }
            _ => Some(None),
        },
        (Operator::Like, Literal::String(like)) if kind == ObservableKind::DomainName => {
            // Normalized domains are lower case; the expression is case-blind.
            let suffix = like.strip_prefix('%')?;
            let plain = suffix.starts_with('.') && !suffix.contains(['%', '_']);
            (plain && test.regex.is_some())
                .then(|| Some(vec![Atom::DomainSuffix(suffix.to_lowercase())]))
        }
        _ => None,
    }
}

/// The atom of `value = literal`; `None` when it can never hold.
fn equal_atom(kind: ObservableKind, literal: &Literal) -> Option<Atom> {
    let Literal::String(text) = literal else {
        return None;
    };
    match kind {
        ObservableKind::Ipv4 | ObservableKind::Ipv6 => address_atom(kind, text),
        ObservableKind::DomainName => Some(Atom::Domain(normalize_for(kind, text))),
        ObservableKind::EmailAddress => Some(Atom::Email(normalize_for(kind, text))),
        ObservableKind::Url => Some(Atom::Url(text.clone())),
    }
}

/// An address or range of the kind's family; `None` for another family or
/// text that is no address.
fn address_atom(kind: ObservableKind, text: &str) -> Option<Atom> {
    let net = parse_net(text)?;
    let family_ok = matches!(
        (kind, net),
        (ObservableKind::Ipv4, IpNet::V4(_)) | (ObservableKind::Ipv6, IpNet::V6(_))
    );
    if !family_ok {
        return None;
    }
    Some(if net.prefix_len() == net.max_prefix_len() {
        Atom::Address(net.addr())
    } else {
        Atom::Range(net.trunc())
    })
}

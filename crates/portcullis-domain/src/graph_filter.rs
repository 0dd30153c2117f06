//! The `$filter` grammar of the Graph view: `a eq 'x' and b eq 'y'`.
//!
//! It lives here, with no HTTP around it, so the fuzz target
//! (`fuzz/fuzz_targets/graph_filter.rs`) reaches it without the server.

/// One `property eq 'value'` clause of a `$filter`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterClause {
    /// As the route names it (`status`, `customer/tenantId`, …).
    pub property: &'static str,
    pub value: String,
}

/// Equality clauses on `filterable` properties joined by `and`; names are
/// case-insensitive, values single-quoted with `''` for a quote, and each
/// property appears at most once. `None` for anything else.
pub fn parse_graph_filter(text: &str, filterable: &[&'static str]) -> Option<Vec<FilterClause>> {
    let mut clauses: Vec<FilterClause> = Vec::new();
    let mut rest = text.trim();
    loop {
        let (name, after_name) = rest.split_once(char::is_whitespace)?;
        let property = filterable
            .iter()
            .find(|p| p.eq_ignore_ascii_case(name))
            .copied()?;
        let after_op = after_name
            .trim_start()
            .strip_prefix("eq")
            .filter(|r| r.starts_with(char::is_whitespace))?
            .trim_start();
        let (value, after_value) = quoted(after_op)?;
        if clauses.iter().any(|c| c.property == property) {
            return None;
        }
        clauses.push(FilterClause { property, value });
        let tail = after_value.trim_start();
        if tail.is_empty() {
            return Some(clauses);
        }
        rest = tail
            .strip_prefix("and")
            .filter(|r| r.starts_with(char::is_whitespace))?
            .trim_start();
    }
}

/// A single-quoted OData string at the start of `text`, and what follows.
fn quoted(text: &str) -> Option<(String, &str)> {
    let body = text.strip_prefix('\'')?;
    let mut value = String::new();
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\'' {
            if chars.peek().is_some_and(|(_, n)| *n == '\'') {
                value.push('\'');
                chars.next();
            } else {
                return Some((value, body.get(i + 1..)?));
            }
        } else {
            value.push(c);
        }
    }
    None
}

//! The Graph `$filter` grammar (`parse_graph_filter`): no panic, and
//! parse → render → parse gives the same clauses.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portcullis_domain::{FilterClause, parse_graph_filter};

/// The properties the Graph list routes filter on.
const FILTERABLE: &[&str] = &["status", "customer/tenantId", "displayName"];

fn render(clauses: &[FilterClause]) -> String {
    clauses
        .iter()
        .map(|c| format!("{} eq '{}'", c.property, c.value.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(" and ")
}

fuzz_target!(|text: &str| {
    let Some(clauses) = parse_graph_filter(text, FILTERABLE) else {
        return;
    };
    assert!(!clauses.is_empty(), "an accepted filter has a clause");
    let again = parse_graph_filter(&render(&clauses), FILTERABLE);
    assert_eq!(again.as_ref(), Some(&clauses), "round trip of {text:?}");
});

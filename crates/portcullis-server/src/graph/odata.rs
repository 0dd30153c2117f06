//! The OData conventions of the Graph view: query options (`$top`,
//! `$skiptoken`, `$filter`), collections with `@odata.context` and
//! `@odata.nextLink`, single entities with `@odata.context`, and ETags.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;

use super::error::GraphError;
use super::extract::{ServiceRoot, etag};

/// Items per page when `$top` is absent.
pub const DEFAULT_TOP: usize = 100;
/// The largest `$top` Graph documents for these lists.
pub const MAX_TOP: usize = 300;

/// A page of a collection.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Collection<T> {
    #[serde(rename = "@odata.context")]
    pub context: String,
    /// The absolute URL of the next page; absent on the last one.
    #[serde(rename = "@odata.nextLink", skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
    pub value: Vec<T>,
}

/// One entity, with the context it belongs to.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Entity<T> {
    #[serde(rename = "@odata.context")]
    pub context: String,
    #[serde(flatten)]
    pub value: T,
}

/// `status` with `body` and, when the entity has one, its `ETag` header.
pub fn entity_response<T: Serialize>(
    status: StatusCode,
    version: Option<i64>,
    location: Option<&str>,
    body: T,
) -> Response {
    let mut response = (status, Json(body)).into_response();
    let headers = response.headers_mut();
    if let Some(value) = version.and_then(|v| HeaderValue::from_str(&etag(v)).ok()) {
        headers.insert(header::ETAG, value);
    }
    if let Some(value) = location.and_then(|l| HeaderValue::from_str(l).ok()) {
        headers.insert(header::LOCATION, value);
    }
    response
}

/// One `property eq 'value'` clause of a `$filter`.
pub use portcullis_domain::FilterClause as Clause;

/// The query options of a list route.
#[derive(Debug, Clone)]
pub struct ListOptions {
    pub top: usize,
    /// The id after which the page starts (from `$skiptoken`).
    pub after: Option<String>,
    pub filter: Vec<Clause>,
    /// The `$filter` as sent, for the next link.
    raw_filter: Option<String>,
}

impl ListOptions {
    /// Reads `$top`, `$skiptoken` and, when `filterable` names properties,
    /// `$filter`; names are case-insensitive. Anything else is a 400.
    pub fn parse(
        pairs: &[(String, String)],
        filterable: &[&'static str],
    ) -> Result<Self, GraphError> {
        let mut options = Self {
            top: DEFAULT_TOP,
            after: None,
            filter: Vec::new(),
            raw_filter: None,
        };
        let mut seen = Vec::new();
        for (name, value) in pairs {
            let lower = name.to_ascii_lowercase();
            if seen.contains(&lower) {
                return Err(invalid_query(format!("`{name}` is given twice")));
            }
            seen.push(lower.clone());
            match lower.as_str() {
                "$top" => options.top = parse_top(value)?,
                "$skiptoken" => options.after = Some(decode_skip_token(value)?),
                "$filter" if !filterable.is_empty() => {
                    options.filter = parse_filter(value, filterable)?;
                    options.raw_filter = Some(value.clone());
                }
                _ => {
                    let supported = if filterable.is_empty() {
                        "`$top` and `$skiptoken`"
                    } else {
                        "`$top`, `$skiptoken` and `$filter`"
                    };
                    return Err(invalid_query(format!(
                        "query option `{}` is not supported here; this list takes {supported}",
                        excerpt(name)
                    )));
                }
            }
        }
        Ok(options)
    }

    /// The value of the clause on `property`, if the filter has one.
    pub fn filter_value(&self, property: &str) -> Option<&str> {
        self.filter
            .iter()
            .find(|c| c.property == property)
            .map(|c| c.value.as_str())
    }

    /// The absolute URL of the page after the item with id `last`.
    pub fn next_link(&self, root: &ServiceRoot, path: &str, last: &str) -> String {
        let mut link = format!("{}?$top={}", root.url(path), self.top);
        if let Some(filter) = &self.raw_filter {
            link.push_str("&$filter=");
            link.push_str(&percent_encode(filter));
        }
        link.push_str("&$skiptoken=");
        link.push_str(&URL_SAFE_NO_PAD.encode(last.as_bytes()));
        link
    }

    /// One page of an in-memory list ordered by `id`: at most `top` items
    /// after the skip token, and the id of the last one if more follow.
    pub fn page<T>(&self, items: Vec<T>, id: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
        let mut rest: Vec<T> = items
            .into_iter()
            .filter(|item| self.after.as_ref().is_none_or(|after| id(item) > *after))
            .collect();
        let more = rest.len() > self.top;
        rest.truncate(self.top);
        let next = if more { rest.last().map(&id) } else { None };
        (rest, next)
    }
}

fn invalid_query(message: String) -> GraphError {
    GraphError::bad_request("invalid_query", message)
}

fn excerpt(text: &str) -> String {
    text.chars().take(64).collect()
}

fn parse_top(value: &str) -> Result<usize, GraphError> {
    value
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=MAX_TOP).contains(n))
        .ok_or_else(|| {
            invalid_query(format!(
                "`$top` must be a whole number from 1 to {MAX_TOP}, not `{}`",
                excerpt(value)
            ))
        })
}

/// A skip token is the base64url of the last id of the previous page.
fn decode_skip_token(value: &str) -> Result<String, GraphError> {
    URL_SAFE_NO_PAD
        .decode(value)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .filter(|id| uuid::Uuid::try_parse(id).is_ok())
        .ok_or_else(|| {
            GraphError::bad_request(
                "invalid_cursor",
                "`$skiptoken` must come from an `@odata.nextLink` of this API",
            )
        })
}

/// `a eq 'x' and b eq 'y'`: equality clauses on `filterable` properties
/// (the grammar is [`portcullis_domain::parse_graph_filter`]).
fn parse_filter(text: &str, filterable: &[&'static str]) -> Result<Vec<Clause>, GraphError> {
    portcullis_domain::parse_graph_filter(text, filterable).ok_or_else(|| {
        let names: Vec<String> = filterable.iter().map(|p| format!("`{p}`")).collect();
        invalid_query(format!(
            "`$filter` `{}` is not supported; use `property eq 'value'` clauses joined by `and` on {}",
            excerpt(text),
            names.join(", ")
        ))
    })
}

/// Percent-encodes all but the unreserved characters of RFC 3986.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROPS: &[&str] = &["status", "customer/tenantId"];

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
            .collect()
    }

    #[test]
    fn filter_reads_equality_clauses_joined_by_and() {
        let clauses =
            parse_filter("Status eq 'active' and customer/tenantid eq 'it''s'", PROPS).unwrap();
        assert_eq!(
            clauses,
            vec![
                Clause {
                    property: "status",
                    value: "active".into()
                },
                Clause {
                    property: "customer/tenantId",
                    value: "it's".into()
                },
            ]
        );
    }

    #[test]
    fn filter_refuses_what_it_does_not_understand() {
        for bad in [
            "",
            "status",
            "status eq active",
            "status ne 'active'",
            "status eq 'active' or status eq 'created'",
            "displayName eq 'x'",
            "status eq 'active' and status eq 'created'",
            "status eq 'active' and",
            "status eq 'active",
            "statuseq 'active'",
        ] {
            assert!(parse_filter(bad, PROPS).is_err(), "{bad}");
        }
    }

    #[test]
    fn top_is_1_to_300_and_unknown_options_are_refused() {
        assert_eq!(
            ListOptions::parse(&pairs(&[("$TOP", "300")]), PROPS)
                .unwrap()
                .top,
            300
        );
        assert_eq!(ListOptions::parse(&[], PROPS).unwrap().top, DEFAULT_TOP);
        for bad in [
            vec![("$top", "0")],
            vec![("$top", "301")],
            vec![("$top", "-1")],
            vec![("$select", "id")],
            vec![("limit", "5")],
            vec![("$top", "5"), ("$Top", "6")],
            vec![("$skiptoken", "not-ours")],
        ] {
            assert!(ListOptions::parse(&pairs(&bad), PROPS).is_err(), "{bad:?}");
        }
        assert!(ListOptions::parse(&pairs(&[("$filter", "status eq 'active'")]), &[]).is_err());
    }

    #[test]
    fn next_link_carries_top_filter_and_an_opaque_token() {
        let options = ListOptions::parse(
            &pairs(&[("$top", "2"), ("$filter", "status eq 'active'")]),
            PROPS,
        )
        .unwrap();
        let id = "0190a5a8-5f3e-7000-8000-000000000001";
        let link = options.next_link(&ServiceRoot("http://h:1".into()), "/v1.0/x", id);
        assert!(
            link.starts_with(
                "http://h:1/v1.0/x?$top=2&$filter=status%20eq%20%27active%27&$skiptoken="
            ),
            "{link}"
        );
        assert!(!link.contains(id), "{link}");
        let token = link.rsplit_once('=').unwrap().1;
        let again = ListOptions::parse(&pairs(&[("$skiptoken", token)]), PROPS).unwrap();
        assert_eq!(again.after.as_deref(), Some(id));
    }

    #[test]
    fn in_memory_pages_follow_the_token() {
        let options = ListOptions::parse(&pairs(&[("$top", "2")]), &[]).unwrap();
        let (first, next) = options.page(vec![1, 2, 3], |n| n.to_string());
        assert_eq!((first, next.as_deref()), (vec![1, 2], Some("2")));
        let (all, none) = options.page(vec![1, 2], |n| n.to_string());
        assert_eq!((all, none), (vec![1, 2], None));
    }
}

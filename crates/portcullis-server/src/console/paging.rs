//! Reading every page of a listing, up to a cap, for the overview's counts.

/// The most items an overview card reads before it says "at least".
pub const CAP: usize = 2_000;

/// `(items, capped)`: every item `$fetch` lists for `&$page`, page by page,
/// until the end or [`CAP`] (then `capped` is true). A macro rather than a
/// function over an async closure, whose future the router could not prove
/// `Send`.
macro_rules! collect_all {
    (|$page:ident| $fetch:expr) => {{
        let mut items = Vec::new();
        let mut after = None;
        let mut capped = false;
        loop {
            let $page = portcullis_domain::PageRequest::new(
                Some(portcullis_domain::PageRequest::MAX_LIMIT),
                after,
            )
            .map_err(portcullis_service::ServiceError::from)?;
            let got = $fetch.await?;
            items.extend(got.items);
            match got.next {
                Some(cursor) if items.len() < $crate::console::paging::CAP => after = Some(cursor),
                Some(_) => {
                    capped = true;
                    break;
                }
                None => break,
            }
        }
        (items, capped)
    }};
}

pub(crate) use collect_all;

/// A list's address with its filters (blank ones left out) and, when
/// given, the cursor of the page to show.
pub fn link(path: &str, filters: &[(&str, Option<&str>)], cursor: Option<&str>) -> String {
    let mut pairs: Vec<String> = filters
        .iter()
        .filter_map(|(name, value)| {
            let value = value.filter(|v| !v.trim().is_empty())?;
            Some(format!("{name}={}", encode(value)))
        })
        .collect();
    if let Some(cursor) = cursor {
        pairs.push(format!("cursor={}", encode(cursor)));
    }
    if pairs.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", pairs.join("&"))
    }
}

/// Percent-encodes a query value (everything but unreserved characters).
pub fn encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            other => format!("%{other:02X}"),
        })
        .collect()
}

/// A filter value with blanks read as absent.
pub fn blank_as_none(value: Option<&String>) -> Option<String> {
    value.filter(|v| !v.trim().is_empty()).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_keep_filters_encode_them_and_drop_blanks() {
        assert_eq!(
            link(
                "/audit",
                &[("operation", Some("a b&c")), ("actor", Some(" "))],
                Some("x=")
            ),
            "/audit?operation=a%20b%26c&cursor=x%3D"
        );
        assert_eq!(link("/audit", &[("actor", None)], None), "/audit");
    }
}

//! Tables that sort, filter and page on the server, through the query
//! string alone (so they work without JavaScript and a view can be
//! bookmarked): a column header is a link that sorts by it (a second
//! click reverses), filters are a GET form, and `page` picks a slice.
//!
//! The rows are the principal's own records as the use case returns them
//! (capped at [`super::paging::CAP`]); sorting and slicing them here keeps
//! every listing's order the same whatever the store's keyset order is.
//! When the cap stops the read, the page says so above the table
//! ([`Pager::cover`]): sorting, filtering and paging then cover only the
//! records read, and the page names which ones (the most recent events,
//! the relationships created first).

use std::cmp::Ordering;

use super::paging::encode;

/// Rows per page.
pub const PAGE_ROWS: usize = 25;

/// A page's address with its query: `path?name=value&…`, blanks left out.
pub fn href(path: &str, pairs: &[(&str, &str)]) -> String {
    let query: Vec<String> = pairs
        .iter()
        .filter(|(_, value)| !value.is_empty())
        .map(|(name, value)| format!("{name}={}", encode(value)))
        .collect();
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", query.join("&"))
    }
}

/// The requested order: a column key and a direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    pub key: String,
    pub descending: bool,
}

impl Sort {
    /// The order the query asks for, if `key` is one of `keys`; `default` otherwise.
    pub fn parse(
        key: Option<&str>,
        dir: Option<&str>,
        keys: &[&str],
        default: (&str, bool),
    ) -> Self {
        match key.filter(|k| keys.contains(k)) {
            Some(key) => Self {
                key: key.to_owned(),
                descending: dir == Some("desc"),
            },
            None => Self {
                key: default.0.to_owned(),
                descending: default.1,
            },
        }
    }

    /// Sorts `rows` by `compare` for this order (stable).
    pub fn apply<T>(&self, rows: &mut [T], compare: impl Fn(&str, &T, &T) -> Ordering) {
        rows.sort_by(|a, b| {
            let order = compare(&self.key, a, b);
            if self.descending {
                order.reverse()
            } else {
                order
            }
        });
    }

    fn dir(&self) -> &'static str {
        if self.descending { "desc" } else { "asc" }
    }
}

/// One column header: its label and, when sortable, the link that sorts by it.
#[derive(Debug, Clone)]
pub struct Column {
    pub label: &'static str,
    pub href: Option<String>,
    /// `ascending`, `descending` or `none` (for `aria-sort`), on sortable columns.
    pub aria_sort: &'static str,
    /// `▲`, `▼` or nothing.
    pub arrow: &'static str,
}

/// The headers of a table at `path`: `(label, Some(key))` sorts by `key`,
/// `(label, None)` does not; each link keeps the `filters`.
pub fn columns(
    path: &str,
    filters: &[(&str, &str)],
    sort: &Sort,
    defs: &[(&'static str, Option<&'static str>)],
) -> Vec<Column> {
    defs.iter()
        .map(|(label, key)| match key {
            None => Column {
                label,
                href: None,
                aria_sort: "none",
                arrow: "",
            },
            Some(key) => {
                let current = sort.key == *key;
                let next_dir = if current && !sort.descending {
                    "desc"
                } else {
                    "asc"
                };
                let mut pairs = filters.to_vec();
                pairs.push(("sort", key));
                pairs.push(("dir", next_dir));
                let (aria_sort, arrow) = match (current, sort.descending) {
                    (true, false) => ("ascending", "▲"),
                    (true, true) => ("descending", "▼"),
                    (false, _) => ("none", ""),
                };
                Column {
                    label,
                    href: Some(href(path, &pairs)),
                    aria_sort,
                    arrow,
                }
            }
        })
        .collect()
}

/// Where a table is in its rows, with links to its neighbours.
#[derive(Debug, Clone)]
pub struct Pager {
    pub page: usize,
    pub pages: usize,
    pub total: usize,
    /// `true` when the listing stopped at the cap: the total is "at least".
    pub capped: bool,
    /// When capped: which records the sort, the filters and the pages
    /// cover ("the 2,000 most recent events"), said above the table.
    pub cover: Option<String>,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// Names the records a capped table covers (`what`, such as "the
    /// 2,000 relationships created first"); nothing when not capped.
    pub fn covering(mut self, what: impl Into<String>) -> Self {
        if self.capped {
            self.cover = Some(what.into());
        }
        self
    }
}

/// `2,000`: a count as the pages write it.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Page `page` (1-based) of `rows`, and the pager whose links keep
/// `filters` and `sort`.
pub fn slice<T>(
    rows: Vec<T>,
    page: Option<usize>,
    path: &str,
    filters: &[(&str, &str)],
    sort: &Sort,
    capped: bool,
) -> (Vec<T>, Pager) {
    let total = rows.len();
    let pages = total.div_ceil(PAGE_ROWS).max(1);
    let page = page.unwrap_or(1).clamp(1, pages);
    let link = |to: usize| {
        let number = to.to_string();
        let mut pairs = filters.to_vec();
        pairs.push(("sort", &sort.key));
        pairs.push(("dir", sort.dir()));
        pairs.push(("page", &number));
        href(path, &pairs)
    };
    let pager = Pager {
        page,
        pages,
        total,
        capped,
        cover: capped.then(|| format!("the first {} records read", thousands(super::paging::CAP))),
        prev: (page > 1).then(|| link(page - 1)),
        next: (page < pages).then(|| link(page + 1)),
    };
    let rows = rows
        .into_iter()
        .skip((page - 1) * PAGE_ROWS)
        .take(PAGE_ROWS)
        .collect();
    (rows, pager)
}

/// Whether `text` contains `needle`, ignoring case; a blank needle matches all.
pub fn matches(text: &str, needle: &str) -> bool {
    let needle = needle.trim();
    needle.is_empty() || text.to_lowercase().contains(&needle.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_link_to_their_sort_and_keep_the_filters() {
        let sort = Sort::parse(Some("name"), None, &["name", "added"], ("added", true));
        let cols = columns(
            "/groups",
            &[("q", "a b")],
            &sort,
            &[
                ("Name", Some("name")),
                ("Added", Some("added")),
                ("Members", None),
            ],
        );
        assert_eq!(
            cols[0].href.as_deref(),
            Some("/groups?q=a%20b&sort=name&dir=desc")
        );
        assert_eq!((cols[0].aria_sort, cols[0].arrow), ("ascending", "▲"));
        assert_eq!(
            cols[1].href.as_deref(),
            Some("/groups?q=a%20b&sort=added&dir=asc")
        );
        assert_eq!(cols[1].aria_sort, "none");
        assert!(cols[2].href.is_none());
    }

    #[test]
    fn an_unknown_sort_key_falls_back_to_the_default() {
        let sort = Sort::parse(Some("secret"), Some("desc"), &["name"], ("name", false));
        assert_eq!(
            sort,
            Sort {
                key: "name".to_owned(),
                descending: false
            }
        );
        let mut rows = vec![2, 3, 1];
        Sort {
            key: "n".to_owned(),
            descending: true,
        }
        .apply(&mut rows, |_, a, b| a.cmp(b));
        assert_eq!(rows, [3, 2, 1]);
    }

    #[test]
    fn pages_slice_the_rows_and_link_their_neighbours() {
        let sort = Sort::parse(None, None, &["n"], ("n", false));
        let rows: Vec<usize> = (0..60).collect();
        let (page, pager) = slice(rows, Some(2), "/activity", &[("user", "u")], &sort, false);
        assert_eq!(page.first(), Some(&25));
        assert_eq!(page.len(), 25);
        assert_eq!((pager.page, pager.pages, pager.total), (2, 3, 60));
        assert_eq!(
            pager.prev.as_deref(),
            Some("/activity?user=u&sort=n&dir=asc&page=1")
        );
        assert_eq!(
            pager.next.as_deref(),
            Some("/activity?user=u&sort=n&dir=asc&page=3")
        );
        assert!(pager.cover.is_none() && pager.covering("x").cover.is_none());
        let (_, capped) = slice((0..60).collect::<Vec<_>>(), None, "/x", &[], &sort, true);
        assert_eq!(
            capped.cover.as_deref(),
            Some("the first 2,000 records read")
        );
        assert_eq!(
            capped.covering("the 2,000 newest").cover.as_deref(),
            Some("the 2,000 newest")
        );
        assert_eq!(
            (thousands(7), thousands(2000), thousands(1234567)),
            ("7".to_owned(), "2,000".to_owned(), "1,234,567".to_owned())
        );
        let (_, last) = slice((0..3).collect::<Vec<_>>(), Some(9), "/x", &[], &sort, false);
        assert_eq!(
            (last.page, last.next.is_none(), last.prev.is_none()),
            (1, true, true)
        );
    }
}

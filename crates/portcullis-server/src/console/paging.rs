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

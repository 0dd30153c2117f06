//! Keyset paging, written once: a list reads the rows after the page's
//! cursor in key order, `limit + 1` of them, and the extra row only tells
//! that another page exists (its key becomes the next cursor).

use portcullis_domain::{Page, PageRequest};
use sqlx::any::AnyRow;

use crate::StoreError;

/// How one page is read: the key it starts after, and how many rows.
#[derive(Debug, Clone)]
pub(crate) struct Keyset<K> {
    after: Option<K>,
    limit: u32,
}

impl<K: Clone> Keyset<K> {
    /// Reads the cursor with `parse`; a cursor it refuses was never handed
    /// out by this store.
    pub(crate) fn new(
        page: &PageRequest,
        parse: impl FnOnce(&str) -> Option<K>,
    ) -> Result<Self, StoreError> {
        let after = page
            .after()
            .map(|cursor| {
                parse(&cursor.0).ok_or_else(|| StoreError::InvalidCursor(cursor.0.clone()))
            })
            .transpose()?;
        Ok(Self {
            after,
            limit: page.limit(),
        })
    }

    /// The key the page starts after (`None` on the first page).
    pub(crate) fn after(&self) -> Option<K> {
        self.after.clone()
    }

    /// How many rows to read: one more than the page holds.
    pub(crate) fn fetch(&self) -> i64 {
        i64::from(self.limit) + 1
    }

    /// The page of the rows read, each mapped by `from_row`; `key` gives the
    /// cursor of the last one kept when more rows follow.
    pub(crate) fn page<T>(
        &self,
        rows: &[AnyRow],
        from_row: impl Fn(&AnyRow) -> Result<T, StoreError>,
        key: impl Fn(&T) -> String,
    ) -> Result<Page<T>, StoreError> {
        let items = rows.iter().map(from_row).collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_rows(items, self.limit, key))
    }
}

impl Keyset<String> {
    /// Pages ordered by a UUID key, compared in its hyphenated form.
    pub(crate) fn by_id(page: &PageRequest) -> Result<Self, StoreError> {
        Self::new(page, |raw| {
            uuid::Uuid::try_parse(raw)
                .ok()
                .map(|id| id.hyphenated().to_string())
        })
    }
}

impl Keyset<i64> {
    /// Pages ordered by a sequence number.
    pub(crate) fn by_seq(page: &PageRequest) -> Result<Self, StoreError> {
        Self::new(page, |raw| raw.parse().ok())
    }
}

#[cfg(test)]
mod tests {
    use portcullis_domain::Cursor;

    use super::*;

    #[test]
    fn a_first_page_starts_nowhere_and_reads_one_row_more() {
        let keys = Keyset::by_id(&PageRequest::first(10)).unwrap();
        assert_eq!(keys.after(), None);
        assert_eq!(keys.fetch(), 11);
    }

    #[test]
    fn cursors_are_read_by_their_key_kind_and_foreign_ones_refused() {
        let id = "0190F3E4-7A2B-7C3D-8E4F-000000000001";
        let page = PageRequest::new(Some(5), Some(Cursor(id.into()))).unwrap();
        assert_eq!(
            Keyset::by_id(&page).unwrap().after(),
            Some(id.to_lowercase())
        );
        assert!(matches!(
            Keyset::by_seq(&page),
            Err(StoreError::InvalidCursor(c)) if c == id
        ));
        let seq = PageRequest::new(Some(5), Some(Cursor("42".into()))).unwrap();
        assert_eq!(Keyset::by_seq(&seq).unwrap().after(), Some(42));
    }
}

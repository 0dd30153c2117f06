//! Query tokens already looked up. Applicants' names repeat (given names
//! and common surnames above all), and looking a token up in the index —
//! its readings, its phonetic and deletion neighbours, each checked — is
//! a good part of screening one name; a bounded cache keeps the last few
//! thousand lookups. Emptied whole when full: no bookkeeping per hit.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use foldhash::fast::FixedState;

use crate::candidates::QueryToken;
use crate::index::TokenIndex;

/// Most tokens kept (a few kilobytes each at most).
const CAPACITY: usize = 8_192;

#[derive(Default)]
pub(crate) struct QueryCache {
    tokens: Mutex<HashMap<String, Arc<QueryToken>, FixedState>>,
}

impl QueryCache {
    /// `text` looked up in `index`, from the cache when it was looked up
    /// before.
    /// (Shared: a query that changes its copy gets its own.)
    pub(crate) fn token(&self, index: &TokenIndex, text: String) -> Arc<QueryToken> {
        if let Ok(tokens) = self.tokens.lock()
            && let Some(found) = tokens.get(&text)
        {
            return Arc::clone(found);
        }
        let token = Arc::new(QueryToken::new(index, text));
        if let Ok(mut tokens) = self.tokens.lock() {
            if tokens.len() >= CAPACITY {
                tokens.clear();
            }
            tokens.insert(token.text.clone(), Arc::clone(&token));
        }
        token
    }
}

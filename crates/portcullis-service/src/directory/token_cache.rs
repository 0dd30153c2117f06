//! Recently authenticated tokens, so that a request does not read the store
//! to authenticate. An entry lives at most [`TTL`]; revoking a token, or
//! deleting a tenant, on this node empties the cache at once, and on other
//! nodes as soon as the change feed reaches them (milliseconds on
//! PostgreSQL). Expiry is checked on every use.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::{Duration, Instant};

use portcullis_domain::ApiToken;

/// The longest a cached token is trusted without reading the store.
pub const TTL: Duration = Duration::from_secs(30);
/// The most tokens kept; a full cache starts over.
const CAPACITY: usize = 10_000;

#[derive(Debug, Default)]
pub struct TokenCache {
    entries: RwLock<HashMap<String, (ApiToken, Instant)>>,
}

impl TokenCache {
    /// The token whose secret hashes to `hash`, if cached and fresh.
    pub fn get(&self, hash: &str) -> Option<ApiToken> {
        let entries = self.entries.read().ok()?;
        let (token, at) = entries.get(hash)?;
        (at.elapsed() < TTL).then(|| token.clone())
    }

    pub fn put(&self, hash: String, token: ApiToken) {
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= CAPACITY {
                entries.clear();
            }
            entries.insert(hash, (token, Instant::now()));
        }
    }

    /// Forgets every token (after a revocation anywhere).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }
}

//! §8.2 Pagination: opaque tokens. A token holds where the next page
//! starts (after the last result given) and a digest of the request it was
//! issued for, everything but `page.token`; a request whose entities or
//! limit changed mid-pagination is refused, as §8.2 says a PDP SHOULD.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use super::reply::AuthzenError;
use super::wire::PageRequest;

/// Results per page when the request names no `page.limit`.
pub const DEFAULT_LIMIT: usize = 50;

/// The page a search request asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paging {
    /// Where the page starts: after this result (its id or name).
    pub after: Option<String>,
    pub limit: usize,
    /// The digest of the request, for the next token.
    digest: String,
}

impl Paging {
    /// Reads `page` of the request `raw`: the limit (default
    /// [`DEFAULT_LIMIT`], at most `max`) and the token, checked against
    /// the request.
    pub fn read(raw: &Value, page: Option<&PageRequest>, max: usize) -> Result<Self, AuthzenError> {
        let digest = digest(raw);
        let limit = page.and_then(|p| p.limit).map_or(DEFAULT_LIMIT, |l| {
            usize::try_from(l).unwrap_or(max).min(max)
        });
        let token = page
            .and_then(|p| p.token.as_deref())
            .filter(|t| !t.is_empty());
        let after = match token {
            None => None,
            Some(token) => {
                let (issued_for, after) = URL_SAFE_NO_PAD
                    .decode(token)
                    .ok()
                    .and_then(|bytes| String::from_utf8(bytes).ok())
                    .and_then(|text| {
                        text.split_once('.')
                            .map(|(d, a)| (d.to_owned(), a.to_owned()))
                    })
                    .ok_or_else(|| {
                        AuthzenError::bad_request(
                            "`page.token` must be a `next_token` of a previous response",
                        )
                    })?;
                if issued_for != digest {
                    return Err(AuthzenError::bad_request(
                        "`page.token` was issued for another request: the entities, context and `page.limit` must stay the same while paging",
                    ));
                }
                Some(after).filter(|a| !a.is_empty())
            }
        };
        Ok(Self {
            after,
            limit,
            digest,
        })
    }

    /// The `next_token` of a page whose last result is `last` (or that
    /// has none): empty when no more results follow.
    pub fn next_token(&self, more: bool, last: Option<String>) -> String {
        if !more {
            return String::new();
        }
        let after = last.or_else(|| self.after.clone()).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(format!("{}.{after}", self.digest))
    }
}

/// A digest of the request without `page.token`, over a canonical form
/// (object keys sorted), so that member order does not matter (§10.1.1).
fn digest(raw: &Value) -> String {
    let mut request = raw.clone();
    if let Some(page) = request.get_mut("page").and_then(Value::as_object_mut) {
        page.remove("token");
    }
    let mut text = String::new();
    canonical(&request, &mut text);
    let hash = Sha256::digest(text.as_bytes());
    hash.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

fn canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (n, key) in keys.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                if let Some(v) = map.get(key) {
                    canonical(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                canonical(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(raw: &Value) -> Result<Paging, AuthzenError> {
        let page: Option<PageRequest> = raw
            .get("page")
            .map(|p| serde_json::from_value(p.clone()).unwrap());
        Paging::read(raw, page.as_ref(), 1_000)
    }

    #[test]
    fn a_token_continues_the_same_request_whatever_its_member_order() {
        let first =
            json!({"subject": {"type": "user"}, "action": {"name": "a"}, "page": {"limit": 2}});
        let paging = read(&first).unwrap();
        assert_eq!((paging.after.clone(), paging.limit), (None, 2));
        let token = paging.next_token(true, Some("u1".to_owned()));
        assert!(!token.is_empty());
        let next = json!({"page": {"token": token, "limit": 2}, "action": {"name": "a"}, "subject": {"type": "user"}});
        assert_eq!(read(&next).unwrap().after.as_deref(), Some("u1"));
        assert_eq!(paging.next_token(false, Some("u1".to_owned())), "");
    }

    #[test]
    fn a_token_for_another_request_or_not_ours_is_refused() {
        let paging = read(&json!({"action": {"name": "a"}})).unwrap();
        let token = paging.next_token(true, Some("x".to_owned()));
        for changed in [
            json!({"action": {"name": "b"}, "page": {"token": token}}),
            json!({"action": {"name": "a"}, "page": {"token": token, "limit": 3}}),
            json!({"action": {"name": "a"}, "page": {"token": "not a token"}}),
        ] {
            let err = read(&changed).unwrap_err();
            assert_eq!(err.status, axum::http::StatusCode::BAD_REQUEST, "{changed}");
        }
    }

    #[test]
    fn the_limit_defaults_and_is_capped() {
        assert_eq!(read(&json!({})).unwrap().limit, DEFAULT_LIMIT);
        assert_eq!(
            read(&json!({"page": {"limit": 5000}})).unwrap().limit,
            1_000
        );
        assert_eq!(read(&json!({"page": {"limit": 0}})).unwrap().limit, 0);
    }
}

//! A TAXII 2.1 client: discovery, API root collections, and pulling a
//! collection's objects with `added_after`, following the pages (`more` with
//! `next`, else the `X-TAXII-Date-Added-Last` header).
//!
//! HTTPS servers are verified with rustls against the bundled Mozilla roots.

use std::time::Duration;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};
use reqwest::{Response, StatusCode};
use serde::Deserialize;
use serde_json::Value;

use crate::import::{ImportReport, MAX_IMPORT_BYTES, RecordAt, parse_stix_objects};

/// The TAXII 2.1 media type.
const TAXII_MEDIA_TYPE: &str = "application/taxii+json;version=2.1";

/// The most pages one pull follows.
pub const MAX_PAGES: usize = 10_000;

/// Why a TAXII request failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxiiError {
    /// 401: no or wrong credentials.
    #[error("unauthorized at `{0}`: check the TAXII user name and password")]
    Unauthorized(String),
    /// 403: the credentials may not read this.
    #[error("forbidden at `{0}`: the TAXII user may not read it")]
    Forbidden(String),
    /// 404: no such API root or collection.
    #[error("not found: `{0}`")]
    NotFound(String),
    /// Another unsuccessful status.
    #[error("`{url}` answered {status}: {detail}")]
    Status {
        /// The URL asked.
        url: String,
        /// The HTTP status code.
        status: u16,
        /// The start of the body.
        detail: String,
    },
    /// A success without the TAXII media type.
    #[error("`{url}` answered with content type `{found}`, not `application/taxii+json`")]
    ContentType {
        /// The URL asked.
        url: String,
        /// The content type received.
        found: String,
    },
    /// A body that is not the expected JSON.
    #[error("`{url}` answered with invalid TAXII json: {reason}")]
    Json {
        /// The URL asked.
        url: String,
        /// What the JSON parser said.
        reason: String,
    },
    /// A body over the size cap.
    #[error("`{url}` answered with more than {max} bytes")]
    TooLarge {
        /// The URL asked.
        url: String,
        /// The cap.
        max: usize,
    },
    /// The connection failed or timed out.
    #[error("cannot reach `{url}`: {reason}")]
    Http {
        /// The URL asked.
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// The server's paging did not progress.
    #[error("paging failed at `{url}`: {reason}")]
    Paging {
        /// The URL asked.
        url: String,
        /// What went wrong.
        reason: String,
    },
}

/// A server's discovery resource.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Discovery {
    /// The server's title.
    pub title: String,
    /// The default API root URL.
    #[serde(default)]
    pub default: Option<String>,
    /// The API root URLs.
    #[serde(default)]
    pub api_roots: Vec<String>,
}

/// A collection of an API root.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Collection {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Whether the user may read it.
    pub can_read: bool,
}

#[derive(Deserialize)]
struct Collections {
    #[serde(default)]
    collections: Vec<Collection>,
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    more: bool,
    #[serde(default)]
    next: Option<String>,
    #[serde(default)]
    objects: Vec<Value>,
}

/// The objects of one pull.
#[derive(Debug, Clone, PartialEq)]
pub struct Pull {
    /// The STIX objects, in the order received.
    pub objects: Vec<Value>,
    /// How many pages were fetched.
    pub pages: usize,
    /// The last `X-TAXII-Date-Added-Last` seen: the `added_after` of the
    /// next pull.
    pub added_last: Option<String>,
}

impl Pull {
    /// Imports the pulled objects (positions are indexes into `objects`).
    #[must_use]
    pub fn import(self) -> ImportReport {
        parse_stix_objects(
            self.objects
                .into_iter()
                .enumerate()
                .map(|(n, object)| (RecordAt::Object(n), object)),
        )
    }
}

/// The page size asked for unless [`TaxiiClient::with_page_size`] says otherwise.
pub const DEFAULT_PAGE_SIZE: u32 = 100;

/// A TAXII 2.1 client.
#[derive(Debug, Clone)]
pub struct TaxiiClient {
    http: reqwest::Client,
    credentials: Option<(String, String)>,
    page_size: Option<u32>,
}

impl TaxiiClient {
    /// A client with a 10 s connect and 60 s request timeout, asking for
    /// pages of [`DEFAULT_PAGE_SIZE`] objects. A `limit` is always sent:
    /// medallion 3.0.0 (the OASIS reference server) fails with a 500 when it
    /// follows a `next` cursor without one.
    ///
    /// # Errors
    ///
    /// [`TaxiiError::Http`] when the HTTP client cannot be built.
    pub fn new() -> Result<Self, TaxiiError> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| TaxiiError::Http {
                url: String::new(),
                reason: e.to_string(),
            })?;
        Ok(Self {
            http,
            credentials: None,
            page_size: Some(DEFAULT_PAGE_SIZE),
        })
    }

    /// Sends HTTP basic authentication.
    #[must_use]
    pub fn with_basic_auth(mut self, user: &str, password: &str) -> Self {
        self.credentials = Some((user.to_owned(), password.to_owned()));
        self
    }

    /// Asks for pages of at most `limit` objects (the server may send fewer).
    #[must_use]
    pub fn with_page_size(mut self, limit: u32) -> Self {
        self.page_size = Some(limit);
        self
    }

    /// Reads the discovery resource, e.g. `https://host/taxii2/`.
    ///
    /// # Errors
    ///
    /// A [`TaxiiError`] for an HTTP failure, an error status, a wrong
    /// content type or invalid JSON.
    pub async fn discovery(&self, url: &str) -> Result<Discovery, TaxiiError> {
        let (body, _) = self.get(url, &[]).await?;
        json(url, &body)
    }

    /// Lists the collections of an API root.
    ///
    /// # Errors
    ///
    /// As [`discovery`](Self::discovery).
    pub async fn collections(&self, api_root: &str) -> Result<Vec<Collection>, TaxiiError> {
        let url = format!("{}/collections/", api_root.trim_end_matches('/'));
        let (body, _) = self.get(&url, &[]).await?;
        json::<Collections>(&url, &body).map(|c| c.collections)
    }

    /// Pulls every object of a collection added after `added_after` (a
    /// TAXII timestamp; `None` for all), following the pages.
    ///
    /// # Errors
    ///
    /// As [`discovery`](Self::discovery), and [`TaxiiError::Paging`] when the
    /// server says there is more without a way to ask for it, repeats a
    /// cursor, or goes past [`MAX_PAGES`].
    pub async fn pull(
        &self,
        api_root: &str,
        collection_id: &str,
        added_after: Option<&str>,
    ) -> Result<Pull, TaxiiError> {
        let url = format!(
            "{}/collections/{collection_id}/objects/",
            api_root.trim_end_matches('/')
        );
        let mut objects = Vec::new();
        let mut added_after = added_after.map(str::to_owned);
        let mut next: Option<String> = None;
        let mut added_last = None;
        for page in 1..=MAX_PAGES {
            let mut query: Vec<(&str, String)> = Vec::new();
            if let Some(limit) = self.page_size {
                query.push(("limit", limit.to_string()));
            }
            if let Some(after) = &added_after {
                query.push(("added_after", after.clone()));
            }
            if let Some(next) = &next {
                query.push(("next", next.clone()));
            }
            let (body, headers) = self.get(&url, &query).await?;
            let envelope: Envelope = json(&url, &body)?;
            let last = headers
                .get("X-TAXII-Date-Added-Last")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let received = envelope.objects.len();
            objects.extend(envelope.objects);
            if last.is_some() {
                added_last.clone_from(&last);
            }
            if !envelope.more {
                return Ok(Pull {
                    objects,
                    pages: page,
                    added_last,
                });
            }
            let paging = |reason: &str| TaxiiError::Paging {
                url: url.clone(),
                reason: reason.to_owned(),
            };
            if received == 0 {
                return Err(paging("an empty page said `more`"));
            }
            // The `next` token may stay the same from page to page (medallion
            // keeps one per result set); the page count bounds the loop.
            match (envelope.next, last) {
                (Some(cursor), _) => next = Some(cursor),
                (None, Some(last)) if added_after.as_ref() == Some(&last) => {
                    return Err(paging("the server repeated `X-TAXII-Date-Added-Last`"));
                }
                (None, Some(last)) => {
                    next = None;
                    added_after = Some(last);
                }
                (None, None) => {
                    return Err(paging("`more` without `next` or `X-TAXII-Date-Added-Last`"));
                }
            }
        }
        Err(TaxiiError::Paging {
            url,
            reason: format!("more than {MAX_PAGES} pages"),
        })
    }

    /// GETs `url` as TAXII: checks the status and content type and reads
    /// at most [`MAX_IMPORT_BYTES`] of body.
    async fn get(
        &self,
        url: &str,
        query: &[(&str, String)],
    ) -> Result<(Vec<u8>, HeaderMap), TaxiiError> {
        let mut request = self
            .http
            .get(url)
            .header(ACCEPT, TAXII_MEDIA_TYPE)
            .query(query);
        if let Some((user, password)) = &self.credentials {
            request = request.basic_auth(user, Some(password));
        }
        let http_error = |e: reqwest::Error| TaxiiError::Http {
            url: url.to_owned(),
            reason: e.to_string(),
        };
        let response = request.send().await.map_err(http_error)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = read_capped(url, response).await?;
        match status {
            StatusCode::UNAUTHORIZED => return Err(TaxiiError::Unauthorized(url.to_owned())),
            StatusCode::FORBIDDEN => return Err(TaxiiError::Forbidden(url.to_owned())),
            StatusCode::NOT_FOUND => return Err(TaxiiError::NotFound(url.to_owned())),
            status if !status.is_success() => {
                let detail: String = String::from_utf8_lossy(&body).chars().take(200).collect();
                return Err(TaxiiError::Status {
                    url: url.to_owned(),
                    status: status.as_u16(),
                    detail,
                });
            }
            _ => {}
        }
        let content_type = headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        if !content_type
            .to_ascii_lowercase()
            .starts_with("application/taxii+json")
        {
            return Err(TaxiiError::ContentType {
                url: url.to_owned(),
                found: content_type,
            });
        }
        Ok((body, headers))
    }
}

async fn read_capped(url: &str, mut response: Response) -> Result<Vec<u8>, TaxiiError> {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > MAX_IMPORT_BYTES {
                    return Err(TaxiiError::TooLarge {
                        url: url.to_owned(),
                        max: MAX_IMPORT_BYTES,
                    });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(TaxiiError::Http {
                    url: url.to_owned(),
                    reason: e.to_string(),
                });
            }
        }
    }
}

fn json<T: serde::de::DeserializeOwned>(url: &str, body: &[u8]) -> Result<T, TaxiiError> {
    serde_json::from_slice(body).map_err(|e| TaxiiError::Json {
        url: url.to_owned(),
        reason: e.to_string(),
    })
}

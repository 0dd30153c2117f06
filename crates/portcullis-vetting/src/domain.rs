//! The applicant's website domain, parsed and validated.

use std::fmt;
use std::net::IpAddr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Longest domain name in its textual form, without the final dot (RFC 1035 §2.3.4).
const MAX_NAME_LEN: usize = 253;
/// Longest label (RFC 1035 §2.3.4).
const MAX_LABEL_LEN: usize = 63;

/// Why a domain was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Nothing but white space was given.
    #[error("the domain is empty")]
    Empty,
    /// An IP address was given where a domain name is required.
    #[error("`{0}` is an IP address, not a domain name")]
    IpAddress(String),
    /// A URL, e-mail address or other text that is not a bare domain name.
    #[error("`{0}` is not a bare domain name (no scheme, port, path or `@`)")]
    NotBare(String),
    /// IDNA processing failed (invalid Unicode in a label, bad Punycode, ...).
    #[error("`{0}` is not a valid internationalized domain name")]
    Idna(String),
    /// The name is longer than 253 characters once in ASCII.
    #[error("`{0}` is longer than 253 characters")]
    TooLong(String),
    /// An empty label (`a..b`, a leading dot).
    #[error("`{0}` has an empty label")]
    EmptyLabel(String),
    /// A label longer than 63 characters.
    #[error("label `{label}` of `{domain}` is longer than 63 characters")]
    LabelTooLong {
        /// The whole domain.
        domain: String,
        /// The offending label.
        label: String,
    },
    /// A label with a character other than a letter, digit or hyphen, or with
    /// a hyphen at either end.
    #[error("label `{label}` of `{domain}` must be letters, digits and inner hyphens")]
    BadLabel {
        /// The whole domain.
        domain: String,
        /// The offending label.
        label: String,
    },
    /// A single label such as `localhost`.
    #[error("`{0}` has a single label; a registered domain is required")]
    SingleLabel(String),
    /// The top-level domain is not in the Public Suffix List.
    #[error("`{0}` is not under a known public suffix")]
    UnknownSuffix(String),
    /// The name is itself a public suffix (`com`, `co.uk`, `github.io`).
    #[error("`{0}` is a public suffix, not a registrable domain")]
    PublicSuffix(String),
}

/// A website domain that passed validation: lowercase ASCII (IDNA A-labels),
/// letters, digits and hyphens in labels of 1 to 63 characters, at most 253
/// characters, not an IP address, under a known public suffix and not a
/// public suffix itself.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WebsiteDomain {
    ascii: String,
    registrable_start: usize,
}

impl WebsiteDomain {
    /// Parses and normalizes a domain: trims white space and one final dot,
    /// lowercases, converts Unicode labels to Punycode, and checks the rules
    /// listed on the type.
    ///
    /// # Errors
    /// A [`DomainError`] saying which rule the input broke.
    pub fn parse(input: &str) -> Result<Self, DomainError> {
        let trimmed = input.trim();
        let trimmed = trimmed.strip_suffix('.').unwrap_or(trimmed);
        if trimmed.is_empty() {
            return Err(DomainError::Empty);
        }
        let unbracketed = trimmed.trim_start_matches('[').trim_end_matches(']');
        if unbracketed.parse::<IpAddr>().is_ok() {
            return Err(DomainError::IpAddress(trimmed.to_owned()));
        }
        if trimmed
            .chars()
            .any(|c| c.is_whitespace() || matches!(c, '/' | ':' | '@' | '?' | '#' | '[' | ']'))
        {
            return Err(DomainError::NotBare(trimmed.to_owned()));
        }
        let ascii =
            idna::domain_to_ascii(trimmed).map_err(|_| DomainError::Idna(trimmed.to_owned()))?;
        check_syntax(&ascii)?;
        let registrable_start = registrable_start(&ascii)?;
        Ok(Self {
            ascii,
            registrable_start,
        })
    }

    /// The normalized domain (lowercase ASCII, no final dot).
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.ascii
    }

    /// The registrable domain ("eTLD+1"): `example.co.uk` for
    /// `shop.example.co.uk`.
    #[must_use]
    pub fn registrable_domain(&self) -> &str {
        self.ascii
            .get(self.registrable_start..)
            .unwrap_or(&self.ascii)
    }

    /// Whether `self` is `other` or a subdomain of it (label-wise: `badexample.com`
    /// is not under `example.com`).
    #[must_use]
    pub fn is_within(&self, other: &WebsiteDomain) -> bool {
        self.ascii == other.ascii
            || self
                .ascii
                .strip_suffix(other.as_str())
                .is_some_and(|head| head.ends_with('.'))
    }
}

fn check_syntax(ascii: &str) -> Result<(), DomainError> {
    if ascii.len() > MAX_NAME_LEN {
        return Err(DomainError::TooLong(ascii.to_owned()));
    }
    for label in ascii.split('.') {
        if label.is_empty() {
            return Err(DomainError::EmptyLabel(ascii.to_owned()));
        }
        if label.len() > MAX_LABEL_LEN {
            return Err(DomainError::LabelTooLong {
                domain: ascii.to_owned(),
                label: label.to_owned(),
            });
        }
        let ldh = label
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !ldh || label.starts_with('-') || label.ends_with('-') {
            return Err(DomainError::BadLabel {
                domain: ascii.to_owned(),
                label: label.to_owned(),
            });
        }
    }
    Ok(())
}

/// Byte offset of the registrable domain inside `ascii`.
fn registrable_start(ascii: &str) -> Result<usize, DomainError> {
    let known = psl::suffix(ascii.as_bytes()).is_some_and(|suffix| suffix.is_known());
    if !known {
        return Err(if ascii.contains('.') {
            DomainError::UnknownSuffix(ascii.to_owned())
        } else {
            DomainError::SingleLabel(ascii.to_owned())
        });
    }
    let registrable =
        psl::domain(ascii.as_bytes()).ok_or_else(|| DomainError::PublicSuffix(ascii.to_owned()))?;
    Ok(ascii.len().saturating_sub(registrable.as_bytes().len()))
}

impl fmt::Display for WebsiteDomain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.ascii)
    }
}

impl std::str::FromStr for WebsiteDomain {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Serialize for WebsiteDomain {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.ascii)
    }
}

impl<'de> Deserialize<'de> for WebsiteDomain {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

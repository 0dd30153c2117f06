//! What is matched against intelligence: an address, a domain, a URL or an
//! email address, each the `value` of its STIX cyber-observable type.

use std::borrow::Cow;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// One observed value, such as an applicant's domain or a sign-in address.
///
/// Domains and email addresses compare case-insensitively and a domain's
/// trailing dot is ignored; URLs compare exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Observable {
    /// An `ipv4-addr` value.
    Ipv4(Ipv4Addr),
    /// An `ipv6-addr` value.
    Ipv6(Ipv6Addr),
    /// A `domain-name` value.
    DomainName(String),
    /// A `url` value.
    Url(String),
    /// An `email-addr` value.
    EmailAddress(String),
}

/// The kinds of [`Observable`], one per STIX object type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ObservableKind {
    /// `ipv4-addr`.
    Ipv4,
    /// `ipv6-addr`.
    Ipv6,
    /// `domain-name`.
    DomainName,
    /// `url`.
    Url,
    /// `email-addr`.
    EmailAddress,
}

impl ObservableKind {
    /// Every kind.
    pub const ALL: [Self; 5] = [
        Self::Ipv4,
        Self::Ipv6,
        Self::DomainName,
        Self::Url,
        Self::EmailAddress,
    ];

    /// The STIX object type, e.g. `ipv4-addr`.
    #[must_use]
    pub fn object_type(self) -> &'static str {
        match self {
            Self::Ipv4 => "ipv4-addr",
            Self::Ipv6 => "ipv6-addr",
            Self::DomainName => "domain-name",
            Self::Url => "url",
            Self::EmailAddress => "email-addr",
        }
    }

    /// The kind for a STIX object type, if it is one of ours.
    #[must_use]
    pub fn from_object_type(object_type: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|kind| kind.object_type() == object_type)
    }
}

impl Observable {
    /// An address of either family.
    #[must_use]
    pub fn ip(address: IpAddr) -> Self {
        match address {
            IpAddr::V4(v4) => Self::Ipv4(v4),
            IpAddr::V6(v6) => Self::Ipv6(v6),
        }
    }

    /// A domain name, normalized (trimmed, lower case, no trailing dot).
    #[must_use]
    pub fn domain(name: &str) -> Self {
        Self::DomainName(normalize_domain(name))
    }

    /// An email address, normalized (trimmed, lower case).
    #[must_use]
    pub fn email(address: &str) -> Self {
        Self::EmailAddress(address.trim().to_lowercase())
    }

    /// A URL, trimmed.
    #[must_use]
    pub fn url(url: &str) -> Self {
        Self::Url(url.trim().to_owned())
    }

    /// Reads `text` as an IP address, a URL (it has `://`), an email address
    /// (it has `@`) or else a domain name; `None` for empty text.
    #[must_use]
    pub fn guess(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() {
            None
        } else if let Ok(address) = text.parse::<IpAddr>() {
            Some(Self::ip(address))
        } else if text.contains("://") {
            Some(Self::url(text))
        } else if text.contains('@') {
            Some(Self::email(text))
        } else {
            Some(Self::domain(text))
        }
    }

    /// The kind of this observable.
    #[must_use]
    pub fn kind(&self) -> ObservableKind {
        match self {
            Self::Ipv4(_) => ObservableKind::Ipv4,
            Self::Ipv6(_) => ObservableKind::Ipv6,
            Self::DomainName(_) => ObservableKind::DomainName,
            Self::Url(_) => ObservableKind::Url,
            Self::EmailAddress(_) => ObservableKind::EmailAddress,
        }
    }

    /// The address, for the two address kinds.
    #[must_use]
    pub fn address(&self) -> Option<IpAddr> {
        match self {
            Self::Ipv4(v4) => Some(IpAddr::V4(*v4)),
            Self::Ipv6(v6) => Some(IpAddr::V6(*v6)),
            _ => None,
        }
    }

    /// The value as patterns compare it: the canonical address text, the
    /// normalized domain or email address, the URL as given.
    #[must_use]
    pub fn normalized(&self) -> Cow<'_, str> {
        match self {
            Self::Ipv4(v4) => Cow::Owned(v4.to_string()),
            Self::Ipv6(v6) => Cow::Owned(v6.to_string()),
            Self::DomainName(name) if is_normal(name, true) => Cow::Borrowed(name),
            Self::DomainName(name) => Cow::Owned(normalize_domain(name)),
            Self::EmailAddress(address) if is_normal(address, false) => Cow::Borrowed(address),
            Self::EmailAddress(address) => Cow::Owned(address.trim().to_lowercase()),
            Self::Url(url) => Cow::Borrowed(url.trim()),
        }
    }
}

impl std::fmt::Display for Observable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.kind().object_type(), self.normalized())
    }
}

/// Whether `text` is ASCII without upper case or surrounding whitespace
/// (and, for a domain, without a trailing dot): then normalizing keeps it.
fn is_normal(text: &str, domain: bool) -> bool {
    text.bytes()
        .all(|b| b.is_ascii() && !b.is_ascii_uppercase())
        && text.trim() == text
        && !(domain && text.ends_with('.'))
}

/// Trimmed, lower case, without the trailing dot of a fully qualified name.
pub(crate) fn normalize_domain(name: &str) -> String {
    name.trim().trim_end_matches('.').to_lowercase()
}

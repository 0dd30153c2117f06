//! The recorded result of a domain-ownership check, and what a re-check
//! that disagrees with an earlier success means.

use serde::{Deserialize, Serialize};

/// Most TXT values kept in a [`DomainCheck::TokenMismatch`] result.
pub const MAX_FOUND_VALUES: usize = 8;
/// Most characters kept of each of those values.
pub const MAX_FOUND_CHARS: usize = 255;

/// Outcome of looking up `_portcullis-challenge.<domain>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum DomainCheck {
    /// A TXT record carries `token=<the expected token>`.
    Verified,
    /// TXT records exist but none carries the expected token. `found` holds
    /// the values seen (at most [`MAX_FOUND_VALUES`], each cut to
    /// [`MAX_FOUND_CHARS`] characters).
    TokenMismatch {
        /// The TXT values present, each record's character-strings joined.
        found: Vec<String>,
    },
    /// The name does not exist (NXDOMAIN) or has no TXT record (NoData).
    RecordMissing,
    /// No usable answer: timeout, SERVFAIL, REFUSED, network error. Says
    /// nothing about the applicant; retry later.
    Unreachable {
        /// What went wrong, for operators.
        reason: String,
    },
}

impl DomainCheck {
    /// Whether ownership is proven.
    #[must_use]
    pub fn is_verified(&self) -> bool {
        matches!(self, Self::Verified)
    }

    /// Builds a [`DomainCheck::TokenMismatch`], bounding what is kept of
    /// untrusted DNS data.
    #[must_use]
    pub fn token_mismatch<I: IntoIterator<Item = String>>(found: I) -> Self {
        let found = found
            .into_iter()
            .take(MAX_FOUND_VALUES)
            .map(|value| value.chars().take(MAX_FOUND_CHARS).collect())
            .collect();
        Self::TokenMismatch { found }
    }
}

/// What a periodic re-verification found against a domain that was verified.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "finding", rename_all = "snake_case")]
pub enum DomainFinding {
    /// The challenge record is gone (NXDOMAIN / NoData).
    RecordVanished,
    /// TXT records remain but none carries the token any more.
    TokenReplaced {
        /// The TXT values now present.
        found: Vec<String>,
    },
}

/// Compares a re-verification with the earlier result. A finding is raised
/// only when ownership had been proven and the new answer positively
/// contradicts it; an unreachable resolver is no finding (retry later), and
/// a domain never verified has nothing to lose.
#[must_use]
pub fn reverification_finding(
    previous: &DomainCheck,
    current: &DomainCheck,
) -> Option<DomainFinding> {
    if !previous.is_verified() {
        return None;
    }
    match current {
        DomainCheck::RecordMissing => Some(DomainFinding::RecordVanished),
        DomainCheck::TokenMismatch { found } => Some(DomainFinding::TokenReplaced {
            found: found.clone(),
        }),
        DomainCheck::Verified | DomainCheck::Unreachable { .. } => None,
    }
}

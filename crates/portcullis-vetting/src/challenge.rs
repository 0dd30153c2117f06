//! The domain-ownership challenge: a random token the applicant publishes in
//! a DNS TXT record.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use getrandom::rand_core::TryCryptoRng;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use subtle::ConstantTimeEq as _;

use crate::domain::WebsiteDomain;

/// Random bytes in a token: 256 bits.
const TOKEN_BYTES: usize = 32;
/// Length of a token in unpadded base64url.
const TOKEN_CHARS: usize = 43;
/// The label under the applicant's domain that holds the challenge.
pub const CHALLENGE_LABEL: &str = "_portcullis-challenge";
/// What the TXT value starts with, before the token.
pub const TXT_PREFIX: &str = "token=";

/// Why a token could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChallengeError {
    /// The random number generator failed.
    #[error("the random number generator failed: {0}")]
    Entropy(String),
    /// A stored token is not 43 base64url characters encoding 32 bytes.
    #[error("`{0}` is not a challenge token")]
    Malformed(String),
}

/// A domain-ownership challenge token: 256 random bits, written as 43
/// characters of unpadded base64url (URL- and DNS-TXT-safe).
///
/// The token is published in public DNS, so it is no secret once the
/// applicant has published it; still, comparison is constant-time and
/// `Debug` shows only a prefix.
#[derive(Clone, PartialEq, Eq)]
pub struct ChallengeToken(String);

impl ChallengeToken {
    /// Draws a new token from a cryptographically secure generator.
    ///
    /// # Errors
    /// [`ChallengeError::Entropy`] when the generator fails.
    pub fn generate<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self, ChallengeError> {
        let mut bytes = [0_u8; TOKEN_BYTES];
        rng.try_fill_bytes(&mut bytes)
            .map_err(|err| ChallengeError::Entropy(err.to_string()))?;
        Ok(Self(URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Draws a new token from the operating system's generator.
    ///
    /// # Errors
    /// [`ChallengeError::Entropy`] when the operating system cannot provide randomness.
    pub fn generate_os() -> Result<Self, ChallengeError> {
        Self::generate(&mut getrandom::SysRng)
    }

    /// Reads a token back from storage.
    ///
    /// # Errors
    /// [`ChallengeError::Malformed`] unless `text` is 43 base64url characters
    /// encoding 32 bytes.
    pub fn parse(text: &str) -> Result<Self, ChallengeError> {
        let decoded = URL_SAFE_NO_PAD.decode(text);
        match decoded {
            Ok(bytes) if text.len() == TOKEN_CHARS && bytes.len() == TOKEN_BYTES => {
                Ok(Self(text.to_owned()))
            }
            _ => Err(ChallengeError::Malformed(preview(text))),
        }
    }

    /// The token text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The owner name of the TXT record: `_portcullis-challenge.<domain>`.
    #[must_use]
    pub fn record_name(domain: &WebsiteDomain) -> String {
        format!("{CHALLENGE_LABEL}.{domain}")
    }

    /// The TXT value the applicant publishes: `token=<value>`.
    #[must_use]
    pub fn expected_txt(&self) -> String {
        format!("{TXT_PREFIX}{}", self.0)
    }

    /// Whether a published TXT value carries this token. Surrounding white
    /// space is ignored; the prefix `token=` is required; the token itself is
    /// compared in constant time.
    #[must_use]
    pub fn matches_txt(&self, txt: &str) -> bool {
        txt.trim()
            .strip_prefix(TXT_PREFIX)
            .is_some_and(|candidate| bool::from(candidate.as_bytes().ct_eq(self.0.as_bytes())))
    }
}

/// At most 16 characters of untrusted text, for error messages.
fn preview(text: &str) -> String {
    text.chars().take(16).collect()
}

impl fmt::Debug for ChallengeToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head: String = self.0.chars().take(6).collect();
        write!(f, "ChallengeToken({head}…)")
    }
}

impl Serialize for ChallengeToken {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ChallengeToken {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

//! The applicant's contact e-mail address must belong to the verified domain.

use email_address::{EmailAddress, Options};
use serde::{Deserialize, Serialize};

use crate::domain::WebsiteDomain;
use crate::freemail::is_free_mail;

/// Outcome of [`check_contact_email`]. Domains are normalized (lowercase ASCII).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum EmailCheck {
    /// The address is at the verified domain or one of its subdomains.
    Matches {
        /// The address's domain.
        domain: String,
    },
    /// The address is at an allowed alias of the verified domain (or a
    /// subdomain of one).
    Alias {
        /// The address's domain.
        domain: String,
    },
    /// The address is at a free mail provider; refused whatever the aliases.
    FreeMail {
        /// The address's domain.
        domain: String,
    },
    /// The address is at an unrelated domain.
    DomainMismatch {
        /// The address's domain.
        domain: String,
    },
    /// The address could not be parsed.
    Invalid {
        /// Why.
        reason: String,
    },
}

impl EmailCheck {
    /// Whether the address is acceptable as the partner's contact.
    #[must_use]
    pub fn is_acceptable(&self) -> bool {
        matches!(self, Self::Matches { .. } | Self::Alias { .. })
    }
}

/// Most characters of an address quoted back in an error.
const MAX_QUOTED: usize = 64;

/// Checks a contact address against the verified website domain.
///
/// Order: the address must parse (a plain `local@domain`, no display name,
/// no IP literal, a domain with at least two labels under a known public
/// suffix); a free mail domain is refused even when listed as an alias;
/// then the domain must be the verified domain, a subdomain of it, or an
/// allowed alias (or a subdomain of one).
#[must_use]
pub fn check_contact_email(
    email: &str,
    verified_domain: &WebsiteDomain,
    allowed_aliases: &[WebsiteDomain],
) -> EmailCheck {
    let trimmed = email.trim();
    let options = Options::default()
        .with_required_tld()
        .without_domain_literal()
        .without_display_text();
    let address = match EmailAddress::parse_with_options(trimmed, options) {
        Ok(address) => address,
        Err(err) => {
            return EmailCheck::Invalid {
                reason: format!(
                    "`{}` is not an e-mail address: {}",
                    quote(trimmed),
                    tidy(&err.to_string())
                ),
            };
        }
    };
    let domain = match WebsiteDomain::parse(address.domain()) {
        Ok(domain) => domain,
        Err(err) => {
            return EmailCheck::Invalid {
                reason: format!("the domain of `{}` is invalid: {err}", quote(trimmed)),
            };
        }
    };
    let name = domain.as_str().to_owned();
    if is_free_mail(&domain) {
        EmailCheck::FreeMail { domain: name }
    } else if domain.is_within(verified_domain) {
        EmailCheck::Matches { domain: name }
    } else if allowed_aliases.iter().any(|alias| domain.is_within(alias)) {
        EmailCheck::Alias { domain: name }
    } else {
        EmailCheck::DomainMismatch { domain: name }
    }
}

/// The parser's message in our style: lowercase start, no final period.
fn tidy(message: &str) -> String {
    let trimmed = message.trim().trim_end_matches('.');
    let mut chars = trimmed.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(chars).collect()
    })
}

fn quote(text: &str) -> String {
    text.chars().take(MAX_QUOTED).collect()
}

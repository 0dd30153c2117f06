//! Partner vetting: applications become cases, checks score them, reviewers
//! decide, and the partner's authorization follows the case.
//!
//! The checks themselves live in `portcullis-vetting` (domain ownership,
//! contact e-mail, country policy, risk), `portcullis-screening`
//! (watchlists) and `portcullis-intel` (threat intelligence); this module
//! runs them, records every result with the case, and moves the case.

mod cases;
mod checks;
mod config;
mod intel;
mod rescreen;
mod review;
mod schedule;
mod screening;
mod watchlists;

use portcullis_domain::vetting::{CaseTransition, VettingCase};
use portcullis_domain::vetting::{CheckRecord, DomainChallenge};
use serde::Serialize;

pub use config::VettingConfig;
pub(crate) use config::VettingRuntime;
pub use intel::{IntelHit, IntelImportReport, TaxiiPull, TaxiiPullReport};
pub use review::ReviewResult;
pub use schedule::VettingRound;
pub use screening::{DEFAULT_HIT_THRESHOLD, WatchlistHit};
pub use watchlists::{RescreenReport, WatchlistFormat, WatchlistLoadReport};

/// A case with what its reader needs: the DNS challenge to publish, the
/// history of its states and the result of every check.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseDetail {
    pub case: VettingCase,
    pub challenge: ChallengeInstructions,
    pub transitions: Vec<CaseTransition>,
    pub checks: Vec<CheckRecord>,
}

/// Where and what to publish to prove ownership of the website domain.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ChallengeInstructions {
    /// The TXT record's name, e.g. `_portcullis-challenge.contoso.example`.
    pub record_name: String,
    /// The TXT record's value, e.g. `token=…`.
    pub record_value: String,
    pub issued_at: portcullis_domain::Timestamp,
    pub verified_at: Option<portcullis_domain::Timestamp>,
    pub last_checked_at: Option<portcullis_domain::Timestamp>,
    pub last_outcome: Option<String>,
}

impl From<&DomainChallenge> for ChallengeInstructions {
    fn from(c: &DomainChallenge) -> Self {
        Self {
            record_name: format!("{}.{}", portcullis_vetting::CHALLENGE_LABEL, c.domain),
            record_value: format!("{}{}", portcullis_vetting::TXT_PREFIX, c.token),
            issued_at: c.issued_at,
            verified_at: c.verified_at,
            last_checked_at: c.last_checked_at,
            last_outcome: c.last_outcome.clone(),
        }
    }
}

/// A name operators give a watchlist or intelligence source: 1–64
/// characters of letters, digits, `-`, `_` and `.`.
fn short_name(field: &'static str, what: &str, name: &str) -> Result<String, crate::ServiceError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(name.to_owned())
    } else {
        Err(portcullis_domain::ValidationError::new(
            field,
            format!(
                "`{}` is not {what} (1–64 letters, digits, `-`, `_` or `.`)",
                name.chars().take(64).collect::<String>()
            ),
        )
        .into())
    }
}

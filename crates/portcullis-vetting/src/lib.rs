//! Vetting checks for partner applications, and the risk score that
//! combines them.
//!
//! Each check is a separate component whose result is a plain,
//! serializable value, recorded with the case:
//!
//! | check | call | outcomes |
//! | --- | --- | --- |
//! | domain ownership | [`DomainVerifier::verify`] | [`DomainCheck`]: `verified`, `token_mismatch { found }`, `record_missing`, `unreachable { reason }` |
//! | contact e-mail | [`check_contact_email`] | [`EmailCheck`]: `matches`, `alias`, `free_mail`, `domain_mismatch`, `invalid` |
//! | country policy | [`CountryPolicy::check`] | [`CountryCheck`]: `allowed`, `high_risk`, `embargoed` |
//! | risk | [`assess`] | [`RiskAssessment`]: score 0–100, level, failed mandatory checks, contributions |
//!
//! **Domain ownership.** The applicant's [`WebsiteDomain`] is normalized
//! (lowercase, IDNA A-labels, RFC 1035 label rules) and must be a
//! registrable domain or below one: IP addresses and public suffixes
//! themselves (`com`, `co.uk`, `github.io`, from the embedded Public Suffix
//! List) are refused. Portcullis issues a [`ChallengeToken`] (256 random
//! bits, base64url); the applicant publishes the TXT record
//! `_portcullis-challenge.<domain>` with the value `token=<token>`. The
//! verifier never caches answers, joins a record's character-strings, and
//! accepts when any TXT record carries the token (compared in constant
//! time). Verification is repeated periodically; a record that vanished or
//! lost the token after a success is a [`DomainFinding`]
//! ([`reverification_finding`]). An unreachable resolver is no finding.
//!
//! **Contact e-mail.** The address must be at the verified domain, a
//! subdomain of it, or an allowed alias; free mail providers (an embedded
//! list of about 60 domains plus the brands `gmx`, `hotmail`, `live`,
//! `outlook`, `yahoo`, `yandex` under any suffix) are refused even when
//! listed as an alias.
//!
//! **Country policy.** Codes are ISO 3166-1 alpha-2 ([`CountryCode`]). By
//! default embargoed: CU, IR, KP, SY; high-risk: BY, MM, RU, VE — both
//! lists are meant to be set by the operator's compliance team.
//!
//! **Risk score.** See [`RiskWeights`] for the default points per factor.
//! Mandatory checks — domain verified, e-mail acceptable, no embargoed
//! country — do not block scoring but are listed in
//! [`RiskAssessment::mandatory_failed`]. [`auto_approvable`] allows skipping
//! review only when the [`AutoApprovePolicy`] is enabled (off by default),
//! no mandatory check failed, and the score is low and at most its
//! `max_score`; everything else goes to review.
//!
//! Default weights:
//!
//! | factor | points |
//! | --- | ---: |
//! | domain not verified | 40 |
//! | e-mail at an alias | 5 |
//! | e-mail at an unrelated domain | 25 |
//! | e-mail at a free mail provider | 30 |
//! | e-mail invalid | 30 |
//! | per high-risk country | 25 |
//! | per embargoed country | 100 |
//! | best watchlist score (0–1) × | 40 |
//! | per watchlist hit | 30 |
//! | per threat-intel hit | 25 |
//!
//! The sum is capped at 100; `medium` from 25, `high` from 60.

mod approval;
mod challenge;
mod country;
mod dns;
mod domain;
mod domain_check;
mod email;
mod freemail;
mod risk;
mod weights;

pub use approval::{AutoApprovePolicy, DEFAULT_MAX_AUTO_APPROVE_SCORE, auto_approvable};
pub use challenge::{CHALLENGE_LABEL, ChallengeError, ChallengeToken, TXT_PREFIX};
pub use country::{
    CountryCheck, CountryCode, CountryCodeError, CountryPolicy, DEFAULT_EMBARGOED,
    DEFAULT_HIGH_RISK,
};
pub use dns::{DomainVerifier, VerifierConfig, VerifierError};
pub use domain::{DomainError, WebsiteDomain};
pub use domain_check::{
    DomainCheck, DomainFinding, MAX_FOUND_CHARS, MAX_FOUND_VALUES, reverification_finding,
};
pub use email::{EmailCheck, check_contact_email};
pub use freemail::is_free_mail;
pub use risk::{
    Contribution, MAX_SCORE, MandatoryCheck, RiskAssessment, RiskFactor, RiskInputs, RiskLevel,
    assess,
};
pub use weights::RiskWeights;

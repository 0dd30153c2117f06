//! The risk score: every check's result in, one explained assessment out.

use serde::{Deserialize, Serialize};

use crate::country::CountryCheck;
use crate::domain_check::DomainCheck;
use crate::email::EmailCheck;
use crate::weights::RiskWeights;

/// Highest score.
pub const MAX_SCORE: u8 = 100;

/// Everything the score is computed from. Screening and intelligence
/// results come in as plain numbers, so this crate depends on neither.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskInputs {
    /// The domain-ownership check.
    pub domain: DomainCheck,
    /// The contact e-mail check.
    pub email: EmailCheck,
    /// One check per country involved: the company's and each officer's.
    pub country: Vec<CountryCheck>,
    /// Best watchlist match score, 0 (nothing alike) to 1 (identical);
    /// `None` when screening found no candidate. Values outside 0..=1 are
    /// clamped; NaN counts as 1 (fail closed).
    pub watchlist_best_score: Option<f64>,
    /// Watchlist matches that screening judged to be hits.
    pub watchlist_hits: usize,
    /// Threat-intelligence indicators that matched the applicant.
    pub intel_hits: usize,
}

/// The coarse reading of the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// Below `medium_from`.
    Low,
    /// From `medium_from`, below `high_from`.
    Medium,
    /// From `high_from`.
    High,
}

/// A check that must pass for any approval, whatever the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MandatoryCheck {
    /// The domain's challenge record carries the token.
    DomainVerified,
    /// The contact address is at the verified domain or an allowed alias.
    EmailAcceptable,
    /// No country involved is embargoed.
    NoEmbargoedCountry,
}

/// What added points to the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskFactor {
    /// See [`RiskWeights::domain_not_verified`].
    DomainNotVerified,
    /// See [`RiskWeights::email_alias`].
    EmailAlias,
    /// See [`RiskWeights::email_domain_mismatch`].
    EmailDomainMismatch,
    /// See [`RiskWeights::email_free_mail`].
    EmailFreeMail,
    /// See [`RiskWeights::email_invalid`].
    EmailInvalid,
    /// See [`RiskWeights::country_high_risk`].
    CountryHighRisk,
    /// See [`RiskWeights::country_embargoed`].
    CountryEmbargoed,
    /// See [`RiskWeights::watchlist_similarity`].
    WatchlistSimilarity,
    /// See [`RiskWeights::watchlist_hit`].
    WatchlistHit,
    /// See [`RiskWeights::intel_hit`].
    IntelHit,
}

/// One factor's share of the score, before the cap at 100.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    /// What was found.
    pub factor: RiskFactor,
    /// Points added.
    pub points: u32,
    /// The evidence, for the reviewer.
    pub reason: String,
}

/// The explained result of [`assess`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskAssessment {
    /// Sum of the contributions, capped at 100.
    pub score: u8,
    /// The score's level.
    pub level: RiskLevel,
    /// Mandatory checks that failed; any entry sends the case to review.
    pub mandatory_failed: Vec<MandatoryCheck>,
    /// Every factor found, in a fixed order.
    pub contributions: Vec<Contribution>,
}

/// Scores the inputs with the given weights. Cannot fail.
#[must_use]
pub fn assess(inputs: &RiskInputs, weights: &RiskWeights) -> RiskAssessment {
    let mut contributions = Vec::new();
    let mut mandatory_failed = Vec::new();
    let mut add = |factor, weight: u8, times: u32, reason: String| {
        contributions.push(Contribution {
            factor,
            points: u32::from(weight).saturating_mul(times),
            reason,
        });
    };

    if !inputs.domain.is_verified() {
        mandatory_failed.push(MandatoryCheck::DomainVerified);
        add(
            RiskFactor::DomainNotVerified,
            weights.domain_not_verified,
            1,
            domain_reason(&inputs.domain),
        );
    }

    if !inputs.email.is_acceptable() {
        mandatory_failed.push(MandatoryCheck::EmailAcceptable);
    }
    match &inputs.email {
        EmailCheck::Matches { .. } => {}
        EmailCheck::Alias { domain } => add(
            RiskFactor::EmailAlias,
            weights.email_alias,
            1,
            format!("contact address at alias domain `{domain}`"),
        ),
        EmailCheck::DomainMismatch { domain } => add(
            RiskFactor::EmailDomainMismatch,
            weights.email_domain_mismatch,
            1,
            format!("contact address at unrelated domain `{domain}`"),
        ),
        EmailCheck::FreeMail { domain } => add(
            RiskFactor::EmailFreeMail,
            weights.email_free_mail,
            1,
            format!("contact address at free mail provider `{domain}`"),
        ),
        EmailCheck::Invalid { reason } => add(
            RiskFactor::EmailInvalid,
            weights.email_invalid,
            1,
            reason.clone(),
        ),
    }

    let embargoed = countries(&inputs.country, |check| {
        matches!(check, CountryCheck::Embargoed { .. })
    });
    if !embargoed.is_empty() {
        mandatory_failed.push(MandatoryCheck::NoEmbargoedCountry);
        // An embargoed country is never cheaper than a high-risk one, so
        // moving a country onto the embargo list cannot lower the score.
        add(
            RiskFactor::CountryEmbargoed,
            weights.country_embargoed.max(weights.country_high_risk),
            count(embargoed.len()),
            format!("embargoed: {}", embargoed.join(", ")),
        );
    }
    let high_risk = countries(&inputs.country, |check| {
        matches!(check, CountryCheck::HighRisk { .. })
    });
    if !high_risk.is_empty() {
        add(
            RiskFactor::CountryHighRisk,
            weights.country_high_risk,
            count(high_risk.len()),
            format!("high-risk: {}", high_risk.join(", ")),
        );
    }

    if let Some(raw) = inputs.watchlist_best_score {
        let similarity = if raw.is_nan() {
            1.0
        } else {
            raw.clamp(0.0, 1.0)
        };
        if similarity > 0.0 {
            contributions.push(Contribution {
                factor: RiskFactor::WatchlistSimilarity,
                points: scaled(weights.watchlist_similarity, similarity),
                reason: format!("best watchlist match score {similarity:.2}"),
            });
        }
    }
    let mut add = |factor, weight: u8, hits: usize, what: &str| {
        if hits > 0 {
            contributions.push(Contribution {
                factor,
                points: u32::from(weight).saturating_mul(count(hits)),
                reason: format!("{hits} {what}"),
            });
        }
    };
    add(
        RiskFactor::WatchlistHit,
        weights.watchlist_hit,
        inputs.watchlist_hits,
        "watchlist hit(s)",
    );
    add(
        RiskFactor::IntelHit,
        weights.intel_hit,
        inputs.intel_hits,
        "threat-intelligence hit(s)",
    );

    let total = contributions.iter().fold(0_u32, |sum, contribution| {
        sum.saturating_add(contribution.points)
    });
    let score = u8::try_from(total.min(u32::from(MAX_SCORE))).unwrap_or(MAX_SCORE);
    RiskAssessment {
        score,
        level: level(score, weights),
        mandatory_failed,
        contributions,
    }
}

fn domain_reason(check: &DomainCheck) -> String {
    match check {
        DomainCheck::Verified => "domain verified".to_owned(),
        DomainCheck::TokenMismatch { found } => {
            format!(
                "challenge record holds {} value(s), none with the token",
                found.len()
            )
        }
        DomainCheck::RecordMissing => "challenge record missing".to_owned(),
        DomainCheck::Unreachable { reason } => format!("domain could not be checked: {reason}"),
    }
}

fn countries(checks: &[CountryCheck], wanted: impl Fn(&CountryCheck) -> bool) -> Vec<String> {
    checks
        .iter()
        .filter(|check| wanted(check))
        .map(|check| check.country().to_string())
        .collect()
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// `weight × fraction`, rounded; `fraction` is within 0..=1, so the
/// product lies within 0..=255 and the cast is exact.
fn scaled(weight: u8, fraction: f64) -> u32 {
    (f64::from(weight) * fraction).round() as u32
}

fn level(score: u8, weights: &RiskWeights) -> RiskLevel {
    if score >= weights.high_from {
        RiskLevel::High
    } else if score >= weights.medium_from {
        RiskLevel::Medium
    } else {
        RiskLevel::Low
    }
}

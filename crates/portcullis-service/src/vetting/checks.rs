//! Running every check of a case and turning the results into records.

use portcullis_domain::vetting::{CheckRecord, DomainChallenge};
use portcullis_domain::vetting::{RiskLevel, VettingCase};
use portcullis_domain::{RecordId, Timestamp};
use portcullis_vetting::{
    ChallengeToken, CountryCheck, CountryCode, DomainCheck, RiskAssessment, RiskInputs,
    WebsiteDomain, assess, auto_approvable, check_contact_email,
};
use serde::Serialize;

use crate::Portcullis;

/// What the checks of one case found.
pub(crate) struct Findings {
    pub(crate) records: Vec<CheckRecord>,
    pub(crate) outcomes: Vec<portcullis_domain::vetting::ScreeningOutcome>,
    pub(crate) challenge: DomainChallenge,
    pub(crate) assessment: RiskAssessment,
    pub(crate) auto_approve: bool,
}

/// The case's risk level: the score's, except that a failed mandatory check
/// (domain not proven, unacceptable e-mail, embargoed country) always makes
/// the case high-risk, so that approving it anyway takes two reviewers.
pub(crate) fn level(assessment: &RiskAssessment) -> RiskLevel {
    if !assessment.mandatory_failed.is_empty() {
        return RiskLevel::High;
    }
    match assessment.level {
        portcullis_vetting::RiskLevel::Low => RiskLevel::Low,
        portcullis_vetting::RiskLevel::Medium => RiskLevel::Medium,
        portcullis_vetting::RiskLevel::High => RiskLevel::High,
    }
}

/// One word for an outcome: the serialized `outcome` tag when there is one.
fn outcome_word(value: &serde_json::Value, fallback: &str) -> String {
    value
        .get("outcome")
        .and_then(serde_json::Value::as_str)
        .unwrap_or(fallback)
        .to_owned()
}

pub(crate) fn record(
    case: &VettingCase,
    kind: &str,
    outcome: Option<&str>,
    result: &impl Serialize,
    at: Timestamp,
) -> CheckRecord {
    let result = serde_json::to_value(result).unwrap_or(serde_json::Value::Null);
    CheckRecord {
        id: RecordId::generate(),
        case_id: case.id,
        kind: kind.to_owned(),
        outcome: outcome.map_or_else(|| outcome_word(&result, "done"), str::to_owned),
        result,
        at,
    }
}

/// Every country the application involves: registration, address, officers.
fn countries(case: &VettingCase) -> Vec<String> {
    let app = &case.application;
    let mut all = vec![
        app.registration_country.clone(),
        app.address.country.clone(),
    ];
    all.extend(app.officers.iter().filter_map(|o| o.country.clone()));
    all.sort();
    all.dedup();
    all
}

impl Portcullis {
    /// The domain-ownership check against the case's challenge.
    pub(crate) async fn check_domain(&self, challenge: &DomainChallenge) -> DomainCheck {
        let domain = match WebsiteDomain::parse(&challenge.domain) {
            Ok(domain) => domain,
            Err(err) => {
                return DomainCheck::Unreachable {
                    reason: format!("the stored domain no longer parses: {err}"),
                };
            }
        };
        let token = match ChallengeToken::parse(&challenge.token) {
            Ok(token) => token,
            Err(err) => {
                return DomainCheck::Unreachable {
                    reason: format!("the stored token no longer parses: {err}"),
                };
            }
        };
        match self.vetting.verifier().await {
            Ok(verifier) => verifier.verify(&domain, &token).await,
            Err(reason) => DomainCheck::Unreachable { reason },
        }
    }

    /// Runs every check of `case` at `now`.
    pub(crate) async fn run_checks(
        &self,
        case: &VettingCase,
        challenge: &DomainChallenge,
        now: Timestamp,
    ) -> Result<Findings, crate::ServiceError> {
        let in_force = self.vetting.in_force();
        let config = &in_force.config;
        let mut records = Vec::new();

        let domain = self.check_domain(challenge).await;
        records.push(record(case, "domain_ownership", None, &domain, now));
        let mut challenge = challenge.clone();
        challenge.last_checked_at = Some(now);
        challenge.last_outcome = Some(outcome_word(
            &serde_json::to_value(&domain).unwrap_or_default(),
            "checked",
        ));
        if domain.is_verified() && challenge.verified_at.is_none() {
            challenge.verified_at = Some(now);
        }

        let email = match WebsiteDomain::parse(&case.application.website_domain) {
            Ok(website) => {
                check_contact_email(&case.application.contact_email, &website, &in_force.aliases)
            }
            Err(err) => portcullis_vetting::EmailCheck::Invalid {
                reason: err.to_string(),
            },
        };
        records.push(record(case, "contact_email", None, &email, now));

        let country: Vec<CountryCheck> = countries(case)
            .iter()
            .filter_map(|code| CountryCode::parse(code).ok())
            .map(|code| config.countries.check(code))
            .collect();
        let worst = if country
            .iter()
            .any(|c| matches!(c, CountryCheck::Embargoed { .. }))
        {
            "embargoed"
        } else if country
            .iter()
            .any(|c| matches!(c, CountryCheck::HighRisk { .. }))
        {
            "high_risk"
        } else {
            "allowed"
        };
        records.push(record(case, "country", Some(worst), &country, now));

        let screening = self.screen_application(case, now).await?;
        records.extend(screening.records);

        let inputs = RiskInputs {
            domain,
            email,
            country,
            watchlist_best_score: screening.best_score,
            watchlist_hits: screening.watchlist_hits,
            intel_hits: screening.intel_hits,
        };
        let assessment = assess(&inputs, &config.weights);
        let auto_approve = auto_approvable(&assessment, &config.auto_approve);
        let word = format!("{:?}", assessment.level).to_lowercase();
        records.push(record(case, "risk", Some(&word), &assessment, now));
        Ok(Findings {
            records,
            outcomes: screening.outcomes,
            challenge,
            assessment,
            auto_approve,
        })
    }
}

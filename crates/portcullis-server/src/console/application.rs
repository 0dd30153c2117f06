//! A partner admin's application to the partner program (its vetting
//! case): where it stands, what is missing (what reviewers asked for, the
//! checks that did not pass, the DNS record still to publish), and its
//! history. Read through the same use cases as `GET /v1/vetting/cases`.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::PageRequest;
use portcullis_domain::vetting::{CaseFilter, CaseState, CheckRecord};
use portcullis_service::ServiceError;
use portcullis_service::caller_rules::ConsoleArea;

use super::error::{ConsoleError, page};
use super::groups::own_partner;
use super::layout::{Badge, Chrome, When, when};
use super::session::Console;
use crate::state::AppState;

#[derive(Debug)]
pub struct CheckRow {
    pub kind: String,
    pub outcome: String,
    pub passed: bool,
    /// What to do about it, when it did not pass.
    pub advice: &'static str,
    pub at: When,
}

#[derive(Debug)]
pub struct TransitionRow {
    pub from: String,
    pub to: String,
    pub reason: String,
    pub at: When,
}

#[derive(Debug)]
pub struct CaseView {
    pub id: String,
    pub state: Badge,
    /// One sentence on what the state means for the partner.
    pub meaning: &'static str,
    pub legal_name: String,
    pub domain: String,
    pub contact: String,
    pub risk: String,
    pub submitted: When,
    /// What reviewers asked for, when the case is back with the applicant.
    pub asked: Option<String>,
    pub failed: Vec<CheckRow>,
    pub checks: Vec<CheckRow>,
    /// The TXT record still to publish: `(name, value)`.
    pub dns: Option<(String, String)>,
    pub history: Vec<TransitionRow>,
}

#[derive(Template)]
#[template(path = "console/application.html")]
struct ApplicationPage {
    chrome: Chrome,
    case: Option<CaseView>,
}

fn state_badge(state: CaseState) -> (Badge, &'static str) {
    let (tone, meaning) = match state {
        CaseState::Submitted | CaseState::Screening => (
            "info",
            "The checks are running; nothing is needed from you yet.",
        ),
        CaseState::InReview => (
            "info",
            "Platform reviewers are looking at your application.",
        ),
        CaseState::NeedsInformation => (
            "warn",
            "Reviewers need more from you: see what is missing below, then amend the application.",
        ),
        CaseState::Approved | CaseState::AutoApproved => (
            "ok",
            "You are authorized as a partner and may ask customers for access.",
        ),
        CaseState::Rejected => ("high", "The application was rejected."),
        CaseState::Suspended => (
            "high",
            "Your authorization is suspended: every access decision for your users denies.",
        ),
        CaseState::Revoked => ("critical", "Your authorization was revoked."),
    };
    (
        Badge {
            word: state.as_str().replace('_', " "),
            tone,
        },
        meaning,
    )
}

/// The one-word outcomes that mean a check passed.
const PASSED: [&str; 9] = [
    "verified",
    "matches",
    "alias",
    "allowed",
    "clear",
    "low",
    "done",
    "no_hits",
    "high_risk",
];

fn advice(kind: &str, outcome: &str) -> &'static str {
    match (kind, outcome) {
        ("domain_ownership", "record_missing" | "token_mismatch") => {
            "Publish the TXT record shown below at your DNS provider, then ask for the domain to be checked again."
        }
        ("domain_ownership", _) => {
            "The DNS lookup did not answer; it is retried. Check that your domain's name servers respond."
        }
        ("contact_email", _) => {
            "Use a contact address at your verified domain (not a free mail provider), then amend the application."
        }
        ("country", _) => {
            "A country in the application is embargoed by the platform; contact the partner program."
        }
        ("watchlist" | "threat_intel", _) => {
            "A screening source matched; a reviewer decides whether the match is you. Answer their questions promptly."
        }
        ("risk", _) => {
            "The risk score needs a reviewer's approval; fixing the other checks lowers it."
        }
        _ => "A reviewer looks at it.",
    }
}

fn check_row(c: &CheckRecord, now: portcullis_domain::Timestamp) -> CheckRow {
    let passed = PASSED.contains(&c.outcome.as_str());
    CheckRow {
        kind: c.kind.replace('_', " "),
        outcome: c.outcome.replace('_', " "),
        passed,
        advice: if passed {
            ""
        } else {
            advice(&c.kind, &c.outcome)
        },
        at: when(c.at, now),
    }
}

/// `GET /application`.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, ConsoleError> {
    own_partner(&console)?;
    let service = &state.portcullis;
    let first = PageRequest::new(Some(PageRequest::MAX_LIMIT), None).map_err(ServiceError::from)?;
    let cases = service
        .list_cases(&console.caller, CaseFilter::default(), &first)
        .await?;
    let newest = cases
        .items
        .iter()
        .max_by_key(|c| c.created_at.unix_millis());
    let now = service.clock().now();
    let case = match newest {
        None => None,
        Some(c) => {
            let detail = service.get_case(&console.caller, c.id).await?;
            let (badge, meaning) = state_badge(detail.case.state);
            // The latest result of each kind of check.
            let mut latest: Vec<&CheckRecord> = Vec::new();
            for check in &detail.checks {
                match latest.iter_mut().find(|k| k.kind == check.kind) {
                    Some(slot) if slot.at.unix_millis() <= check.at.unix_millis() => *slot = check,
                    Some(_) => {}
                    None => latest.push(check),
                }
            }
            let checks: Vec<CheckRow> = latest.iter().map(|c| check_row(c, now)).collect();
            let asked = (detail.case.state == CaseState::NeedsInformation)
                .then(|| {
                    detail
                        .transitions
                        .iter()
                        .rev()
                        .find(|t| t.to == CaseState::NeedsInformation)
                        .map(|t| t.reason.clone())
                })
                .flatten();
            Some(CaseView {
                id: detail.case.id.to_string(),
                state: badge,
                meaning,
                legal_name: detail.case.application.legal_name.clone(),
                domain: detail.case.application.website_domain.clone(),
                contact: detail.case.application.contact_email.clone(),
                risk: match (detail.case.risk_score, detail.case.risk_level) {
                    (Some(score), Some(level)) => format!("{score} ({level:?})").to_lowercase(),
                    _ => "not scored yet".to_owned(),
                },
                submitted: when(detail.case.created_at, now),
                asked,
                failed: latest
                    .iter()
                    .map(|c| check_row(c, now))
                    .filter(|c| !c.passed)
                    .collect(),
                checks,
                dns: detail.challenge.verified_at.is_none().then(|| {
                    (
                        detail.challenge.record_name.clone(),
                        detail.challenge.record_value.clone(),
                    )
                }),
                history: detail
                    .transitions
                    .iter()
                    .rev()
                    .map(|t| TransitionRow {
                        from: t.from.as_str().replace('_', " "),
                        to: t.to.as_str().replace('_', " "),
                        reason: t.reason.clone(),
                        at: when(t.at, now),
                    })
                    .collect(),
            })
        }
    };
    let chrome = Chrome::new(&state, &console, ConsoleArea::Application).await?;
    Ok(page(&ApplicationPage { chrome, case })?.into_response())
}

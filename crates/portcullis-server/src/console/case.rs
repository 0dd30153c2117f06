//! A vetting case as its reviewer reads it: the application, every check
//! with screening hits explained, the risk score and its factors, the
//! reviews so far and the four-eyes state; and the review forms (approve,
//! reject, ask for information) calling the same `review_case` use case as
//! `POST /v1/vetting/cases/{id}/reviews`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::vetting::{CaseId, CaseState, ReviewDecision, RiskLevel};
use portcullis_domain::{Timestamp, vetting::CaseTransition};
use portcullis_service::CaseDetail;
use portcullis_service::caller_rules::ConsoleArea;
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::form::{ConsoleForm, reason};
use super::layout::{Badge, Chrome, When, require_area, when};
use super::screening::{CheckView, check_view};
use super::session::Console;
use super::vetting::{risk_badge, state_badge};
use crate::state::AppState;

/// Who approved so far and whether another reviewer is needed.
#[derive(Debug)]
pub struct FourEyes {
    pub need: usize,
    pub approvers: Vec<String>,
    pub missing: usize,
    pub submitter: String,
    /// The signed-in operator submitted the case: they may not approve it.
    pub viewer_submitted: bool,
    /// The signed-in operator approved already: another one must.
    pub viewer_approved: bool,
}

#[derive(Debug)]
pub struct TransitionView {
    pub from: Badge,
    pub to: Badge,
    pub actor: String,
    pub reason: String,
    pub at: When,
}

#[derive(Debug)]
pub struct CaseView {
    pub id: String,
    pub tenant_id: String,
    pub legal_name: String,
    pub state: Badge,
    pub risk: Badge,
    pub score: Option<u8>,
    pub registration: String,
    pub website_domain: String,
    pub contact_email: String,
    pub officers: Vec<String>,
    pub submitted: When,
    pub version: i64,
    pub in_review: bool,
}

#[derive(Template)]
#[template(path = "console/case.html")]
struct CasePage {
    chrome: Chrome,
    case: CaseView,
    four_eyes: FourEyes,
    checks: Vec<CheckView>,
    transitions: Vec<TransitionView>,
    /// What the last review did, shown once after it.
    notice: Option<&'static str>,
}

/// `?done=` after a review: a fixed sentence, never echoed input.
#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    done: Option<String>,
}

fn notice(done: Option<&str>) -> Option<&'static str> {
    match done? {
        "awaiting" => Some(
            "Your approval is recorded. This high-risk case needs a second, distinct reviewer.",
        ),
        "approved" => Some("The case is approved: the partner is authorized."),
        "rejected" => Some("The case is rejected."),
        "needs_information" => Some("The case went back to the applicant with your questions."),
        _ => None,
    }
}

fn case_id(raw: &str) -> Result<CaseId, ConsoleError> {
    CaseId::parse(raw).map_err(|_| ConsoleError::NotFound)
}

fn transition(t: &CaseTransition, now: Timestamp) -> TransitionView {
    TransitionView {
        from: state_badge(t.from),
        to: state_badge(t.to),
        actor: t.actor.clone(),
        reason: t.reason.clone(),
        at: when(t.at, now),
    }
}

fn four_eyes(detail: &CaseDetail, viewer: &str) -> FourEyes {
    let case = &detail.case;
    let need = case
        .risk_level
        .unwrap_or(RiskLevel::High)
        .approvals_required();
    FourEyes {
        need,
        missing: need.saturating_sub(case.approvals.len()),
        approvers: case.approvals.clone(),
        submitter: case.submitted_by.clone(),
        viewer_submitted: case.submitted_by == viewer,
        viewer_approved: case.approvals.iter().any(|a| a == viewer),
    }
}

fn case_view(detail: &CaseDetail, now: Timestamp) -> CaseView {
    let case = &detail.case;
    let app = &case.application;
    CaseView {
        id: case.id.to_string(),
        tenant_id: case.tenant_id.to_string(),
        legal_name: app.legal_name.clone(),
        state: state_badge(case.state),
        risk: risk_badge(case.risk_level),
        score: case.risk_score,
        registration: format!(
            "{} in {}",
            app.registration_number, app.registration_country
        ),
        website_domain: app.website_domain.clone(),
        contact_email: app.contact_email.clone(),
        officers: app
            .officers
            .iter()
            .map(|o| match (&o.country, o.birth_year) {
                (Some(c), Some(y)) => format!("{} ({c}, born {y})", o.name),
                (Some(c), None) => format!("{} ({c})", o.name),
                (None, Some(y)) => format!("{} (born {y})", o.name),
                (None, None) => o.name.clone(),
            })
            .collect(),
        submitted: when(case.created_at, now),
        version: case.version,
        in_review: case.state == CaseState::InReview,
    }
}

/// `GET /vetting/cases/{id}`.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
    Query(q): Query<CaseQuery>,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::Vetting)?;
    let detail = state
        .portcullis
        .get_case(&console.caller, case_id(&raw)?)
        .await?;
    let now = state.portcullis.clock().now();
    let viewer = console.caller.principal.audit_name();
    let chrome = Chrome::new(&state, &console, ConsoleArea::Vetting).await?;
    Ok(page(&CasePage {
        chrome,
        case: case_view(&detail, now),
        four_eyes: four_eyes(&detail, &viewer),
        checks: detail.checks.iter().map(|c| check_view(c, now)).collect(),
        transitions: detail
            .transitions
            .iter()
            .map(|t| transition(t, now))
            .collect(),
        notice: notice(q.done.as_deref()),
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
    decision: ReviewDecision,
    #[serde(default)]
    reason: String,
    version: i64,
}

/// `POST /vetting/cases/{id}/review`: approve (a note is optional), reject
/// or ask for information (a reason is required).
pub async fn review(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
    ConsoleForm(form): ConsoleForm<ReviewForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    require_area(&console, ConsoleArea::Vetting)?;
    let id = case_id(&raw)?;
    let why = match form.decision {
        ReviewDecision::Approve if form.reason.trim().is_empty() => "approved",
        _ => reason(&form.reason)?,
    };
    let result = state
        .portcullis
        .review_case(&console.caller, id, form.decision, why, Some(form.version))
        .await?;
    let done = match (form.decision, result.approvals_missing) {
        (ReviewDecision::Approve, 0) => "approved",
        (ReviewDecision::Approve, _) => "awaiting",
        (ReviewDecision::Reject, _) => "rejected",
        (ReviewDecision::RequestInformation, _) => "needs_information",
    };
    Ok(Redirect::to(&format!("/vetting/cases/{id}?done={done}")).into_response())
}

//! The vetting review queue: cases waiting for a reviewer, riskiest first
//! (the same `review_queue` use case as `GET /v1/vetting/review-queue`),
//! or every case in one state.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::vetting::{CaseFilter, CaseState, RiskLevel, VettingCase};
use portcullis_domain::{Page, Timestamp};
use portcullis_service::caller_rules::ConsoleArea;
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::layout::{Badge, Chrome, When, badge, require_area, when};
use super::paging;
use super::session::Console;
use crate::extract::{ApiQuery, encode_cursor, page_request};
use crate::state::AppState;

const PAGE_SIZE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// Absent: the review queue; a state: every case in it.
    state: Option<String>,
    cursor: Option<String>,
}

/// A case as a row of the queue.
#[derive(Debug)]
pub struct CaseRow {
    pub id: String,
    pub partner: String,
    pub tenant_id: String,
    pub state: Badge,
    pub risk: Badge,
    pub score: String,
    /// `1 of 2`.
    pub approvals: String,
    pub submitted: When,
}

#[derive(Template)]
#[template(path = "console/vetting.html")]
struct QueuePage {
    chrome: Chrome,
    states: Vec<&'static str>,
    state: String,
    rows: Vec<CaseRow>,
    next: Option<String>,
}

/// A case's state as a badge.
pub fn state_badge(state: CaseState) -> Badge {
    let tone = match state {
        CaseState::Approved | CaseState::AutoApproved => "ok",
        CaseState::Rejected | CaseState::Suspended | CaseState::Revoked => "high",
        CaseState::InReview => "warn",
        CaseState::Submitted | CaseState::Screening | CaseState::NeedsInformation => "info",
    };
    badge(&state.as_str().replace('_', " "), tone)
}

/// A risk level as a badge (`not screened` before screening).
pub fn risk_badge(level: Option<RiskLevel>) -> Badge {
    match level {
        Some(RiskLevel::High) => badge("high risk", "high"),
        Some(RiskLevel::Medium) => badge("medium risk", "medium"),
        Some(RiskLevel::Low) => badge("low risk", "low"),
        None => badge("not screened", "neutral"),
    }
}

pub(super) fn row(case: &VettingCase, now: Timestamp) -> CaseRow {
    let need = case
        .risk_level
        .unwrap_or(RiskLevel::High)
        .approvals_required();
    CaseRow {
        id: case.id.to_string(),
        partner: case.application.legal_name.clone(),
        tenant_id: case.tenant_id.to_string(),
        state: state_badge(case.state),
        risk: risk_badge(case.risk_level),
        score: case
            .risk_score
            .map_or_else(|| "—".to_owned(), |s| s.to_string()),
        approvals: format!("{} of {need}", case.approvals.len()),
        submitted: when(case.created_at, now),
    }
}

/// `GET /vetting`.
pub async fn queue(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<QueueQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::Vetting)?;
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let page_req = page_request(Some(PAGE_SIZE), q.cursor.as_deref())
        .map_err(|e| ConsoleError::Refused(e.message))?;
    let wanted = paging::blank_as_none(q.state.as_ref());
    let found: Page<VettingCase> = match wanted.as_deref() {
        None => {
            state
                .portcullis
                .review_queue(&console.caller, &page_req)
                .await?
        }
        Some(raw) => {
            let case_state = CaseState::parse(raw)
                .ok_or_else(|| ConsoleError::Refused(format!("`{raw}` is not a case state")))?;
            let filter = CaseFilter {
                tenant_id: None,
                state: Some(case_state),
            };
            state
                .portcullis
                .list_cases(&console.caller, filter, &page_req)
                .await?
        }
    };
    let now = state.portcullis.clock().now();
    let next = found.next.as_ref().map(|cursor| {
        paging::link(
            "/vetting",
            &[("state", wanted.as_deref())],
            Some(&encode_cursor(cursor)),
        )
    });
    let chrome = Chrome::new(&state, &console, ConsoleArea::Vetting).await?;
    Ok(page(&QueuePage {
        chrome,
        states: CaseState::ALL.iter().map(|s| s.as_str()).collect(),
        state: wanted.unwrap_or_default(),
        rows: found.items.iter().map(|c| row(c, now)).collect(),
        next,
    })?
    .into_response())
}

//! The vetting review queue: cases waiting for a reviewer, riskiest first
//! (the same `review_queue` use case as `GET /v1/vetting/review-queue`),
//! or every case in one state, newest first; a `table` sorted by its
//! headers, pages of 25.

use std::cmp::Ordering;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::Timestamp;
use portcullis_domain::vetting::{CaseFilter, CaseState, RiskLevel, VettingCase};
use portcullis_service::caller_rules::ConsoleArea;
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::layout::{Badge, Chrome, When, badge, require_area, when};
use super::paging::{self, collect_all};
use super::session::Console;
use super::table::{self, Column, Pager, Sort};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// The columns the list sorts by.
const SORT_KEYS: [&str; 5] = ["risk", "partner", "state", "approvals", "submitted"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// Absent: the review queue; a state: every case in it.
    state: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<usize>,
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
    /// For sorting: the risk score (none before screening), the approvals
    /// given, when submitted (Unix milliseconds).
    score_value: Option<u8>,
    approvals_given: usize,
    submitted_ms: i64,
}

#[derive(Template)]
#[template(path = "console/vetting.html")]
struct QueuePage {
    chrome: Chrome,
    states: Vec<&'static str>,
    state: String,
    columns: Vec<Column>,
    rows: Vec<CaseRow>,
    pager: Pager,
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
        score_value: case.risk_score,
        approvals_given: case.approvals.len(),
        submitted_ms: case.created_at.unix_millis(),
    }
}

/// By `key`, then by when submitted, in the same direction.
fn compare(key: &str, a: &CaseRow, b: &CaseRow) -> Ordering {
    let submitted = || a.submitted_ms.cmp(&b.submitted_ms);
    match key {
        "risk" => a.score_value.cmp(&b.score_value),
        "partner" => a.partner.to_lowercase().cmp(&b.partner.to_lowercase()),
        "state" => a.state.word.cmp(&b.state.word),
        "approvals" => a.approvals_given.cmp(&b.approvals_given),
        _ => Ordering::Equal,
    }
    .then_with(submitted)
}

/// `GET /vetting?state=&sort=&dir=&page=`.
pub async fn queue(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<QueueQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::Vetting)?;
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let wanted = paging::blank_as_none(q.state.as_ref());
    let service = &state.portcullis;
    let (found, capped) = match wanted.as_deref() {
        None => collect_all!(|page| service.review_queue(&console.caller, &page)),
        Some(raw) => {
            let case_state = CaseState::parse(raw)
                .ok_or_else(|| ConsoleError::Refused(format!("`{raw}` is not a case state")))?;
            let filter = CaseFilter {
                tenant_id: None,
                state: Some(case_state),
            };
            collect_all!(|page| service.list_cases(&console.caller, filter.clone(), &page))
        }
    };
    let now = service.clock().now();
    let mut rows: Vec<CaseRow> = found.iter().map(|c| row(c, now)).collect();
    // The queue: riskiest first; one state: newest first.
    let default = if wanted.is_none() {
        ("risk", true)
    } else {
        ("submitted", true)
    };
    let sort = Sort::parse(q.sort.as_deref(), q.dir.as_deref(), &SORT_KEYS, default);
    sort.apply(&mut rows, compare);
    let state_text = wanted.unwrap_or_default();
    let filters = [("state", state_text.as_str())];
    let columns = table::columns(
        "/vetting",
        &filters,
        &sort,
        &[
            ("Risk", Some("risk")),
            ("Applicant", Some("partner")),
            ("State", Some("state")),
            ("Approvals", Some("approvals")),
            ("Submitted", Some("submitted")),
        ],
    );
    let (rows, pager) = table::slice(rows, q.page, "/vetting", &filters, &sort, capped);
    let pager = pager.covering(format!(
        "the {} cases read first: the rest are not listed",
        table::thousands(found.len())
    ));
    let chrome = Chrome::new(&state, &console, ConsoleArea::Vetting).await?;
    Ok(page(&QueuePage {
        chrome,
        states: CaseState::ALL.iter().map(|s| s.as_str()).collect(),
        state: state_text,
        columns,
        rows,
        pager,
    })?
    .into_response())
}

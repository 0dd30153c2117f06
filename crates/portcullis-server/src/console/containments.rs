//! Containments (operators): what is held back now, or every containment
//! with who lifted it and why; an active one is lifted here with a reason
//! (the form posts to `/containments/{id}/lift`, the same use case as
//! `POST /v1/containments/{id}/lift`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{Containment, ContainmentFilter, ContainmentMode, Timestamp};
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
pub struct ContainmentQuery {
    /// `active` (the default) or `all`.
    show: Option<String>,
    cursor: Option<String>,
}

#[derive(Debug)]
pub struct ContainmentRow {
    pub id: String,
    pub kind: &'static str,
    pub target: String,
    pub state: Badge,
    pub mode: &'static str,
    pub reason: String,
    pub by: String,
    pub at: When,
    pub finding: Option<String>,
    /// `lifted 2 h ago by …: reason`.
    pub lifted: Option<String>,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "console/containments.html")]
struct ContainmentsPage {
    chrome: Chrome,
    all: bool,
    rows: Vec<ContainmentRow>,
    next: Option<String>,
}

fn row(c: &Containment, now: Timestamp) -> ContainmentRow {
    let state = match (c.lifted_at, c.mode) {
        (Some(_), _) => badge("lifted", "neutral"),
        (None, ContainmentMode::Shadow) => badge("shadow: not enforced", "warn"),
        (None, ContainmentMode::Enforced) => badge("contained", "high"),
    };
    ContainmentRow {
        id: c.id.to_string(),
        kind: c.kind.as_str(),
        target: c.target_id.clone(),
        state,
        mode: c.mode.as_str(),
        reason: c.reason.clone(),
        by: c.created_by.clone(),
        at: when(c.created_at, now),
        finding: c.finding_id.map(|f| f.to_string()),
        lifted: c.lifted_at.map(|at| {
            format!(
                "lifted {} by {}: {}",
                when(at, now).relative,
                c.lifted_by.as_deref().unwrap_or("unknown"),
                c.lift_reason.as_deref().unwrap_or_default()
            )
        }),
        active: c.lifted_at.is_none(),
    }
}

/// `GET /containments`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<ContainmentQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::Containments)?;
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let all = match q.show.as_deref().unwrap_or("active") {
        "active" | "" => false,
        "all" => true,
        other => {
            return Err(ConsoleError::Refused(format!(
                "`{other}` is neither `active` nor `all`"
            )));
        }
    };
    let page_req = page_request(Some(PAGE_SIZE), q.cursor.as_deref())
        .map_err(|e| ConsoleError::Refused(e.message))?;
    let filter = ContainmentFilter {
        active_only: !all,
        ..ContainmentFilter::default()
    };
    let found = state
        .portcullis
        .list_containments(&console.caller, &filter, &page_req)
        .await?;
    let now = state.portcullis.clock().now();
    let next = found.next.as_ref().map(|cursor| {
        paging::link(
            "/containments",
            &[("show", all.then_some("all"))],
            Some(&encode_cursor(cursor)),
        )
    });
    let chrome = Chrome::new(&state, &console, ConsoleArea::Containments).await?;
    Ok(page(&ContainmentsPage {
        chrome,
        all,
        rows: found.items.iter().map(|c| row(c, now)).collect(),
        next,
    })?
    .into_response())
}

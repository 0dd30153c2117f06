//! Containments (operators): what is held back now, or every containment
//! with who lifted it and why; an active one is lifted here with a reason
//! (the form posts to `/containments/{id}/lift`, the same use case as
//! `POST /v1/containments/{id}/lift`). A `table`: filtered by state and
//! target kind, sorted by its headers (newest first), pages of 25.

use std::cmp::Ordering;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{
    Containment, ContainmentFilter, ContainmentKind, ContainmentMode, Timestamp,
};
use portcullis_service::caller_rules::ConsoleArea;
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::layout::{Badge, Chrome, When, badge, require_area, when};
use super::paging::collect_all;
use super::session::Console;
use super::table::{self, Column, Pager, Sort};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// The columns the list sorts by.
const SORT_KEYS: [&str; 3] = ["state", "target", "since"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainmentQuery {
    /// `active` (the default), `lifted` or `all`.
    show: Option<String>,
    /// `user`, `partner` or `relationship`; blank for every kind.
    kind: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<usize>,
}

/// Which containments the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Show {
    Active,
    Lifted,
    All,
}

impl Show {
    fn parse(raw: Option<&str>) -> Result<Self, ConsoleError> {
        match raw.unwrap_or_default().trim() {
            "active" | "" => Ok(Self::Active),
            "lifted" => Ok(Self::Lifted),
            "all" => Ok(Self::All),
            other => Err(ConsoleError::Refused(format!(
                "`{other}` is none of `active`, `lifted` and `all`"
            ))),
        }
    }

    /// The query value (blank for the default).
    fn as_query(self) -> &'static str {
        match self {
            Self::Active => "",
            Self::Lifted => "lifted",
            Self::All => "all",
        }
    }

    fn keeps(self, active: bool) -> bool {
        match self {
            Self::Active => active,
            Self::Lifted => !active,
            Self::All => true,
        }
    }
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
    /// Unix milliseconds, for sorting.
    at_ms: i64,
}

#[derive(Template)]
#[template(path = "console/containments.html")]
struct ContainmentsPage {
    chrome: Chrome,
    /// `active`, `lifted` or `all`.
    show: &'static str,
    kind: String,
    kinds: Vec<&'static str>,
    columns: Vec<Column>,
    rows: Vec<ContainmentRow>,
    pager: Pager,
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
        at_ms: c.created_at.unix_millis(),
    }
}

/// By `key`, then by when contained, in the same direction.
fn compare(key: &str, a: &ContainmentRow, b: &ContainmentRow) -> Ordering {
    let since = || a.at_ms.cmp(&b.at_ms);
    match key {
        "state" => a.state.word.cmp(&b.state.word),
        "target" => (a.kind, &a.target).cmp(&(b.kind, &b.target)),
        _ => Ordering::Equal,
    }
    .then_with(since)
}

/// `GET /containments?show=&kind=&sort=&dir=&page=`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<ContainmentQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::Containments)?;
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let show = Show::parse(q.show.as_deref())?;
    let kind_text = q.kind.clone().unwrap_or_default().trim().to_owned();
    let kind = match kind_text.as_str() {
        "" => None,
        raw => Some(
            ContainmentKind::parse(raw)
                .ok_or_else(|| ConsoleError::Refused(format!("`{raw}` is not a target kind")))?,
        ),
    };
    let filter = ContainmentFilter {
        active_only: show == Show::Active,
        ..ContainmentFilter::default()
    };
    let service = &state.portcullis;
    let (found, capped) =
        collect_all!(|page| service.list_containments(&console.caller, &filter, &page));
    let now = service.clock().now();
    let mut rows: Vec<ContainmentRow> = found
        .iter()
        .filter(|c| show.keeps(c.lifted_at.is_none()) && kind.is_none_or(|k| c.kind == k))
        .map(|c| row(c, now))
        .collect();
    let sort = Sort::parse(
        q.sort.as_deref(),
        q.dir.as_deref(),
        &SORT_KEYS,
        ("since", true),
    );
    sort.apply(&mut rows, compare);
    let filters = [("show", show.as_query()), ("kind", kind_text.as_str())];
    let columns = table::columns(
        "/containments",
        &filters,
        &sort,
        &[
            ("State", Some("state")),
            ("What", Some("target")),
            ("Reason", None),
            ("Since", Some("since")),
            ("Lift", None),
        ],
    );
    let (rows, pager) = table::slice(rows, q.page, "/containments", &filters, &sort, capped);
    let pager = pager.covering(format!(
        "the {} containments read first: the rest are not listed",
        table::thousands(found.len())
    ));
    let chrome = Chrome::new(&state, &console, ConsoleArea::Containments).await?;
    Ok(page(&ContainmentsPage {
        chrome,
        show: match show {
            Show::Active => "active",
            Show::Lifted => "lifted",
            Show::All => "all",
        },
        kind: kind_text,
        kinds: ContainmentKind::ALL.iter().map(|k| k.as_str()).collect(),
        columns,
        rows,
        pager,
    })?
    .into_response())
}

//! A partner's posture scorecard: its standing, each requirement of the
//! baseline with its verdict, the evidence (why it passed or failed) and
//! remediation guidance, and the trend across its recent reports. Read
//! through the same use cases as `GET /v1/posture/…`.

use std::cmp::Ordering;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::PostureReportRecord;
use portcullis_service::caller_rules::ConsoleArea;
use serde::Deserialize;

use super::chart::{Chart, Series, Shape};
use super::error::{ConsoleError, page};
use super::groups::own_partner;
use super::layout::Chrome;
use super::scorecard::{self, Reader, RequirementRow, Standing};
use super::session::Console;
use super::table::{self, Column, Sort};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// How many reports the trend shows.
const TREND: u32 = 30;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostureQuery {
    /// `fail` (failing or erred) or `pass`.
    status: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
}

#[derive(Template)]
#[template(path = "console/posture.html")]
struct PosturePage {
    chrome: Chrome,
    standing: Option<Standing>,
    status: String,
    columns: Vec<Column>,
    rows: Vec<RequirementRow>,
    trend: Chart,
    score: super::score::ScoreView,
}

fn trend_chart(reports: &[PostureReportRecord]) -> Chart {
    let mut labels = Vec::new();
    let (mut passing, mut failing) = (Vec::new(), Vec::new());
    for r in reports.iter().rev() {
        let (passed, failed) = scorecard::counts(r);
        labels.push(
            r.evaluated_at
                .to_string()
                .get(5..16)
                .unwrap_or_default()
                .replace('T', " "),
        );
        passing.push(u64::try_from(passed).unwrap_or(0));
        failing.push(u64::try_from(failed).unwrap_or(0));
    }
    let last_failing = failing.last().copied().unwrap_or(0);
    Chart {
        id: "posture-trend",
        title: format!("Posture over your last {} reports", labels.len()),
        desc: format!(
            "Requirements passing and failing per report; the latest has {last_failing} failing."
        ),
        labels,
        series: vec![
            Series {
                name: "passing".to_owned(),
                class: "series-ok",
                values: passing,
            },
            Series {
                name: "failing".to_owned(),
                class: "series-deny",
                values: failing,
            },
        ],
        shape: Shape::Lines,
    }
}

fn compare(key: &str, a: &RequirementRow, b: &RequirementRow) -> Ordering {
    match key {
        "requirement" => a.id.cmp(&b.id),
        "criticality" => a.criticality.cmp(&b.criticality),
        // Failing first, then by id.
        _ => b.failing.cmp(&a.failing).then_with(|| a.id.cmp(&b.id)),
    }
}

/// `GET /posture?status=&sort=&dir=`.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<PostureQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let tenant = own_partner(&console)?;
    let service = &state.portcullis;
    let found = scorecard::latest(service, &console.caller, tenant, Reader::Partner).await?;
    let trend = service
        .posture_trend(&console.caller, tenant, TREND)
        .await?;
    let wanted = q.status.clone().unwrap_or_default();
    let (standing, rows) =
        found.map_or((None, Vec::new()), |card| (Some(card.standing), card.rows));
    let mut rows: Vec<RequirementRow> = rows
        .into_iter()
        .filter(|r| match wanted.as_str() {
            "fail" => r.failing,
            "pass" => !r.failing,
            _ => true,
        })
        .collect();
    let sort = Sort::parse(
        q.sort.as_deref(),
        q.dir.as_deref(),
        &["status", "requirement", "criticality"],
        ("status", false),
    );
    sort.apply(&mut rows, compare);
    let columns = table::columns(
        "/posture",
        &[("status", wanted.as_str())],
        &sort,
        &[
            ("Status", Some("status")),
            ("Requirement", Some("requirement")),
            ("Must or should", Some("criticality")),
            ("Evidence", None),
            ("What to change and why", None),
        ],
    );
    let chrome = Chrome::new(&state, &console, ConsoleArea::Posture).await?;
    Ok(page(&PosturePage {
        chrome,
        standing,
        status: wanted,
        columns,
        rows,
        trend: trend_chart(&trend),
        score: super::score::score_section(&state, &console, tenant).await?,
    })?
    .into_response())
}

//! A partner's posture scorecard: its standing, each requirement of the
//! baseline with its verdict, the evidence (why it passed or failed) and
//! remediation guidance, and the trend across its recent reports. Read
//! through the same use cases as `GET /v1/posture/…`.

use std::cmp::Ordering;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{PartnerPosture, PostureReportRecord, PostureStanding, Timestamp};
use portcullis_service::ServiceError;
use portcullis_service::caller_rules::ConsoleArea;
use serde::Deserialize;

use super::chart::{Chart, Series, Shape};
use super::error::{ConsoleError, page};
use super::groups::own_partner;
use super::layout::{Badge, Chrome, When, when};
use super::remediation::{Guidance, guidance};
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

/// One requirement's result, as the report stores it.
#[derive(Debug, Deserialize)]
struct ResultJson {
    requirement_id: String,
    #[serde(default)]
    policy_id: Option<String>,
    #[serde(default)]
    criticality: String,
    status: String,
    #[serde(default)]
    details: String,
}

#[derive(Debug, Deserialize)]
struct ReportJson {
    results: Vec<ResultJson>,
}

#[derive(Debug)]
pub struct RequirementRow {
    pub id: String,
    pub policy: String,
    pub description: String,
    pub rationale: String,
    pub criticality: String,
    pub status: Badge,
    pub failing: bool,
    pub evidence: String,
    pub guidance: Guidance,
}

#[derive(Debug)]
pub struct Standing {
    pub badge: Badge,
    pub sentence: String,
    pub evaluated: When,
    pub baseline: String,
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

fn verdict(status: &str) -> (Badge, bool) {
    let (word, tone, failing) = match status {
        "pass" => ("Pass", "ok", false),
        "fail" => ("Fail", "high", true),
        "error" => ("Could not judge", "warn", true),
        _ => ("Not applicable", "neutral", false),
    };
    (
        Badge {
            word: word.to_owned(),
            tone,
        },
        failing,
    )
}

fn standing(p: &PartnerPosture, report: &PostureReportRecord, now: Timestamp) -> Standing {
    let (word, tone, sentence) = match p.state {
        PostureStanding::Compliant => ("Compliant", "ok", "Every mandatory requirement holds.".to_owned()),
        PostureStanding::Noncompliant => (
            "Non-compliant",
            "medium",
            match p.grace_ends_at {
                Some(end) => format!(
                    "{} mandatory requirements fail. Fix them before the grace period ends ({}), or access for your users is suspended.",
                    p.failing.len(),
                    when(end, now).utc
                ),
                None => format!("{} mandatory requirements fail.", p.failing.len()),
            },
        ),
        PostureStanding::Suspended => (
            "Suspended",
            "high",
            "The grace period has passed: every access decision for your users denies until a compliant snapshot arrives.".to_owned(),
        ),
    };
    Standing {
        badge: Badge {
            word: word.to_owned(),
            tone,
        },
        sentence,
        evaluated: when(report.evaluated_at, now),
        baseline: report.baseline_version.clone(),
    }
}

fn trend_chart(reports: &[PostureReportRecord]) -> Chart {
    let mut labels = Vec::new();
    let (mut passing, mut failing) = (Vec::new(), Vec::new());
    for r in reports.iter().rev() {
        let results = serde_json::from_value::<ReportJson>(r.report.clone())
            .map(|x| x.results)
            .unwrap_or_default();
        let failed = results.iter().filter(|x| verdict(&x.status).1).count();
        let passed = results.iter().filter(|x| x.status == "pass").count();
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

/// `None` when the partner has no posture yet (never uploaded).
async fn latest(
    state: &AppState,
    console: &Console,
    tenant: portcullis_domain::TenantId,
) -> Result<Option<(PartnerPosture, PostureReportRecord)>, ConsoleError> {
    let service = &state.portcullis;
    let posture = match service.partner_posture(&console.caller, tenant).await {
        Ok(p) => p,
        Err(ServiceError::NotFound(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let report = service
        .latest_posture_report(&console.caller, tenant)
        .await?;
    Ok(Some((posture, report)))
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
    let now = service.clock().now();
    let baseline = service.posture_baseline(&console.caller).await?;
    let found = latest(&state, &console, tenant).await?;
    let trend = service
        .posture_trend(&console.caller, tenant, TREND)
        .await?;
    let results = found
        .as_ref()
        .and_then(|(_, r)| serde_json::from_value::<ReportJson>(r.report.clone()).ok())
        .map(|r| r.results)
        .unwrap_or_default();
    let wanted = q.status.clone().unwrap_or_default();
    let mut rows: Vec<RequirementRow> = results
        .into_iter()
        .map(|r| {
            let known = baseline
                .requirements
                .iter()
                .find(|x| x.id == r.requirement_id);
            let (status, failing) = verdict(&r.status);
            RequirementRow {
                policy: r.policy_id.unwrap_or_default(),
                description: known.map(|k| k.description.clone()).unwrap_or_default(),
                rationale: known.map(|k| k.rationale.clone()).unwrap_or_default(),
                criticality: r.criticality,
                status,
                failing,
                evidence: r.details,
                guidance: guidance(&r.requirement_id),
                id: r.requirement_id,
            }
        })
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
        standing: found.as_ref().map(|(p, r)| standing(p, r, now)),
        status: wanted,
        columns,
        rows,
        trend: trend_chart(&trend),
        score: super::score::score_section(&state, &console, tenant).await?,
    })?
    .into_response())
}

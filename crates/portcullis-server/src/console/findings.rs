//! Findings: the list (filters in the query string, sortable columns,
//! pages of 25: a `table`), one finding with its evidence, and the operator's actions on it: change its
//! status, contain what it names, lift a containment, each audited.

use std::cmp::Ordering;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::{
    ContainmentFilter, ContainmentKind, Finding, FindingFilter, FindingStatus, PageRequest,
    RecordId,
};
use portcullis_service::ServiceError;
use portcullis_service::caller_rules::{ConsoleArea, require_operator};
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::form::{ConsoleForm, reason};
use super::layout::{Badge, Chrome, When, severity, when};
use super::paging::collect_all;
use super::session::Console;
use super::table::{self, Column, Pager, Sort};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// The columns the list sorts by.
const SORT_KEYS: [&str; 5] = ["severity", "title", "status", "user", "last_seen"];

/// The list's filters, as the query string carries them.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FindingQuery {
    status: Option<String>,
    rule_id: Option<String>,
    partner_tenant_id: Option<String>,
    user_id: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<usize>,
}

/// A finding as a row or a header shows it.
#[derive(Debug)]
pub struct FindingView {
    pub id: String,
    pub title: String,
    pub rule_id: String,
    pub severity: Badge,
    /// OCSF severity id, for sorting.
    pub severity_id: i64,
    pub status: Badge,
    pub status_reason: Option<String>,
    pub partner: Option<String>,
    pub user: Option<String>,
    pub first_seen: When,
    pub last_seen: When,
    /// Unix milliseconds, for sorting.
    pub last_seen_ms: i64,
    pub evidence_count: i64,
    /// Why detection raised it, in a sentence.
    pub explanation: String,
    pub version: i64,
    /// The customer tenants its evidence touched (a customer sees only its own).
    pub customers: Vec<String>,
}

fn status_badge(status: FindingStatus) -> Badge {
    let tone = match status {
        FindingStatus::New => "warn",
        FindingStatus::InProgress => "info",
        FindingStatus::Resolved => "ok",
        FindingStatus::Suppressed => "neutral",
    };
    Badge {
        word: status.as_str().to_owned(),
        tone,
    }
}

pub(super) fn view(f: &Finding, now: portcullis_domain::Timestamp) -> FindingView {
    FindingView {
        id: f.id.to_string(),
        title: f.title.clone(),
        rule_id: f.rule_id.clone(),
        severity: severity(f.severity_id),
        severity_id: f.severity_id,
        status: status_badge(f.status),
        status_reason: f.status_reason.clone(),
        partner: f.partner_tenant_id.clone(),
        user: f.user_id.clone(),
        first_seen: when(f.first_seen, now),
        last_seen: when(f.last_seen, now),
        last_seen_ms: f.last_seen.unix_millis(),
        evidence_count: f.evidence_count,
        explanation: f.explanation.clone(),
        version: f.version,
        customers: f.customers.iter().map(ToString::to_string).collect(),
    }
}

#[derive(Template)]
#[template(path = "console/findings.html")]
struct ListPage {
    chrome: Chrome,
    filter: FindingQuery,
    statuses: [&'static str; 4],
    columns: Vec<Column>,
    rows: Vec<FindingView>,
    pager: Pager,
    /// Findings over time (the chart above the list).
    chart: super::chart::Chart,
}

impl ListPage {
    fn selected(&self, status: &str) -> bool {
        self.filter.status.as_deref() == Some(status)
    }
}

/// By `key`, then by when last seen, in the same direction (the default,
/// severity descending, is worst first, then the most recently seen).
fn compare(key: &str, a: &FindingView, b: &FindingView) -> Ordering {
    let recent = || a.last_seen_ms.cmp(&b.last_seen_ms);
    match key {
        "title" => a.title.to_lowercase().cmp(&b.title.to_lowercase()),
        "status" => a.status.word.cmp(&b.status.word),
        "user" => a.user.cmp(&b.user),
        "last_seen" => a.last_seen_ms.cmp(&b.last_seen_ms),
        _ => a.severity_id.cmp(&b.severity_id),
    }
    .then_with(recent)
}

/// `GET /findings?status=&rule_id=&partner_tenant_id=&user_id=&sort=&dir=&page=`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<FindingQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let blank = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let filter = FindingFilter {
        status: blank(&q.status),
        rule_id: blank(&q.rule_id),
        partner_tenant_id: blank(&q.partner_tenant_id),
        user_id: blank(&q.user_id),
        since: None,
        customer_tenant_id: None,
    };
    let service = &state.portcullis;
    let (found, capped) = collect_all!(|page| service.list_detection_findings(
        &console.caller,
        filter.clone(),
        &page
    ));
    let now = service.clock().now();
    let mut rows: Vec<FindingView> = found.iter().map(|f| view(f, now)).collect();
    let sort = Sort::parse(
        q.sort.as_deref(),
        q.dir.as_deref(),
        &SORT_KEYS,
        ("severity", true),
    );
    sort.apply(&mut rows, compare);
    let texts = |v: &Option<String>| v.clone().unwrap_or_default();
    let (status, rule, partner, user) = (
        texts(&q.status),
        texts(&q.rule_id),
        texts(&q.partner_tenant_id),
        texts(&q.user_id),
    );
    let filters = [
        ("status", status.as_str()),
        ("rule_id", rule.as_str()),
        ("partner_tenant_id", partner.as_str()),
        ("user_id", user.as_str()),
    ];
    let columns = table::columns(
        "/findings",
        &filters,
        &sort,
        &[
            ("Severity", Some("severity")),
            ("Finding", Some("title")),
            ("Status", Some("status")),
            ("User", Some("user")),
            ("Last seen", Some("last_seen")),
        ],
    );
    let (rows, pager) = table::slice(rows, q.page, "/findings", &filters, &sort, capped);
    let pager = pager.covering(format!(
        "the {} findings raised first that match the filters: newer ones are not listed",
        table::thousands(found.len())
    ));
    let chart = super::findings_chart::findings_over_time(&state, &console, now).await?;
    let chrome = Chrome::new(&state, &console, ConsoleArea::Findings).await?;
    page_of(&ListPage {
        chrome,
        chart,
        statuses: ["New", "In Progress", "Resolved", "Suppressed"],
        columns,
        rows,
        pager,
        filter: q,
    })
}

fn page_of(template: &impl Template) -> Result<Response, ConsoleError> {
    Ok(page(template)?.into_response())
}

/// A containment of the finding, with its lift form while active.
#[derive(Debug)]
pub struct ContainmentView {
    pub id: String,
    pub kind: &'static str,
    pub target: String,
    pub reason: String,
    pub at: When,
    pub active: bool,
}

#[derive(Template)]
#[template(path = "console/finding.html")]
struct DetailPage {
    chrome: Chrome,
    finding: FindingView,
    evidence: String,
    /// Whether the principal may triage (operators).
    triage: bool,
    next_statuses: Vec<&'static str>,
    containments: Vec<ContainmentView>,
}

fn finding_id(raw: &str) -> Result<RecordId, ConsoleError> {
    RecordId::parse(raw).map_err(|_| ConsoleError::NotFound)
}

/// `GET /findings/{id}`.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
) -> Result<Response, ConsoleError> {
    let id = finding_id(&raw)?;
    let finding = state
        .portcullis
        .get_detection_finding(&console.caller, id)
        .await?;
    let now = state.portcullis.clock().now();
    let triage = require_operator(&console.caller.principal, "change findings").is_ok();
    let containments = if triage {
        let all =
            PageRequest::new(Some(PageRequest::MAX_LIMIT), None).map_err(ServiceError::from)?;
        state
            .portcullis
            .list_containments(
                &console.caller,
                &ContainmentFilter {
                    finding_id: Some(id),
                    ..ContainmentFilter::default()
                },
                &all,
            )
            .await?
            .items
            .into_iter()
            .map(|c| ContainmentView {
                id: c.id.to_string(),
                kind: c.kind.as_str(),
                target: c.target_id,
                reason: c.reason,
                at: when(c.created_at, now),
                active: c.lifted_at.is_none(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let chrome = Chrome::new(&state, &console, ConsoleArea::Findings).await?;
    page_of(&DetailPage {
        chrome,
        evidence: serde_json::to_string_pretty(&finding.body).unwrap_or_default(),
        next_statuses: ["In Progress", "Resolved", "Suppressed"]
            .into_iter()
            .filter(|s| *s != finding.status.as_str())
            .collect(),
        finding: view(&finding, now),
        triage,
        containments,
    })
}

#[derive(Debug, Deserialize)]
pub struct StatusForm {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
    status: String,
    #[serde(default)]
    reason: String,
    version: i64,
}

/// `POST /findings/{id}/status`.
pub async fn set_status(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
    ConsoleForm(form): ConsoleForm<StatusForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    let id = finding_id(&raw)?;
    let reason = Some(form.reason.trim()).filter(|r| !r.is_empty());
    state
        .portcullis
        .set_finding_status(
            &console.caller,
            id,
            &form.status,
            reason,
            Some(form.version),
        )
        .await?;
    Ok(Redirect::to(&format!("/findings/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ContainForm {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
    /// `user` or `partner`.
    kind: String,
    reason: String,
}

/// `POST /findings/{id}/contain`: contains the user or partner the finding names.
pub async fn contain(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
    ConsoleForm(form): ConsoleForm<ContainForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    let id = finding_id(&raw)?;
    let finding = state
        .portcullis
        .get_detection_finding(&console.caller, id)
        .await?;
    let kind = ContainmentKind::parse(&form.kind)
        .ok_or_else(|| ConsoleError::Refused(format!("`{}` cannot be contained", form.kind)))?;
    let target = match kind {
        ContainmentKind::User => finding.user_id,
        ContainmentKind::Partner => finding.partner_tenant_id,
        ContainmentKind::Relationship => None,
    }
    .ok_or_else(|| ConsoleError::Refused(format!("the finding names no {kind} to contain")))?;
    state
        .portcullis
        .contain(
            &console.caller,
            kind,
            &target,
            reason(&form.reason)?,
            Some(id),
        )
        .await?;
    Ok(Redirect::to(&format!("/findings/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct LiftForm {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
    reason: String,
    /// The finding page to return to.
    finding_id: Option<String>,
    /// `containments`: return to the containments list.
    back: Option<String>,
}

/// `POST /containments/{id}/lift`.
pub async fn lift(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
    ConsoleForm(form): ConsoleForm<LiftForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    let id = RecordId::parse(&raw).map_err(|_| ConsoleError::NotFound)?;
    state
        .portcullis
        .lift_containment(&console.caller, id, reason(&form.reason)?)
        .await?;
    let back = match (form.back.as_deref(), form.finding_id.as_deref()) {
        (Some("containments"), _) => "/containments".to_owned(),
        (_, finding) => finding
            .and_then(|f| RecordId::parse(f).ok())
            .map_or_else(|| "/".to_owned(), |f| format!("/findings/{f}")),
    };
    Ok(Redirect::to(&back).into_response())
}

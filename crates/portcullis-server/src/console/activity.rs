//! What partner users did in a customer's tenant: the decisions Portcullis
//! took for them (allowed or denied, with the reason in words) and the
//! activity events the platform sent, over the last two weeks, filtered,
//! sorted and paged on the server, with a chart of decisions per day. The
//! same use case as `GET /v1/events`, which scopes a customer admin to
//! its own tenant.

use std::cmp::Ordering;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{EventFilter, StoredEvent, Timestamp};
use portcullis_service::caller_rules::ConsoleArea;
use serde::Deserialize;
use serde_json::Value;

use super::chart::{self, Chart, Series, Shape};
use super::error::{ConsoleError, page};
use super::layout::{Badge, Chrome, When, when};
use super::paging::collect_all;
use super::restrictions::own_customer;
use super::session::Console;
use super::table::{self, Column, Pager, Sort};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// How many days the page looks back.
const DAYS: i64 = 14;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActivityQuery {
    /// `decision` or `event`.
    kind: Option<String>,
    /// `allowed` or `denied`.
    outcome: Option<String>,
    user: Option<String>,
    operation: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<usize>,
}

#[derive(Debug)]
pub struct ActivityRow {
    pub at: When,
    at_ms: i64,
    pub decision: bool,
    pub allowed: bool,
    pub user: String,
    pub partner: String,
    pub operation: String,
    pub outcome: Badge,
    pub source_ip: String,
    /// For a denial: each reason code with its sentence.
    pub reasons: Vec<(String, &'static str)>,
}

#[derive(Template)]
#[template(path = "console/activity.html")]
struct ActivityPage {
    chrome: Chrome,
    kind: String,
    outcome: String,
    user: String,
    operation: String,
    columns: Vec<Column>,
    rows: Vec<ActivityRow>,
    pager: Pager,
    chart: Chart,
    days: i64,
}

fn at<'a>(body: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(body, |v, key| v.get(key))
}

fn text_at(body: &Value, path: &[&str]) -> Option<String> {
    at(body, path)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .filter(|s| !s.trim().is_empty())
}

/// One sentence for a denial's reason code.
pub fn reason_sentence(code: &str) -> &'static str {
    match code {
        "partner_not_authorized" => "The partner is not (or no longer) authorized by the platform.",
        "partner_noncompliant" => {
            "The partner's security posture has been non-compliant past its grace period."
        }
        "unknown_user" => "No such user exists in the partner's tenant.",
        "user_disabled" => "The partner has disabled this user.",
        "user_contained" => "The user is contained after a detection.",
        "relationship_contained" => "The relationship is contained after a detection.",
        "no_active_relationship" => {
            "No relationship between the partner and your tenant is active."
        }
        "relationship_expired" => "The relationship with your tenant has expired.",
        "no_assignment" => "The user is in no group that holds a role in your tenant.",
        "activation_required" => "The role is eligible only: the user has not activated it.",
        "role_does_not_permit_action" => "No role the user holds permits this action.",
        "mfa_required" => "The user did not sign in with MFA.",
        "phishing_resistant_mfa_required" => "A privileged role needs phishing-resistant MFA.",
        "ip_not_allowed" => "The request came from a network your restrictions do not allow.",
        "outside_allowed_hours" => "The request came outside the hours your restrictions allow.",
        _ => "See the decision's reason code.",
    }
}

fn row(stored: &StoredEvent, now: Timestamp) -> ActivityRow {
    let e = &stored.event;
    let decision = at(&e.body, &["unmapped", "portcullis", "decision"]);
    let allowed = e.status_id == 1;
    let reasons = decision
        .and_then(|d| d.get("reasons"))
        .and_then(Value::as_array)
        .map(|codes| {
            codes
                .iter()
                .filter_map(Value::as_str)
                .map(|c| (c.to_owned(), reason_sentence(c)))
                .collect()
        })
        .unwrap_or_default();
    let user = text_at(&e.body, &["actor", "user", "email_addr"])
        .or_else(|| text_at(&e.body, &["actor", "user", "name"]))
        .or_else(|| e.user_id.clone())
        .unwrap_or_default();
    let (word, tone) = match (decision.is_some(), allowed) {
        (true, true) => ("Allowed", "ok"),
        (true, false) => ("Denied", "high"),
        (false, true) => ("Succeeded", "info"),
        (false, false) => ("Failed", "warn"),
    };
    ActivityRow {
        at: when(e.time, now),
        at_ms: e.time.unix_millis(),
        decision: decision.is_some(),
        allowed,
        user,
        partner: e.partner_tenant_id.clone().unwrap_or_default(),
        operation: e.operation.clone().unwrap_or_default(),
        outcome: Badge {
            word: word.to_owned(),
            tone,
        },
        source_ip: text_at(&e.body, &["src_endpoint", "ip"]).unwrap_or_default(),
        reasons,
    }
}

/// Decisions allowed and denied per UTC day.
fn decisions_chart(rows: &[ActivityRow], now: Timestamp) -> Chart {
    let days = chart::days(now.unix_millis(), DAYS);
    let mut allowed = vec![0; days.len()];
    let mut denied = vec![0; days.len()];
    for r in rows.iter().filter(|r| r.decision) {
        if let Some(i) = chart::day_index(&days, r.at_ms) {
            let counts = if r.allowed { &mut allowed } else { &mut denied };
            if let Some(n) = counts.get_mut(i) {
                *n += 1;
            }
        }
    }
    let (total_allowed, total_denied): (u64, u64) = (allowed.iter().sum(), denied.iter().sum());
    Chart {
        id: "decisions-per-day",
        title: format!("Decisions per day, last {DAYS} days"),
        desc: format!(
            "{total_allowed} allowed and {total_denied} denied decisions about partner users in your tenant."
        ),
        labels: days.into_iter().map(|(_, label)| label).collect(),
        series: vec![
            Series {
                name: "allowed".to_owned(),
                class: "series-ok",
                values: allowed,
            },
            Series {
                name: "denied".to_owned(),
                class: "series-deny",
                values: denied,
            },
        ],
        shape: Shape::Bars,
    }
}

fn compare(key: &str, a: &ActivityRow, b: &ActivityRow) -> Ordering {
    match key {
        "user" => a.user.cmp(&b.user),
        "operation" => a.operation.cmp(&b.operation),
        "outcome" => a.outcome.word.cmp(&b.outcome.word),
        _ => a.at_ms.cmp(&b.at_ms),
    }
}

fn kept(r: &ActivityRow, q: &ActivityQuery) -> bool {
    let kind_ok = match q.kind.as_deref() {
        Some("decision") => r.decision,
        Some("event") => !r.decision,
        _ => true,
    };
    let outcome_ok = match q.outcome.as_deref() {
        Some("allowed") => r.allowed,
        Some("denied") => !r.allowed,
        _ => true,
    };
    kind_ok
        && outcome_ok
        && table::matches(&r.user, q.user.as_deref().unwrap_or_default())
        && table::matches(&r.operation, q.operation.as_deref().unwrap_or_default())
}

/// `GET /activity?kind=&outcome=&user=&operation=&sort=&dir=&page=`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<ActivityQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    own_customer(&console)?;
    let service = &state.portcullis;
    let now = service.clock().now();
    let filter = EventFilter {
        since: Some(Timestamp::from_unix_millis(
            chart::days(now.unix_millis(), DAYS)
                .first()
                .map_or(0, |(start, _)| *start),
        )),
        // Newest first: past the cap, what is left out is the oldest.
        newest_first: true,
        ..EventFilter::default()
    };
    let (events, capped) =
        collect_all!(|page| service.list_events(&console.caller, filter.clone(), &page));
    let all: Vec<ActivityRow> = events.iter().map(|e| row(e, now)).collect();
    let oldest_read = events.last().map(|e| when(e.event.time, now).utc);
    let mut chart = decisions_chart(&all, now);
    if let (true, Some(oldest)) = (capped, &oldest_read) {
        chart.desc = format!("{} Only events since {oldest} were read.", chart.desc);
    }
    let mut rows: Vec<ActivityRow> = all.into_iter().filter(|r| kept(r, &q)).collect();
    let sort = Sort::parse(
        q.sort.as_deref(),
        q.dir.as_deref(),
        &["time", "user", "operation", "outcome"],
        ("time", true),
    );
    sort.apply(&mut rows, compare);
    let (kind, outcome) = (
        q.kind.clone().unwrap_or_default(),
        q.outcome.clone().unwrap_or_default(),
    );
    let (user, operation) = (
        q.user.clone().unwrap_or_default(),
        q.operation.clone().unwrap_or_default(),
    );
    let filters = [
        ("kind", kind.as_str()),
        ("outcome", outcome.as_str()),
        ("user", user.as_str()),
        ("operation", operation.as_str()),
    ];
    let columns = table::columns(
        "/activity",
        &filters,
        &sort,
        &[
            ("When", Some("time")),
            ("User", Some("user")),
            ("Operation", Some("operation")),
            ("Outcome", Some("outcome")),
            ("Why", None),
        ],
    );
    let (rows, pager) = table::slice(rows, q.page, "/activity", &filters, &sort, capped);
    let pager = pager.covering(format!(
        "the {} most recent events, back to {}",
        table::thousands(events.len()),
        oldest_read.unwrap_or_default()
    ));
    let chrome = Chrome::new(&state, &console, ConsoleArea::Activity).await?;
    Ok(page(&ActivityPage {
        chrome,
        kind,
        outcome,
        user,
        operation,
        columns,
        rows,
        pager,
        chart,
        days: DAYS,
    })?
    .into_response())
}

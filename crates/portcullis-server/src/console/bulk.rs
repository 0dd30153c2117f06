//! Bulk changes for a partner admin: choose relationships and one change
//! (remove Global Administrator, switch auto-extend off or on, terminate),
//! try it as a dry run first, then run it; the run's page shows its
//! progress (refreshing itself while it runs, no script needed) and one
//! result per relationship.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::{
    BulkOperation, BulkOutcome, IsoDuration, RecordId, RelationshipFilter, RelationshipId,
    Timestamp,
};
use portcullis_service::BulkJob;
use portcullis_service::caller_rules::{ConsoleArea, PartnerScope, partner_scope};

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::layout::{Badge, Chrome, When, badge, require_area, when};
use super::paging::collect_all;
use super::session::Console;
use crate::state::AppState;

/// The changes the page offers: form value, label.
const CHANGES: [(&str, &str); 4] = [
    ("remove_global_admin", "Remove Global Administrator"),
    ("auto_extend_off", "Stop auto-extending"),
    ("auto_extend_on", "Auto-extend by 180 days"),
    ("terminate", "Terminate"),
];

#[derive(Debug)]
pub struct RelationshipChoice {
    pub id: String,
    pub name: String,
    pub status: String,
    pub roles: usize,
    pub auto_extend: bool,
}

#[derive(Debug)]
pub struct RunSummary {
    pub id: String,
    pub operation: String,
    pub dry_run: bool,
    pub handled: usize,
    pub total: usize,
    pub finished: bool,
    pub started: When,
}

#[derive(Template)]
#[template(path = "console/bulk.html")]
struct BulkPage {
    chrome: Chrome,
    relationships: Vec<RelationshipChoice>,
    changes: [(&'static str, &'static str); 4],
    runs: Vec<RunSummary>,
    cap: usize,
}

#[derive(Debug)]
pub struct ItemRow {
    pub target: String,
    pub outcome: Badge,
    pub error: String,
}

#[derive(Template)]
#[template(path = "console/bulk_run.html")]
struct RunPage {
    chrome: Chrome,
    run: RunSummary,
    done: usize,
    failed: usize,
    error: Option<String>,
    items: Vec<ItemRow>,
    /// The partner whose relationships the run changes (empty: an
    /// operator's run).
    partner: String,
    operator: bool,
}

fn own_partner(console: &Console) -> Result<(), ConsoleError> {
    require_area(console, ConsoleArea::LeastPrivilege)?;
    match partner_scope(&console.caller.principal, "change relationships in bulk")? {
        PartnerScope::Own(_) => Ok(()),
        PartnerScope::All => Err(ConsoleError::NotFound),
    }
}

pub(super) fn summary(run: &portcullis_domain::BulkRun, now: Timestamp) -> RunSummary {
    RunSummary {
        id: run.id.to_string(),
        operation: run.report.operation.clone(),
        dry_run: run.report.dry_run,
        // Lists carry the counts, a run's page the items too.
        handled: run.report.done + run.report.failed,
        total: run.report.total,
        finished: run.finished_at.is_some(),
        started: when(run.started_at, now),
    }
}

/// `GET /least-privilege/bulk`.
pub async fn form(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, ConsoleError> {
    own_partner(&console)?;
    let service = &state.portcullis;
    let now = service.clock().now();
    let (found, _capped) = collect_all!(|page| service.list_relationships(
        &console.caller,
        RelationshipFilter::default(),
        &page
    ));
    let relationships = found
        .iter()
        .filter(|r| !r.status_at(now).is_final())
        .map(|r| RelationshipChoice {
            id: r.id.to_string(),
            name: r.display_name.as_str().to_owned(),
            status: r.status_at(now).as_str().to_owned(),
            roles: r.roles.len(),
            auto_extend: r.auto_extend_duration.as_seconds() > 0,
        })
        .collect();
    let runs = service
        .bulk_runs(&console.caller)
        .await?
        .iter()
        .map(|r| summary(r, now))
        .collect();
    let chrome = Chrome::new(&state, &console, ConsoleArea::LeastPrivilege).await?;
    Ok(page(&BulkPage {
        chrome,
        relationships,
        changes: CHANGES,
        runs,
        cap: service.bulk_cap(),
    })?
    .into_response())
}

fn operation(change: &str) -> Result<BulkOperation, ConsoleError> {
    let extend =
        |text: &str| IsoDuration::parse(text).map_err(|e| ConsoleError::Refused(e.to_string()));
    Ok(match change {
        "remove_global_admin" => BulkOperation::RemoveRole { role_id: None },
        "auto_extend_off" => BulkOperation::SetAutoExtend {
            auto_extend_duration: extend("PT0S")?,
        },
        "auto_extend_on" => BulkOperation::SetAutoExtend {
            auto_extend_duration: extend("P180D")?,
        },
        "terminate" => BulkOperation::Terminate,
        _ => return Err(ConsoleError::Refused("choose a change".to_owned())),
    })
}

/// `POST /least-privilege/bulk`: starts the run and shows its progress.
pub async fn start(
    State(state): State<AppState>,
    console: Console,
    ConsoleForm(pairs): ConsoleForm<Vec<(String, String)>>,
) -> Result<Response, ConsoleError> {
    let mut csrf = String::new();
    let mut change = String::new();
    let mut dry_run = false;
    let mut ids = BTreeSet::new();
    for (name, value) in pairs {
        match name.as_str() {
            "csrf" => csrf = value,
            "change" => change = value,
            "dry_run" => dry_run = true,
            "relationship" => {
                ids.insert(RelationshipId::parse(&value).map_err(|_| ConsoleError::NotFound)?);
            }
            _ => {
                return Err(ConsoleError::Refused(
                    "the form could not be read".to_owned(),
                ));
            }
        }
    }
    console.check_csrf(&csrf)?;
    own_partner(&console)?;
    if ids.is_empty() {
        return Err(ConsoleError::Refused(
            "choose at least one relationship".to_owned(),
        ));
    }
    let run = state
        .portcullis
        .start_bulk(
            &console.caller,
            BulkJob::Relationships {
                operation: operation(&change)?,
                relationship_ids: ids.into_iter().collect(),
                dry_run,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/least-privilege/bulk/{}", run.id)).into_response())
}

/// `GET /least-privilege/bulk/{run_id}`: a run's progress and results.
pub async fn run(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
) -> Result<Response, ConsoleError> {
    own_partner(&console)?;
    run_page(&state, &console, &raw, ConsoleArea::LeastPrivilege, false).await
}

/// A run's page: its progress, refreshing itself while it runs, and one
/// result per item. `operator`: the way back is the operator's list.
pub(super) async fn run_page(
    state: &AppState,
    console: &Console,
    raw: &str,
    area: ConsoleArea,
    operator: bool,
) -> Result<Response, ConsoleError> {
    let id = RecordId::parse(raw).map_err(|_| ConsoleError::NotFound)?;
    let run = state.portcullis.bulk_run(&console.caller, id).await?;
    let now = state.portcullis.clock().now();
    let items = run
        .report
        .items
        .iter()
        .map(|i| ItemRow {
            target: i.target.clone(),
            outcome: match i.outcome {
                BulkOutcome::Done => badge("Done", "ok"),
                BulkOutcome::WouldDo => badge("Would change", "medium"),
                BulkOutcome::Unchanged => badge("Already so", "neutral"),
                BulkOutcome::Failed => badge("Failed", "critical"),
            },
            error: i.error.clone().unwrap_or_default(),
        })
        .collect();
    let chrome = Chrome::new(state, console, area).await?;
    let finished = run.finished_at.is_some();
    let mut response = page(&RunPage {
        chrome,
        run: summary(&run, now),
        partner: run
            .partner_tenant_id
            .map(|p| p.to_string())
            .unwrap_or_default(),
        done: run.report.done,
        failed: run.report.failed,
        error: run.error.clone(),
        items,
        operator,
    })?
    .into_response();
    if !finished {
        // Browsers reload the page after a second: progress without script.
        response.headers_mut().insert(
            axum::http::HeaderName::from_static("refresh"),
            axum::http::HeaderValue::from_static("1"),
        );
    }
    Ok(response)
}

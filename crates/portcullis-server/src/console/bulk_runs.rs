//! Bulk runs for operators: every background bulk change and template
//! application of every partner (operators may change any partner's
//! relationships in bulk through the API and the CLI), with each run's
//! progress and per-item results. Runs are kept in the store, so the
//! page shows runs started on any node.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use portcullis_service::caller_rules::{ConsoleArea, PartnerScope, partner_scope};

use super::bulk::{RunSummary, run_page, summary};
use super::error::{ConsoleError, page};
use super::layout::{Chrome, require_area};
use super::session::Console;
use crate::state::AppState;

#[derive(Debug)]
pub struct OperatorRun {
    pub run: RunSummary,
    /// Empty: an operator's own run.
    pub partner: String,
    pub failed: usize,
    pub refused: bool,
}

#[derive(Template)]
#[template(path = "console/bulk_runs.html")]
struct RunsPage {
    chrome: Chrome,
    runs: Vec<OperatorRun>,
}

/// Operators only; anyone else is answered as for a page that does not exist.
fn operator(console: &Console) -> Result<(), ConsoleError> {
    require_area(console, ConsoleArea::Relationships)?;
    match partner_scope(&console.caller.principal, "read bulk runs") {
        Ok(PartnerScope::All) => Ok(()),
        _ => Err(ConsoleError::NotFound),
    }
}

/// `GET /bulk-runs`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, ConsoleError> {
    operator(&console)?;
    let now = state.portcullis.clock().now();
    let runs = state
        .portcullis
        .bulk_runs(&console.caller)
        .await?
        .iter()
        .map(|r| OperatorRun {
            run: summary(r, now),
            partner: r
                .partner_tenant_id
                .map(|p| p.to_string())
                .unwrap_or_default(),
            failed: r.report.failed,
            refused: r.error.is_some(),
        })
        .collect();
    let chrome = Chrome::new(&state, &console, ConsoleArea::Relationships).await?;
    Ok(page(&RunsPage { chrome, runs })?.into_response())
}

/// `GET /bulk-runs/{run_id}`.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
) -> Result<Response, ConsoleError> {
    operator(&console)?;
    run_page(&state, &console, &raw, ConsoleArea::Relationships, true).await
}

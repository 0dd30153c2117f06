//! The audit log (operators): paged oldest first like `GET /v1/audit`,
//! filtered by operation, principal, tenant and time, with the hash
//! chain's verification status at the top.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{AuditFilter, AuditOperation, AuditRecord, TenantId, Timestamp};
use portcullis_service::caller_rules::ConsoleArea;
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::layout::{Badge, Chrome, When, badge, require_area, when};
use super::paging;
use super::session::Console;
use crate::extract::{ApiQuery, encode_cursor, page_request};
use crate::state::AppState;

const PAGE_SIZE: u32 = 100;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    operation: Option<String>,
    /// The principal that made the change, e.g. `operator token:<id>`.
    actor: Option<String>,
    tenant_id: Option<String>,
    /// RFC 3339 or a date (`2026-12-07`, midnight UTC), inclusive.
    since: Option<String>,
    /// RFC 3339 or a date, exclusive.
    until: Option<String>,
    cursor: Option<String>,
}

/// An audit record as a row.
#[derive(Debug)]
pub struct AuditRow {
    pub seq: i64,
    pub at: When,
    pub operation: String,
    pub actor: String,
    pub target: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

pub fn audit_row(r: &AuditRecord, now: Timestamp) -> AuditRow {
    let pretty = |text: &Option<String>| {
        text.as_deref().map(|t| {
            serde_json::from_str::<serde_json::Value>(t)
                .ok()
                .and_then(|v| serde_json::to_string_pretty(&v).ok())
                .unwrap_or_else(|| t.to_owned())
        })
    };
    AuditRow {
        seq: r.seq,
        at: when(r.at, now),
        operation: r.operation.clone(),
        actor: r.actor.clone(),
        target: r.target_id.clone(),
        before: pretty(&r.before),
        after: pretty(&r.after),
    }
}

/// What the chain's verification says, for the page's banner.
#[derive(Debug)]
pub struct ChainStatus {
    pub badge: Badge,
    pub sentence: String,
}

/// Verifies the audit chain with the store's walk (every record's hash and
/// link, and the stored head). The one place the page asks, so a stronger
/// verification (signed checkpoints) can replace it.
async fn chain_status(state: &AppState, console: &Console) -> Result<ChainStatus, ConsoleError> {
    Ok(
        match state.portcullis.verify_audit(&console.caller).await? {
            Ok(0) => ChainStatus {
                badge: badge("empty", "neutral"),
                sentence: "The audit log has no records yet.".to_owned(),
            },
            Ok(n) => ChainStatus {
                badge: badge("chain verified", "ok"),
                sentence: format!(
                    "All {n} records verify: each record's hash matches its content and links to the one before, up to the stored head."
                ),
            },
            Err(broken) => ChainStatus {
                badge: badge("chain broken", "critical"),
                sentence: format!("{broken}. Records from there on cannot be trusted."),
            },
        },
    )
}

#[derive(Template)]
#[template(path = "console/audit.html")]
struct AuditPage {
    chrome: Chrome,
    chain: ChainStatus,
    filter: AuditQuery,
    operations: Vec<&'static str>,
    audit: Vec<AuditRow>,
    next: Option<String>,
}

impl AuditPage {
    fn selected(&self, operation: &str) -> bool {
        self.filter.operation.as_deref() == Some(operation)
    }
}

/// A time filter: RFC 3339, or a bare date meaning its midnight UTC.
fn time_filter(
    field: &'static str,
    raw: Option<&String>,
) -> Result<Option<Timestamp>, ConsoleError> {
    let Some(text) = paging::blank_as_none(raw) else {
        return Ok(None);
    };
    let text = text.trim();
    let full = if text.len() == 10 {
        format!("{text}T00:00:00Z")
    } else {
        text.to_owned()
    };
    Timestamp::parse(field, &full)
        .map(Some)
        .map_err(|e| ConsoleError::Refused(e.to_string()))
}

fn filter_of(q: &AuditQuery) -> Result<AuditFilter, ConsoleError> {
    let tenant_id = paging::blank_as_none(q.tenant_id.as_ref())
        .map(|t| TenantId::parse(t.trim()))
        .transpose()
        .map_err(|e| ConsoleError::Refused(e.to_string()))?;
    Ok(AuditFilter {
        actor: paging::blank_as_none(q.actor.as_ref()).map(|a| a.trim().to_owned()),
        tenant_id,
        operation: paging::blank_as_none(q.operation.as_ref()),
        since: time_filter("since", q.since.as_ref())?,
        until: time_filter("until", q.until.as_ref())?,
    })
}

/// `GET /audit`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<AuditQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::Audit)?;
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let page_req = page_request(Some(PAGE_SIZE), q.cursor.as_deref())
        .map_err(|e| ConsoleError::Refused(e.message))?;
    let filter = filter_of(&q)?;
    let found = state
        .portcullis
        .list_audit(&console.caller, &filter, &page_req)
        .await?;
    let now = state.portcullis.clock().now();
    let next = found.next.as_ref().map(|cursor| {
        paging::link(
            "/audit",
            &[
                ("operation", q.operation.as_deref()),
                ("actor", q.actor.as_deref()),
                ("tenant_id", q.tenant_id.as_deref()),
                ("since", q.since.as_deref()),
                ("until", q.until.as_deref()),
            ],
            Some(&encode_cursor(cursor)),
        )
    });
    let chain = chain_status(&state, &console).await?;
    let chrome = Chrome::new(&state, &console, ConsoleArea::Audit).await?;
    Ok(page(&AuditPage {
        chrome,
        chain,
        operations: AuditOperation::ALL.iter().map(|o| o.as_str()).collect(),
        audit: found.items.iter().map(|r| audit_row(r, now)).collect(),
        filter: q,
        next,
    })?
    .into_response())
}

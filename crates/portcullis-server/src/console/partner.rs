//! One partner as an operator sees it: vetting, the posture scorecard
//! (each requirement's status), relationships, users, findings and the
//! audit trail of its tenant, each through the use case the API uses.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use portcullis_domain::vetting::CaseFilter;
use portcullis_domain::{
    AuditFilter, FindingFilter, PageRequest, RelationshipFilter, TenantId, TenantKind, Timestamp,
};
use portcullis_service::caller_rules::ConsoleArea;
use portcullis_service::{Caller, Portcullis, ServiceError};

use super::audit::{AuditRow, audit_row};
use super::error::{ConsoleError, page};
use super::findings::{FindingView, view as finding_view};
use super::layout::{Badge, Chrome, When, require_area, when};
use super::partners::authorized_badge;
use super::relationships::status_badge;
use super::scorecard::{self, Reader, Scorecard};
use super::session::Console;
use super::table::{self, Column, Sort};
use super::vetting::{CaseRow, row as case_row};
use crate::state::AppState;

/// How many rows each section shows; each links to its full list.
const SECTION_ROWS: u32 = 25;

#[derive(Debug)]
pub struct RelationshipRow {
    pub name: String,
    pub customer: String,
    pub status: Badge,
    pub ends: Option<When>,
}

#[derive(Debug)]
pub struct UserRow {
    pub upn: String,
    pub name: String,
    pub enabled: bool,
}

#[derive(Template)]
#[template(path = "console/partner.html")]
struct PartnerPage {
    chrome: Chrome,
    id: String,
    name: String,
    authorized: Badge,
    cases: Vec<CaseRow>,
    posture: Option<Scorecard>,
    scorecard_columns: Vec<Column>,
    relationships: Vec<RelationshipRow>,
    users: Vec<UserRow>,
    findings: Vec<FindingView>,
    audit: Vec<AuditRow>,
    score: super::score::ScoreView,
}

async fn relationships(
    service: &Portcullis,
    caller: &Caller,
    tenant: TenantId,
    first: &PageRequest,
    now: Timestamp,
) -> Result<Vec<RelationshipRow>, ServiceError> {
    let filter = RelationshipFilter {
        partner_tenant_id: Some(tenant),
        ..RelationshipFilter::default()
    };
    let found = service
        .list_relationships(caller, filter, first)
        .await?
        .items;
    let customers: BTreeSet<TenantId> = found.iter().map(|r| r.customer_tenant_id).collect();
    let names = service.customer_names(caller, &customers).await?;
    Ok(found
        .iter()
        .map(|r| RelationshipRow {
            name: r.display_name.to_string(),
            customer: names
                .get(&r.customer_tenant_id)
                .map_or_else(|| r.customer_tenant_id.to_string(), ToString::to_string),
            status: status_badge(r.status_at(now)),
            ends: r.end_at.map(|end| when(end, now)),
        })
        .collect())
}

/// The scorecard's headers (the section does not sort).
fn scorecard_columns() -> Vec<Column> {
    let unsorted = Sort::parse(None, None, &[], ("", false));
    table::columns(
        "",
        &[],
        &unsorted,
        &[
            ("Status", None),
            ("Requirement", None),
            ("Must or should", None),
            ("Evidence", None),
            ("What to change and why", None),
        ],
    )
}

/// `GET /partners/{id}`.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::Partners)?;
    let tenant = TenantId::parse(&raw).map_err(|_| ConsoleError::NotFound)?;
    let (service, caller) = (&state.portcullis, &console.caller);
    let found = service.get_tenant(caller, tenant).await?;
    if found.kind != TenantKind::Partner {
        return Err(ConsoleError::NotFound);
    }
    let now = service.clock().now();
    let first = PageRequest::new(Some(SECTION_ROWS), None).map_err(ServiceError::from)?;
    let cases = service
        .list_cases(
            caller,
            CaseFilter {
                tenant_id: Some(tenant),
                state: None,
            },
            &first,
        )
        .await?;
    let users = service.list_users(caller, tenant, &first).await?;
    let findings = service
        .list_detection_findings(
            caller,
            FindingFilter {
                partner_tenant_id: Some(tenant.to_string()),
                ..FindingFilter::default()
            },
            &first,
        )
        .await?;
    let audit_filter = AuditFilter {
        tenant_id: Some(tenant),
        ..AuditFilter::default()
    };
    let audit = service.list_audit(caller, &audit_filter, &first).await?;
    let score = super::score::score_section(&state, &console, tenant).await?;
    let chrome = Chrome::new(&state, &console, ConsoleArea::Partners).await?;
    Ok(page(&PartnerPage {
        chrome,
        score,
        id: tenant.to_string(),
        name: found.display_name.to_string(),
        authorized: authorized_badge(service.partner_authorized(caller, tenant).await?),
        cases: cases.items.iter().map(|c| case_row(c, now)).collect(),
        posture: scorecard::latest(service, caller, tenant, Reader::Operator).await?,
        scorecard_columns: scorecard_columns(),
        relationships: relationships(service, caller, tenant, &first, now).await?,
        users: users
            .items
            .iter()
            .map(|u| UserRow {
                upn: u.user_principal_name.to_string(),
                name: u.display_name.to_string(),
                enabled: u.enabled,
            })
            .collect(),
        findings: findings
            .items
            .iter()
            .map(|f| finding_view(f, now))
            .collect(),
        audit: audit.items.iter().map(|r| audit_row(r, now)).collect(),
    })?
    .into_response())
}

//! Partners: every partner tenant with its authorization, each linking to
//! its partner page (operators, through `list_tenants`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::TenantKind;
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
pub struct PartnersQuery {
    cursor: Option<String>,
}

#[derive(Debug)]
pub struct PartnerRow {
    pub id: String,
    pub name: String,
    pub authorized: Badge,
    pub created: When,
}

#[derive(Template)]
#[template(path = "console/partners.html")]
struct PartnersPage {
    chrome: Chrome,
    rows: Vec<PartnerRow>,
    next: Option<String>,
}

/// Whether a partner may act, as a badge.
pub fn authorized_badge(authorized: bool) -> Badge {
    if authorized {
        badge("authorized", "ok")
    } else {
        badge("not authorized", "high")
    }
}

/// `GET /partners`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<PartnersQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::Partners)?;
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let page_req = page_request(Some(PAGE_SIZE), q.cursor.as_deref())
        .map_err(|e| ConsoleError::Refused(e.message))?;
    let service = &state.portcullis;
    let found = service
        .list_tenants(&console.caller, Some(TenantKind::Partner), &page_req)
        .await?;
    let now = service.clock().now();
    let mut rows = Vec::new();
    for tenant in &found.items {
        rows.push(PartnerRow {
            id: tenant.id.to_string(),
            name: tenant.display_name.to_string(),
            authorized: authorized_badge(
                service
                    .partner_authorized(&console.caller, tenant.id)
                    .await?,
            ),
            created: when(tenant.created_at, now),
        });
    }
    let next = found
        .next
        .as_ref()
        .map(|cursor| paging::link("/partners", &[], Some(&encode_cursor(cursor))));
    let chrome = Chrome::new(&state, &console, ConsoleArea::Partners).await?;
    Ok(page(&PartnersPage { chrome, rows, next })?.into_response())
}

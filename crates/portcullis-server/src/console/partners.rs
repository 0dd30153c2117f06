//! Partners: every partner tenant with its authorization, each linking to
//! its partner page (operators, through `list_tenants`), as a `table`:
//! filtered by authorization and a name search, sorted by its headers,
//! pages of 25.

use std::cmp::Ordering;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::TenantKind;
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
const SORT_KEYS: [&str; 3] = ["name", "state", "created"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartnersQuery {
    /// Part of the partner's name or id.
    q: Option<String>,
    /// `authorized` or `not_authorized`; blank for both.
    state: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<usize>,
}

#[derive(Debug)]
pub struct PartnerRow {
    pub id: String,
    pub name: String,
    pub authorized: Badge,
    pub created: When,
    is_authorized: bool,
    created_ms: i64,
}

#[derive(Template)]
#[template(path = "console/partners.html")]
struct PartnersPage {
    chrome: Chrome,
    q: String,
    state: String,
    columns: Vec<Column>,
    rows: Vec<PartnerRow>,
    pager: Pager,
}

/// Whether a partner may act, as a badge.
pub fn authorized_badge(authorized: bool) -> Badge {
    if authorized {
        badge("authorized", "ok")
    } else {
        badge("not authorized", "high")
    }
}

/// By `key`, then by name (the default: by name, A first).
fn compare(key: &str, a: &PartnerRow, b: &PartnerRow) -> Ordering {
    let by_name = || a.name.to_lowercase().cmp(&b.name.to_lowercase());
    match key {
        "state" => a.is_authorized.cmp(&b.is_authorized),
        "created" => a.created_ms.cmp(&b.created_ms),
        _ => Ordering::Equal,
    }
    .then_with(by_name)
}

/// Whether the authorization filter keeps a partner.
fn state_kept(state: &str, authorized: bool) -> Result<bool, ConsoleError> {
    match state {
        "" => Ok(true),
        "authorized" => Ok(authorized),
        "not_authorized" => Ok(!authorized),
        other => Err(ConsoleError::Refused(format!(
            "`{other}` is neither `authorized` nor `not_authorized`"
        ))),
    }
}

/// `GET /partners?q=&state=&sort=&dir=&page=`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<PartnersQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::Partners)?;
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let needle = q.q.clone().unwrap_or_default();
    let wanted = q.state.clone().unwrap_or_default().trim().to_owned();
    state_kept(&wanted, true)?;
    let service = &state.portcullis;
    let (found, capped) = collect_all!(|page| service.list_tenants(
        &console.caller,
        Some(TenantKind::Partner),
        &page
    ));
    let now = service.clock().now();
    let mut rows = Vec::new();
    for tenant in &found {
        let (id, name) = (tenant.id.to_string(), tenant.display_name.to_string());
        if !(table::matches(&name, &needle) || table::matches(&id, &needle)) {
            continue;
        }
        let authorized = service
            .partner_authorized(&console.caller, tenant.id)
            .await?;
        if !state_kept(&wanted, authorized)? {
            continue;
        }
        rows.push(PartnerRow {
            id,
            name,
            authorized: authorized_badge(authorized),
            created: when(tenant.created_at, now),
            is_authorized: authorized,
            created_ms: tenant.created_at.unix_millis(),
        });
    }
    let sort = Sort::parse(
        q.sort.as_deref(),
        q.dir.as_deref(),
        &SORT_KEYS,
        ("name", false),
    );
    sort.apply(&mut rows, compare);
    let filters = [("q", needle.as_str()), ("state", wanted.as_str())];
    let columns = table::columns(
        "/partners",
        &filters,
        &sort,
        &[
            ("Partner", Some("name")),
            ("Authorization", Some("state")),
            ("Created", Some("created")),
        ],
    );
    let (rows, pager) = table::slice(rows, q.page, "/partners", &filters, &sort, capped);
    let pager = pager.covering(format!(
        "the {} partners created first: newer ones are not listed",
        table::thousands(found.len())
    ));
    let chrome = Chrome::new(&state, &console, ConsoleArea::Partners).await?;
    Ok(page(&PartnersPage {
        chrome,
        q: needle,
        state: wanted,
        columns,
        rows,
        pager,
    })?
    .into_response())
}

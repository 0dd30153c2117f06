//! Relationships, as each principal sees them through the same use case:
//! an operator every one, a partner admin its partner's, a customer admin
//! the partners with access to its tenant, with approve, reject and
//! terminate forms for the side that may use them.

use std::cmp::Ordering;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::{
    Relationship, RelationshipFilter, RelationshipId, RelationshipStatus, Timestamp,
};
use portcullis_service::caller_rules::{ConsoleArea, TenantScope, tenant_scope};
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::layout::{Badge, Chrome, When, when};
use super::paging::collect_all;
use super::session::Console;
use super::table::{self, Column, Pager, Sort};
use crate::extract::ApiQuery;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RelationshipQuery {
    status: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<usize>,
}

/// The columns the list sorts by.
const SORT_KEYS: [&str; 6] = ["name", "partner", "customer", "status", "roles", "ends"];

/// A form the row offers: where it posts and what its button says. A
/// dangerous action is a link to the relationship's page instead, where
/// a reason is typed first and the consequence is shown.
#[derive(Debug)]
pub struct Action {
    pub path: String,
    pub label: String,
    pub danger: bool,
}

fn reason_first(r: &Relationship, label: String) -> Action {
    Action {
        path: format!("/relationships/{}#close", r.id),
        label,
        danger: true,
    }
}

#[derive(Debug)]
pub struct RelationshipView {
    pub id: String,
    pub name: String,
    pub partner: String,
    pub customer: String,
    pub status: Badge,
    pub ends: Option<When>,
    pub roles: usize,
    pub actions: Vec<Action>,
    /// When access ends (unix ms), for sorting; never-active ones last.
    ends_ms: i64,
}

#[derive(Template)]
#[template(path = "console/relationships.html")]
struct ListPage {
    chrome: Chrome,
    heading: &'static str,
    /// Partners ask customers for access from here.
    may_request: bool,
    /// Operators reach every partner's bulk runs from here.
    operator: bool,
    statuses: Vec<&'static str>,
    status: String,
    columns: Vec<Column>,
    rows: Vec<RelationshipView>,
    pager: Pager,
}

const STATUSES: [RelationshipStatus; 7] = [
    RelationshipStatus::Created,
    RelationshipStatus::ApprovalPending,
    RelationshipStatus::Active,
    RelationshipStatus::Expired,
    RelationshipStatus::Rejected,
    RelationshipStatus::TerminationRequested,
    RelationshipStatus::Terminated,
];

pub(crate) fn status_badge(status: RelationshipStatus) -> Badge {
    let (word, tone) = match status {
        RelationshipStatus::Created => ("Draft", "neutral"),
        RelationshipStatus::ApprovalPending => ("Waiting for approval", "warn"),
        RelationshipStatus::Active => ("Active", "ok"),
        RelationshipStatus::Expired => ("Expired", "neutral"),
        RelationshipStatus::Rejected => ("Rejected", "high"),
        RelationshipStatus::TerminationRequested => ("Ending", "medium"),
        RelationshipStatus::Terminated => ("Terminated", "neutral"),
    };
    Badge {
        word: word.to_owned(),
        tone,
    }
}

/// The forms the principal's side may use on a relationship in `status`
/// (the customer approves or rejects; any side may end an active one); the
/// use case checks again when the form is sent.
fn actions(scope: &TenantScope, r: &Relationship, status: RelationshipStatus) -> Vec<Action> {
    let form = |action: &str, label: String, danger: bool| Action {
        path: format!("/relationships/{}/{action}", r.id),
        label,
        danger,
    };
    let name = r.display_name.to_string();
    match (scope, status) {
        (TenantScope::Customer(_), RelationshipStatus::ApprovalPending) => vec![
            form("approve", format!("Approve {name}"), false),
            reason_first(r, format!("Reject {name}…")),
        ],
        (_, RelationshipStatus::Active) => {
            vec![reason_first(r, format!("Terminate {name}…"))]
        }
        _ => Vec::new(),
    }
}

fn view(scope: &TenantScope, r: &Relationship, now: Timestamp) -> RelationshipView {
    let status = r.status_at(now);
    RelationshipView {
        id: r.id.to_string(),
        name: r.display_name.to_string(),
        partner: r.partner_tenant_id.to_string(),
        customer: r.customer_tenant_id.to_string(),
        status: status_badge(status),
        ends: r.end_at.map(|end| when(end, now)),
        roles: r.roles.len(),
        actions: actions(scope, r, status),
        ends_ms: r.end_at.map_or(i64::MAX, |end| end.unix_millis()),
    }
}

fn compare(key: &str, a: &RelationshipView, b: &RelationshipView) -> Ordering {
    let by_name = || a.name.to_lowercase().cmp(&b.name.to_lowercase());
    match key {
        "partner" => a.partner.cmp(&b.partner),
        "customer" => a.customer.cmp(&b.customer),
        "status" => a.status.word.cmp(&b.status.word),
        "roles" => a.roles.cmp(&b.roles),
        "ends" => a.ends_ms.cmp(&b.ends_ms),
        _ => by_name(),
    }
    .then_with(by_name)
}

/// `GET /relationships?status=&sort=&dir=&page=`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<RelationshipQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let status = q.status.clone().unwrap_or_default();
    let wanted = match status.as_str() {
        "" => None,
        text => Some(RelationshipStatus::parse(text).ok_or_else(|| {
            ConsoleError::Refused(format!("`{text}` is not a relationship status"))
        })?),
    };
    let filter = RelationshipFilter {
        status: wanted,
        ..RelationshipFilter::default()
    };
    let service = &state.portcullis;
    let (found, capped) =
        collect_all!(|page| service.list_relationships(&console.caller, filter.clone(), &page));
    let now = service.clock().now();
    let scope = tenant_scope(&console.caller.principal, "list relationships")?;
    let mut rows: Vec<RelationshipView> = found.iter().map(|r| view(&scope, r, now)).collect();
    let sort = Sort::parse(
        q.sort.as_deref(),
        q.dir.as_deref(),
        &SORT_KEYS,
        ("name", false),
    );
    sort.apply(&mut rows, compare);
    let filters = [("status", status.as_str())];
    let columns = table::columns(
        "/relationships",
        &filters,
        &sort,
        &[
            ("Name", Some("name")),
            ("Partner", Some("partner")),
            ("Customer", Some("customer")),
            ("Status", Some("status")),
            ("Roles", Some("roles")),
            ("Ends", Some("ends")),
            ("Actions", None),
        ],
    );
    let (rows, pager) = table::slice(rows, q.page, "/relationships", &filters, &sort, capped);
    let pager = pager.covering(format!(
        "the {} relationships created first{}: newer ones are not listed",
        table::thousands(found.len()),
        if status.is_empty() {
            ""
        } else {
            " in this status"
        }
    ));
    let heading = match scope {
        TenantScope::Customer(_) => "Partners with access to your tenant",
        TenantScope::Partner(_) => "Your relationships with customers",
        TenantScope::All => "Relationships",
    };
    let chrome = Chrome::new(&state, &console, ConsoleArea::Relationships).await?;
    Ok(page(&ListPage {
        chrome,
        heading,
        may_request: matches!(scope, TenantScope::Partner(_)),
        operator: matches!(scope, TenantScope::All),
        statuses: STATUSES.iter().map(|s| s.as_str()).collect(),
        status,
        columns,
        rows,
        pager,
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
    /// Why, for `reject` and `terminate` (required there).
    #[serde(default)]
    reason: String,
}

/// `POST /relationships/{id}/{approve|reject|terminate}`; rejecting and
/// terminating need a reason, recorded on the relationship.
pub async fn act(
    State(state): State<AppState>,
    console: Console,
    Path((raw, action)): Path<(String, String)>,
    ConsoleForm(form): ConsoleForm<ActionForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    let id = RelationshipId::parse(&raw).map_err(|_| ConsoleError::NotFound)?;
    let service = &state.portcullis;
    match action.as_str() {
        "approve" => service.approve_relationship(&console.caller, id).await?,
        "reject" => {
            service
                .reject_relationship_because(&console.caller, id, &form.reason)
                .await?
        }
        "terminate" => {
            service
                .terminate_relationship_because(&console.caller, id, &form.reason)
                .await?
        }
        _ => return Err(ConsoleError::NotFound),
    };
    Ok(Redirect::to(&format!("/relationships/{id}")).into_response())
}

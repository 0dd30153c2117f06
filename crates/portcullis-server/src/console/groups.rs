//! A partner admin's security groups (the groups relationships assign
//! roles to) and their members: list, filter and sort the groups, create
//! one, add and remove members. The same directory use cases as
//! `/v1/tenants/{id}/groups`.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::{Description, DisplayName, GroupId, NewGroup, TenantId, UserId};
use portcullis_service::caller_rules::{ConsoleArea, PartnerScope, partner_scope};
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::layout::{Chrome, When, when};
use super::paging::collect_all;
use super::session::Console;
use super::table::{self, Column, Pager, Sort};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// The partner tenant whose directory the principal manages.
pub(crate) fn own_partner(console: &Console) -> Result<TenantId, ConsoleError> {
    match partner_scope(&console.caller.principal, "manage security groups")? {
        PartnerScope::Own(own) => Ok(own),
        // Operators manage groups per partner through the API.
        PartnerScope::All => Err(ConsoleError::NotFound),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupQuery {
    q: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<usize>,
}

#[derive(Debug)]
pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub created: When,
    created_ms: i64,
}

#[derive(Template)]
#[template(path = "console/groups.html")]
struct ListPage {
    chrome: Chrome,
    q: String,
    columns: Vec<Column>,
    rows: Vec<GroupRow>,
    pager: Pager,
}

/// `GET /groups?q=&sort=&dir=&page=`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<GroupQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let tenant = own_partner(&console)?;
    let service = &state.portcullis;
    let (groups, capped) = collect_all!(|page| service.list_groups(&console.caller, tenant, &page));
    let now = service.clock().now();
    let needle = q.q.clone().unwrap_or_default();
    let read = groups.len();
    let mut rows: Vec<GroupRow> = groups
        .into_iter()
        .map(|g| GroupRow {
            id: g.id.to_string(),
            name: g.display_name.to_string(),
            description: g.description.map(|d| d.to_string()).unwrap_or_default(),
            created: when(g.created_at, now),
            created_ms: g.created_at.unix_millis(),
        })
        .filter(|g| table::matches(&g.name, &needle) || table::matches(&g.description, &needle))
        .collect();
    let sort = Sort::parse(
        q.sort.as_deref(),
        q.dir.as_deref(),
        &["name", "created"],
        ("name", false),
    );
    sort.apply(&mut rows, |key, a, b| match key {
        "created" => a.created_ms.cmp(&b.created_ms),
        _ => a.name.to_lowercase().cmp(&b.name.to_lowercase()),
    });
    let filters = [("q", needle.as_str())];
    let columns = table::columns(
        "/groups",
        &filters,
        &sort,
        &[
            ("Name", Some("name")),
            ("Description", None),
            ("Created", Some("created")),
        ],
    );
    let (rows, pager) = table::slice(rows, q.page, "/groups", &filters, &sort, capped);
    let pager = pager.covering(format!(
        "the {} groups created first: newer ones are not listed",
        table::thousands(read)
    ));
    let chrome = Chrome::new(&state, &console, ConsoleArea::Groups).await?;
    Ok(page(&ListPage {
        chrome,
        q: needle,
        columns,
        rows,
        pager,
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct CreateForm {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    description: String,
}

/// `POST /groups`: creates a group and opens it.
pub async fn create(
    State(state): State<AppState>,
    console: Console,
    ConsoleForm(form): ConsoleForm<CreateForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    let tenant = own_partner(&console)?;
    let display_name = DisplayName::parse(&form.display_name)
        .map_err(|e| ConsoleError::Refused(format!("the group's name is not usable: {e}")))?;
    let description =
        match form.description.trim() {
            "" => None,
            text => Some(Description::parse(text).map_err(|e| {
                ConsoleError::Refused(format!("the description is not usable: {e}"))
            })?),
        };
    let group = state
        .portcullis
        .create_group(
            &console.caller,
            tenant,
            NewGroup {
                display_name,
                description,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/groups/{}", group.id)).into_response())
}

#[derive(Debug)]
pub struct MemberRow {
    pub id: String,
    pub upn: String,
    pub name: String,
    pub enabled: bool,
    pub added: When,
}

#[derive(Debug)]
pub struct UserOption {
    pub id: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "console/group.html")]
struct GroupPage {
    chrome: Chrome,
    id: String,
    name: String,
    description: String,
    members: Vec<MemberRow>,
    candidates: Vec<UserOption>,
}

fn group_id(raw: &str) -> Result<GroupId, ConsoleError> {
    GroupId::parse(raw).map_err(|_| ConsoleError::NotFound)
}

/// `GET /groups/{id}`: the group's members, and the form to add one.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
) -> Result<Response, ConsoleError> {
    let id = group_id(&raw)?;
    let tenant = own_partner(&console)?;
    let service = &state.portcullis;
    let group = service.get_group(&console.caller, tenant, id).await?;
    let (members, _) =
        collect_all!(|page| service.list_members(&console.caller, tenant, id, &page));
    let (users, _) = collect_all!(|page| service.list_users(&console.caller, tenant, &page));
    let now = service.clock().now();
    let in_group: BTreeSet<UserId> = members.iter().map(|m| m.user_id).collect();
    let mut rows: Vec<MemberRow> = members
        .iter()
        .map(|m| {
            let user = users.iter().find(|u| u.id == m.user_id);
            MemberRow {
                id: m.user_id.to_string(),
                upn: user.map_or_else(
                    || m.user_id.to_string(),
                    |u| u.user_principal_name.to_string(),
                ),
                name: user.map(|u| u.display_name.to_string()).unwrap_or_default(),
                enabled: user.is_some_and(|u| u.enabled),
                added: when(m.added_at, now),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.upn.cmp(&b.upn));
    let mut candidates: Vec<UserOption> = users
        .iter()
        .filter(|u| !in_group.contains(&u.id))
        .map(|u| UserOption {
            id: u.id.to_string(),
            label: format!("{} ({})", u.display_name, u.user_principal_name),
        })
        .collect();
    candidates.sort_by(|a, b| a.label.cmp(&b.label));
    let chrome = Chrome::new(&state, &console, ConsoleArea::Groups).await?;
    Ok(page(&GroupPage {
        chrome,
        id: group.id.to_string(),
        name: group.display_name.to_string(),
        description: group.description.map(|d| d.to_string()).unwrap_or_default(),
        members: rows,
        candidates,
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct MemberForm {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    user_id: String,
}

/// `POST /groups/{id}/members`.
pub async fn add_member(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
    ConsoleForm(form): ConsoleForm<MemberForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    let id = group_id(&raw)?;
    let tenant = own_partner(&console)?;
    let user = UserId::parse(&form.user_id)
        .map_err(|_| ConsoleError::Refused("choose a user to add".to_owned()))?;
    state
        .portcullis
        .add_member(&console.caller, tenant, id, user)
        .await?;
    Ok(Redirect::to(&format!("/groups/{id}")).into_response())
}

/// `POST /groups/{id}/members/{user}/remove`.
pub async fn remove_member(
    State(state): State<AppState>,
    console: Console,
    Path((raw, raw_user)): Path<(String, String)>,
    ConsoleForm(form): ConsoleForm<MemberForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    let id = group_id(&raw)?;
    let tenant = own_partner(&console)?;
    let user = UserId::parse(&raw_user).map_err(|_| ConsoleError::NotFound)?;
    state
        .portcullis
        .remove_member(&console.caller, tenant, id, user)
        .await?;
    Ok(Redirect::to(&format!("/groups/{id}")).into_response())
}

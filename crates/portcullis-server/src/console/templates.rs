//! Relationship templates for a partner admin: the saved templates, a form
//! that saves one (roles, duration, auto-extend, the group its roles go
//! to, and the relationship name pattern), and, per template, a form that
//! applies it to a list of customers — as a background run whose progress
//! page (`bulk::run`) follows it.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::{
    AssignmentKind, DisplayName, GroupId, IsoDuration, PageRequest, RelationshipTemplate,
    RelationshipTerms, RoleId, TemplateAssignment, TemplateId, TenantId,
};
use portcullis_service::caller_rules::{ConsoleArea, PartnerScope, partner_scope};
use portcullis_service::{BulkJob, NewTemplate};

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::layout::{Chrome, require_area};
use super::relationship_request::RoleChoice;
use super::session::Console;
use crate::state::AppState;

#[derive(Debug)]
pub struct TemplateView {
    pub id: String,
    pub name: String,
    pub pattern: String,
    pub roles: String,
    pub duration: String,
    pub auto_extend: bool,
    pub assignments: usize,
}

#[derive(Debug)]
pub struct GroupChoice {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "console/templates.html")]
struct TemplatesPage {
    chrome: Chrome,
    templates: Vec<TemplateView>,
    roles: Vec<RoleChoice>,
    groups: Vec<GroupChoice>,
    cap: usize,
}

fn template_view(state: &AppState, t: &RelationshipTemplate) -> TemplateView {
    let catalog = state.portcullis.decisions().catalog();
    let names: Vec<String> = t
        .roles
        .iter()
        .map(|r| {
            catalog
                .get(*r)
                .map_or_else(|| r.to_string(), |role| role.name.clone())
        })
        .collect();
    TemplateView {
        id: t.id.to_string(),
        name: t.name.as_str().to_owned(),
        pattern: t.name_pattern.clone(),
        roles: names.join(", "),
        duration: t.duration.to_string(),
        auto_extend: t.auto_extend_duration.as_seconds() > 0,
        assignments: t.assignments.len(),
    }
}

/// The partner a partner admin acts for; other principals see no such page.
fn own_partner(console: &Console) -> Result<TenantId, ConsoleError> {
    require_area(console, ConsoleArea::LeastPrivilege)?;
    match partner_scope(&console.caller.principal, "manage relationship templates")? {
        PartnerScope::Own(own) => Ok(own),
        PartnerScope::All => Err(ConsoleError::NotFound),
    }
}

async fn render(state: &AppState, console: &Console) -> Result<Response, ConsoleError> {
    let partner = own_partner(console)?;
    let service = &state.portcullis;
    let templates = service.list_templates(&console.caller, None).await?;
    let groups = service
        .list_groups(
            &console.caller,
            partner,
            &PageRequest::first(PageRequest::MAX_LIMIT),
        )
        .await?;
    let roles = service
        .decisions()
        .catalog()
        .iter()
        .filter(|role| role.allowed_in_relationships)
        .map(|role| RoleChoice {
            id: role.id.to_string(),
            name: role.name.clone(),
            privileged: role.privileged,
            checked: false,
        })
        .collect();
    let chrome = Chrome::new(state, console, ConsoleArea::LeastPrivilege).await?;
    let body = page(&TemplatesPage {
        chrome,
        templates: templates.iter().map(|t| template_view(state, t)).collect(),
        roles,
        groups: groups
            .items
            .iter()
            .map(|g| GroupChoice {
                id: g.id.to_string(),
                name: g.display_name.as_str().to_owned(),
            })
            .collect(),
        cap: service.bulk_cap(),
    })?;
    Ok(body.into_response())
}

/// `GET /least-privilege/templates`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, ConsoleError> {
    render(&state, &console).await
}

/// The fields of the form that saves a template.
#[derive(Debug, Default)]
struct Typed {
    csrf: String,
    name: String,
    pattern: String,
    duration: String,
    auto_extend: bool,
    group: String,
    roles: BTreeSet<String>,
}

fn typed(pairs: Vec<(String, String)>) -> Result<Typed, ConsoleError> {
    let mut t = Typed::default();
    for (name, value) in pairs {
        match name.as_str() {
            "csrf" => t.csrf = value,
            "name" => t.name = value,
            "name_pattern" => t.pattern = value,
            "duration" => t.duration = value,
            "auto_extend" => t.auto_extend = value == "P180D",
            "group" => t.group = value,
            "role" => {
                t.roles.insert(value);
            }
            _ => {
                return Err(ConsoleError::Refused(
                    "the form could not be read".to_owned(),
                ));
            }
        }
    }
    Ok(t)
}

fn new_template(t: &Typed) -> Result<NewTemplate, String> {
    let roles = t
        .roles
        .iter()
        .map(|r| RoleId::parse(r).map_err(|_| format!("`{r}` is not a role")))
        .collect::<Result<BTreeSet<_>, _>>()?;
    if roles.is_empty() {
        return Err("Choose at least one role the relationships may grant".to_owned());
    }
    let assignments = match t.group.trim() {
        "" => Vec::new(),
        group => vec![TemplateAssignment {
            group_id: GroupId::parse(group).map_err(|_| "Choose one of your groups".to_owned())?,
            roles: roles.clone(),
            kind: AssignmentKind::Standing,
        }],
    };
    Ok(NewTemplate {
        partner_tenant_id: None,
        name: DisplayName::parse(&t.name).map_err(|e| format!("The name is not usable: {e}"))?,
        name_pattern: t.pattern.clone(),
        terms: RelationshipTerms {
            roles,
            duration: IsoDuration::parse(&t.duration)
                .map_err(|_| "Choose how long the access lasts".to_owned())?,
            auto_extend_duration: IsoDuration::parse(if t.auto_extend { "P180D" } else { "PT0S" })
                .map_err(|e| e.to_string())?,
        },
        assignments,
    })
}

/// `POST /least-privilege/templates`: save a template.
pub async fn create(
    State(state): State<AppState>,
    console: Console,
    ConsoleForm(pairs): ConsoleForm<Vec<(String, String)>>,
) -> Result<Response, ConsoleError> {
    let t = typed(pairs)?;
    console.check_csrf(&t.csrf)?;
    own_partner(&console)?;
    // A refusal goes back to the page with what was typed (`refill`).
    let new = new_template(&t).map_err(ConsoleError::Refused)?;
    state
        .portcullis
        .create_template(&console.caller, new)
        .await?;
    Ok(Redirect::to("/least-privilege/templates").into_response())
}

#[derive(Debug, serde::Deserialize)]
pub struct ApplyForm {
    #[serde(default)]
    csrf: String,
    /// Customer tenant ids, one per line (or separated by commas or spaces).
    #[serde(default)]
    customers: String,
    /// Present when the box is ticked.
    dry_run: Option<String>,
}

/// `POST /least-privilege/templates/{template_id}/apply`: starts the run
/// and shows its progress.
pub async fn apply(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
    ConsoleForm(form): ConsoleForm<ApplyForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    own_partner(&console)?;
    let template_id = TemplateId::parse(&raw).map_err(|_| ConsoleError::NotFound)?;
    let customers = form
        .customers
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
        .map(|s| {
            TenantId::parse(s)
                .map_err(|_| ConsoleError::Refused(format!("`{s}` is not a tenant id")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let run = state
        .portcullis
        .start_bulk(
            &console.caller,
            BulkJob::ApplyTemplate {
                template_id,
                customer_tenant_ids: customers,
                dry_run: form.dry_run.is_some(),
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/least-privilege/bulk/{}", run.id)).into_response())
}

#[derive(Debug, serde::Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /least-privilege/templates/{template_id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
    ConsoleForm(form): ConsoleForm<DeleteForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    own_partner(&console)?;
    let id = TemplateId::parse(&raw).map_err(|_| ConsoleError::NotFound)?;
    state
        .portcullis
        .delete_template(&console.caller, id)
        .await?;
    Ok(Redirect::to("/least-privilege/templates").into_response())
}

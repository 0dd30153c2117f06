//! One relationship, as either of its parties sees it: its roles, the
//! partner security groups that hold them (its access assignments), its
//! expiry and why it was closed; the customer approves, rejects or
//! terminates it (a reason first for the last two), the partner adds and
//! removes assignments or terminates it. Every change goes through the
//! same use cases as the API.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::{
    AccessAssignment, AssignmentId, AssignmentKind, AssignmentStatus, GroupId, IsoDuration,
    Relationship, RelationshipId, RelationshipStatus, RoleId,
};
use portcullis_service::NewAssignment;
use portcullis_service::caller_rules::{ConsoleArea, TenantScope, tenant_scope};
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::layout::{Badge, Chrome, When, when};
use super::paging::collect_all;
use super::relationships::status_badge;
use super::session::Console;
use crate::state::AppState;

/// A role as the page names it.
#[derive(Debug)]
pub struct RoleView {
    pub id: String,
    pub name: String,
    pub privileged: bool,
}

#[derive(Debug)]
pub struct AssignmentView {
    pub id: String,
    /// The group's name where the principal may read it, else its id.
    pub group: String,
    pub roles: Vec<String>,
    pub kind: String,
    pub status: Badge,
}

#[derive(Debug)]
pub struct GroupOption {
    pub id: String,
    pub name: String,
}

#[derive(Template)]
#[template(path = "console/relationship.html")]
struct DetailPage {
    chrome: Chrome,
    id: String,
    name: String,
    partner: String,
    customer: String,
    status: Badge,
    created: When,
    ends: Option<When>,
    closed: Option<When>,
    closed_reason: Option<String>,
    duration: String,
    roles: Vec<RoleView>,
    assignments: Vec<AssignmentView>,
    /// What closing it ends, in a sentence.
    consequence: String,
    may_approve: bool,
    may_reject: bool,
    may_terminate: bool,
    /// The partner may add and remove assignments.
    may_assign: bool,
    groups: Vec<GroupOption>,
}

pub(crate) fn relationship_id(raw: &str) -> Result<RelationshipId, ConsoleError> {
    RelationshipId::parse(raw).map_err(|_| ConsoleError::NotFound)
}

fn role_name(state: &AppState, id: RoleId) -> String {
    state
        .portcullis
        .decisions()
        .catalog()
        .get(id)
        .map_or_else(|| id.to_string(), |role| role.name.clone())
}

fn kind_text(kind: &AssignmentKind) -> String {
    match kind {
        AssignmentKind::Standing => "standing".to_owned(),
        AssignmentKind::Eligible {
            max_activation,
            approval_required,
        } => format!(
            "eligible, up to {max_activation} per activation{}",
            if *approval_required {
                ", approved by a second admin"
            } else {
                ""
            }
        ),
    }
}

fn assignment_badge(status: AssignmentStatus) -> Badge {
    let (word, tone) = match status {
        AssignmentStatus::Pending => ("Pending approval", "warn"),
        AssignmentStatus::Active => ("Active", "ok"),
        _ => ("Ended", "neutral"),
    };
    Badge {
        word: word.to_owned(),
        tone,
    }
}

/// The partner's groups by id that the page names: every group of the
/// partner for its admins and operators (to assign one), and for a
/// customer the groups assigned in this relationship only.
async fn group_names(
    state: &AppState,
    console: &Console,
    relationship: &Relationship,
) -> Result<BTreeMap<GroupId, String>, ConsoleError> {
    match tenant_scope(&console.caller.principal, "read relationships")? {
        TenantScope::Customer(_) => Ok(state
            .portcullis
            .assigned_group_names(&console.caller, relationship.id)
            .await?
            .into_iter()
            .map(|(id, name)| (id, name.to_string()))
            .collect()),
        TenantScope::All | TenantScope::Partner(_) => {
            let partner = relationship.partner_tenant_id;
            let (groups, _) =
                collect_all!(|page| state
                    .portcullis
                    .list_groups(&console.caller, partner, &page));
            Ok(groups
                .into_iter()
                .map(|g| (g.id, g.display_name.to_string()))
                .collect())
        }
    }
}

fn consequence(assignments: &[AccessAssignment]) -> String {
    let live: Vec<&AccessAssignment> = assignments
        .iter()
        .filter(|a| {
            matches!(
                a.status,
                AssignmentStatus::Active | AssignmentStatus::Pending
            )
        })
        .collect();
    let groups: BTreeSet<GroupId> = live.iter().map(|a| a.group_id).collect();
    let plural = |n: usize, word: &str| {
        if n == 1 {
            format!("1 {word}")
        } else {
            format!("{n} {word}s")
        }
    };
    format!(
        "{} to {} stop granting anything at once.",
        plural(live.len(), "assignment"),
        plural(groups.len(), "partner security group")
    )
}

/// `GET /relationships/{id}`.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
) -> Result<Response, ConsoleError> {
    let id = relationship_id(&raw)?;
    let service = &state.portcullis;
    let r = service.get_relationship(&console.caller, id).await?;
    let (assignments, _) =
        collect_all!(|page| service.list_assignments(&console.caller, id, &page));
    let names = group_names(&state, &console, &r).await?;
    let now = service.clock().now();
    let status = r.status_at(now);
    let scope = tenant_scope(&console.caller.principal, "read relationships")?;
    let customer_side = matches!(scope, TenantScope::Customer(_));
    let partner_side = matches!(scope, TenantScope::Partner(_));
    let open = matches!(
        status,
        RelationshipStatus::Created
            | RelationshipStatus::ApprovalPending
            | RelationshipStatus::Active
    );
    let roles = r
        .roles
        .iter()
        .map(|role| RoleView {
            id: role.to_string(),
            name: role_name(&state, *role),
            privileged: service
                .decisions()
                .catalog()
                .get(*role)
                .is_some_and(|x| x.privileged),
        })
        .collect();
    let chrome = Chrome::new(&state, &console, ConsoleArea::Relationships).await?;
    let page_data = DetailPage {
        chrome,
        id: r.id.to_string(),
        name: r.display_name.to_string(),
        partner: r.partner_tenant_id.to_string(),
        customer: r.customer_tenant_id.to_string(),
        status: status_badge(status),
        created: when(r.created_at, now),
        ends: r.end_at.map(|end| when(end, now)),
        closed: r.closed_at.map(|at| when(at, now)),
        closed_reason: r.closed_reason.clone(),
        duration: r.duration.to_string(),
        roles,
        consequence: consequence(&assignments),
        assignments: assignments
            .iter()
            .map(|a| AssignmentView {
                id: a.id.to_string(),
                group: names
                    .get(&a.group_id)
                    .cloned()
                    .unwrap_or_else(|| a.group_id.to_string()),
                roles: a.roles.iter().map(|x| role_name(&state, *x)).collect(),
                kind: kind_text(&a.kind),
                status: assignment_badge(a.status),
            })
            .collect(),
        may_approve: customer_side && status == RelationshipStatus::ApprovalPending,
        may_reject: customer_side && status == RelationshipStatus::ApprovalPending,
        may_terminate: status == RelationshipStatus::Active,
        may_assign: partner_side && open,
        groups: names
            .into_iter()
            .map(|(id, name)| GroupOption {
                id: id.to_string(),
                name,
            })
            .collect(),
    };
    Ok(page(&page_data)?.into_response())
}

/// The assignment form; `role` repeats, once per ticked role.
#[derive(Debug)]
pub struct AssignForm {
    csrf: String,
    group_id: String,
    role: Vec<String>,
    /// `standing` or `eligible`.
    kind: String,
    max_activation: String,
    approval_required: Option<String>,
}

fn assignment_kind(form: &AssignForm) -> Result<AssignmentKind, ConsoleError> {
    match form.kind.as_str() {
        "standing" => Ok(AssignmentKind::Standing),
        "eligible" => Ok(AssignmentKind::Eligible {
            max_activation: IsoDuration::parse(&form.max_activation).map_err(|_| {
                ConsoleError::Refused(format!(
                    "`{}` is not a duration such as PT4H",
                    form.max_activation
                ))
            })?,
            approval_required: form.approval_required.is_some(),
        }),
        _ => Err(ConsoleError::Refused(
            "choose standing or eligible access".to_owned(),
        )),
    }
}

/// `POST /relationships/{id}/assignments`: the partner grants some of the
/// relationship's roles to one of its groups.
pub async fn assign(
    State(state): State<AppState>,
    console: Console,
    Path(raw): Path<String>,
    ConsoleForm(pairs): ConsoleForm<Vec<(String, String)>>,
) -> Result<Response, ConsoleError> {
    let form = assign_form(pairs)?;
    console.check_csrf(&form.csrf)?;
    let id = relationship_id(&raw)?;
    // Looked up first, so a stranger's form answers "not found".
    state
        .portcullis
        .get_relationship(&console.caller, id)
        .await?;
    let group_id = GroupId::parse(&form.group_id)
        .map_err(|_| ConsoleError::Refused("choose a security group".to_owned()))?;
    let roles = form
        .role
        .iter()
        .map(|r| {
            RoleId::parse(r).map_err(|_| ConsoleError::Refused(format!("`{r}` is not a role")))
        })
        .collect::<Result<BTreeSet<_>, _>>()?;
    if roles.is_empty() {
        return Err(ConsoleError::Refused(
            "choose at least one role to assign".to_owned(),
        ));
    }
    let new = NewAssignment {
        group_id,
        roles,
        kind: assignment_kind(&form)?,
    };
    state
        .portcullis
        .create_assignment(&console.caller, id, new)
        .await?;
    Ok(Redirect::to(&format!("/relationships/{id}")).into_response())
}

/// Reads the repeated `role` fields, which a plain struct form cannot.
fn assign_form(pairs: Vec<(String, String)>) -> Result<AssignForm, ConsoleError> {
    let mut form = AssignForm {
        csrf: String::new(),
        group_id: String::new(),
        role: Vec::new(),
        kind: String::new(),
        max_activation: String::new(),
        approval_required: None,
    };
    for (name, value) in pairs {
        match name.as_str() {
            "csrf" => form.csrf = value,
            "group_id" => form.group_id = value,
            "role" => form.role.push(value),
            "kind" => form.kind = value,
            "max_activation" => form.max_activation = value,
            "approval_required" => form.approval_required = Some(value),
            _ => {
                return Err(ConsoleError::Refused(
                    "the form could not be read".to_owned(),
                ));
            }
        }
    }
    Ok(form)
}

#[derive(Debug, Deserialize)]
pub struct RemoveForm {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
}

/// `POST /relationships/{id}/assignments/{assignment}/remove`.
pub async fn unassign(
    State(state): State<AppState>,
    console: Console,
    Path((raw, raw_assignment)): Path<(String, String)>,
    ConsoleForm(form): ConsoleForm<RemoveForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    let id = relationship_id(&raw)?;
    let assignment = AssignmentId::parse(&raw_assignment).map_err(|_| ConsoleError::NotFound)?;
    state
        .portcullis
        .delete_assignment(&console.caller, id, assignment, None)
        .await?;
    Ok(Redirect::to(&format!("/relationships/{id}")).into_response())
}

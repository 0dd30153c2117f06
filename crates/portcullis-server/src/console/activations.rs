//! Just-in-time activations for a partner admin: every activation of the
//! eligible assignments on its active relationships (who, which roles,
//! why, until when, in which state), the form that requests one for a
//! user, and approve / deny for a request another admin made (the use
//! case refuses the requester's own approval: four eyes).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::{
    ActivationId, ActivationStatus, AssignmentId, AssignmentKind, AuthStrength, Description,
    IsoDuration, RelationshipFilter, RelationshipId, RelationshipStatus, UserId,
};
use portcullis_service::caller_rules::ConsoleArea;
use portcullis_service::{ActivationDecision, NewActivation};
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::groups::own_partner;
use super::layout::{Badge, Chrome, When, when};
use super::paging::collect_all;
use super::session::Console;
use crate::state::AppState;

/// The durations an activation may ask for (the assignment caps it).
const DURATIONS: [(&str, &str); 5] = [
    ("PT30M", "30 minutes"),
    ("PT1H", "1 hour"),
    ("PT2H", "2 hours"),
    ("PT4H", "4 hours"),
    ("PT8H", "8 hours"),
];

#[derive(Debug)]
pub struct ActivationRow {
    pub id: String,
    pub user: String,
    pub relationship: String,
    pub relationship_id: String,
    pub roles: String,
    pub justification: String,
    pub status: Badge,
    pub requested: When,
    pub requested_by: String,
    pub decided_by: String,
    pub ends: Option<When>,
    /// Someone other than the requester may approve or deny it.
    pub decidable: bool,
    /// The signed-in admin asked for it: a second admin must decide.
    pub own_request: bool,
    pub revocable: bool,
}

#[derive(Debug)]
pub struct Eligible {
    /// `relationship_id/assignment_id`.
    pub value: String,
    pub label: String,
}

#[derive(Debug)]
pub struct UserChoice {
    pub id: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "console/activations.html")]
struct ActivationsPage {
    chrome: Chrome,
    rows: Vec<ActivationRow>,
    eligible: Vec<Eligible>,
    users: Vec<UserChoice>,
    durations: [(&'static str, &'static str); 5],
}

fn status_badge(status: ActivationStatus) -> Badge {
    let (word, tone) = match status {
        ActivationStatus::PendingApproval => ("Waiting for approval", "warn"),
        ActivationStatus::Active => ("Active", "ok"),
        ActivationStatus::Denied => ("Denied", "high"),
        ActivationStatus::Revoked => ("Revoked", "neutral"),
    };
    Badge {
        word: word.to_owned(),
        tone,
    }
}

/// `GET /activations`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, ConsoleError> {
    let tenant = own_partner(&console)?;
    let service = &state.portcullis;
    let me = console.caller.principal.audit_name();
    let now = service.clock().now();
    let filter = RelationshipFilter {
        status: Some(RelationshipStatus::Active),
        ..RelationshipFilter::default()
    };
    let (relationships, _) =
        collect_all!(|page| service.list_relationships(&console.caller, filter.clone(), &page));
    let (users, _) = collect_all!(|page| service.list_users(&console.caller, tenant, &page));
    let user_name = |id: UserId| {
        users
            .iter()
            .find(|u| u.id == id)
            .map_or_else(|| id.to_string(), |u| u.user_principal_name.to_string())
    };
    let role_names = |roles: &std::collections::BTreeSet<portcullis_domain::RoleId>| {
        let catalog = service.decisions().catalog();
        roles
            .iter()
            .map(|r| {
                catalog
                    .get(*r)
                    .map_or_else(|| r.to_string(), |x| x.name.clone())
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut rows = Vec::new();
    let mut eligible = Vec::new();
    for r in &relationships {
        let (assignments, _) =
            collect_all!(|page| service.list_assignments(&console.caller, r.id, &page));
        for a in assignments
            .iter()
            .filter(|a| matches!(a.kind, AssignmentKind::Eligible { .. }))
        {
            eligible.push(Eligible {
                value: format!("{}/{}", r.id, a.id),
                label: format!("{} · {}", r.display_name, role_names(&a.roles)),
            });
            let (activations, _) =
                collect_all!(|page| service.list_activations(&console.caller, r.id, a.id, &page));
            for x in activations {
                let own_request = x.requested_by.as_deref() == Some(me.as_str());
                rows.push(ActivationRow {
                    id: x.id.to_string(),
                    user: user_name(x.user_id),
                    relationship: r.display_name.to_string(),
                    relationship_id: r.id.to_string(),
                    roles: role_names(&a.roles),
                    justification: x.justification.to_string(),
                    status: status_badge(x.status),
                    requested: when(x.requested_at, now),
                    requested_by: x.requested_by.clone().unwrap_or_default(),
                    decided_by: x.decided_by.clone().unwrap_or_default(),
                    ends: x.ends_at.map(|end| when(end, now)),
                    decidable: x.status == ActivationStatus::PendingApproval && !own_request,
                    own_request,
                    revocable: x.status == ActivationStatus::Active
                        && x.ends_at.is_some_and(|end| end > now),
                });
            }
        }
    }
    rows.sort_by(|a, b| b.requested.iso.cmp(&a.requested.iso));
    let chrome = Chrome::new(&state, &console, ConsoleArea::Activations).await?;
    Ok(page(&ActivationsPage {
        chrome,
        rows,
        eligible,
        users: users
            .iter()
            .filter(|u| u.enabled)
            .map(|u| UserChoice {
                id: u.id.to_string(),
                label: format!("{} ({})", u.display_name, u.user_principal_name),
            })
            .collect(),
        durations: DURATIONS,
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct RequestForm {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
    /// `relationship_id/assignment_id`.
    #[serde(default)]
    assignment: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    duration: String,
    /// `none`, `mfa` or `phishing_resistant`.
    #[serde(default)]
    auth_strength: String,
}

fn refused(message: &str) -> ConsoleError {
    ConsoleError::Refused(message.to_owned())
}

fn request_of(form: &RequestForm) -> Result<(RelationshipId, NewActivation), ConsoleError> {
    let (relationship, assignment) = form
        .assignment
        .split_once('/')
        .ok_or_else(|| refused("choose the eligible assignment to activate"))?;
    let relationship =
        RelationshipId::parse(relationship).map_err(|_| refused("choose an assignment"))?;
    let assignment_id =
        AssignmentId::parse(assignment).map_err(|_| refused("choose an assignment"))?;
    let auth_strength = match form.auth_strength.as_str() {
        "none" => AuthStrength::None,
        "mfa" => AuthStrength::Mfa,
        "phishing_resistant" => AuthStrength::PhishingResistant,
        _ => return Err(refused("say how the user signed in")),
    };
    Ok((
        relationship,
        NewActivation {
            assignment_id,
            user_id: UserId::parse(&form.user_id).map_err(|_| refused("choose a user"))?,
            justification: Description::parse(&form.justification)
                .map_err(|e| ConsoleError::Refused(format!("the justification: {e}")))?,
            duration: IsoDuration::parse(&form.duration)
                .map_err(|_| refused("choose how long the activation lasts"))?,
            auth_strength,
        },
    ))
}

/// `POST /activations`: requests an activation for one of the partner's users.
pub async fn request(
    State(state): State<AppState>,
    console: Console,
    ConsoleForm(form): ConsoleForm<RequestForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    own_partner(&console)?;
    let (relationship, new) = request_of(&form)?;
    // The assignment must belong to one of the caller's relationships.
    state
        .portcullis
        .get_assignment(&console.caller, relationship, new.assignment_id)
        .await?;
    state
        .portcullis
        .request_activation(&console.caller, new)
        .await?;
    Ok(Redirect::to("/activations").into_response())
}

#[derive(Debug, Deserialize)]
pub struct DecideForm {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
}

/// `POST /activations/{id}/{approve|deny|revoke}`.
pub async fn decide(
    State(state): State<AppState>,
    console: Console,
    Path((raw, action)): Path<(String, String)>,
    ConsoleForm(form): ConsoleForm<DecideForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    own_partner(&console)?;
    let id = ActivationId::parse(&raw).map_err(|_| ConsoleError::NotFound)?;
    let service = &state.portcullis;
    match action.as_str() {
        "approve" => {
            service
                .decide_activation(&console.caller, id, ActivationDecision::Approve)
                .await?
        }
        "deny" => {
            service
                .decide_activation(&console.caller, id, ActivationDecision::Deny)
                .await?
        }
        "revoke" => service.revoke_activation(&console.caller, id).await?,
        _ => return Err(ConsoleError::NotFound),
    };
    Ok(Redirect::to("/activations").into_response())
}

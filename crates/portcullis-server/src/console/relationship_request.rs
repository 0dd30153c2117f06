//! A partner admin asks a customer for access: the relationship's name,
//! the customer tenant, the roles and how long. The console creates the
//! relationship and sends it for the customer's approval (the same two use
//! cases as `POST /v1/relationships` and `…/request-approval`); a refusal
//! comes back on the form, with what was typed kept.

use std::collections::BTreeSet;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::{DisplayName, IsoDuration, RoleId, TenantId};
use portcullis_service::NewRelationship;
use portcullis_service::caller_rules::{ConsoleArea, partner_scope};

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::layout::Chrome;
use super::session::Console;
use crate::state::AppState;

/// The durations offered, as GDAP allows them (1 to 730 days).
const DURATIONS: [(&str, &str); 5] = [
    ("P30D", "30 days"),
    ("P90D", "90 days"),
    ("P180D", "180 days"),
    ("P365D", "1 year"),
    ("P730D", "2 years (the longest allowed)"),
];

#[derive(Debug)]
pub struct RoleChoice {
    pub id: String,
    pub name: String,
    pub privileged: bool,
    pub checked: bool,
}

#[derive(Template)]
#[template(path = "console/relationship_new.html")]
struct RequestPage {
    chrome: Chrome,
    error: Option<String>,
    customer: String,
    name: String,
    duration: String,
    durations: [(&'static str, &'static str); 5],
    roles: Vec<RoleChoice>,
}

/// What was typed, kept when the form comes back with an error.
#[derive(Debug, Default)]
struct Typed {
    csrf: String,
    customer: String,
    name: String,
    duration: String,
    roles: BTreeSet<String>,
}

fn typed(pairs: Vec<(String, String)>) -> Result<Typed, ConsoleError> {
    let mut t = Typed::default();
    for (name, value) in pairs {
        match name.as_str() {
            "csrf" => t.csrf = value,
            "customer_tenant_id" => t.customer = value,
            "display_name" => t.name = value,
            "duration" => t.duration = value,
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

async fn render(
    state: &AppState,
    console: &Console,
    typed: &Typed,
    error: Option<String>,
) -> Result<Response, ConsoleError> {
    let roles = state
        .portcullis
        .decisions()
        .catalog()
        .iter()
        .filter(|role| role.allowed_in_relationships)
        .map(|role| RoleChoice {
            id: role.id.to_string(),
            name: role.name.clone(),
            privileged: role.privileged,
            checked: typed.roles.contains(&role.id.to_string()),
        })
        .collect();
    let chrome = Chrome::new(state, console, ConsoleArea::Relationships).await?;
    let status = if error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let body = page(&RequestPage {
        chrome,
        error,
        customer: typed.customer.clone(),
        name: typed.name.clone(),
        duration: if typed.duration.is_empty() {
            "P90D".to_owned()
        } else {
            typed.duration.clone()
        },
        durations: DURATIONS,
        roles,
    })?;
    Ok((status, body).into_response())
}

/// `GET /relationships/new`: partner admins only.
pub async fn form(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, ConsoleError> {
    partner_scope(&console.caller.principal, "request relationships")?;
    render(&state, &console, &Typed::default(), None).await
}

/// The proposal the form describes, or the sentence saying what is wrong.
fn proposal(partner: TenantId, t: &Typed) -> Result<NewRelationship, String> {
    let customer = TenantId::parse(t.customer.trim())
        .map_err(|_| "Enter the customer's tenant id (a UUID the customer gave you)".to_owned())?;
    let display_name =
        DisplayName::parse(&t.name).map_err(|e| format!("The name is not usable: {e}"))?;
    let roles = t
        .roles
        .iter()
        .map(|r| RoleId::parse(r).map_err(|_| format!("`{r}` is not a role")))
        .collect::<Result<BTreeSet<_>, _>>()?;
    if roles.is_empty() {
        return Err("Choose at least one role the relationship may grant".to_owned());
    }
    let duration = IsoDuration::parse(&t.duration)
        .map_err(|_| "Choose how long the access lasts".to_owned())?;
    Ok(NewRelationship {
        partner_tenant_id: partner,
        customer_tenant_id: customer,
        display_name,
        roles,
        duration,
        auto_extend_duration: IsoDuration::parse("PT0S").map_err(|e| e.to_string())?,
    })
}

/// `POST /relationships/new`: create and send for approval.
pub async fn submit(
    State(state): State<AppState>,
    console: Console,
    ConsoleForm(pairs): ConsoleForm<Vec<(String, String)>>,
) -> Result<Response, ConsoleError> {
    let t = typed(pairs)?;
    console.check_csrf(&t.csrf)?;
    let partner = match partner_scope(&console.caller.principal, "request relationships")? {
        portcullis_service::caller_rules::PartnerScope::Own(own) => own,
        portcullis_service::caller_rules::PartnerScope::All => return Err(ConsoleError::NotFound),
    };
    let new = match proposal(partner, &t) {
        Ok(new) => new,
        Err(message) => return render(&state, &console, &t, Some(message)).await,
    };
    let service = &state.portcullis;
    let created = match service.create_relationship(&console.caller, new).await {
        Ok(created) => created,
        Err(portcullis_service::ServiceError::NotFound(_)) => {
            let message = "No customer tenant has that id. Check it with the customer.";
            return render(&state, &console, &t, Some(message.to_owned())).await;
        }
        Err(err) => match ConsoleError::from(err) {
            ConsoleError::Refused(message) => {
                return render(&state, &console, &t, Some(message)).await;
            }
            other => return Err(other),
        },
    };
    service
        .request_approval(&console.caller, created.id)
        .await?;
    Ok(Redirect::to(&format!("/relationships/{}", created.id)).into_response())
}

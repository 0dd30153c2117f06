//! A customer admin's conditions on every partner's access to its tenant:
//! the networks partner sessions must come from and the UTC hours in which
//! access is allowed. The same use case as `PUT
//! /v1/tenants/{id}/restrictions`; decisions apply the change at once.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::{CustomerRestrictions, HoursWindow, TenantId};
use portcullis_service::caller_rules::{ConsoleArea, TenantScope, tenant_scope};
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::layout::Chrome;
use super::session::Console;
use crate::state::AppState;

/// The most networks one customer lists.
const MAX_RANGES: usize = 100;

/// The customer tenant the principal administers.
pub(crate) fn own_customer(console: &Console) -> Result<TenantId, ConsoleError> {
    match tenant_scope(&console.caller.principal, "read partner activity")? {
        TenantScope::Customer(own) => Ok(own),
        TenantScope::All | TenantScope::Partner(_) => Err(ConsoleError::NotFound),
    }
}

#[derive(Template)]
#[template(path = "console/restrictions.html")]
struct RestrictionsPage {
    chrome: Chrome,
    ranges: Vec<String>,
    ranges_text: String,
    /// `None`: any hour.
    hours: Option<(u8, u8)>,
    starts: Vec<u8>,
    ends: Vec<u8>,
}

/// `GET /restrictions`.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, ConsoleError> {
    let customer = own_customer(&console)?;
    let current = state
        .portcullis
        .restrictions(&console.caller, customer)
        .await?;
    let ranges: Vec<String> = current
        .allowed_ip_ranges
        .iter()
        .map(ToString::to_string)
        .collect();
    let chrome = Chrome::new(&state, &console, ConsoleArea::Restrictions).await?;
    Ok(page(&RestrictionsPage {
        chrome,
        ranges_text: ranges.join("\n"),
        ranges,
        hours: current
            .allowed_hours
            .map(|window| (window.start_hour, window.end_hour)),
        starts: (0..24).collect(),
        ends: (1..=24).collect(),
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct RestrictionsForm {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
    /// One network (CIDR) per line; blank allows any network.
    #[serde(default)]
    ranges: String,
    /// `any` or `window`.
    #[serde(default)]
    hours: String,
    #[serde(default)]
    start_hour: u8,
    #[serde(default)]
    end_hour: u8,
}

fn restrictions_of(form: &RestrictionsForm) -> Result<CustomerRestrictions, ConsoleError> {
    let lines: Vec<&str> = form
        .ranges
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    if lines.len() > MAX_RANGES {
        return Err(ConsoleError::Refused(format!(
            "list at most {MAX_RANGES} networks"
        )));
    }
    let mut allowed_ip_ranges = Vec::with_capacity(lines.len());
    for line in lines {
        // A network in the API's own form (CIDR), parsed as the API does.
        let net =
            serde_json::from_value(serde_json::Value::String(line.to_owned())).map_err(|_| {
                ConsoleError::Refused(format!(
                    "`{line}` is not a network such as 203.0.113.0/24 or 2001:db8::/32"
                ))
            })?;
        allowed_ip_ranges.push(net);
    }
    let allowed_hours = match form.hours.as_str() {
        "window" => Some(
            HoursWindow::new(form.start_hour, form.end_hour)
                .map_err(|e| ConsoleError::Refused(e.to_string()))?,
        ),
        _ => None,
    };
    Ok(CustomerRestrictions {
        allowed_ip_ranges,
        allowed_hours,
    })
}

/// `POST /restrictions`: replaces the restrictions.
pub async fn save(
    State(state): State<AppState>,
    console: Console,
    ConsoleForm(form): ConsoleForm<RestrictionsForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    let customer = own_customer(&console)?;
    let restrictions = restrictions_of(&form)?;
    state
        .portcullis
        .set_restrictions(&console.caller, customer, restrictions)
        .await?;
    Ok(Redirect::to("/restrictions").into_response())
}

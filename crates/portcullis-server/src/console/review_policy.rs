//! A customer admin's recurring review policy: whether partners' access
//! in the tenant is reviewed by itself every so many days, and how (what
//! the `PUT`/`DELETE /v1/tenants/{id}/access-review-policy` routes set).
//! One policy per tenant: the page shows it, saves it (created or edited)
//! and removes it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::{
    DEFAULT_REVIEW_DAYS, DEFAULT_REVIEW_EVERY_DAYS, ReviewPolicy, ReviewScope, TenantId,
};
use portcullis_service::ReviewPolicyInput;
use portcullis_service::caller_rules::ConsoleArea;
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::layout::{Chrome, When, require_area, when};
use super::session::Console;
use crate::state::AppState;

/// The policy in force, as shown.
#[derive(Debug)]
pub struct PolicyView {
    pub every_days: u32,
    pub duration_days: u32,
    pub privileged_only: bool,
    pub remove_unreviewed: bool,
    pub version: i64,
    pub updated: When,
}

#[derive(Template)]
#[template(path = "console/review_policy.html")]
struct PolicyPage {
    chrome: Chrome,
    policy: Option<PolicyView>,
    /// The form's values: the policy's, or the defaults.
    every_days: u32,
    duration_days: u32,
    privileged_only: bool,
    remove_unreviewed: bool,
}

/// The customer tenant of the signed-in customer admin.
fn own_tenant(console: &Console) -> Result<TenantId, ConsoleError> {
    require_area(console, ConsoleArea::AccessReviews)?;
    console
        .caller
        .principal
        .tenant()
        .ok_or(ConsoleError::NotFound)
}

async fn current(
    state: &AppState,
    console: &Console,
    tenant: TenantId,
) -> Result<Option<ReviewPolicy>, ConsoleError> {
    match state
        .portcullis
        .get_review_policy(&console.caller, tenant)
        .await
    {
        Ok(policy) => Ok(Some(policy)),
        Err(portcullis_service::ServiceError::NotFound(_)) => Ok(None),
        Err(err) => Err(err.into()),
    }
}

/// `GET /access-reviews/policy`.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, ConsoleError> {
    let tenant = own_tenant(&console)?;
    let policy = current(&state, &console, tenant).await?;
    let now = state.portcullis.clock().now();
    let view = policy.as_ref().map(|p| PolicyView {
        every_days: p.every_days,
        duration_days: p.duration_days,
        privileged_only: p.scope == ReviewScope::Privileged,
        remove_unreviewed: p.remove_unreviewed,
        version: p.version,
        updated: when(p.updated_at, now),
    });
    let chrome = Chrome::new(&state, &console, ConsoleArea::AccessReviews).await?;
    Ok(page(&PolicyPage {
        chrome,
        every_days: view
            .as_ref()
            .map_or(DEFAULT_REVIEW_EVERY_DAYS, |p| p.every_days),
        duration_days: view
            .as_ref()
            .map_or(DEFAULT_REVIEW_DAYS, |p| p.duration_days),
        privileged_only: view.as_ref().is_none_or(|p| p.privileged_only),
        remove_unreviewed: view.as_ref().is_some_and(|p| p.remove_unreviewed),
        policy: view,
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    every_days: String,
    #[serde(default)]
    duration_days: String,
    #[serde(default)]
    scope: String,
    remove_unreviewed: Option<String>,
    /// The version the form was made from (empty: a new policy); saving
    /// over another admin's newer change is refused.
    #[serde(default)]
    version: String,
}

fn days(text: &str, what: &str) -> Result<Option<u32>, ConsoleError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| ConsoleError::Refused(format!("{what}: `{text}` is not a whole number")))
}

/// `POST /access-reviews/policy`: creates or changes the policy.
pub async fn save(
    State(state): State<AppState>,
    console: Console,
    ConsoleForm(form): ConsoleForm<PolicyForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    let tenant = own_tenant(&console)?;
    let if_match = days(&form.version, "version")?.map(i64::from);
    state
        .portcullis
        .set_review_policy(
            &console.caller,
            tenant,
            ReviewPolicyInput {
                every_days: days(&form.every_days, "days between reviews")?,
                duration_days: days(&form.duration_days, "days a review stays open")?,
                scope: Some(ReviewScope::parse(&form.scope).unwrap_or(ReviewScope::Privileged)),
                remove_unreviewed: form.remove_unreviewed.is_some(),
            },
            if_match,
        )
        .await?;
    Ok(Redirect::to("/access-reviews/policy").into_response())
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /access-reviews/policy/delete`: stops recurring reviews (open
/// reviews stay open).
pub async fn delete(
    State(state): State<AppState>,
    console: Console,
    ConsoleForm(form): ConsoleForm<DeleteForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    let tenant = own_tenant(&console)?;
    state
        .portcullis
        .delete_review_policy(&console.caller, tenant)
        .await?;
    Ok(Redirect::to("/access-reviews/policy").into_response())
}

//! Subscribing a webhook from the console: operators (every event) and
//! customer admins (events concerning their tenant). The signing secret is
//! shown once, on the page that answers the form.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::PrincipalKind;
use portcullis_service::NewWebhook;
use portcullis_service::caller_rules::ConsoleArea;
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::layout::{Chrome, require_area};
use super::session::Console;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "console/webhook_new.html")]
struct NewWebhookPage {
    chrome: Chrome,
    customer: bool,
}

#[derive(Template)]
#[template(path = "console/webhook_created.html")]
struct CreatedPage {
    chrome: Chrome,
    id: String,
    secret: String,
}

/// `GET /webhooks/new`.
pub async fn form(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::Webhooks)?;
    let customer = console.caller.principal.kind() == PrincipalKind::CustomerAdmin;
    let chrome = Chrome::new(&state, &console, ConsoleArea::Webhooks).await?;
    Ok(page(&NewWebhookPage { chrome, customer })?.into_response())
}

#[derive(Debug, Deserialize)]
pub struct SubscribeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    url: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    event_types: String,
}

/// `POST /webhooks/new`: subscribes, then shows the secret once.
pub async fn submit(
    State(state): State<AppState>,
    console: Console,
    ConsoleForm(form): ConsoleForm<SubscribeForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    require_area(&console, ConsoleArea::Webhooks)?;
    let description = Some(form.description.trim().to_owned()).filter(|d| !d.is_empty());
    let event_types = form
        .event_types
        .split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect();
    let (webhook, secret) = state
        .portcullis
        .create_webhook(
            &console.caller,
            NewWebhook {
                url: form.url.trim().to_owned(),
                description,
                event_types,
                enabled: true,
            },
        )
        .await?;
    let chrome = Chrome::new(&state, &console, ConsoleArea::Webhooks).await?;
    Ok(page(&CreatedPage {
        chrome,
        id: webhook.id.to_string(),
        secret,
    })?
    .into_response())
}

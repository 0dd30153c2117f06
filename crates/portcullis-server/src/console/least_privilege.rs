//! Least privilege for a partner admin: the recommendations computed from
//! its role usage, each with its evidence, what it takes away and a form
//! that applies it, and the usage of each relationship role below them.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::{
    Recommendation, RecommendationKind, RelationshipUsage, Timestamp, UsageWindow,
};
use portcullis_service::UsageQuery;
use portcullis_service::caller_rules::ConsoleArea;
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::layout::{Badge, Chrome, When, when};
use super::session::Console;
use crate::extract::ApiQuery;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WindowQuery {
    days: Option<u32>,
}

#[derive(Debug)]
pub struct RecommendationView {
    pub id: String,
    pub kind: Badge,
    pub summary: String,
    pub action: String,
    pub button: &'static str,
    pub relationship: String,
    pub before: u32,
    pub after: u32,
    pub allowed: u64,
    pub days_used: u32,
    pub last_used: Option<When>,
}

#[derive(Debug)]
pub struct RoleRow {
    pub relationship: String,
    pub role: String,
    pub privileged: bool,
    pub allowed: u64,
    pub days_used: u32,
    pub last_used: Option<When>,
}

#[derive(Template)]
#[template(path = "console/least_privilege.html")]
struct LeastPrivilegePage {
    chrome: Chrome,
    days: u32,
    recommendations: Vec<RecommendationView>,
    roles: Vec<RoleRow>,
}

fn recommendation_view(r: &Recommendation, now: Timestamp) -> RecommendationView {
    let (word, tone, button) = match r.kind {
        RecommendationKind::RemoveRole => ("Remove unused role", "medium", "Remove the role"),
        RecommendationKind::MakeEligible => {
            ("Make just-in-time", "high", "Make the assignment eligible")
        }
        RecommendationKind::NarrowRelationship => (
            "Narrow the relationship",
            "medium",
            "Ask the customer for fewer roles",
        ),
    };
    RecommendationView {
        id: r.id.clone(),
        kind: Badge {
            word: word.to_owned(),
            tone,
        },
        summary: r.summary.clone(),
        action: r.action.clone(),
        button,
        relationship: r.relationship_id.to_string(),
        before: r.reduction.permitted_before,
        after: r.reduction.permitted_after,
        allowed: r.evidence.allowed,
        days_used: r.evidence.days_used,
        last_used: r.evidence.last_used.map(|t| when(t, now)),
    }
}

fn role_rows(usage: &[RelationshipUsage], now: Timestamp) -> Vec<RoleRow> {
    usage
        .iter()
        .flat_map(|r| {
            r.roles.iter().map(|role| RoleRow {
                relationship: r.display_name.clone(),
                role: role.role_name.clone(),
                privileged: role.privileged,
                allowed: role.allowed,
                days_used: role.days_used,
                last_used: role.last_used.map(|t| when(t, now)),
            })
        })
        .collect()
}

/// `GET /least-privilege`.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<WindowQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let window = UsageWindow::parse(q.days).map_err(|e| ConsoleError::Refused(e.message))?;
    let service = &state.portcullis;
    let recommendations = service
        .recommendations(&console.caller, None, window)
        .await?;
    let usage = service
        .usage_report(&console.caller, UsageQuery::default(), window)
        .await?;
    let now = service.clock().now();
    let chrome = Chrome::new(&state, &console, ConsoleArea::LeastPrivilege).await?;
    Ok(page(&LeastPrivilegePage {
        chrome,
        days: window.days(),
        recommendations: recommendations
            .iter()
            .map(|r| recommendation_view(r, now))
            .collect(),
        roles: role_rows(&usage.items, now),
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct ApplyForm {
    /// Missing is the same as wrong: the form is refused.
    #[serde(default)]
    csrf: String,
    days: Option<u32>,
}

/// `POST /least-privilege/{recommendation_id}/apply`.
pub async fn apply(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    ConsoleForm(form): ConsoleForm<ApplyForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    let window = UsageWindow::parse(form.days).map_err(|e| ConsoleError::Refused(e.message))?;
    state
        .portcullis
        .apply_recommendation(&console.caller, &id, window)
        .await?;
    Ok(Redirect::to(&format!("/least-privilege?days={}", window.days())).into_response())
}

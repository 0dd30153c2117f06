//! Access reviews for a customer admin: its reviews, a form that starts a
//! review of one partner, and the review page — every item with its
//! decision, its usage and the recommendations beside it, one form that
//! records the decisions and one that completes the review after saying
//! what it will remove. Customer subscriptions to webhooks are made from
//! the webhooks page (`/webhooks/new`).

use std::collections::BTreeMap;

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use portcullis_domain::{
    AccessReview, AccessReviewFilter, PageRequest, RelationshipFilter, ReviewDecision,
    ReviewItemEvidence, ReviewScope, ReviewStatus, TenantId, Timestamp, UsageWindow,
};
use portcullis_service::caller_rules::ConsoleArea;
use portcullis_service::{ItemDecision, NewAccessReview};
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::form::ConsoleForm;
use super::layout::{Badge, Chrome, When, badge, require_area, when};
use super::session::Console;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/access-reviews", get(list).post(start))
        .route(
            "/access-reviews/policy",
            get(super::review_policy::show).post(super::review_policy::save),
        )
        .route(
            "/access-reviews/policy/delete",
            post(super::review_policy::delete),
        )
        .route("/access-reviews/{review_id}", get(show))
        .route("/access-reviews/{review_id}/decisions", post(decide))
        .route("/access-reviews/{review_id}/complete", post(complete))
        .route(
            "/webhooks/new",
            get(super::webhook_form::form).post(super::webhook_form::submit),
        )
}

#[derive(Debug)]
pub struct ReviewRow {
    pub id: String,
    pub partner: String,
    pub status: Badge,
    pub created: When,
    pub due: When,
    pub unreviewed: usize,
    pub items: usize,
}

#[derive(Debug)]
pub struct PartnerOption {
    pub id: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "console/access_reviews.html")]
struct ReviewsPage {
    chrome: Chrome,
    rows: Vec<ReviewRow>,
    partners: Vec<PartnerOption>,
}

#[derive(Debug)]
pub struct ItemRow {
    pub id: String,
    pub kind: &'static str,
    pub label: String,
    pub privileged: bool,
    pub decision: &'static str,
    pub decided: String,
    pub outcome: String,
    pub allowed: u64,
    pub days_used: u32,
    pub last_used: Option<When>,
    pub recommendations: Vec<String>,
    /// Indented under its relationship or assignment.
    pub depth: u8,
}

#[derive(Template)]
#[template(path = "console/access_review.html")]
struct ReviewPage {
    chrome: Chrome,
    review: ReviewRow,
    open: bool,
    remove_unreviewed: bool,
    scope: &'static str,
    window_days: u32,
    items: Vec<ItemRow>,
    removals: usize,
}

fn status_badge(status: ReviewStatus) -> Badge {
    match status {
        ReviewStatus::InProgress => badge("in progress", "warn"),
        ReviewStatus::Completed => badge("completed", "ok"),
    }
}

fn review_row(r: &AccessReview, now: Timestamp) -> ReviewRow {
    ReviewRow {
        id: r.id.to_string(),
        partner: r.partner_tenant_id.to_string(),
        status: status_badge(r.status),
        created: when(r.created_at, now),
        due: when(r.due_at, now),
        unreviewed: r.unreviewed_count(),
        items: r.items.len(),
    }
}

fn item_rows(r: &AccessReview, evidence: &[ReviewItemEvidence], now: Timestamp) -> Vec<ItemRow> {
    r.items
        .iter()
        .zip(evidence)
        .map(|(item, e)| ItemRow {
            id: item.id.clone(),
            kind: item.kind.as_str(),
            label: item.label.clone(),
            privileged: item.privileged,
            decision: item.decision.as_str(),
            decided: item.decided_by.clone().unwrap_or_default(),
            outcome: item
                .outcome
                .map(|o| o.as_str().to_owned())
                .unwrap_or_default(),
            allowed: e.allowed,
            days_used: e.days_used,
            last_used: e.last_used.map(|t| when(t, now)),
            recommendations: e
                .recommendations
                .iter()
                .map(|r| r.summary.clone())
                .collect(),
            depth: match item.kind {
                portcullis_domain::ReviewItemKind::Relationship => 0,
                portcullis_domain::ReviewItemKind::Assignment => 1,
                portcullis_domain::ReviewItemKind::Role => 2,
            },
        })
        .collect()
}

/// The partners holding relationships in the customer's tenant, to start a review of.
async fn partners(state: &AppState, console: &Console) -> Result<Vec<PartnerOption>, ConsoleError> {
    let found = state
        .portcullis
        .list_relationships(
            &console.caller,
            RelationshipFilter::default(),
            &PageRequest::first(PageRequest::MAX_LIMIT),
        )
        .await?;
    let mut by_partner: BTreeMap<TenantId, Vec<String>> = BTreeMap::new();
    for r in found.items {
        by_partner
            .entry(r.partner_tenant_id)
            .or_default()
            .push(r.display_name.to_string());
    }
    Ok(by_partner
        .into_iter()
        .map(|(id, names)| PartnerOption {
            id: id.to_string(),
            label: format!("{id} ({})", names.join(", ")),
        })
        .collect())
}

/// `GET /access-reviews`.
pub async fn list(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::AccessReviews)?;
    let found = state
        .portcullis
        .list_access_reviews(
            &console.caller,
            AccessReviewFilter::default(),
            &PageRequest::first(PageRequest::MAX_LIMIT),
        )
        .await?;
    let now = state.portcullis.clock().now();
    let partners = partners(&state, &console).await?;
    let chrome = Chrome::new(&state, &console, ConsoleArea::AccessReviews).await?;
    Ok(page(&ReviewsPage {
        chrome,
        rows: found
            .items
            .iter()
            .rev()
            .map(|r| review_row(r, now))
            .collect(),
        partners,
    })?
    .into_response())
}

#[derive(Debug, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    partner_tenant_id: String,
    #[serde(default)]
    scope: String,
    remove_unreviewed: Option<String>,
    duration_days: Option<u32>,
}

/// `POST /access-reviews`: starts a review, then shows it.
pub async fn start(
    State(state): State<AppState>,
    console: Console,
    ConsoleForm(form): ConsoleForm<StartForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    require_area(&console, ConsoleArea::AccessReviews)?;
    let partner = TenantId::parse(&form.partner_tenant_id)
        .map_err(|_| ConsoleError::Refused("choose the partner to review".to_owned()))?;
    let scope = ReviewScope::parse(&form.scope).unwrap_or(ReviewScope::Privileged);
    let review = state
        .portcullis
        .start_access_review(
            &console.caller,
            NewAccessReview {
                partner_tenant_id: partner,
                scope,
                remove_unreviewed: form.remove_unreviewed.is_some(),
                duration_days: form.duration_days,
            },
        )
        .await?;
    Ok(Redirect::to(&format!("/access-reviews/{}", review.id)).into_response())
}

/// `GET /access-reviews/{id}`.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
) -> Result<Response, ConsoleError> {
    require_area(&console, ConsoleArea::AccessReviews)?;
    let window = UsageWindow::parse(None).map_err(|e| ConsoleError::Refused(e.message))?;
    let detail = state
        .portcullis
        .get_access_review(&console.caller, &id, window)
        .await?;
    let now = state.portcullis.clock().now();
    let r = &detail.review;
    let chrome = Chrome::new(&state, &console, ConsoleArea::AccessReviews).await?;
    Ok(page(&ReviewPage {
        chrome,
        review: review_row(r, now),
        open: r.is_open(),
        remove_unreviewed: r.remove_unreviewed,
        scope: r.scope.as_str(),
        window_days: detail.window_days,
        items: item_rows(r, &detail.evidence, now),
        removals: r.items.iter().filter(|i| r.removes(i)).count(),
    })?
    .into_response())
}

/// `POST /access-reviews/{id}/decisions`: one `item:<id>` field per item;
/// only the items whose answer changed are recorded.
pub async fn decide(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    ConsoleForm(fields): ConsoleForm<Vec<(String, String)>>,
) -> Result<Response, ConsoleError> {
    let csrf = fields
        .iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    console.check_csrf(csrf)?;
    require_area(&console, ConsoleArea::AccessReviews)?;
    let window = UsageWindow::parse(None).map_err(|e| ConsoleError::Refused(e.message))?;
    let current = state
        .portcullis
        .get_access_review(&console.caller, &id, window)
        .await?
        .review;
    let justification = fields
        .iter()
        .find(|(k, _)| k == "justification")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty());
    let mut decisions = Vec::new();
    for (key, value) in &fields {
        let Some(item_id) = key.strip_prefix("item:") else {
            continue;
        };
        let decision = ReviewDecision::parse(value)
            .ok_or_else(|| ConsoleError::Refused(format!("`{value}` is not a decision")))?;
        let unchanged = current
            .items
            .iter()
            .any(|i| i.id == item_id && i.decision == decision);
        if !unchanged {
            decisions.push(ItemDecision {
                item_id: item_id.to_owned(),
                decision,
                justification: justification.clone(),
            });
        }
    }
    if !decisions.is_empty() {
        state
            .portcullis
            .decide_access_review(&console.caller, &id, Some(current.version), decisions)
            .await?;
    }
    Ok(Redirect::to(&format!("/access-reviews/{id}")).into_response())
}

#[derive(Debug, Deserialize)]
pub struct CompleteForm {
    #[serde(default)]
    csrf: String,
}

/// `POST /access-reviews/{id}/complete`.
pub async fn complete(
    State(state): State<AppState>,
    console: Console,
    Path(id): Path<String>,
    ConsoleForm(form): ConsoleForm<CompleteForm>,
) -> Result<Response, ConsoleError> {
    console.check_csrf(&form.csrf)?;
    require_area(&console, ConsoleArea::AccessReviews)?;
    state
        .portcullis
        .complete_access_review(&console.caller, &id, None)
        .await?;
    Ok(Redirect::to(&format!("/access-reviews/{id}")).into_response())
}

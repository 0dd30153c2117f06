//! The operator's overview: one card per question (partners by vetting
//! state, open findings by severity, relationships about to expire, posture
//! non-compliance, recent containments), each linking to its list.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::vetting::CaseState;
use portcullis_domain::{ContainmentFilter, PageRequest, PostureStanding};
use portcullis_service::OverviewCounts;
use portcullis_service::caller_rules::ConsoleArea;

use super::error::{ConsoleError, page};
use super::layout::{self, Badge, Chrome, When, badge, may_open, severity, when};
use super::session::Console;
use crate::state::AppState;

/// One line of a card: a label, its count, and the link to its list.
#[derive(Debug)]
pub struct Line {
    pub badge: Badge,
    pub count: String,
    pub href: Option<String>,
}

#[derive(Debug)]
pub struct Card {
    pub title: &'static str,
    pub lines: Vec<Line>,
    /// What the card says when every count is zero.
    pub empty: &'static str,
    /// The list the card summarises.
    pub more: Option<(&'static str, &'static str)>,
}

#[derive(Debug)]
pub struct RecentContainment {
    pub kind: &'static str,
    pub target: String,
    pub reason: String,
    pub at: When,
    pub finding: Option<String>,
}

#[derive(Template)]
#[template(path = "console/overview.html")]
struct OverviewPage {
    chrome: Chrome,
    cards: Vec<Card>,
    containments: Vec<RecentContainment>,
}

/// `GET /`: the overview for operators; everyone else goes to their first area.
pub async fn show(
    State(state): State<AppState>,
    console: Console,
) -> Result<Response, ConsoleError> {
    if !may_open(&console, ConsoleArea::Overview) {
        return Ok(Redirect::to(layout::home(&console)).into_response());
    }
    let now = state.portcullis.clock().now();
    let counts = state.portcullis.overview_counts(&console.caller).await?;
    let cards = vec![
        vetting_card(&counts),
        findings_card(&counts),
        expiry_card(&counts),
        posture_card(&counts),
    ];
    let first = PageRequest::new(Some(5), None).map_err(portcullis_service::ServiceError::from)?;
    let containments = state
        .portcullis
        .list_containments(
            &console.caller,
            &ContainmentFilter {
                active_only: true,
                ..ContainmentFilter::default()
            },
            &first,
        )
        .await?
        .items
        .into_iter()
        .map(|c| RecentContainment {
            kind: c.kind.as_str(),
            target: c.target_id,
            reason: c.reason,
            at: when(c.created_at, now),
            finding: c.finding_id.map(|f| f.to_string()),
        })
        .collect();
    let chrome = Chrome::new(&state, &console, ConsoleArea::Overview).await?;
    Ok(page(&OverviewPage {
        chrome,
        cards,
        containments,
    })?
    .into_response())
}

fn vetting_card(counts: &OverviewCounts) -> Card {
    let lines = counts
        .cases
        .iter()
        .map(|(state, n)| {
            let tone = match state {
                CaseState::Approved | CaseState::AutoApproved => "ok",
                CaseState::Rejected | CaseState::Suspended | CaseState::Revoked => "high",
                _ => "warn",
            };
            Line {
                badge: badge(state.as_str(), tone),
                count: n.to_string(),
                href: Some(format!("/vetting?state={}", state.as_str())),
            }
        })
        .collect();
    Card {
        title: "Partners by vetting state",
        lines,
        empty: "No partner has applied yet.",
        more: Some(("/vetting", "Review queue")),
    }
}

fn findings_card(counts: &OverviewCounts) -> Card {
    let lines = counts
        .open_findings
        .iter()
        .map(|(id, n)| Line {
            badge: severity(*id),
            count: n.to_string(),
            href: Some("/findings?status=New".to_owned()),
        })
        .collect();
    Card {
        title: "Open findings by severity",
        lines,
        empty: "No open findings: nothing needs triage.",
        more: Some(("/findings?status=New", "Triage new findings")),
    }
}

fn expiry_card(counts: &OverviewCounts) -> Card {
    let lines = counts
        .expiring
        .iter()
        .map(|(days, n)| Line {
            badge: badge(
                &format!("within {days} d"),
                match days {
                    1 => "high",
                    2..=7 => "medium",
                    _ => "low",
                },
            ),
            count: n.to_string(),
            href: Some("/relationships/expiring?days=30".to_owned()),
        })
        .collect();
    Card {
        title: "Relationships expiring",
        lines,
        empty: "",
        more: Some(("/relationships/expiring?days=30", "Expiry calendar")),
    }
}

fn posture_card(counts: &OverviewCounts) -> Card {
    let lines = [
        (PostureStanding::Noncompliant, "medium"),
        (PostureStanding::Suspended, "high"),
    ]
    .into_iter()
    .map(|(standing, tone)| Line {
        badge: badge(standing.as_str(), tone),
        count: counts
            .postures
            .iter()
            .find(|(s, _)| *s == standing)
            .map_or(0, |(_, n)| *n)
            .to_string(),
        href: None,
    })
    .collect();
    Card {
        title: "Posture non-compliance",
        lines,
        empty: "",
        more: Some(("/partners", "Partners")),
    }
}

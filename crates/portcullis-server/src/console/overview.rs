//! The operator's overview: one card per question (partners by vetting
//! state, open findings by severity, relationships about to expire, posture
//! non-compliance, recent containments), each linking to its list.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use portcullis_domain::vetting::{CaseFilter, CaseState};
use portcullis_domain::{
    ContainmentFilter, FindingFilter, PageRequest, PostureFilter, PostureStanding,
    RelationshipFilter, RelationshipStatus, Timestamp,
};
use portcullis_service::caller_rules::ConsoleArea;

use super::error::{ConsoleError, page};
use super::layout::{self, Badge, Chrome, When, may_open, severity, when};
use super::paging::collect_all;
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

fn count(n: usize, capped: bool) -> String {
    if capped {
        format!("{n}+")
    } else {
        n.to_string()
    }
}

fn word(text: &str, tone: &'static str) -> Badge {
    Badge {
        word: text.to_owned(),
        tone,
    }
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
    let cards = vec![
        vetting_card(&state, &console).await?,
        findings_card(&state, &console).await?,
        expiry_card(&state, &console, now).await?,
        posture_card(&state, &console).await?,
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

async fn vetting_card(state: &AppState, console: &Console) -> Result<Card, ConsoleError> {
    let (cases, capped) = collect_all!(|page| state.portcullis.list_cases(
        &console.caller,
        CaseFilter::default(),
        &page
    ));
    let lines = CaseState::ALL
        .into_iter()
        .filter_map(|wanted| {
            let n = cases.iter().filter(|c| c.state == wanted).count();
            let tone = match wanted {
                CaseState::Approved | CaseState::AutoApproved => "ok",
                CaseState::Rejected | CaseState::Suspended | CaseState::Revoked => "high",
                _ => "warn",
            };
            (n > 0).then(|| Line {
                badge: word(wanted.as_str(), tone),
                count: count(n, capped),
                href: None,
            })
        })
        .collect();
    Ok(Card {
        title: "Partners by vetting state",
        lines,
        empty: "No partner has applied yet.",
        more: None,
    })
}

async fn findings_card(state: &AppState, console: &Console) -> Result<Card, ConsoleError> {
    let mut by_severity: BTreeMap<i64, usize> = BTreeMap::new();
    let mut capped = false;
    for status in ["New", "In Progress"] {
        let filter = FindingFilter {
            status: Some(status.to_owned()),
            ..FindingFilter::default()
        };
        let (found, cut) = collect_all!(|page| state.portcullis.list_detection_findings(
            &console.caller,
            filter.clone(),
            &page
        ));
        capped |= cut;
        for finding in found {
            *by_severity.entry(finding.severity_id).or_default() += 1;
        }
    }
    let lines = by_severity
        .into_iter()
        .rev()
        .map(|(id, n)| Line {
            badge: severity(id),
            count: count(n, capped),
            href: Some("/findings?status=New".to_owned()),
        })
        .collect();
    Ok(Card {
        title: "Open findings by severity",
        lines,
        empty: "No open findings: nothing needs triage.",
        more: Some(("/findings?status=New", "Triage new findings")),
    })
}

async fn expiry_card(
    state: &AppState,
    console: &Console,
    now: Timestamp,
) -> Result<Card, ConsoleError> {
    let filter = RelationshipFilter {
        status: Some(RelationshipStatus::Active),
        ..RelationshipFilter::default()
    };
    let (active, capped) = collect_all!(|page| state.portcullis.list_relationships(
        &console.caller,
        filter.clone(),
        &page
    ));
    let left: Vec<i64> = active
        .iter()
        .filter_map(|r| r.end_at)
        .map(|end| end.unix_millis() - now.unix_millis())
        .filter(|ms| *ms > 0)
        .collect();
    let lines = [(30, "low"), (7, "medium"), (1, "high")]
        .into_iter()
        .map(|(days, tone)| Line {
            badge: word(&format!("within {days} d"), tone),
            count: count(
                left.iter().filter(|ms| **ms <= days * 86_400_000).count(),
                capped,
            ),
            href: Some("/relationships?status=active".to_owned()),
        })
        .collect();
    Ok(Card {
        title: "Relationships expiring",
        lines,
        empty: "",
        more: Some(("/relationships?status=active", "Active relationships")),
    })
}

async fn posture_card(state: &AppState, console: &Console) -> Result<Card, ConsoleError> {
    let mut lines = Vec::new();
    for (standing, tone) in [
        (PostureStanding::Noncompliant, "medium"),
        (PostureStanding::Suspended, "high"),
    ] {
        let filter = PostureFilter {
            state: Some(standing),
        };
        let (found, capped) = collect_all!(|page| state.portcullis.list_partner_postures(
            &console.caller,
            filter,
            &page
        ));
        lines.push(Line {
            badge: word(standing.as_str(), tone),
            count: count(found.len(), capped),
            href: None,
        });
    }
    Ok(Card {
        title: "Posture non-compliance",
        lines,
        empty: "",
        more: None,
    })
}

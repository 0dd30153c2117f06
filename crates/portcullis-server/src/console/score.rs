//! The partner security score as a section of a page: the score, its four
//! parts with their points, the measured response times, and its trend
//! (the stored daily scores) as a line chart. The operator's partner page
//! and the partner's own posture page show it.

use portcullis_domain::{PartnerScore, TenantId};

use super::chart::{Chart, Series, Shape};
use super::error::ConsoleError;
use super::session::Console;
use crate::state::AppState;

/// How many days the trend shows.
const TREND_DAYS: i64 = 90;

#[derive(Debug)]
pub struct ScorePartRow {
    pub name: String,
    pub points: u32,
    pub max: u32,
    pub detail: String,
}

#[derive(Debug)]
pub struct ScoreView {
    pub score: u32,
    /// Badge tone: `ok` from 80, `warn` from 50, `high` below.
    pub tone: &'static str,
    pub word: &'static str,
    pub parts: Vec<ScorePartRow>,
    /// `2.5 h`, or `none answered` when nothing was.
    pub mean: String,
    pub p90: String,
    pub findings: usize,
    pub within: usize,
    pub overdue: usize,
    pub trend: Chart,
}

fn hours(seconds: Option<f64>) -> String {
    seconds.map_or_else(
        || "none answered".to_owned(),
        |s| format!("{:.1} h", s / 3600.0),
    )
}

fn view(score: &PartnerScore, trend: Chart) -> ScoreView {
    let (tone, word) = match score.score {
        80.. => ("ok", "Good"),
        50..=79 => ("warn", "Needs attention"),
        _ => ("high", "Poor"),
    };
    let r = &score.response;
    ScoreView {
        score: score.score,
        tone,
        word,
        parts: score
            .parts
            .iter()
            .map(|p| ScorePartRow {
                name: p.name.replace('_', " "),
                points: p.points,
                max: p.max,
                detail: p.detail.clone(),
            })
            .collect(),
        mean: hours(r.mean_seconds),
        p90: hours(r.p90_seconds.map(|s| s as f64)),
        findings: r.findings,
        within: r.within_deadline,
        overdue: r.overdue,
        trend,
    }
}

/// The score section of `partner` as the signed-in principal may see it.
pub async fn score_section(
    state: &AppState,
    console: &Console,
    partner: TenantId,
) -> Result<ScoreView, ConsoleError> {
    let service = &state.portcullis;
    let score = service.partner_score(&console.caller, partner).await?;
    let history = service
        .score_history(&console.caller, partner, TREND_DAYS)
        .await?;
    let labels = history
        .iter()
        .map(|p| {
            let text = p.computed_at.to_string();
            text.get(5..10).unwrap_or_default().to_owned()
        })
        .collect();
    let trend = Chart {
        id: "score-trend",
        title: format!("Security score, last {TREND_DAYS} days"),
        desc: format!(
            "the score on each day it was computed; {} now.",
            score.score
        ),
        labels,
        series: vec![Series {
            name: "score".to_owned(),
            class: "series-ok",
            values: history.iter().map(|p| u64::from(p.score)).collect(),
        }],
        shape: Shape::Lines,
    };
    Ok(view(&score, trend))
}

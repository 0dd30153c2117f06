//! Findings over time: how many findings were first seen each day of the
//! last 30, high and critical apart from the rest, for the findings page.

use portcullis_domain::{FindingFilter, Timestamp};

use super::chart::{self, Chart, Series, Shape};
use super::error::ConsoleError;
use super::paging::collect_all;
use super::session::Console;
use crate::state::AppState;

/// How many days the chart shows.
const DAYS: i64 = 30;

/// The chart of the findings the principal may see (its own partner's,
/// for a partner admin), whatever their status.
pub async fn findings_over_time(
    state: &AppState,
    console: &Console,
    now: Timestamp,
) -> Result<Chart, ConsoleError> {
    let days = chart::days(now.unix_millis(), DAYS);
    let since = days.first().map_or(0, |(start, _)| *start);
    let filter = FindingFilter {
        since: Some(Timestamp::from_unix_millis(since)),
        ..FindingFilter::default()
    };
    let (found, capped) = collect_all!(|page| state.portcullis.list_detection_findings(
        &console.caller,
        filter.clone(),
        &page
    ));
    let mut severe = vec![0; days.len()];
    let mut other = vec![0; days.len()];
    for f in &found {
        if let Some(i) = chart::day_index(&days, f.first_seen.unix_millis()) {
            let counts = if f.severity_id >= 4 {
                &mut severe
            } else {
                &mut other
            };
            if let Some(n) = counts.get_mut(i) {
                *n += 1;
            }
        }
    }
    let total: u64 = severe.iter().chain(other.iter()).sum();
    Ok(Chart {
        id: "findings-over-time",
        title: format!("Findings first seen per day, last {DAYS} days"),
        desc: format!(
            "{total}{} findings, high or critical apart from the rest.",
            if capped { "+" } else { "" }
        ),
        labels: days.into_iter().map(|(_, label)| label).collect(),
        series: vec![
            Series {
                name: "high or critical".to_owned(),
                class: "series-deny",
                values: severe,
            },
            Series {
                name: "medium or lower".to_owned(),
                class: "series-warn",
                values: other,
            },
        ],
        shape: Shape::Bars,
    })
}

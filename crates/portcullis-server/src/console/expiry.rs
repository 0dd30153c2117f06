//! The expiry calendar (operators): active relationships ending within the
//! next 30 or 60 days, grouped by the UTC day they end, with a grid of the
//! days at the top linking to each day's list.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use portcullis_domain::{
    Relationship, RelationshipFilter, RelationshipStatus, TenantId, Timestamp,
};
use portcullis_service::caller_rules::{ConsoleArea, require_operator};
use serde::Deserialize;

use super::error::{ConsoleError, page};
use super::layout::{Chrome, When, when};
use super::paging::collect_all;
use super::session::Console;
use crate::extract::ApiQuery;
use crate::state::AppState;

const DAY_MS: i64 = 86_400_000;
const WINDOWS: [i64; 2] = [30, 60];
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpiryQuery {
    days: Option<i64>,
}

#[derive(Debug)]
pub struct Ending {
    pub name: String,
    pub partner: String,
    pub partner_id: String,
    pub customer: String,
    pub ends: When,
}

/// A day of the grid and how many relationships end on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub date: String,
    pub count: usize,
}

/// One day of the window.
#[derive(Debug)]
pub struct Day {
    /// `2026-12-07`.
    pub date: String,
    pub weekday: &'static str,
    pub endings: Vec<Ending>,
}

#[derive(Template)]
#[template(path = "console/expiry.html")]
struct ExpiryPage {
    chrome: Chrome,
    days: i64,
    windows: [i64; 2],
    /// The grid: weeks of seven cells, `None` before the first day.
    weeks: Vec<Vec<Option<Cell>>>,
    /// The days with endings, in order.
    agenda: Vec<Day>,
    total: usize,
    capped: bool,
}

/// Days since 1970-01-01 (UTC) of `at`.
fn day_number(at: Timestamp) -> i64 {
    at.unix_millis().div_euclid(DAY_MS)
}

fn date_of(day: i64) -> String {
    let iso = Timestamp::from_unix_millis(day * DAY_MS).to_string();
    iso.get(..10).unwrap_or_default().to_owned()
}

/// Monday = 0 (1970-01-01 was a Thursday).
fn weekday_index(day: i64) -> usize {
    usize::try_from((day + 3).rem_euclid(7)).unwrap_or_default()
}

fn weekday(day: i64) -> &'static str {
    WEEKDAYS
        .get(weekday_index(day))
        .copied()
        .unwrap_or_default()
}

/// The grid of the window's days, Monday first, each with its count.
fn weeks(first: i64, last: i64, counts: &BTreeMap<i64, usize>) -> Vec<Vec<Option<Cell>>> {
    let mut cells: Vec<Option<Cell>> = vec![None; weekday_index(first)];
    cells.extend((first..=last).map(|d| {
        Some(Cell {
            date: date_of(d),
            count: counts.get(&d).copied().unwrap_or(0),
        })
    }));
    cells.chunks(7).map(<[_]>::to_vec).collect()
}

async fn names(
    state: &AppState,
    console: &Console,
    found: &[Relationship],
) -> Result<(BTreeMap<TenantId, String>, BTreeMap<TenantId, String>), ConsoleError> {
    let service = &state.portcullis;
    let mut partners = BTreeMap::new();
    for id in found
        .iter()
        .map(|r| r.partner_tenant_id)
        .collect::<BTreeSet<_>>()
    {
        let tenant = service.get_tenant(&console.caller, id).await?;
        partners.insert(id, tenant.display_name.to_string());
    }
    let customers: BTreeSet<TenantId> = found.iter().map(|r| r.customer_tenant_id).collect();
    let customers = service
        .customer_names(&console.caller, &customers)
        .await?
        .into_iter()
        .map(|(id, name)| (id, name.to_string()))
        .collect();
    Ok((partners, customers))
}

/// `GET /relationships/expiring?days=30|60`.
pub async fn calendar(
    State(state): State<AppState>,
    console: Console,
    query: Result<ApiQuery<ExpiryQuery>, crate::error::ApiError>,
) -> Result<Response, ConsoleError> {
    require_operator(&console.caller.principal, "read the expiry calendar")?;
    let ApiQuery(q) = query.map_err(|e| ConsoleError::Refused(e.message))?;
    let days = q.days.unwrap_or(30);
    if !WINDOWS.contains(&days) {
        return Err(ConsoleError::Refused(
            "the calendar shows 30 or 60 days".to_owned(),
        ));
    }
    let now = state.portcullis.clock().now();
    let until = now.saturating_add_seconds(days * 86_400);
    let filter = RelationshipFilter {
        status: Some(RelationshipStatus::Active),
        ..RelationshipFilter::default()
    };
    let (active, capped) = collect_all!(|page| state.portcullis.list_relationships(
        &console.caller,
        filter.clone(),
        &page
    ));
    let mut ending: Vec<Relationship> = active
        .into_iter()
        .filter(|r| r.end_at.is_some_and(|end| end > now && end <= until))
        .collect();
    ending.sort_by_key(|r| r.end_at);
    let (partners, customers) = names(&state, &console, &ending).await?;
    let mut by_day: BTreeMap<i64, Vec<Ending>> = BTreeMap::new();
    for r in &ending {
        let Some(end) = r.end_at else { continue };
        by_day.entry(day_number(end)).or_default().push(Ending {
            name: r.display_name.to_string(),
            partner: partners
                .get(&r.partner_tenant_id)
                .cloned()
                .unwrap_or_default(),
            partner_id: r.partner_tenant_id.to_string(),
            customer: customers
                .get(&r.customer_tenant_id)
                .cloned()
                .unwrap_or_else(|| r.customer_tenant_id.to_string()),
            ends: when(end, now),
        });
    }
    let counts = by_day.iter().map(|(d, e)| (*d, e.len())).collect();
    let chrome = Chrome::new(&state, &console, ConsoleArea::Relationships).await?;
    Ok(page(&ExpiryPage {
        chrome,
        days,
        windows: WINDOWS,
        weeks: weeks(day_number(now), day_number(until), &counts),
        total: ending.len(),
        agenda: by_day
            .into_iter()
            .map(|(day, endings)| Day {
                date: date_of(day),
                weekday: weekday(day),
                endings,
            })
            .collect(),
        capped,
    })?
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_weekdays_are_utc() {
        // 2026-12-07 was a Monday.
        let monday = day_number(Timestamp::from_unix_millis(1_796_601_600_000));
        assert_eq!(date_of(monday), "2026-12-07");
        assert_eq!(weekday(monday), "Mon");
        assert_eq!(weekday(monday + 6), "Sun");
        let grid = weeks(monday + 2, monday + 9, &BTreeMap::from([(monday + 3, 2)]));
        assert_eq!(grid.len(), 2);
        assert_eq!(grid[0][0], None, "the week starts on Monday");
        assert_eq!(
            grid[0][3],
            Some(Cell {
                date: "2026-12-10".to_owned(),
                count: 2
            })
        );
    }
}

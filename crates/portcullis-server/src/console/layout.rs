//! What every console page shares: the chrome (navigation filtered by the
//! principal's kind, the principal and its tenant, sign-out), times shown
//! relative with UTC on hover, and state badges that always carry a word.

use portcullis_domain::{PrincipalKind, Timestamp};
use portcullis_service::caller_rules::{ConsoleArea, console_areas};

use super::error::ConsoleError;
use super::session::Console;
use crate::state::AppState;

/// One link of the left navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub current: bool,
}

/// A tenant as the page header names it.
#[derive(Debug, Clone)]
pub struct TenantLabel {
    pub name: String,
    pub id: String,
}

/// The frame around every signed-in page.
#[derive(Debug, Clone)]
pub struct Chrome {
    pub principal: String,
    /// The principal's tenant, for a tenant-scoped principal.
    pub tenant: Option<TenantLabel>,
    pub nav: Vec<NavItem>,
    /// The CSRF token of the sign-out form (and of the page's forms).
    pub csrf: String,
    /// Why the service refused the form this page sent, shown at its top
    /// (see `refusal`).
    pub refusal: Option<String>,
    /// The way back from the page: its area's list, and the list's name.
    pub back: (&'static str, &'static str),
}

fn area_link(area: ConsoleArea) -> (&'static str, &'static str) {
    match area {
        ConsoleArea::Overview => ("Overview", "/"),
        ConsoleArea::Relationships => ("Relationships", "/relationships"),
        ConsoleArea::Findings => ("Findings", "/findings"),
        ConsoleArea::Vetting => ("Vetting", "/vetting"),
        ConsoleArea::Partners => ("Partners", "/partners"),
        ConsoleArea::Containments => ("Containments", "/containments"),
        ConsoleArea::Audit => ("Audit", "/audit"),
        ConsoleArea::Webhooks => ("Webhooks", "/webhooks"),
        ConsoleArea::Application => ("Application", "/application"),
        ConsoleArea::Posture => ("Posture", "/posture"),
        ConsoleArea::Groups => ("Security groups", "/groups"),
        ConsoleArea::Activations => ("Activations", "/activations"),
        ConsoleArea::Activity => ("Partner activity", "/activity"),
        ConsoleArea::Restrictions => ("Restrictions", "/restrictions"),
        ConsoleArea::LeastPrivilege => ("Least privilege", "/least-privilege"),
        ConsoleArea::AccessReviews => ("Access reviews", "/access-reviews"),
    }
}

/// Whether the signed-in principal may open `area`.
pub fn may_open(console: &Console, area: ConsoleArea) -> bool {
    console_areas(&console.caller.principal).contains(&area)
}

/// Refuses, as "Page not found", a principal who may not open `area`.
pub fn require_area(console: &Console, area: ConsoleArea) -> Result<(), ConsoleError> {
    if may_open(console, area) {
        Ok(())
    } else {
        Err(ConsoleError::NotFound)
    }
}

/// A word on a badge of `tone`.
pub fn badge(word: &str, tone: &'static str) -> Badge {
    Badge {
        word: word.to_owned(),
        tone,
    }
}

/// The first page of the principal's navigation.
pub fn home(console: &Console) -> &'static str {
    console_areas(&console.caller.principal)
        .first()
        .map_or("/sign-in", |area| area_link(*area).1)
}

/// `partner_admin` as `partner admin`.
fn kind_label(kind: PrincipalKind) -> String {
    kind.as_str().replace('_', " ")
}

impl Chrome {
    /// The chrome of a page in `current`.
    pub async fn new(
        state: &AppState,
        console: &Console,
        current: ConsoleArea,
    ) -> Result<Self, ConsoleError> {
        let principal = &console.caller.principal;
        let tenant = match principal.tenant() {
            Some(id) => {
                let tenant = state.portcullis.get_tenant(&console.caller, id).await?;
                Some(TenantLabel {
                    name: tenant.display_name.to_string(),
                    id: id.to_string(),
                })
            }
            None => None,
        };
        let nav = console_areas(principal)
            .iter()
            .map(|area| {
                let (label, href) = area_link(*area);
                NavItem {
                    label,
                    href,
                    current: *area == current,
                }
            })
            .collect();
        let (label, href) = area_link(current);
        Ok(Self {
            principal: kind_label(principal.kind()),
            tenant,
            nav,
            csrf: console.csrf(),
            refusal: console.refusal.clone(),
            back: (href, label),
        })
    }
}

/// A time as the page shows it: relative, with the exact UTC time on hover.
#[derive(Debug, Clone)]
pub struct When {
    /// RFC 3339, for `<time datetime>`.
    pub iso: String,
    /// `2026-12-07 08:00:00 UTC`.
    pub utc: String,
    /// `3 h ago`, `in 7 d`.
    pub relative: String,
}

pub fn when(at: Timestamp, now: Timestamp) -> When {
    let iso = at.to_string();
    let utc = iso
        .split_once('.')
        .map_or(iso.trim_end_matches('Z'), |(whole, _)| whole)
        .replacen('T', " ", 1);
    When {
        utc: format!("{utc} UTC"),
        relative: relative(now.unix_millis() - at.unix_millis()),
        iso,
    }
}

fn relative(ago_ms: i64) -> String {
    let seconds = ago_ms.abs() / 1000;
    let amount = match seconds {
        0..60 => return "just now".to_owned(),
        60..3_600 => format!("{} min", seconds / 60),
        3_600..86_400 => format!("{} h", seconds / 3_600),
        _ => format!("{} d", seconds / 86_400),
    };
    if ago_ms >= 0 {
        format!("{amount} ago")
    } else {
        format!("in {amount}")
    }
}

/// A state shown as a word on a tinted badge (never colour alone).
#[derive(Debug, Clone)]
pub struct Badge {
    pub word: String,
    /// The CSS tone: `critical`, `high`, `medium`, `low`, `info`, `ok`, `warn`, `neutral`.
    pub tone: &'static str,
}

/// OCSF `severity_id` as a badge.
pub fn severity(severity_id: i64) -> Badge {
    let (word, tone) = match severity_id {
        5.. => ("Critical", "critical"),
        4 => ("High", "high"),
        3 => ("Medium", "medium"),
        2 => ("Low", "low"),
        _ => ("Informational", "info"),
    };
    Badge {
        word: word.to_owned(),
        tone,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_relative_with_utc_on_hover() {
        let at = Timestamp::from_unix_millis(1_700_000_000_000);
        let later = at.saturating_add_seconds(3 * 3_600 + 5);
        let shown = when(at, later);
        assert_eq!(shown.relative, "3 h ago");
        assert_eq!(shown.utc, "2023-11-14 22:13:20 UTC");
        assert_eq!(when(later, at).relative, "in 3 h");
    }
}

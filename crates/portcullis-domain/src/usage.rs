//! Role usage: how many allowed decisions each role of each assignment
//! granted, for which action, to whom, counted per UTC day as decisions
//! happen, and the reports read from those counters over a window.

use serde::{Deserialize, Serialize};

use crate::{
    Action, AssignmentId, GroupId, RelationshipId, RoleId, TenantId, Timestamp, UserId,
    ValidationError,
};

/// The window a report covers unless the caller names another.
pub const DEFAULT_USAGE_WINDOW_DAYS: u32 = 90;
/// The longest window a report may cover; counters older than this are pruned.
pub const MAX_USAGE_WINDOW_DAYS: u32 = 365;
const DAY_MILLIS: i64 = 86_400_000;

/// The UTC day of an instant: whole days since the Unix epoch.
pub const fn day_of(at: Timestamp) -> i64 {
    at.unix_millis().div_euclid(DAY_MILLIS)
}

/// The first instant of a UTC day.
pub const fn start_of_day(day: i64) -> Timestamp {
    Timestamp::from_unix_millis(day.saturating_mul(DAY_MILLIS))
}

/// Allowed decisions of one key (assignment, role, user, action) on one UTC
/// day: what the in-process counters flush to the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageCount {
    pub day: i64,
    pub partner_tenant_id: TenantId,
    pub customer_tenant_id: TenantId,
    pub relationship_id: RelationshipId,
    pub assignment_id: AssignmentId,
    pub role_id: RoleId,
    pub user_id: UserId,
    pub action: Action,
    pub allowed: u64,
    pub last_used: Timestamp,
}

/// The days a report covers: the `days` UTC days ending with today's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsageWindow {
    days: u32,
}

impl Default for UsageWindow {
    fn default() -> Self {
        Self {
            days: DEFAULT_USAGE_WINDOW_DAYS,
        }
    }
}

impl UsageWindow {
    /// 1 to [`MAX_USAGE_WINDOW_DAYS`] days; the default when absent.
    pub fn parse(days: Option<u32>) -> Result<Self, ValidationError> {
        match days {
            None => Ok(Self::default()),
            Some(d) if (1..=MAX_USAGE_WINDOW_DAYS).contains(&d) => Ok(Self { days: d }),
            Some(d) => Err(ValidationError::new(
                "days",
                format!("`{d}` is not a window of 1 to {MAX_USAGE_WINDOW_DAYS} days"),
            )),
        }
    }

    pub const fn days(self) -> u32 {
        self.days
    }

    /// The first day of the window that ends with `now`'s day.
    pub fn first_day(self, now: Timestamp) -> i64 {
        day_of(now) - i64::from(self.days) + 1
    }

    /// The first instant of the window.
    pub fn since(self, now: Timestamp) -> Timestamp {
        start_of_day(self.first_day(now))
    }
}

/// Which counters to read: all of them from `first_day` on, narrowed by
/// any of the ids given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UsageFilter {
    pub partner_tenant_id: Option<TenantId>,
    pub customer_tenant_id: Option<TenantId>,
    pub relationship_id: Option<RelationshipId>,
    pub first_day: i64,
}

/// The sum of one key's counters over a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageTotal {
    pub relationship_id: RelationshipId,
    pub assignment_id: AssignmentId,
    pub role_id: RoleId,
    pub user_id: UserId,
    pub action: Action,
    pub allowed: u64,
    /// Distinct UTC days with a count for this key.
    pub days_used: u32,
    pub last_used: Timestamp,
}

/// On how many distinct days an assignment's role allowed anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoleDays {
    pub assignment_id: AssignmentId,
    pub role_id: RoleId,
    pub days_used: u32,
}

/// A role's use: allowed decisions, distinct days of use and the last use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RoleUsage {
    pub role_id: RoleId,
    pub role_name: String,
    pub privileged: bool,
    pub allowed: u64,
    /// Distinct UTC days with at least one allowed decision: exact for an
    /// assignment's roles; for a relationship's, the most of any one
    /// assignment; for a user's, the most of any one action (lower bounds).
    pub days_used: u32,
    pub last_used: Option<Timestamp>,
}

/// An action's allowed decisions and last use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ActionUsage {
    pub action: Action,
    pub allowed: u64,
    pub last_used: Option<Timestamp>,
}

/// One assignment (group × roles) of a relationship and its use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssignmentUsage {
    pub assignment_id: AssignmentId,
    pub group_id: GroupId,
    /// Whether the assignment is eligible (just-in-time) rather than standing.
    pub eligible: bool,
    pub allowed: u64,
    pub last_used: Option<Timestamp>,
    /// Every role of the assignment, used or not.
    pub roles: Vec<RoleUsage>,
    pub actions: Vec<ActionUsage>,
}

/// One partner user's use of a relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserUsage {
    pub user_id: UserId,
    pub allowed: u64,
    pub last_used: Option<Timestamp>,
    /// The roles that granted this user something.
    pub roles: Vec<RoleUsage>,
    pub actions: Vec<ActionUsage>,
}

/// A relationship's use over the window, per role, action, assignment and user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RelationshipUsage {
    pub relationship_id: RelationshipId,
    pub partner_tenant_id: TenantId,
    pub customer_tenant_id: TenantId,
    pub display_name: String,
    pub allowed: u64,
    pub last_used: Option<Timestamp>,
    /// Every role of the relationship, used or not.
    pub roles: Vec<RoleUsage>,
    pub actions: Vec<ActionUsage>,
    pub assignments: Vec<AssignmentUsage>,
    pub users: Vec<UserUsage>,
}

/// Usage of the relationships a caller may see, over the window that
/// ends with today (UTC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UsageReport {
    pub window_days: u32,
    /// The first instant of the window (the start of its first UTC day).
    pub since: Timestamp,
    /// One per relationship, in the order relationships are listed.
    pub items: Vec<RelationshipUsage>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_utc_days_since_the_epoch() {
        assert_eq!(day_of(Timestamp::from_unix_millis(0)), 0);
        assert_eq!(day_of(Timestamp::from_unix_millis(DAY_MILLIS - 1)), 0);
        assert_eq!(day_of(Timestamp::from_unix_millis(DAY_MILLIS)), 1);
        assert_eq!(day_of(Timestamp::from_unix_millis(-1)), -1);
        assert_eq!(start_of_day(3).unix_millis(), 3 * DAY_MILLIS);
    }

    #[test]
    fn window_ends_with_today_and_is_bounded() {
        let now = Timestamp::from_unix_millis(100 * DAY_MILLIS + 5);
        let window = UsageWindow::parse(None).unwrap();
        assert_eq!(window.days(), DEFAULT_USAGE_WINDOW_DAYS);
        assert_eq!(window.first_day(now), 11);
        assert_eq!(UsageWindow::parse(Some(1)).unwrap().first_day(now), 100);
        assert!(UsageWindow::parse(Some(0)).is_err());
        assert!(UsageWindow::parse(Some(MAX_USAGE_WINDOW_DAYS + 1)).is_err());
    }
}

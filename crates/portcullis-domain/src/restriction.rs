//! Restrictions a customer sets on every partner's access to its tenant.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::{RuleViolation, Timestamp};

/// Hours of the day (UTC) in which partner access is allowed: from
/// `start_hour` (inclusive) to `end_hour` (exclusive); a window may wrap
/// midnight (`22` to `6`). `0` to `24` is the whole day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoursWindow {
    pub start_hour: u8,
    pub end_hour: u8,
}

impl HoursWindow {
    pub fn new(start_hour: u8, end_hour: u8) -> Result<Self, RuleViolation> {
        if start_hour > 23 || end_hour > 24 || start_hour == end_hour {
            return Err(RuleViolation::new(
                "invalid_hours",
                format!(
                    "`{start_hour}` to `{end_hour}` is not a window of UTC hours (start 0..23, end 0..24, different)"
                ),
            ));
        }
        Ok(Self {
            start_hour,
            end_hour,
        })
    }

    /// Whether `at` falls inside the window.
    pub fn contains(&self, at: Timestamp) -> bool {
        let hour = u8::try_from(at.unix_millis().rem_euclid(86_400_000) / 3_600_000).unwrap_or(0);
        if self.start_hour < self.end_hour {
            self.start_hour <= hour && hour < self.end_hour
        } else {
            hour >= self.start_hour || hour < self.end_hour
        }
    }
}

/// A customer's conditions on partner access; empty means no condition.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerRestrictions {
    /// Source networks partner sessions must come from; empty allows any.
    #[serde(default)]
    #[schema(value_type = Vec<String>, example = json!(["203.0.113.0/24", "2001:db8::/32"]))]
    pub allowed_ip_ranges: Vec<IpNet>,
    /// UTC hours in which access is allowed; absent allows any hour.
    #[serde(default)]
    pub allowed_hours: Option<HoursWindow>,
}

impl CustomerRestrictions {
    /// Whether a request from `source_ip` is allowed; with ranges set, a
    /// request without a source address is not.
    pub fn allows_ip(&self, source_ip: Option<std::net::IpAddr>) -> bool {
        self.allowed_ip_ranges.is_empty()
            || source_ip
                .is_some_and(|ip| self.allowed_ip_ranges.iter().any(|net| net.contains(&ip)))
    }

    pub fn allows_time(&self, at: Timestamp) -> bool {
        self.allowed_hours.is_none_or(|w| w.contains(at))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_hour(h: i64, minute: i64) -> Timestamp {
        Timestamp::from_unix_millis(
            1_800_000_000_000 / 86_400_000 * 86_400_000 + h * 3_600_000 + minute * 60_000,
        )
    }

    #[test]
    fn window_is_start_inclusive_end_exclusive() {
        let w = HoursWindow::new(8, 18).unwrap();
        assert!(!w.contains(at_hour(7, 59)));
        assert!(w.contains(at_hour(8, 0)));
        assert!(w.contains(at_hour(17, 59)));
        assert!(!w.contains(at_hour(18, 0)));
    }

    #[test]
    fn window_may_wrap_midnight() {
        let w = HoursWindow::new(22, 6).unwrap();
        assert!(w.contains(at_hour(23, 0)));
        assert!(w.contains(at_hour(5, 59)));
        assert!(!w.contains(at_hour(6, 0)));
        assert!(!w.contains(at_hour(12, 0)));
    }

    #[test]
    fn bad_windows_are_refused() {
        assert!(HoursWindow::new(24, 1).is_err());
        assert!(HoursWindow::new(5, 25).is_err());
        assert!(HoursWindow::new(5, 5).is_err());
        assert!(HoursWindow::new(0, 24).is_ok());
    }

    #[test]
    fn ip_ranges_allow_members_only_and_need_a_source() {
        let r = CustomerRestrictions {
            allowed_ip_ranges: vec![
                "203.0.113.0/24".parse().unwrap(),
                "2001:db8::/32".parse().unwrap(),
            ],
            allowed_hours: None,
        };
        assert!(r.allows_ip(Some("203.0.113.7".parse().unwrap())));
        assert!(r.allows_ip(Some("2001:db8::1".parse().unwrap())));
        assert!(!r.allows_ip(Some("198.51.100.1".parse().unwrap())));
        assert!(!r.allows_ip(None));
        assert!(CustomerRestrictions::default().allows_ip(None));
    }
}

//! A customer's access review policy: review each partner's access every
//! so many days.

use serde::{Deserialize, Serialize};

use super::{ReviewScope, check_review_days};
use crate::{TenantId, Timestamp, ValidationError};

/// How often a review policy starts a review unless it says otherwise.
pub const DEFAULT_REVIEW_EVERY_DAYS: u32 = 90;

const DAY_SECONDS: i64 = 86_400;

/// The customer's standing order: review each partner's access every
/// `every_days` days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewPolicy {
    pub customer_tenant_id: TenantId,
    /// Days between two reviews of one partner (1 to 365; default 90).
    pub every_days: u32,
    /// Days each review stays open (1 to 90; default 14).
    pub duration_days: u32,
    pub scope: ReviewScope,
    pub remove_unreviewed: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

impl ReviewPolicy {
    /// Checks the numbers a customer admin chose.
    pub fn check(every_days: u32, duration_days: u32) -> Result<(), ValidationError> {
        if !(1..=365).contains(&every_days) {
            return Err(ValidationError::new(
                "every_days",
                format!("`{every_days}` is not between 1 and 365"),
            ));
        }
        check_review_days(duration_days)
    }

    /// Whether a review is due for a partner whose last review started at `last`.
    pub fn due(&self, last: Option<Timestamp>, now: Timestamp) -> bool {
        last.is_none_or(|at| {
            now >= at.saturating_add_seconds(i64::from(self.every_days) * DAY_SECONDS)
        })
    }
}

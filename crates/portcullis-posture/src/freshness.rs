//! The built-in freshness requirement: a stale snapshot is non-compliant.

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::report::{RequirementResult, Status};
use crate::requirement::Criticality;

/// The id of the built-in freshness requirement.
pub const FRESHNESS_ID: &str = "snapshot.fresh";

/// How far in the future a snapshot time may lie (clock skew) before it is refused.
const MAX_SKEW: Duration = Duration::minutes(5);

/// Fresh while `now - taken_at <= stale_after`.
pub(crate) fn check(
    taken_at: Option<OffsetDateTime>,
    now: OffsetDateTime,
    stale_after: Duration,
) -> RequirementResult {
    let (status, details) = match taken_at {
        None => (
            Status::Error,
            "the snapshot has no time: set `portcullis_partner_program.taken_at`".to_owned(),
        ),
        Some(taken) => {
            let shown = taken.format(&Rfc3339).unwrap_or_else(|_| taken.to_string());
            let age = now - taken;
            if age < -MAX_SKEW {
                (
                    Status::Error,
                    format!("the snapshot is dated `{shown}`, after the evaluation time"),
                )
            } else if age > stale_after {
                (
                    Status::Fail,
                    format!(
                        "the snapshot taken at `{shown}` is {} days old; at most {} allowed",
                        age.whole_days(),
                        stale_after.whole_days()
                    ),
                )
            } else {
                (Status::Pass, format!("the snapshot was taken at `{shown}`"))
            }
        }
    };
    RequirementResult {
        requirement_id: FRESHNESS_ID.to_owned(),
        policy_id: None,
        criticality: Criticality::Shall,
        status,
        details,
    }
}

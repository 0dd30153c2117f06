//! A partner's posture state, derived from its latest report. Pure: the
//! caller supplies the time and when the current non-compliance began.

use time::OffsetDateTime;

use crate::evaluate::PostureConfig;
use crate::report::Report;

/// Where a partner stands for gating.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PostureState {
    /// No `SHALL` requirement fails: the partner may act normally.
    Compliant,
    /// `SHALL` requirements fail; the partner may not create relationships or
    /// assignments, and is suspended at `grace_ends_at`.
    Noncompliant {
        /// Ids of the failing or erring `SHALL` requirements.
        failing: Vec<String>,
        /// The first instant at which the partner is suspended.
        grace_ends_at: OffsetDateTime,
    },
    /// The grace period is over: decisions deny with `partner_noncompliant`
    /// until a compliant snapshot arrives.
    Suspended {
        /// Ids of the failing or erring `SHALL` requirements.
        failing: Vec<String>,
    },
}

/// The posture state at `now` given the partner's latest report.
///
/// `noncompliant_since` is when the partner's current run of non-compliant
/// reports began (the store keeps it); `None` means the latest report starts
/// it. The grace period ends at `noncompliant_since + config.grace_period`;
/// from that instant on the partner is suspended.
#[must_use]
pub fn posture_state(
    latest: &Report,
    noncompliant_since: Option<OffsetDateTime>,
    now: OffsetDateTime,
    config: &PostureConfig,
) -> PostureState {
    if latest.compliant {
        return PostureState::Compliant;
    }
    let failing = latest.failing_shall();
    let since = noncompliant_since.unwrap_or(latest.evaluated_at);
    let grace_ends_at = since.saturating_add(config.grace_period);
    if now >= grace_ends_at {
        PostureState::Suspended { failing }
    } else {
        PostureState::Noncompliant {
            failing,
            grace_ends_at,
        }
    }
}

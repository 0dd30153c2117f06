//! The evaluation report, in the JSON shape the CLI prints.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::requirement::Criticality;

/// The verdict on one requirement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The requirement holds.
    Pass,
    /// The requirement does not hold.
    Fail,
    /// The requirement does not apply to this tenant.
    NotApplicable,
    /// The requirement could not be judged (missing section, Rego error);
    /// counts as a failure for gating.
    Error,
}

/// One requirement's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementResult {
    /// The requirement's id.
    pub requirement_id: String,
    /// The ScubaGear policy id, when the requirement implements one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_id: Option<String>,
    /// `SHALL` or `SHOULD`.
    pub criticality: Criticality,
    /// The verdict.
    pub status: Status,
    /// Why: which policies, users or roles made it fail.
    pub details: String,
}

impl RequirementResult {
    /// Whether this result blocks compliance: a `SHALL` that failed or erred.
    #[must_use]
    pub fn is_gating_failure(&self) -> bool {
        self.criticality == Criticality::Shall
            && matches!(self.status, Status::Fail | Status::Error)
    }
}

/// The outcome of evaluating one snapshot against one baseline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The baseline version that judged the snapshot.
    pub baseline_version: String,
    /// When the evaluation ran.
    #[serde(with = "time::serde::rfc3339")]
    pub evaluated_at: OffsetDateTime,
    /// When the snapshot was captured, if known.
    #[serde(with = "time::serde::rfc3339::option")]
    pub snapshot_taken_at: Option<OffsetDateTime>,
    /// One result per requirement, snapshot freshness first.
    pub results: Vec<RequirementResult>,
    /// No `SHALL` requirement failed or erred (freshness included).
    pub compliant: bool,
}

impl Report {
    /// The ids of the `SHALL` requirements that failed or erred.
    #[must_use]
    pub fn failing_shall(&self) -> Vec<String> {
        self.results
            .iter()
            .filter(|r| r.is_gating_failure())
            .map(|r| r.requirement_id.clone())
            .collect()
    }
}

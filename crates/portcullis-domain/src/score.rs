//! The partner security score: 0–100 from four parts with documented
//! weights (`docs/least-privilege.md`):
//!
//! | part | points | how |
//! | --- | --- | --- |
//! | posture | 40 | requirements passed, a `SHALL` weighing 3 and a `SHOULD` 1; no report: 0 |
//! | vetting | 20 | approved: 20; on its way (submitted, screening, in review, needs information): 5; otherwise 0 |
//! | open findings | 20 | minus 10 per open critical, 6 high, 3 medium, 1 lower finding, at least 0 |
//! | response | 20 | the share of the last 30 days' findings answered within 24 hours; none raised: 20 |

use serde::{Deserialize, Serialize};

use crate::{ResponseTimes, TenantId, Timestamp};

pub const POSTURE_POINTS: u32 = 40;
pub const VETTING_POINTS: u32 = 20;
pub const FINDINGS_POINTS: u32 = 20;
pub const RESPONSE_POINTS: u32 = 20;
/// What a `SHALL` requirement weighs against a `SHOULD` (1).
pub const SHALL_WEIGHT: u32 = 3;

/// Where a partner's vetting stands, for the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VettingLevel {
    Approved,
    InProgress,
    None,
}

/// The posture requirements passed and judged, by criticality.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequirementTally {
    pub shall_passed: u32,
    pub shall_total: u32,
    pub should_passed: u32,
    pub should_total: u32,
}

/// What the score is computed from.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreInputs {
    /// `None`: no posture report yet.
    pub posture: Option<RequirementTally>,
    pub vetting: VettingLevel,
    /// The OCSF `severity_id` of each open finding about the partner's users.
    pub open_findings: Vec<i64>,
    pub response: ResponseTimes,
}

/// One part of the score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScorePart {
    /// `posture`, `vetting`, `open_findings` or `response`.
    pub name: String,
    pub points: u32,
    pub max: u32,
    pub detail: String,
}

/// A partner's score at one time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PartnerScore {
    pub partner_tenant_id: TenantId,
    /// 0 to 100.
    pub score: u32,
    pub parts: Vec<ScorePart>,
    pub response: ResponseTimes,
    pub computed_at: Timestamp,
}

/// One stored point of a partner's score history (the last score of a UTC day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ScorePoint {
    /// Days since the Unix epoch (UTC).
    pub day: i64,
    pub score: u32,
    pub computed_at: Timestamp,
}

fn share(points: u32, part: u64, whole: u64) -> u32 {
    if whole == 0 {
        return points;
    }
    let scaled = u64::from(points) * part.min(whole);
    // Rounded to the nearest point.
    u32::try_from((scaled * 2 + whole) / (whole * 2)).unwrap_or(points)
}

fn finding_penalty(severity_id: i64) -> u32 {
    match severity_id {
        5.. => 10,
        4 => 6,
        3 => 3,
        _ => 1,
    }
}

impl PartnerScore {
    /// The score of `partner` from `inputs`.
    pub fn compute(partner_tenant_id: TenantId, inputs: &ScoreInputs, now: Timestamp) -> Self {
        let posture = match inputs.posture {
            None => ScorePart {
                name: "posture".into(),
                points: 0,
                max: POSTURE_POINTS,
                detail: "no posture report yet".into(),
            },
            Some(t) => {
                let passed = SHALL_WEIGHT * t.shall_passed + t.should_passed;
                let total = SHALL_WEIGHT * t.shall_total + t.should_total;
                ScorePart {
                    name: "posture".into(),
                    points: if total == 0 {
                        0
                    } else {
                        share(POSTURE_POINTS, passed.into(), total.into())
                    },
                    max: POSTURE_POINTS,
                    detail: format!(
                        "{} of {} SHALL and {} of {} SHOULD requirements met",
                        t.shall_passed, t.shall_total, t.should_passed, t.should_total
                    ),
                }
            }
        };
        let vetting = ScorePart {
            name: "vetting".into(),
            points: match inputs.vetting {
                VettingLevel::Approved => VETTING_POINTS,
                VettingLevel::InProgress => 5,
                VettingLevel::None => 0,
            },
            max: VETTING_POINTS,
            detail: match inputs.vetting {
                VettingLevel::Approved => "vetting approved",
                VettingLevel::InProgress => "vetting in progress",
                VettingLevel::None => "not vetted, suspended, revoked or rejected",
            }
            .into(),
        };
        let penalty: u32 = inputs
            .open_findings
            .iter()
            .map(|s| finding_penalty(*s))
            .sum();
        let findings = ScorePart {
            name: "open_findings".into(),
            points: FINDINGS_POINTS.saturating_sub(penalty),
            max: FINDINGS_POINTS,
            detail: format!(
                "{} open findings about the partner's users",
                inputs.open_findings.len()
            ),
        };
        let r = &inputs.response;
        let response = ScorePart {
            name: "response".into(),
            points: share(RESPONSE_POINTS, r.within_deadline as u64, r.findings as u64),
            max: RESPONSE_POINTS,
            detail: format!(
                "{} of {} findings of the last {} days answered within 24 hours",
                r.within_deadline, r.findings, r.window_days
            ),
        };
        let parts = vec![posture, vetting, findings, response];
        Self {
            partner_tenant_id,
            score: parts.iter().map(|p| p.points).sum::<u32>().min(100),
            parts,
            response: inputs.response.clone(),
            computed_at: now,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs() -> ScoreInputs {
        ScoreInputs {
            posture: Some(RequirementTally {
                shall_passed: 9,
                shall_total: 10,
                should_passed: 1,
                should_total: 3,
            }),
            vetting: VettingLevel::Approved,
            open_findings: vec![5, 3],
            response: ResponseTimes::measure(&[], Timestamp::from_unix_millis(0)),
        }
    }

    #[test]
    fn the_parts_add_up_with_their_weights() {
        let s = PartnerScore::compute(
            TenantId::generate(),
            &inputs(),
            Timestamp::from_unix_millis(0),
        );
        // Posture: 28 of 33 weight → 33.9 → 34; vetting 20; findings 20-13=7; response 20.
        let points: Vec<u32> = s.parts.iter().map(|p| p.points).collect();
        assert_eq!(points, vec![34, 20, 7, 20]);
        assert_eq!(s.score, 81);
    }

    #[test]
    fn a_partner_with_nothing_scores_the_empty_response_only() {
        let mut i = inputs();
        i.posture = None;
        i.vetting = VettingLevel::None;
        i.open_findings = vec![5, 5, 5];
        let s = PartnerScore::compute(TenantId::generate(), &i, Timestamp::from_unix_millis(0));
        assert_eq!(s.score, 20);
    }
}

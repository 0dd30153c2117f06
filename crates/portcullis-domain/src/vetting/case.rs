//! A vetting case: one application's way from submission to a decision, and
//! an approved partner's standing afterwards.
//!
//! ```text
//! submitted → screening → auto_approved → approved
//!                       ↘ in_review → approved | rejected
//!                           ↕ needs_information (back to the applicant; its
//!                             answer is screened again, then reviewed)
//! approved ↔ suspended;  approved | suspended → revoked (final)
//! ```
//!
//! A partner is authorized exactly while one of its cases is `approved`.
//! High-risk cases need the approval of two distinct reviewers (four eyes);
//! nobody approves a case they submitted. A reviewer is identified by the
//! credential that acts (its audit name, e.g. `operator token:<id>`).

use serde::{Deserialize, Serialize};

use crate::vetting::Application;
use crate::{RuleViolation, TenantId, Timestamp};

crate::id::uuid_id!(
    /// A vetting case.
    CaseId,
    "case_id"
);

/// Where a case is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    Submitted,
    Screening,
    AutoApproved,
    InReview,
    NeedsInformation,
    Approved,
    Rejected,
    Suspended,
    Revoked,
}

impl CaseState {
    pub const ALL: [Self; 9] = [
        Self::Submitted,
        Self::Screening,
        Self::AutoApproved,
        Self::InReview,
        Self::NeedsInformation,
        Self::Approved,
        Self::Rejected,
        Self::Suspended,
        Self::Revoked,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Screening => "screening",
            Self::AutoApproved => "auto_approved",
            Self::InReview => "in_review",
            Self::NeedsInformation => "needs_information",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
            Self::Suspended => "suspended",
            Self::Revoked => "revoked",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == input)
    }

    /// Whether the case can never change again.
    pub const fn is_final(self) -> bool {
        matches!(self, Self::Rejected | Self::Revoked)
    }

    /// Whether the partner may act while its case is here.
    pub const fn authorizes(self) -> bool {
        matches!(self, Self::Approved)
    }

    /// Whether the case is still on its way to a first decision.
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            Self::Submitted
                | Self::Screening
                | Self::AutoApproved
                | Self::InReview
                | Self::NeedsInformation
        )
    }
}

impl std::fmt::Display for CaseState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How risky the checks found the applicant.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
}

impl RiskLevel {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Medium => "medium",
            Self::High => "high",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [Self::Low, Self::Medium, Self::High]
            .into_iter()
            .find(|s| s.as_str() == input)
    }

    /// How many distinct reviewers must approve a case at this level.
    pub const fn approvals_required(self) -> usize {
        match self {
            Self::High => 2,
            Self::Low | Self::Medium => 1,
        }
    }
}

/// A reviewer's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    Approve,
    Reject,
    /// Send the case back to the applicant with questions.
    RequestInformation,
}

/// One recorded change of state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseTransition {
    pub from: CaseState,
    pub to: CaseState,
    /// Who made the change (an audit name such as `operator token:<id>`, or `system`).
    pub actor: String,
    pub reason: String,
    pub at: Timestamp,
}

/// A vetting case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VettingCase {
    pub id: CaseId,
    /// The partner tenant applying.
    pub tenant_id: TenantId,
    pub state: CaseState,
    pub application: Application,
    /// Who submitted it (an audit name).
    pub submitted_by: String,
    /// Set by screening.
    pub risk_score: Option<u8>,
    pub risk_level: Option<RiskLevel>,
    /// Reviewers who approved in the current review round.
    pub approvals: Vec<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: i64,
}

fn refused(state: CaseState, action: &str) -> RuleViolation {
    RuleViolation::new(
        "invalid_transition",
        format!("cannot {action} a case that is `{state}`"),
    )
}

/// What a review did to the case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReviewOutcome {
    /// The case moved (approved, rejected or back to the applicant).
    Moved(CaseTransition),
    /// An approval was recorded; more distinct reviewers must approve.
    AwaitingApprovals { have: usize, need: usize },
}

impl VettingCase {
    /// A new case in `submitted`.
    pub fn submit(
        tenant_id: TenantId,
        application: Application,
        submitted_by: String,
        now: Timestamp,
    ) -> Self {
        Self {
            id: CaseId::generate(),
            tenant_id,
            state: CaseState::Submitted,
            application,
            submitted_by,
            risk_score: None,
            risk_level: None,
            approvals: Vec::new(),
            created_at: now,
            updated_at: now,
            version: 1,
        }
    }

    fn moved(
        &mut self,
        to: CaseState,
        actor: &str,
        reason: &str,
        now: Timestamp,
    ) -> CaseTransition {
        let transition = CaseTransition {
            from: self.state,
            to,
            actor: actor.to_owned(),
            reason: reason.to_owned(),
            at: now,
        };
        self.state = to;
        self.updated_at = now;
        transition
    }

    /// The checks start: `submitted | needs_information → screening`.
    pub fn begin_screening(
        &mut self,
        actor: &str,
        now: Timestamp,
    ) -> Result<CaseTransition, RuleViolation> {
        if !matches!(
            self.state,
            CaseState::Submitted | CaseState::NeedsInformation
        ) {
            return Err(refused(self.state, "screen"));
        }
        self.approvals.clear();
        Ok(self.moved(CaseState::Screening, actor, "checks started", now))
    }

    /// The checks finished with a risk score. When `auto_approve` holds (the
    /// policy allows it and every mandatory check passed) the case goes
    /// `auto_approved → approved`; otherwise to `in_review`.
    pub fn finish_screening(
        &mut self,
        score: u8,
        level: RiskLevel,
        auto_approve: bool,
        now: Timestamp,
    ) -> Result<Vec<CaseTransition>, RuleViolation> {
        if self.state != CaseState::Screening {
            return Err(refused(self.state, "finish screening"));
        }
        self.risk_score = Some(score);
        self.risk_level = Some(level);
        if auto_approve {
            let first = self.moved(
                CaseState::AutoApproved,
                "system",
                "low risk and every mandatory check passed",
                now,
            );
            let second = self.moved(CaseState::Approved, "system", "auto-approved", now);
            Ok(vec![first, second])
        } else {
            Ok(vec![self.moved(
                CaseState::InReview,
                "system",
                &format!("risk {score} ({}): review required", level.as_str()),
                now,
            )])
        }
    }

    /// A reviewer decides. Approval needs one reviewer, or two distinct
    /// ones for a high-risk case; the submitter may not approve.
    pub fn review(
        &mut self,
        reviewer: &str,
        decision: ReviewDecision,
        reason: &str,
        now: Timestamp,
    ) -> Result<ReviewOutcome, RuleViolation> {
        if self.state != CaseState::InReview {
            return Err(refused(self.state, "review"));
        }
        match decision {
            ReviewDecision::Reject => Ok(ReviewOutcome::Moved(self.moved(
                CaseState::Rejected,
                reviewer,
                reason,
                now,
            ))),
            ReviewDecision::RequestInformation => {
                self.approvals.clear();
                Ok(ReviewOutcome::Moved(self.moved(
                    CaseState::NeedsInformation,
                    reviewer,
                    reason,
                    now,
                )))
            }
            ReviewDecision::Approve => {
                if reviewer == self.submitted_by {
                    return Err(RuleViolation::new(
                        "reviewer_is_submitter",
                        "a reviewer cannot approve a case they submitted",
                    ));
                }
                if self.approvals.iter().any(|r| r == reviewer) {
                    return Err(RuleViolation::new(
                        "duplicate_approval",
                        "this reviewer has already approved the case; a second, distinct reviewer must approve",
                    ));
                }
                self.approvals.push(reviewer.to_owned());
                let need = self
                    .risk_level
                    .unwrap_or(RiskLevel::High)
                    .approvals_required();
                let have = self.approvals.len();
                if have >= need {
                    Ok(ReviewOutcome::Moved(self.moved(
                        CaseState::Approved,
                        reviewer,
                        reason,
                        now,
                    )))
                } else {
                    self.updated_at = now;
                    Ok(ReviewOutcome::AwaitingApprovals { have, need })
                }
            }
        }
    }

    /// The applicant answers a request for information with a corrected
    /// application; screening runs again before review.
    pub fn amend(&mut self, application: Application, now: Timestamp) -> Result<(), RuleViolation> {
        if self.state != CaseState::NeedsInformation {
            return Err(refused(self.state, "amend"));
        }
        self.application = application;
        self.updated_at = now;
        Ok(())
    }

    /// `approved → suspended`: the partner's access stops at once.
    pub fn suspend(
        &mut self,
        actor: &str,
        reason: &str,
        now: Timestamp,
    ) -> Result<CaseTransition, RuleViolation> {
        if self.state != CaseState::Approved {
            return Err(refused(self.state, "suspend"));
        }
        Ok(self.moved(CaseState::Suspended, actor, reason, now))
    }

    /// `suspended → approved`.
    pub fn reinstate(
        &mut self,
        actor: &str,
        reason: &str,
        now: Timestamp,
    ) -> Result<CaseTransition, RuleViolation> {
        if self.state != CaseState::Suspended {
            return Err(refused(self.state, "reinstate"));
        }
        Ok(self.moved(CaseState::Approved, actor, reason, now))
    }

    /// `approved | suspended → revoked`, for good.
    pub fn revoke(
        &mut self,
        actor: &str,
        reason: &str,
        now: Timestamp,
    ) -> Result<CaseTransition, RuleViolation> {
        if !matches!(self.state, CaseState::Approved | CaseState::Suspended) {
            return Err(refused(self.state, "revoke"));
        }
        Ok(self.moved(CaseState::Revoked, actor, reason, now))
    }
}

#[cfg(test)]
#[path = "case_tests.rs"]
mod tests;

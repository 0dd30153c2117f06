//! Just-in-time activations of eligible assignments.

use serde::{Deserialize, Serialize};

use crate::assignment::MIN_ACTIVATION_SECONDS;
use crate::{
    AccessAssignment, AssignmentId, AssignmentKind, Description, IsoDuration, RuleViolation,
    Timestamp, UserId,
};

crate::id::uuid_id!(
    /// A just-in-time activation.
    ActivationId,
    "activation_id"
);

/// How strongly the session behind a request was authenticated.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AuthStrength {
    None,
    Mfa,
    /// FIDO2, Windows Hello, certificate: MFA that phishing cannot relay.
    PhishingResistant,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActivationStatus {
    /// Waiting for a second person.
    PendingApproval,
    /// Granting until `ends_at`.
    Active,
    Denied,
    /// Ended early by an administrator or containment.
    Revoked,
}

/// A partner user's time-boxed use of an eligible assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Activation {
    pub id: ActivationId,
    pub assignment_id: AssignmentId,
    pub user_id: UserId,
    pub justification: Description,
    pub duration: IsoDuration,
    pub status: ActivationStatus,
    pub requested_at: Timestamp,
    /// Who asked for it (an audit name); a second person must decide.
    #[serde(default)]
    pub requested_by: Option<String>,
    /// Who approved or denied it (an audit name), when someone had to.
    pub decided_by: Option<String>,
    pub starts_at: Option<Timestamp>,
    pub ends_at: Option<Timestamp>,
    pub version: i64,
}

impl Activation {
    /// A request to activate `assignment` for `duration`. `privileged` says
    /// whether any of its roles is privileged, which demands a
    /// phishing-resistant session.
    pub fn request(
        assignment: &AccessAssignment,
        user_id: UserId,
        justification: Description,
        duration: IsoDuration,
        strength: AuthStrength,
        privileged: bool,
        now: Timestamp,
    ) -> Result<Self, RuleViolation> {
        let AssignmentKind::Eligible {
            max_activation,
            approval_required,
        } = &assignment.kind
        else {
            return Err(RuleViolation::new(
                "not_eligible",
                "the assignment is standing; there is nothing to activate",
            ));
        };
        if !assignment.is_active() {
            return Err(RuleViolation::new(
                "assignment_not_active",
                format!("the assignment is `{}`", assignment.status.as_str()),
            ));
        }
        let seconds = duration.as_seconds();
        if seconds < MIN_ACTIVATION_SECONDS || seconds > max_activation.as_seconds() {
            return Err(RuleViolation::new(
                "invalid_activation_duration",
                format!("`{duration}` is outside `PT30M`..`{max_activation}` for this assignment"),
            ));
        }
        if strength == AuthStrength::None {
            return Err(RuleViolation::new(
                "mfa_required",
                "activation needs an MFA session",
            ));
        }
        if privileged && strength != AuthStrength::PhishingResistant {
            return Err(RuleViolation::new(
                "phishing_resistant_mfa_required",
                "activating a privileged role needs a phishing-resistant sign-in",
            ));
        }
        let mut activation = Self {
            id: ActivationId::generate(),
            assignment_id: assignment.id,
            user_id,
            justification,
            duration,
            status: ActivationStatus::PendingApproval,
            requested_at: now,
            requested_by: None,
            decided_by: None,
            starts_at: None,
            ends_at: None,
            version: 1,
        };
        if !approval_required {
            activation.start(now);
        }
        Ok(activation)
    }

    fn start(&mut self, now: Timestamp) {
        self.status = ActivationStatus::Active;
        self.starts_at = Some(now);
        self.ends_at = Some(now.saturating_add_seconds(self.duration.as_seconds()));
    }

    fn decide(&mut self, approver: UserOrAdmin<'_>) -> Result<(), RuleViolation> {
        if self.status != ActivationStatus::PendingApproval {
            return Err(RuleViolation::new(
                "invalid_transition",
                "the activation is not waiting for approval",
            ));
        }
        if approver.user == Some(self.user_id) {
            return Err(RuleViolation::new(
                "self_approval",
                "the requester may not approve their own activation",
            ));
        }
        self.decided_by = Some(approver.name.to_owned());
        Ok(())
    }

    /// A second person approves; the activation runs from now.
    pub fn approve(
        &mut self,
        approver: UserOrAdmin<'_>,
        now: Timestamp,
    ) -> Result<(), RuleViolation> {
        self.decide(approver)?;
        self.start(now);
        Ok(())
    }

    pub fn deny(&mut self, approver: UserOrAdmin<'_>) -> Result<(), RuleViolation> {
        self.decide(approver)?;
        self.status = ActivationStatus::Denied;
        Ok(())
    }

    pub fn revoke(&mut self, now: Timestamp) {
        if self.status == ActivationStatus::Active {
            self.status = ActivationStatus::Revoked;
            self.ends_at = Some(self.ends_at.map_or(now, |end| end.min(now)));
        }
    }

    /// Whether it grants at `now`: active and `starts_at <= now < ends_at`.
    pub fn is_active_at(&self, now: Timestamp) -> bool {
        self.status == ActivationStatus::Active
            && self.starts_at.is_some_and(|s| s <= now)
            && self.ends_at.is_some_and(|e| now < e)
    }
}

/// Who decides on an activation: a named administrator, and the partner
/// user behind it when there is one (so self-approval can be refused).
#[derive(Debug, Clone, Copy)]
pub struct UserOrAdmin<'a> {
    pub name: &'a str,
    pub user: Option<UserId>,
}

/// Which activations to list.
#[derive(Debug, Clone, Default)]
pub struct ActivationFilter {
    pub assignment_id: Option<AssignmentId>,
    pub user_id: Option<UserId>,
}

use std::collections::BTreeSet;

use portcullis_domain::{ActivationId, AssignmentId, RelationshipId, RoleId};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Allow,
    Deny,
}

/// Why a request was denied; stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DenyReason {
    /// The partner tenant is unknown, not vetted or not authorized.
    PartnerNotAuthorized,
    /// The partner's tenant security posture has been non-compliant past
    /// its grace period: suspended until a compliant snapshot arrives.
    PartnerNoncompliant,
    /// No such user in that partner tenant.
    UnknownUser,
    UserDisabled,
    /// The user was suspended by containment.
    UserContained,
    /// The only active relationship is suspended by containment.
    RelationshipContained,
    /// No relationship between the two tenants is active now.
    NoActiveRelationship,
    /// The relationship between the two tenants has ended by time.
    RelationshipExpired,
    /// The user is in no group with an active assignment in an active relationship.
    NoAssignment,
    /// An eligible assignment would permit it, but it is not activated.
    ActivationRequired,
    /// No role the user holds permits the action.
    RoleDoesNotPermitAction,
    /// The session has no MFA.
    MfaRequired,
    /// The granting role is privileged and the session's MFA is not phishing-resistant.
    PhishingResistantMfaRequired,
    /// The customer allows partner access only from other networks.
    IpNotAllowed,
    /// The customer allows partner access only at other hours.
    OutsideAllowedHours,
    /// The engine could not answer (an internal fault); it fails closed.
    EngineUnavailable,
}

impl DenyReason {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PartnerNotAuthorized => "partner_not_authorized",
            Self::PartnerNoncompliant => "partner_noncompliant",
            Self::UnknownUser => "unknown_user",
            Self::UserDisabled => "user_disabled",
            Self::UserContained => "user_contained",
            Self::RelationshipContained => "relationship_contained",
            Self::NoActiveRelationship => "no_active_relationship",
            Self::RelationshipExpired => "relationship_expired",
            Self::NoAssignment => "no_assignment",
            Self::ActivationRequired => "activation_required",
            Self::RoleDoesNotPermitAction => "role_does_not_permit_action",
            Self::MfaRequired => "mfa_required",
            Self::PhishingResistantMfaRequired => "phishing_resistant_mfa_required",
            Self::IpNotAllowed => "ip_not_allowed",
            Self::OutsideAllowedHours => "outside_allowed_hours",
            Self::EngineUnavailable => "engine_unavailable",
        }
    }
}

/// What granted an allowed request: the least-privileged role that permits
/// the action, and where the user holds it from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub relationship_id: RelationshipId,
    pub assignment_id: AssignmentId,
    pub role_id: RoleId,
    /// The activation, when the assignment is eligible.
    pub activation_id: Option<ActivationId>,
    /// Whether the granting role is privileged.
    pub privileged: bool,
}

/// The answer: allow only with a grant and no reason to deny.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub effect: Effect,
    /// Every condition that failed, in a fixed order; empty on allow.
    pub reasons: BTreeSet<DenyReason>,
    /// On allow, what granted it; on deny, the grant that would have applied
    /// but for the MFA or restriction reasons, if any.
    pub grant: Option<Grant>,
}

impl Decision {
    /// Builds the decision from what was found: allow exactly when there is
    /// a grant and nothing failed.
    pub fn from_parts(reasons: BTreeSet<DenyReason>, grant: Option<Grant>) -> Self {
        let effect = if reasons.is_empty() && grant.is_some() {
            Effect::Allow
        } else {
            Effect::Deny
        };
        Self {
            effect,
            reasons,
            grant,
        }
    }

    pub fn is_allowed(&self) -> bool {
        self.effect == Effect::Allow
    }
}

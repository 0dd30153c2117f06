//! The decision engine's request and answer as they travel over HTTP, with
//! their OpenAPI schemas. The engine's own types stay free of HTTP concerns;
//! these mirror them field for field (same JSON) and convert exhaustively, so
//! a new deny reason cannot compile without a wire name.

use std::collections::BTreeSet;
use std::net::IpAddr;

use portcullis_decision as engine;
use portcullis_domain::{
    Action, ActivationId, AssignmentId, AuthStrength, RelationshipId, RoleId, TenantId, UserId,
};
use serde::{Deserialize, Serialize};

/// May partner user `user_id` of partner tenant `partner_tenant_id` perform
/// `action` in customer tenant `customer_tenant_id`, in a session
/// authenticated with `auth_strength`, from `source_ip`?
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    pub partner_tenant_id: TenantId,
    pub user_id: UserId,
    pub customer_tenant_id: TenantId,
    pub action: Action,
    pub auth_strength: AuthStrength,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub source_ip: Option<IpAddr>,
}

impl From<DecisionRequest> for engine::DecisionRequest {
    fn from(wire: DecisionRequest) -> Self {
        Self {
            partner_tenant_id: wire.partner_tenant_id,
            user_id: wire.user_id,
            customer_tenant_id: wire.customer_tenant_id,
            action: wire.action,
            auth_strength: wire.auth_strength,
            source_ip: wire.source_ip,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    Allow,
    Deny,
}

impl From<engine::Effect> for Effect {
    fn from(effect: engine::Effect) -> Self {
        match effect {
            engine::Effect::Allow => Self::Allow,
            engine::Effect::Deny => Self::Deny,
        }
    }
}

/// Why a request was denied; stable codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
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

impl From<engine::DenyReason> for DenyReason {
    fn from(reason: engine::DenyReason) -> Self {
        use engine::DenyReason as R;
        match reason {
            R::PartnerNotAuthorized => Self::PartnerNotAuthorized,
            R::PartnerNoncompliant => Self::PartnerNoncompliant,
            R::UnknownUser => Self::UnknownUser,
            R::UserDisabled => Self::UserDisabled,
            R::UserContained => Self::UserContained,
            R::RelationshipContained => Self::RelationshipContained,
            R::NoActiveRelationship => Self::NoActiveRelationship,
            R::RelationshipExpired => Self::RelationshipExpired,
            R::NoAssignment => Self::NoAssignment,
            R::ActivationRequired => Self::ActivationRequired,
            R::RoleDoesNotPermitAction => Self::RoleDoesNotPermitAction,
            R::MfaRequired => Self::MfaRequired,
            R::PhishingResistantMfaRequired => Self::PhishingResistantMfaRequired,
            R::IpNotAllowed => Self::IpNotAllowed,
            R::OutsideAllowedHours => Self::OutsideAllowedHours,
            R::EngineUnavailable => Self::EngineUnavailable,
        }
    }
}

/// What granted an allowed request: the least-privileged role that permits
/// the action, and where the user holds it from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Grant {
    pub relationship_id: RelationshipId,
    pub assignment_id: AssignmentId,
    pub role_id: RoleId,
    /// The activation, when the assignment is eligible.
    pub activation_id: Option<ActivationId>,
    /// Whether the granting role is privileged.
    pub privileged: bool,
}

impl From<engine::Grant> for Grant {
    fn from(grant: engine::Grant) -> Self {
        Self {
            relationship_id: grant.relationship_id,
            assignment_id: grant.assignment_id,
            role_id: grant.role_id,
            activation_id: grant.activation_id,
            privileged: grant.privileged,
        }
    }
}

/// The answer: allow only with a grant and no reason to deny.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Decision {
    pub effect: Effect,
    /// Every condition that failed, in a fixed order; empty on allow.
    pub reasons: BTreeSet<DenyReason>,
    /// On allow, what granted it; on deny, the grant that would have applied
    /// but for the MFA or restriction reasons, if any.
    pub grant: Option<Grant>,
}

impl From<engine::Decision> for Decision {
    fn from(decision: engine::Decision) -> Self {
        Self {
            effect: decision.effect.into(),
            reasons: decision.reasons.into_iter().map(DenyReason::from).collect(),
            grant: decision.grant.map(Grant::from),
        }
    }
}

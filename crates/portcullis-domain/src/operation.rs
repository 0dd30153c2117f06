//! The name of every change Portcullis records in its audit log.
//!
//! Each mutation writes one [`AuditOperation`]; other nodes follow the log
//! and apply what they must by matching on it exhaustively, and webhooks name
//! the events they carry with the same strings. The string form is stable:
//! it is stored in the hash-chained log and never changes for a variant.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::ValidationError;
use crate::vetting::CaseState;

macro_rules! operations {
    ($($(#[$doc:meta])* $variant:ident => $text:literal,)+) => {
        /// A change recorded in the audit log (see the module docs).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum AuditOperation {
            $($(#[$doc])* $variant,)+
        }

        impl AuditOperation {
            /// Every operation, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The stable dotted form: `tenant.create`, `group.member.add`, …
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }
    };
}

operations! {
    TenantCreate => "tenant.create",
    TenantUpdate => "tenant.update",
    TenantDelete => "tenant.delete",
    UserCreate => "user.create",
    UserUpdate => "user.update",
    UserDelete => "user.delete",
    GroupCreate => "group.create",
    GroupUpdate => "group.update",
    GroupDelete => "group.delete",
    GroupMemberAdd => "group.member.add",
    GroupMemberRemove => "group.member.remove",
    TokenCreate => "token.create",
    TokenRevoke => "token.revoke",
    /// A person signed in to the console with a token.
    SessionCreate => "session.create",
    /// A console session was signed out.
    SessionRevoke => "session.revoke",
    /// A one-time console sign-in link was made (the first operator).
    SignInLinkCreate => "sign_in_link.create",
    /// A one-time sign-in link was used.
    SignInLinkRedeem => "sign_in_link.redeem",
    RelationshipCreate => "relationship.create",
    RelationshipUpdate => "relationship.update",
    RelationshipRequestApproval => "relationship.request_approval",
    RelationshipApprove => "relationship.approve",
    RelationshipReject => "relationship.reject",
    RelationshipTerminate => "relationship.terminate",
    RelationshipCompleteTermination => "relationship.complete_termination",
    RelationshipExpire => "relationship.expire",
    RelationshipAutoExtend => "relationship.auto_extend",
    RelationshipDelete => "relationship.delete",
    /// Not written to the audit log: the webhook event warning of an expiry.
    RelationshipExpiryWarning => "relationship.expiry_warning",
    AssignmentCreate => "assignment.create",
    AssignmentUpdate => "assignment.update",
    AssignmentDelete => "assignment.delete",
    /// A pending assignment made active when its relationship is approved.
    AssignmentActivate => "assignment.activate",
    /// A role that allowed nothing in the usage window was removed from an
    /// assignment, applying a recommendation.
    AssignmentRoleRemove => "assignment.role.remove",
    /// A standing assignment was made eligible (just-in-time), applying a
    /// recommendation.
    AssignmentMakeEligible => "assignment.make_eligible",
    /// An assignment moved from a relationship to its narrowed replacement
    /// when the customer approved that.
    AssignmentMove => "assignment.move",
    /// A narrowed relationship was requested to replace another.
    RelationshipNarrow => "relationship.narrow",
    /// A relationship was ended because the customer approved its
    /// narrowed replacement.
    RelationshipSupersede => "relationship.supersede",
    ActivationRequest => "activation.request",
    ActivationApprove => "activation.approve",
    ActivationDeny => "activation.deny",
    ActivationRevoke => "activation.revoke",
    PartnerAuthorize => "partner.authorize",
    PartnerDeauthorize => "partner.deauthorize",
    CustomerRestrictionsSet => "customer.restrictions.set",
    VettingCaseSubmitted => "vetting.case.submitted",
    VettingCaseScreening => "vetting.case.screening",
    VettingCaseAutoApproved => "vetting.case.auto_approved",
    VettingCaseInReview => "vetting.case.in_review",
    VettingCaseNeedsInformation => "vetting.case.needs_information",
    VettingCaseApproved => "vetting.case.approved",
    VettingCaseRejected => "vetting.case.rejected",
    VettingCaseSuspended => "vetting.case.suspended",
    VettingCaseRevoked => "vetting.case.revoked",
    VettingCaseUpdate => "vetting.case.update",
    VettingCaseAmend => "vetting.case.amend",
    VettingCaseReview => "vetting.case.review",
    VettingDomainReverify => "vetting.domain.reverify",
    VettingRescreen => "vetting.rescreen",
    WatchlistLoad => "watchlist.load",
    WatchlistDelete => "watchlist.delete",
    IntelImport => "intel.import",
    PostureSnapshotUpload => "posture.snapshot.upload",
    PostureEvaluate => "posture.evaluate",
    PostureStateCompliant => "posture.state.compliant",
    PostureStateNoncompliant => "posture.state.noncompliant",
    PostureStateSuspended => "posture.state.suspended",
    /// A detection opened a finding.
    FindingCreate => "finding.create",
    /// A detection added evidence to an open finding.
    FindingUpdate => "finding.update",
    /// Someone changed a finding's status.
    FindingStatus => "finding.status",
    ContainmentCreate => "containment.create",
    ContainmentLift => "containment.lift",
    WebhookCreate => "webhook.create",
    WebhookUpdate => "webhook.update",
    WebhookDelete => "webhook.delete",
    /// Not written to the audit log: the webhook event sent by a ping.
    WebhookPing => "webhook.ping",
    /// `serve` was started with `--accept-audit-mismatch` although the chain
    /// did not match its last signed checkpoint.
    AuditMismatchAccepted => "audit.mismatch_accepted",
    /// A cluster-wide setting changed (its target is the setting's name);
    /// every node puts the new value in force.
    SettingUpdate => "setting.update",
    /// A partner saved a relationship template.
    TemplateCreate => "template.create",
    /// A partner deleted a relationship template.
    TemplateDelete => "template.delete",
    /// A relationship's auto-extend duration was changed.
    RelationshipAutoExtendChange => "relationship.auto_extend_change",
    /// A partner admin acknowledged a finding about its own users.
    FindingAcknowledge => "finding.acknowledge",
    /// A partner admin resolved a finding about its own users.
    FindingResolve => "finding.resolve",
    /// A customer admin, or its review policy, started an access review.
    AccessReviewStart => "access_review.start",
    /// A reviewer approved or denied an item of an access review.
    AccessReviewDecide => "access_review.decide",
    /// The reminder of an access review near its due date was sent.
    AccessReviewRemind => "access_review.remind",
    /// An access review was completed and its removals applied.
    AccessReviewComplete => "access_review.complete",
    /// A customer set its recurring access review policy.
    AccessReviewPolicySet => "access_review.policy.set",
    /// A customer removed its recurring access review policy.
    AccessReviewPolicyDelete => "access_review.policy.delete",
}

impl AuditOperation {
    /// Reads the stable form; `None` for a string no variant has.
    pub fn from_name(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|op| op.as_str() == text)
    }

    /// Parses a field that names an operation, e.g. an audit filter.
    pub fn parse(field: &'static str, text: &str) -> Result<Self, ValidationError> {
        Self::from_name(text).ok_or_else(|| {
            ValidationError::new(
                field,
                format!(
                    "`{}` is not an audit operation such as `tenant.create`",
                    crate::error::excerpt(text, 64)
                ),
            )
        })
    }

    /// The operation recording that a vetting case entered `state`.
    pub const fn vetting_case_entered(state: CaseState) -> Self {
        match state {
            CaseState::Submitted => Self::VettingCaseSubmitted,
            CaseState::Screening => Self::VettingCaseScreening,
            CaseState::AutoApproved => Self::VettingCaseAutoApproved,
            CaseState::InReview => Self::VettingCaseInReview,
            CaseState::NeedsInformation => Self::VettingCaseNeedsInformation,
            CaseState::Approved => Self::VettingCaseApproved,
            CaseState::Rejected => Self::VettingCaseRejected,
            CaseState::Suspended => Self::VettingCaseSuspended,
            CaseState::Revoked => Self::VettingCaseRevoked,
        }
    }

    /// The operation recording that a partner's posture became `standing`.
    pub const fn posture_became(standing: crate::PostureStanding) -> Self {
        match standing {
            crate::PostureStanding::Compliant => Self::PostureStateCompliant,
            crate::PostureStanding::Noncompliant => Self::PostureStateNoncompliant,
            crate::PostureStanding::Suspended => Self::PostureStateSuspended,
        }
    }

    /// The dotted prefix naming what kind of record the operation changes:
    /// `tenant`, `group`, `relationship`, `vetting`, …
    pub fn subject(self) -> &'static str {
        let text = self.as_str();
        text.split_once('.').map_or(text, |(subject, _)| subject)
    }
}

impl fmt::Display for AuditOperation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for AuditOperation {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for AuditOperation {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::from_name(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown audit operation `{text}`")))
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn every_operation_round_trips_through_its_string() {
        for &op in AuditOperation::ALL {
            assert_eq!(AuditOperation::from_name(op.as_str()), Some(op), "{op}");
            let json = serde_json::to_string(&op).unwrap();
            assert_eq!(serde_json::from_str::<AuditOperation>(&json).unwrap(), op);
        }
    }

    #[test]
    fn strings_are_distinct_dotted_lowercase() {
        let mut seen = HashSet::new();
        for &op in AuditOperation::ALL {
            let text = op.as_str();
            assert!(seen.insert(text), "`{text}` is used twice");
            assert!(text.contains('.'), "`{text}` has no subject");
            assert!(
                text.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'),
                "`{text}`"
            );
        }
    }

    #[test]
    fn unknown_names_are_refused_with_the_input() {
        assert_eq!(AuditOperation::from_name("finding.open"), None);
        let err = AuditOperation::parse("operation", "tenant.explode").unwrap_err();
        assert!(err.message.contains("`tenant.explode`"));
        assert!(serde_json::from_str::<AuditOperation>("\"nope\"").is_err());
    }

    #[test]
    fn case_and_posture_states_map_to_their_operations() {
        for state in CaseState::ALL {
            let op = AuditOperation::vetting_case_entered(state);
            assert_eq!(op.as_str(), format!("vetting.case.{}", state.as_str()));
        }
        for standing in [
            crate::PostureStanding::Compliant,
            crate::PostureStanding::Noncompliant,
            crate::PostureStanding::Suspended,
        ] {
            let op = AuditOperation::posture_became(standing);
            assert_eq!(op.as_str(), format!("posture.state.{}", standing.as_str()));
        }
        assert_eq!(AuditOperation::GroupMemberAdd.subject(), "group");
    }
}

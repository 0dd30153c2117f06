//! Delegated admin relationships (the GDAP model): a partner tenant, a
//! customer tenant, the roles the partner may be granted, and a lifecycle
//! the customer controls.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::{
    IsoDuration, RelationshipLifetime, RoleCatalog, RoleId, RuleViolation, TenantId, Timestamp,
    ValidationError,
};

crate::id::uuid_id!(
    /// A delegated admin relationship.
    RelationshipId,
    "relationship_id"
);

const DAY: i64 = 86_400;
/// The shortest and longest a relationship may last.
pub const MIN_DURATION_SECONDS: i64 = DAY;
pub const MAX_DURATION_SECONDS: i64 = 730 * DAY;
/// The only auto-extension there is: 180 days.
pub const AUTO_EXTEND_SECONDS: i64 = 180 * DAY;
/// A request the customer has not approved within this long expires.
pub const APPROVAL_WINDOW_SECONDS: i64 = 90 * DAY;
/// Days before the end at which an expiry warning is due.
pub const EXPIRY_WARNING_DAYS: [i64; 3] = [30, 7, 1];

/// Where a relationship is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipStatus {
    /// Being drafted by the partner; roles and duration may change.
    Created,
    /// Waiting for the customer's approval (at most 90 days).
    ApprovalPending,
    /// Approved and not yet ended: grants access.
    Active,
    /// Ended by time: the duration ran out, or approval never came.
    Expired,
    /// The customer refused it.
    Rejected,
    /// One side asked to end it; it grants nothing any more.
    TerminationRequested,
    /// Ended by either side.
    Terminated,
}

impl RelationshipStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::ApprovalPending => "approval_pending",
            Self::Active => "active",
            Self::Expired => "expired",
            Self::Rejected => "rejected",
            Self::TerminationRequested => "termination_requested",
            Self::Terminated => "terminated",
        }
    }

    pub fn parse(input: &str) -> Option<Self> {
        [
            Self::Created,
            Self::ApprovalPending,
            Self::Active,
            Self::Expired,
            Self::Rejected,
            Self::TerminationRequested,
            Self::Terminated,
        ]
        .into_iter()
        .find(|s| s.as_str() == input)
    }

    /// Whether the relationship can never grant access again.
    pub const fn is_final(self) -> bool {
        matches!(self, Self::Expired | Self::Rejected | Self::Terminated)
    }
}

/// A relationship's display name: 1 to 50 characters, unique per partner.
pub fn relationship_name(input: &str) -> Result<crate::DisplayName, ValidationError> {
    let name = crate::DisplayName::parse(input)?;
    let len = name.as_str().chars().count();
    if len > 50 {
        return Err(ValidationError::new(
            "display_name",
            format!("is {len} characters long; a relationship name has at most 50"),
        ));
    }
    Ok(name)
}

/// The terms a partner proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipTerms {
    pub roles: BTreeSet<RoleId>,
    pub duration: IsoDuration,
    pub auto_extend_duration: IsoDuration,
}

impl RelationshipTerms {
    /// Checks the terms against the rules and the catalog.
    pub fn check(&self, catalog: &RoleCatalog) -> Result<(), RuleViolation> {
        let seconds = self.duration.as_seconds();
        if !(MIN_DURATION_SECONDS..=MAX_DURATION_SECONDS).contains(&seconds) {
            return Err(RuleViolation::new(
                "invalid_duration",
                format!("duration `{}` is outside `P1D`..`P730D`", self.duration),
            ));
        }
        let extend = self.auto_extend_duration.as_seconds();
        if extend != 0 && extend != AUTO_EXTEND_SECONDS {
            return Err(RuleViolation::new(
                "invalid_auto_extend",
                format!(
                    "auto-extend duration `{}` must be `PT0S` or `P180D`",
                    self.auto_extend_duration
                ),
            ));
        }
        if self.roles.is_empty() {
            return Err(RuleViolation::new(
                "no_roles",
                "a relationship needs at least one role",
            ));
        }
        for id in &self.roles {
            let role = catalog.get(*id).ok_or_else(|| {
                RuleViolation::new("unknown_role", format!("role `{id}` is not in the catalog"))
            })?;
            if !role.allowed_in_relationships {
                return Err(RuleViolation::new(
                    "role_not_allowed",
                    format!("role `{}` may not be granted to partners", role.name),
                ));
            }
            if role.global && role.privileged && extend != 0 {
                return Err(RuleViolation::new(
                    "global_role_auto_extend",
                    format!(
                        "a relationship with `{}` may not auto-extend; use `PT0S`",
                        role.name
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A delegated admin relationship.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Relationship {
    pub id: RelationshipId,
    pub partner_tenant_id: TenantId,
    pub customer_tenant_id: TenantId,
    pub display_name: crate::DisplayName,
    /// The roles the relationship may grant, by template id.
    pub roles: BTreeSet<RoleId>,
    pub duration: IsoDuration,
    /// `PT0S` (never) or `P180D`.
    pub auto_extend_duration: IsoDuration,
    /// The stored status; [`Relationship::status_at`] applies time to it.
    pub status: RelationshipStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// When the partner sent it for approval.
    pub approval_requested_at: Option<Timestamp>,
    /// When the customer approved it.
    pub activated_at: Option<Timestamp>,
    /// `activated_at + duration`; moved by auto-extension.
    pub end_at: Option<Timestamp>,
    /// When it was rejected, terminated, or asked to be terminated.
    pub closed_at: Option<Timestamp>,
    /// Why the side that rejected or terminated it did so, when it said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_reason: Option<String>,
    pub version: i64,
}

fn transition(from: RelationshipStatus, action: &str) -> RuleViolation {
    RuleViolation::new(
        "invalid_transition",
        format!("cannot {action} a relationship that is `{}`", from.as_str()),
    )
}

impl Relationship {
    /// A new relationship in `created`, once its terms pass the rules.
    pub fn create(
        partner_tenant_id: TenantId,
        customer_tenant_id: TenantId,
        display_name: crate::DisplayName,
        terms: RelationshipTerms,
        catalog: &RoleCatalog,
        now: Timestamp,
    ) -> Result<Self, RuleViolation> {
        terms.check(catalog)?;
        if partner_tenant_id == customer_tenant_id {
            return Err(RuleViolation::new(
                "same_tenant",
                "a relationship joins two different tenants",
            ));
        }
        Ok(Self {
            id: RelationshipId::generate(),
            partner_tenant_id,
            customer_tenant_id,
            display_name,
            roles: terms.roles,
            duration: terms.duration,
            auto_extend_duration: terms.auto_extend_duration,
            status: RelationshipStatus::Created,
            created_at: now,
            updated_at: now,
            approval_requested_at: None,
            activated_at: None,
            end_at: None,
            closed_at: None,
            closed_reason: None,
            version: 1,
        })
    }

    pub fn terms(&self) -> RelationshipTerms {
        RelationshipTerms {
            roles: self.roles.clone(),
            duration: self.duration.clone(),
            auto_extend_duration: self.auto_extend_duration.clone(),
        }
    }

    /// New terms, allowed only while `created`.
    pub fn change_terms(
        &mut self,
        terms: RelationshipTerms,
        catalog: &RoleCatalog,
    ) -> Result<(), RuleViolation> {
        if self.status != RelationshipStatus::Created {
            return Err(transition(self.status, "change the roles or duration of"));
        }
        terms.check(catalog)?;
        self.roles = terms.roles;
        self.duration = terms.duration;
        self.auto_extend_duration = terms.auto_extend_duration;
        Ok(())
    }

    /// While `active`, privileged roles may be removed, never added.
    pub fn remove_privileged_roles(
        &mut self,
        remaining: BTreeSet<RoleId>,
        catalog: &RoleCatalog,
        now: Timestamp,
    ) -> Result<BTreeSet<RoleId>, RuleViolation> {
        if self.status_at(now) != RelationshipStatus::Active {
            return Err(transition(self.status_at(now), "remove roles from"));
        }
        if !remaining.is_subset(&self.roles) {
            return Err(RuleViolation::new(
                "roles_added_while_active",
                "roles cannot be added to an active relationship",
            ));
        }
        if remaining.is_empty() {
            return Err(RuleViolation::new(
                "no_roles",
                "a relationship needs at least one role",
            ));
        }
        let removed: BTreeSet<RoleId> = self.roles.difference(&remaining).copied().collect();
        if let Some(id) = removed
            .iter()
            .find(|id| !catalog.get(**id).is_some_and(|r| r.privileged))
        {
            return Err(RuleViolation::new(
                "unprivileged_role_removed_while_active",
                format!(
                    "only privileged roles may be removed from an active relationship; `{id}` is not one"
                ),
            ));
        }
        self.roles = remaining;
        Ok(removed)
    }

    /// The partner sends it to the customer: `created → approval_pending`.
    pub fn request_approval(&mut self, now: Timestamp) -> Result<(), RuleViolation> {
        if self.status != RelationshipStatus::Created {
            return Err(transition(self.status, "request approval of"));
        }
        self.status = RelationshipStatus::ApprovalPending;
        self.approval_requested_at = Some(now);
        Ok(())
    }

    /// The customer approves: `approval_pending → active`, ending at
    /// `now + duration`. A request older than 90 days has expired.
    pub fn approve(&mut self, now: Timestamp) -> Result<(), RuleViolation> {
        let status = self.status_at(now);
        if status != RelationshipStatus::ApprovalPending {
            return Err(transition(status, "approve"));
        }
        self.status = RelationshipStatus::Active;
        self.activated_at = Some(now);
        self.end_at = Some(now.saturating_add_seconds(self.duration.as_seconds()));
        Ok(())
    }

    /// The customer refuses: `approval_pending → rejected`.
    pub fn reject(&mut self, now: Timestamp) -> Result<(), RuleViolation> {
        let status = self.status_at(now);
        if status != RelationshipStatus::ApprovalPending {
            return Err(transition(status, "reject"));
        }
        self.status = RelationshipStatus::Rejected;
        self.closed_at = Some(now);
        Ok(())
    }

    /// Either side ends an active relationship: `active → termination_requested`.
    pub fn request_termination(&mut self, now: Timestamp) -> Result<(), RuleViolation> {
        let status = self.status_at(now);
        if status != RelationshipStatus::Active {
            return Err(transition(status, "terminate"));
        }
        self.status = RelationshipStatus::TerminationRequested;
        self.closed_at = Some(now);
        Ok(())
    }

    /// Completes a requested termination: `termination_requested → terminated`.
    pub fn complete_termination(&mut self, now: Timestamp) -> Result<(), RuleViolation> {
        if self.status != RelationshipStatus::TerminationRequested {
            return Err(transition(self.status, "complete the termination of"));
        }
        self.status = RelationshipStatus::Terminated;
        self.closed_at = Some(now);
        Ok(())
    }

    /// The end in force at `now`: with auto-extension, each expiry moves the
    /// end by 180 days, so the end is the first one after `now`.
    pub fn end_at_time(&self, now: Timestamp) -> Option<Timestamp> {
        RelationshipLifetime::of(self).end_at_time(now)
    }

    /// The status at `now`, whether or not a sweep has stored it: an active
    /// relationship is expired from its end instant on (unless it
    /// auto-extends), a pending request 90 days after it was sent.
    pub fn status_at(&self, now: Timestamp) -> RelationshipStatus {
        RelationshipLifetime::of(self).status_at(now)
    }

    pub fn is_active_at(&self, now: Timestamp) -> bool {
        self.status_at(now) == RelationshipStatus::Active
    }

    /// The expiry warnings (30, 7, 1 days ahead) whose instant lies in
    /// `(since, now]`, for a sweep that last ran at `since`.
    pub fn expiry_warnings_due(&self, since: Timestamp, now: Timestamp) -> Vec<i64> {
        if self.status != RelationshipStatus::Active || self.auto_extend_duration.as_seconds() > 0 {
            return Vec::new();
        }
        let Some(end) = self.end_at else {
            return Vec::new();
        };
        EXPIRY_WARNING_DAYS
            .into_iter()
            .filter(|days| {
                let at = end.saturating_add_seconds(-days * DAY);
                since < at && at <= now && now < end
            })
            .collect()
    }
}

/// Which relationships to list; every filter is optional.
#[derive(Debug, Clone, Default)]
pub struct RelationshipFilter {
    pub partner_tenant_id: Option<TenantId>,
    pub customer_tenant_id: Option<TenantId>,
    /// The stored status (a sweep stores expiry; decisions never rely on it).
    pub status: Option<RelationshipStatus>,
}

#[cfg(test)]
#[path = "relationship_tests.rs"]
mod tests;

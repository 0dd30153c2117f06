//! Who may do what: the only module that looks at a caller's kind. Every
//! use case calls one of these rules before it reads or changes anything;
//! the interfaces document the same rules per route.
//!
//! | resource | operator | partner_admin | customer_admin | service |
//! | --- | --- | --- | --- | --- |
//! | create, change, delete tenants | yes | no (403) | no (403) | no (403) |
//! | read a tenant, list tenants | all | its own only | its own only | no (403) |
//! | partner users, groups, membership | all partner tenants | its own tenant only | no (403) | no (403) |
//! | tokens | yes | no (403) | no (403) | no (403) |
//! | audit log | yes | no (403) | no (403) | no (403) |
//! | vetting cases, posture, findings | all | its own tenant only | no (403) | no (403) |
//! | relationships, assignments, activations | all | its own side | its own side | no (403) |
//! | activity events | all | its partner's | its tenant's | send only |
//! | decisions | yes | no (403) | no (403) | yes |
//! | console sign-in | yes | yes | yes | no (403) |
//!
//! A scoped admin that names another tenant gets 404, exactly as if the
//! tenant did not exist, so nothing about foreign tenants leaks.
//!
//! The `system` principal is Portcullis' own background work. It never
//! authenticates, so no route ever sees it; it gets only what background
//! work needs: containing what a finding names ([`may_contain`]), changing
//! a partner's standing ([`may_change_standing`]) and reading the vetting
//! cases it re-screens ([`vetting_scope`]).

use portcullis_domain::{Principal, PrincipalKind, TenantId};

use crate::ServiceError;

fn forbidden(principal: &Principal, what: &str) -> ServiceError {
    ServiceError::Forbidden(format!("a `{}` may not {what}", principal.kind()))
}

pub(crate) fn tenant_not_found(id: TenantId) -> ServiceError {
    ServiceError::NotFound(format!("tenant `{id}` not found"))
}

/// Operators only: tenants' lifecycle, tokens, the audit log.
pub fn require_operator(principal: &Principal, what: &str) -> Result<(), ServiceError> {
    match principal.kind() {
        PrincipalKind::Operator => Ok(()),
        _ => Err(forbidden(principal, what)),
    }
}

/// Changing a finding's status (triage): operators.
pub fn may_change_findings(principal: &Principal) -> Result<(), ServiceError> {
    require_operator(principal, "change findings")
}

/// Lifting a containment: operators.
pub fn may_lift_containment(principal: &Principal) -> Result<(), ServiceError> {
    require_operator(principal, "lift containment")
}

/// Reviewing vetting cases (the four eyes): operators.
pub fn may_review_vetting(principal: &Principal) -> Result<(), ServiceError> {
    require_operator(principal, "review vetting cases")
}

/// Reloading the posture baseline: operators.
pub fn may_reload_baseline(principal: &Principal) -> Result<(), ServiceError> {
    require_operator(principal, "reload the posture baseline")
}

/// Reading the cluster-wide settings: operators.
pub fn may_read_settings(principal: &Principal) -> Result<(), ServiceError> {
    require_operator(principal, "read cluster settings")
}

/// Changing the cluster-wide settings: operators.
pub fn may_change_settings(principal: &Principal) -> Result<(), ServiceError> {
    require_operator(principal, "change cluster settings")
}

/// Signing in to the console: people only; a `service` token is a machine's.
pub fn may_sign_in(principal: &Principal) -> Result<(), ServiceError> {
    match principal.kind() {
        PrincipalKind::Operator | PrincipalKind::PartnerAdmin | PrincipalKind::CustomerAdmin => {
            Ok(())
        }
        PrincipalKind::Service | PrincipalKind::System => {
            Err(forbidden(principal, "sign in to the console"))
        }
    }
}

/// The areas of the console, in navigation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsoleArea {
    Overview,
    Vetting,
    Partners,
    /// A partner's own vetting case: its status and what is missing.
    Application,
    /// A partner's posture scorecard.
    Posture,
    Relationships,
    /// A partner's security groups and their members.
    Groups,
    /// A partner's just-in-time activations.
    Activations,
    /// What partner users did in a customer's tenant.
    Activity,
    /// A customer's restrictions on partner access.
    Restrictions,
    Findings,
    Containments,
    Audit,
    Webhooks,
    /// Role usage and least-privilege recommendations (partner admins).
    LeastPrivilege,
    /// A customer's reviews of its partners' access.
    AccessReviews,
}

/// The console areas a principal may open: its navigation. Each area's
/// use cases still check the caller; this only hides what would refuse.
pub fn console_areas(principal: &Principal) -> &'static [ConsoleArea] {
    match principal.kind() {
        PrincipalKind::Operator => &[
            ConsoleArea::Overview,
            ConsoleArea::Vetting,
            ConsoleArea::Partners,
            ConsoleArea::Relationships,
            ConsoleArea::Findings,
            ConsoleArea::Containments,
            ConsoleArea::Audit,
            ConsoleArea::Webhooks,
        ],
        PrincipalKind::PartnerAdmin => &[
            ConsoleArea::Relationships,
            ConsoleArea::Application,
            ConsoleArea::Posture,
            ConsoleArea::Groups,
            ConsoleArea::Activations,
            ConsoleArea::LeastPrivilege,
            ConsoleArea::Findings,
        ],
        PrincipalKind::CustomerAdmin => &[
            ConsoleArea::Relationships,
            ConsoleArea::Activity,
            ConsoleArea::Restrictions,
            ConsoleArea::Findings,
            ConsoleArea::AccessReviews,
            ConsoleArea::Webhooks,
        ],
        PrincipalKind::Service | PrincipalKind::System => &[],
    }
}

/// Reading one tenant's record.
pub fn may_read_tenant(principal: &Principal, tenant: TenantId) -> Result<(), ServiceError> {
    match principal.kind() {
        PrincipalKind::Operator => Ok(()),
        PrincipalKind::PartnerAdmin | PrincipalKind::CustomerAdmin => {
            if principal.tenant() == Some(tenant) {
                Ok(())
            } else {
                Err(tenant_not_found(tenant))
            }
        }
        PrincipalKind::Service | PrincipalKind::System => Err(forbidden(principal, "read tenants")),
    }
}

/// Reading or changing a partner tenant's users, groups and memberships.
pub fn may_manage_partner_directory(
    principal: &Principal,
    tenant: TenantId,
) -> Result<(), ServiceError> {
    match principal.kind() {
        PrincipalKind::Operator => Ok(()),
        PrincipalKind::PartnerAdmin => {
            if principal.tenant() == Some(tenant) {
                Ok(())
            } else {
                Err(tenant_not_found(tenant))
            }
        }
        PrincipalKind::CustomerAdmin | PrincipalKind::Service | PrincipalKind::System => Err(
            forbidden(principal, "manage partner users, groups or memberships"),
        ),
    }
}

/// Whose records a caller may read: every partner's, or one partner's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnerScope {
    All,
    Own(TenantId),
}

impl PartnerScope {
    /// Whether a record of `partner` is in scope.
    pub fn covers(self, partner: TenantId) -> bool {
        match self {
            Self::All => true,
            Self::Own(own) => own == partner,
        }
    }

    /// Narrows a requested partner to the scope: `None` when the request
    /// names a partner outside it (the answer is then empty).
    pub fn narrow(self, wanted: Option<TenantId>) -> Option<Option<TenantId>> {
        match (self, wanted) {
            (Self::All, wanted) => Some(wanted),
            (Self::Own(own), Some(w)) if w != own => None,
            (Self::Own(own), _) => Some(Some(own)),
        }
    }
}

fn scoped_tenant(principal: &Principal) -> Result<TenantId, ServiceError> {
    principal
        .tenant()
        .ok_or_else(|| ServiceError::Internal("a scoped principal without a tenant".into()))
}

/// Partner records (posture, findings, customers served, activations
/// requested): operators see every partner's, a partner admin its own
/// (checked per record after); other kinds are refused before any lookup,
/// so the refusal says nothing about what exists.
pub fn partner_scope(principal: &Principal, what: &str) -> Result<PartnerScope, ServiceError> {
    match principal.kind() {
        PrincipalKind::Operator => Ok(PartnerScope::All),
        PrincipalKind::PartnerAdmin => Ok(PartnerScope::Own(scoped_tenant(principal)?)),
        PrincipalKind::CustomerAdmin | PrincipalKind::Service | PrincipalKind::System => {
            Err(forbidden(principal, what))
        }
    }
}

/// Applying a least-privilege recommendation: a partner admin for its own
/// partner, or an operator for any (as operators may act for a partner
/// elsewhere); customers approve a narrowing, they do not apply it.
pub fn may_apply_recommendations(principal: &Principal) -> Result<PartnerScope, ServiceError> {
    partner_scope(principal, "apply recommendations (the partner does)")
}

/// Vetting records: as [`partner_scope`]; background work (re-screening,
/// containment) sees every partner's.
pub fn vetting_scope(principal: &Principal) -> Result<PartnerScope, ServiceError> {
    match principal.kind() {
        PrincipalKind::System => Ok(PartnerScope::All),
        _ => partner_scope(principal, "read or change vetting cases"),
    }
}

/// Posture records of one partner: operators, and partner admins of that
/// partner; any other admin gets 404 as if the tenant did not exist;
/// services are refused.
pub fn may_touch_posture(principal: &Principal, tenant: TenantId) -> Result<(), ServiceError> {
    if partner_scope(principal, "read or upload posture snapshots")?.covers(tenant) {
        Ok(())
    } else {
        Err(tenant_not_found(tenant))
    }
}

/// Suspending, reinstating or revoking a partner: operators, and the
/// containment policy.
pub fn may_change_standing(principal: &Principal) -> Result<(), ServiceError> {
    match principal.kind() {
        PrincipalKind::Operator | PrincipalKind::System => Ok(()),
        _ => Err(forbidden(principal, "change a partner's standing")),
    }
}

/// Containing a partner user or tenant: operators, and the containment
/// policy acting on a finding.
pub fn may_contain(principal: &Principal) -> Result<(), ServiceError> {
    match principal.kind() {
        PrincipalKind::Operator | PrincipalKind::System => Ok(()),
        _ => Err(forbidden(principal, "contain partners")),
    }
}

/// Whose activity events a caller reads, or whose relationships it lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TenantScope {
    All,
    Partner(TenantId),
    Customer(TenantId),
}

/// Operators read everything; a partner admin its partner's records; a
/// customer admin its tenant's; other kinds are refused.
pub fn tenant_scope(principal: &Principal, what: &str) -> Result<TenantScope, ServiceError> {
    match principal.kind() {
        PrincipalKind::Operator => Ok(TenantScope::All),
        PrincipalKind::PartnerAdmin => Ok(TenantScope::Partner(scoped_tenant(principal)?)),
        PrincipalKind::CustomerAdmin => Ok(TenantScope::Customer(scoped_tenant(principal)?)),
        PrincipalKind::Service | PrincipalKind::System => Err(forbidden(principal, what)),
    }
}

/// Sending activity events: services and operators.
pub fn may_send_events(principal: &Principal) -> Result<(), ServiceError> {
    match principal.kind() {
        PrincipalKind::Operator | PrincipalKind::Service => Ok(()),
        _ => Err(forbidden(principal, "send activity events")),
    }
}

/// Which side of a relationship the caller speaks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// An operator: may see everything and act for the platform.
    Platform,
    Partner,
    Customer,
}

/// The caller's side in a relationship between `partner` and `customer`:
/// operators are the platform; a partner admin of `partner` and a customer
/// admin of `customer` are its parties; any other admin gets 404, as if the
/// relationship did not exist; services get 403.
pub fn relationship_side(
    principal: &Principal,
    partner: TenantId,
    customer: TenantId,
    what: impl FnOnce() -> ServiceError,
) -> Result<Side, ServiceError> {
    match (principal.kind(), principal.tenant()) {
        (PrincipalKind::Operator, _) => Ok(Side::Platform),
        (PrincipalKind::PartnerAdmin, Some(t)) if t == partner => Ok(Side::Partner),
        (PrincipalKind::CustomerAdmin, Some(t)) if t == customer => Ok(Side::Customer),
        (PrincipalKind::PartnerAdmin | PrincipalKind::CustomerAdmin, _) => Err(what()),
        (PrincipalKind::Service | PrincipalKind::System, _) => {
            Err(forbidden(principal, "manage relationships"))
        }
    }
}

/// Services (and background work) never read or change relationships, assignments or
/// activations; refused before anything is looked up, so that the refusal
/// says nothing about what exists.
pub fn may_touch_relationships(principal: &Principal) -> Result<(), ServiceError> {
    match principal.kind() {
        PrincipalKind::Service | PrincipalKind::System => {
            Err(forbidden(principal, "manage relationships"))
        }
        PrincipalKind::Operator | PrincipalKind::PartnerAdmin | PrincipalKind::CustomerAdmin => {
            Ok(())
        }
    }
}

/// Refuses unless the caller's side is one of `allowed`.
pub fn require_side(
    principal: &Principal,
    side: Side,
    allowed: &[Side],
    what: &str,
) -> Result<(), ServiceError> {
    if allowed.contains(&side) {
        Ok(())
    } else {
        Err(forbidden(principal, what))
    }
}

/// Resource providers (services) and operators ask for decisions.
pub fn may_ask_decisions(principal: &Principal) -> Result<(), ServiceError> {
    match principal.kind() {
        PrincipalKind::Service | PrincipalKind::Operator => Ok(()),
        _ => Err(forbidden(principal, "ask for access decisions")),
    }
}

/// Acknowledging and resolving findings about a partner's own users: its
/// partner admins only (operators triage with the status change), so the
/// partner's response time measures the partner.
pub fn may_answer_findings(principal: &Principal) -> Result<TenantId, ServiceError> {
    match principal.kind() {
        PrincipalKind::PartnerAdmin => scoped_tenant(principal),
        _ => Err(forbidden(
            principal,
            "acknowledge or resolve findings (the partner's admins do)",
        )),
    }
}

/// Access reviews a caller may read: operators every customer's, a
/// customer admin its own tenant's; partner admins and services are
/// refused before anything is looked up.
pub fn access_review_scope(principal: &Principal) -> Result<Option<TenantId>, ServiceError> {
    match principal.kind() {
        PrincipalKind::Operator => Ok(None),
        PrincipalKind::CustomerAdmin => Ok(Some(scoped_tenant(principal)?)),
        PrincipalKind::PartnerAdmin | PrincipalKind::Service | PrincipalKind::System => {
            Err(forbidden(principal, "read access reviews"))
        }
    }
}

/// Starting, deciding and completing access reviews, and setting the
/// review policy: the customer's admins, for their own tenant; `system`
/// for the review policy and overdue reviews.
pub fn may_run_access_reviews(principal: &Principal) -> Result<Option<TenantId>, ServiceError> {
    match principal.kind() {
        PrincipalKind::CustomerAdmin => Ok(Some(scoped_tenant(principal)?)),
        PrincipalKind::System => Ok(None),
        PrincipalKind::Operator | PrincipalKind::PartnerAdmin | PrincipalKind::Service => Err(
            forbidden(principal, "review access (the customer's admins do)"),
        ),
    }
}

/// A customer's access review policy: its own customer admins set it;
/// another tenant is 404; every other kind is refused.
pub fn may_set_review_policy(principal: &Principal, tenant: TenantId) -> Result<(), ServiceError> {
    match may_run_access_reviews(principal)? {
        Some(own) if own == tenant => Ok(()),
        _ => Err(tenant_not_found(tenant)),
    }
}

/// Webhook subscriptions: operators manage every one (and make
/// platform-wide ones, `None`); a customer admin only its tenant's, which
/// receive only events concerning that tenant; others are refused.
pub fn webhook_scope(principal: &Principal) -> Result<Option<TenantId>, ServiceError> {
    match principal.kind() {
        PrincipalKind::Operator => Ok(None),
        PrincipalKind::CustomerAdmin => Ok(Some(scoped_tenant(principal)?)),
        PrincipalKind::PartnerAdmin | PrincipalKind::Service | PrincipalKind::System => {
            Err(forbidden(principal, "manage webhooks"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal(kind: PrincipalKind, tenant: Option<TenantId>) -> Principal {
        Principal::new(kind, tenant, None).unwrap()
    }

    #[test]
    fn scoped_admins_see_only_their_tenant() {
        let own = TenantId::generate();
        let other = TenantId::generate();
        for kind in [PrincipalKind::PartnerAdmin, PrincipalKind::CustomerAdmin] {
            let p = principal(kind, Some(own));
            assert!(may_read_tenant(&p, own).is_ok());
            assert!(matches!(
                may_read_tenant(&p, other),
                Err(ServiceError::NotFound(_))
            ));
        }
    }

    #[test]
    fn only_partner_admins_of_the_tenant_manage_its_directory() {
        let own = TenantId::generate();
        let other = TenantId::generate();
        let partner = principal(PrincipalKind::PartnerAdmin, Some(own));
        assert!(may_manage_partner_directory(&partner, own).is_ok());
        assert!(matches!(
            may_manage_partner_directory(&partner, other),
            Err(ServiceError::NotFound(_))
        ));
        let customer = principal(PrincipalKind::CustomerAdmin, Some(own));
        assert!(matches!(
            may_manage_partner_directory(&customer, own),
            Err(ServiceError::Forbidden(_))
        ));
        let service = principal(PrincipalKind::Service, None);
        assert!(matches!(
            may_manage_partner_directory(&service, own),
            Err(ServiceError::Forbidden(_))
        ));
        assert!(
            may_manage_partner_directory(&principal(PrincipalKind::Operator, None), other).is_ok()
        );
    }

    #[test]
    fn operator_only_actions_refuse_every_other_kind() {
        for kind in [
            PrincipalKind::PartnerAdmin,
            PrincipalKind::CustomerAdmin,
            PrincipalKind::Service,
        ] {
            let tenant = kind.is_tenant_scoped().then(TenantId::generate);
            let err = require_operator(&principal(kind, tenant), "mint tokens").unwrap_err();
            assert!(matches!(err, ServiceError::Forbidden(_)));
        }
        assert!(require_operator(&principal(PrincipalKind::Operator, None), "x").is_ok());
        assert!(require_operator(&Principal::system(), "mint tokens").is_err());
    }

    #[test]
    fn system_may_do_background_work_and_nothing_else() {
        let system = Principal::system();
        let tenant = TenantId::generate();
        assert!(may_contain(&system).is_ok());
        assert!(may_change_standing(&system).is_ok());
        assert_eq!(vetting_scope(&system).unwrap(), PartnerScope::All);
        let refused = [
            may_read_tenant(&system, tenant),
            may_manage_partner_directory(&system, tenant),
            may_touch_relationships(&system),
            may_ask_decisions(&system),
            may_send_events(&system),
            may_touch_posture(&system, tenant),
            partner_scope(&system, "read findings").map(|_| ()),
            tenant_scope(&system, "read activity events").map(|_| ()),
            relationship_side(&system, tenant, tenant, || tenant_not_found(tenant)).map(|_| ()),
        ];
        for result in refused {
            assert!(matches!(result, Err(ServiceError::Forbidden(_))));
        }
    }

    #[test]
    fn a_partner_scope_narrows_to_its_own_partner() {
        let own = TenantId::generate();
        let other = TenantId::generate();
        let scope = partner_scope(&principal(PrincipalKind::PartnerAdmin, Some(own)), "x").unwrap();
        assert!(scope.covers(own) && !scope.covers(other));
        assert_eq!(scope.narrow(None), Some(Some(own)));
        assert_eq!(scope.narrow(Some(own)), Some(Some(own)));
        assert_eq!(scope.narrow(Some(other)), None);
        assert_eq!(PartnerScope::All.narrow(Some(other)), Some(Some(other)));
        assert!(matches!(
            partner_scope(&principal(PrincipalKind::CustomerAdmin, Some(own)), "x"),
            Err(ServiceError::Forbidden(_))
        ));
    }
}

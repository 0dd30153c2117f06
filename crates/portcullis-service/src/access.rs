//! Who may do what. Every use case calls one of these before it reads or
//! changes anything; the interfaces document the same rules per route.
//!
//! | resource | operator | partner_admin | customer_admin | service |
//! | --- | --- | --- | --- | --- |
//! | create, change, delete tenants | yes | no (403) | no (403) | no (403) |
//! | read a tenant, list tenants | all | its own only | its own only | no (403) |
//! | partner users, groups, membership | all partner tenants | its own tenant only | no (403) | no (403) |
//! | tokens | yes | no (403) | no (403) | no (403) |
//! | audit log | yes | no (403) | no (403) | no (403) |
//!
//! A scoped admin that names another tenant gets 404, exactly as if the
//! tenant did not exist, so nothing about foreign tenants leaks.

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
        PrincipalKind::Service => Err(forbidden(principal, "read tenants")),
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
        PrincipalKind::CustomerAdmin | PrincipalKind::Service => Err(forbidden(
            principal,
            "manage partner users, groups or memberships",
        )),
    }
}

/// Vetting records: operators, and partner admins for their own tenant
/// (checked per record); other kinds are refused before any lookup, so the
/// refusal says nothing about what exists.
pub fn may_read_vetting(principal: &Principal) -> Result<(), ServiceError> {
    match principal.kind() {
        PrincipalKind::Operator | PrincipalKind::PartnerAdmin => Ok(()),
        PrincipalKind::CustomerAdmin | PrincipalKind::Service => {
            Err(forbidden(principal, "read or change vetting cases"))
        }
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
        (PrincipalKind::Service, _) => Err(forbidden(principal, "manage relationships")),
    }
}

/// Services never read or change relationships, assignments or
/// activations; refused before anything is looked up, so that the refusal
/// says nothing about what exists.
pub fn may_touch_relationships(principal: &Principal) -> Result<(), ServiceError> {
    match principal.kind() {
        PrincipalKind::Service => Err(forbidden(principal, "manage relationships")),
        _ => Ok(()),
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
    }
}

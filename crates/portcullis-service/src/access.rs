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

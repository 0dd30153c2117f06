use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{TenantId, TokenId, ValidationError};

/// What an authenticated caller is allowed to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrincipalKind {
    /// A platform administrator: sees and changes everything.
    Operator,
    /// An administrator of one partner tenant.
    PartnerAdmin,
    /// An administrator of one customer tenant.
    CustomerAdmin,
    /// A resource provider of the platform (calls the decision API).
    Service,
}

impl PrincipalKind {
    pub const ALL: [Self; 4] = [
        Self::Operator,
        Self::PartnerAdmin,
        Self::CustomerAdmin,
        Self::Service,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Operator => "operator",
            Self::PartnerAdmin => "partner_admin",
            Self::CustomerAdmin => "customer_admin",
            Self::Service => "service",
        }
    }

    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == input)
            .ok_or_else(|| {
                ValidationError::new(
                    "kind",
                    format!(
                        "`{}` is not a principal kind; use operator, partner_admin, customer_admin or service",
                        crate::error::excerpt(input, 32)
                    ),
                )
            })
    }

    /// Whether principals of this kind are bound to one tenant.
    pub const fn is_tenant_scoped(self) -> bool {
        matches!(self, Self::PartnerAdmin | Self::CustomerAdmin)
    }
}

impl fmt::Display for PrincipalKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An authenticated caller: its kind, its tenant when it has one, and the
/// credential it used (a token, or the local command line).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    kind: PrincipalKind,
    tenant: Option<TenantId>,
    token: Option<TokenId>,
}

impl Principal {
    /// Checks that tenant-scoped kinds have a tenant and the others do not.
    pub fn new(
        kind: PrincipalKind,
        tenant: Option<TenantId>,
        token: Option<TokenId>,
    ) -> Result<Self, ValidationError> {
        match (kind.is_tenant_scoped(), tenant) {
            (true, None) => Err(ValidationError::new(
                "tenant_id",
                format!("a `{kind}` principal must name its tenant"),
            )),
            (false, Some(_)) => Err(ValidationError::new(
                "tenant_id",
                format!("a `{kind}` principal is not bound to a tenant"),
            )),
            _ => Ok(Self {
                kind,
                tenant,
                token,
            }),
        }
    }

    /// The operator at the local command line (`portcullis token create`).
    pub fn local_operator() -> Self {
        Self {
            kind: PrincipalKind::Operator,
            tenant: None,
            token: None,
        }
    }

    pub fn kind(&self) -> PrincipalKind {
        self.kind
    }

    pub fn tenant(&self) -> Option<TenantId> {
        self.tenant
    }

    pub fn token(&self) -> Option<TokenId> {
        self.token
    }

    /// How the audit log names this principal: `operator token:<id>`,
    /// `partner_admin token:<id>` or `operator cli`.
    pub fn audit_name(&self) -> String {
        match self.token {
            Some(token) => format!("{} token:{token}", self.kind),
            None => format!("{} cli", self.kind),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scoped_kinds_need_a_tenant() {
        assert!(Principal::new(PrincipalKind::PartnerAdmin, None, None).is_err());
        assert!(Principal::new(PrincipalKind::CustomerAdmin, None, None).is_err());
        assert!(Principal::new(PrincipalKind::Operator, Some(TenantId::generate()), None).is_err());
        assert!(Principal::new(PrincipalKind::Service, None, None).is_ok());
    }

    #[test]
    fn kind_parse_lists_the_choices() {
        let err = PrincipalKind::parse("root").unwrap_err();
        assert!(err.message.contains("`root`") && err.message.contains("partner_admin"));
        assert_eq!(
            PrincipalKind::parse("service").unwrap(),
            PrincipalKind::Service
        );
    }
}

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::{TenantId, TenantKind, TokenId, ValidationError};

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
    /// Portcullis itself doing background work (the sweep, re-screening,
    /// posture rounds, detection and its containment policy, webhook
    /// delivery). Never authenticates: no token is ever of this kind.
    System,
}

impl PrincipalKind {
    pub const ALL: [Self; 5] = [
        Self::Operator,
        Self::PartnerAdmin,
        Self::CustomerAdmin,
        Self::Service,
        Self::System,
    ];

    /// The kinds a token may be minted for: all but `system`.
    pub const TOKEN_KINDS: [Self; 4] = [
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
            Self::System => "system",
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

    /// The kind of tenant a principal of this kind is bound to, if any.
    pub const fn tenant_kind(self) -> Option<TenantKind> {
        match self {
            Self::PartnerAdmin => Some(TenantKind::Partner),
            Self::CustomerAdmin => Some(TenantKind::Customer),
            Self::Operator | Self::Service | Self::System => None,
        }
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
    /// Checks that tenant-scoped kinds have a tenant and the others do not,
    /// and refuses `system`, which only [`Principal::system`] makes: no
    /// credential ever stands for Portcullis itself.
    pub fn new(
        kind: PrincipalKind,
        tenant: Option<TenantId>,
        token: Option<TokenId>,
    ) -> Result<Self, ValidationError> {
        if kind == PrincipalKind::System {
            return Err(ValidationError::new(
                "kind",
                "`system` is reserved for Portcullis' own background work; use operator, partner_admin, customer_admin or service",
            ));
        }
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

    /// Portcullis itself, doing background work.
    pub fn system() -> Self {
        Self {
            kind: PrincipalKind::System,
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
    /// `partner_admin token:<id>`, `operator cli` or `system`.
    pub fn audit_name(&self) -> String {
        match (self.kind, self.token) {
            (PrincipalKind::System, _) => PrincipalKind::System.as_str().to_owned(),
            (kind, Some(token)) => format!("{kind} token:{token}"),
            (kind, None) => format!("{kind} cli"),
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
    fn system_is_made_only_by_its_constructor_and_audited_as_system() {
        let err = Principal::new(PrincipalKind::System, None, None).unwrap_err();
        assert_eq!(err.field, "kind");
        assert!(err.message.contains("`system` is reserved"));
        assert!(Principal::new(PrincipalKind::System, None, Some(TokenId::generate())).is_err());
        let system = Principal::system();
        assert_eq!(system.kind(), PrincipalKind::System);
        assert_eq!(system.tenant(), None);
        assert_eq!(system.audit_name(), "system");
        assert_eq!(Principal::local_operator().audit_name(), "operator cli");
        assert!(!PrincipalKind::TOKEN_KINDS.contains(&PrincipalKind::System));
    }

    #[test]
    fn every_kind_round_trips_through_its_string() {
        for kind in PrincipalKind::ALL {
            assert_eq!(PrincipalKind::parse(kind.as_str()).unwrap(), kind);
        }
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

use serde::{Deserialize, Serialize};

use crate::{Description, PrincipalKind, TenantId, Timestamp, TokenId};

/// An API bearer token as stored: never the secret, only what it stands for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: TokenId,
    pub kind: PrincipalKind,
    /// The tenant a `partner_admin` or `customer_admin` token is bound to.
    pub tenant_id: Option<TenantId>,
    pub description: Option<Description>,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

impl ApiToken {
    /// Whether the token may be used at `now`: not revoked, not expired.
    pub fn is_usable_at(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|end| now < end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_expires_at_its_end_instant() {
        let token = ApiToken {
            id: TokenId::generate(),
            kind: PrincipalKind::Service,
            tenant_id: None,
            description: None,
            created_at: Timestamp::from_unix_millis(0),
            expires_at: Some(Timestamp::from_unix_millis(1_000)),
            revoked_at: None,
        };
        assert!(token.is_usable_at(Timestamp::from_unix_millis(999)));
        assert!(!token.is_usable_at(Timestamp::from_unix_millis(1_000)));
        let revoked = ApiToken {
            revoked_at: Some(Timestamp::from_unix_millis(5)),
            ..token
        };
        assert!(!revoked.is_usable_at(Timestamp::from_unix_millis(10)));
    }
}

//! One-time sign-in links, so that the first operator of an empty database
//! needs no command line: `serve` prints one. A link works once, for
//! [`SIGN_IN_LINK_MINUTES`]; using it mints an operator token that lives as
//! long as a session and opens a session for it (the token's secret is
//! never shown: the session stands for it). A link may also sign in a
//! partner or customer admin of one tenant (`portcullis demo` prints one
//! of each); it is made by an operator either way.

use portcullis_domain::{
    Description, IsoDuration, Principal, PrincipalKind, RecordId, SESSION_ABSOLUTE_SECONDS,
    TenantId,
};
use portcullis_store::LinkPrincipal;

use super::sessions::{SESSION_SECRET_LEN, new_session_secret};
use super::tokens::NewToken;
use crate::{Caller, Portcullis, ServiceError, caller_rules};

/// How long a sign-in link works.
pub const SIGN_IN_LINK_MINUTES: i64 = 15;

impl Portcullis {
    /// Makes a one-time operator sign-in link and returns its secret, shown once.
    pub async fn create_sign_in_link(&self, caller: &Caller) -> Result<String, ServiceError> {
        self.create_sign_in_link_for(caller, PrincipalKind::Operator, None)
            .await
    }

    /// Makes a one-time sign-in link for an operator (`tenant` none), or a
    /// partner or customer admin of `tenant` (which must be of that kind);
    /// returns its secret, shown once. Operators only.
    pub async fn create_sign_in_link_for(
        &self,
        caller: &Caller,
        kind: PrincipalKind,
        tenant: Option<TenantId>,
    ) -> Result<String, ServiceError> {
        caller_rules::require_operator(&caller.principal, "make sign-in links")?;
        if !matches!(
            kind,
            PrincipalKind::Operator | PrincipalKind::PartnerAdmin | PrincipalKind::CustomerAdmin
        ) {
            return Err(portcullis_domain::ValidationError::new(
                "kind",
                format!("a sign-in link is for a person; `{kind}` is not one"),
            )
            .into());
        }
        Principal::new(kind, tenant, None)?;
        if let (Some(tenant), Some(wanted)) = (tenant, kind.tenant_kind()) {
            self.tenant_of_kind(tenant, wanted, "the tenant is of another kind")
                .await?;
        }
        let now = self.clock.now();
        let secret = new_session_secret()?;
        self.store
            .create_sign_in_link_for(
                &caller.audit(now),
                RecordId::generate(),
                &self.secret_hash(&secret)?,
                now.saturating_add_seconds(SIGN_IN_LINK_MINUTES * 60),
                LinkPrincipal {
                    kind,
                    tenant_id: tenant,
                },
            )
            .await?;
        Ok(secret)
    }

    /// Uses a sign-in link: on the authority of the operator who made it,
    /// mints a token of the link's principal for the length of a session
    /// and opens a session for it. `Unauthenticated` for an unknown, used or expired link.
    pub async fn redeem_sign_in_link(
        &self,
        secret: &str,
        source_ip: Option<String>,
        request_id: Option<String>,
    ) -> Result<(portcullis_domain::ConsoleSession, String), ServiceError> {
        if secret.len() != SESSION_SECRET_LEN {
            return Err(ServiceError::Unauthenticated);
        }
        let linker = Caller {
            principal: Principal::local_operator(),
            source_ip: source_ip.clone(),
            request_id: request_id.clone(),
        };
        let now = self.clock.now();
        let Some(link) = self
            .store
            .redeem_sign_in_link_for(&linker.audit(now), &self.secret_hash(secret)?)
            .await?
        else {
            return Err(ServiceError::Unauthenticated);
        };
        let lifetime = IsoDuration::parse(&format!("PT{SESSION_ABSOLUTE_SECONDS}S"))?;
        let (token, _secret) = self
            .create_token(
                &linker,
                NewToken {
                    kind: link.kind,
                    tenant_id: link.tenant_id,
                    description: Some(Description::parse(match link.kind {
                        PrincipalKind::Operator => "first operator, signed in with a one-time link",
                        _ => "signed in with a one-time link",
                    })?),
                    expires_in: Some(lifetime),
                },
            )
            .await?;
        let principal = Principal::new(link.kind, link.tenant_id, Some(token.id))?;
        self.open_session(Caller {
            principal,
            source_ip,
            request_id,
        })
        .await
    }
}

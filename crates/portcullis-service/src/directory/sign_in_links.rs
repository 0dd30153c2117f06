//! One-time sign-in links, so that the first operator of an empty database
//! needs no command line: `serve` prints one. A link works once, for
//! [`SIGN_IN_LINK_MINUTES`]; using it mints an operator token that lives as
//! long as a session and opens a session for it (the token's secret is
//! never shown: the session stands for it).

use portcullis_domain::{
    Description, IsoDuration, Principal, PrincipalKind, RecordId, SESSION_ABSOLUTE_SECONDS,
};

use super::sessions::{SESSION_SECRET_LEN, new_session_secret};
use super::tokens::NewToken;
use crate::{Caller, Portcullis, ServiceError, caller_rules};

/// How long a sign-in link works.
pub const SIGN_IN_LINK_MINUTES: i64 = 15;

impl Portcullis {
    /// Makes a one-time sign-in link and returns its secret, shown once.
    pub async fn create_sign_in_link(&self, caller: &Caller) -> Result<String, ServiceError> {
        caller_rules::require_operator(&caller.principal, "make sign-in links")?;
        let now = self.clock.now();
        let secret = new_session_secret()?;
        self.store
            .create_sign_in_link(
                &caller.audit(now),
                RecordId::generate(),
                &self.secret_hash(&secret)?,
                now.saturating_add_seconds(SIGN_IN_LINK_MINUTES * 60),
            )
            .await?;
        Ok(secret)
    }

    /// Uses a sign-in link: on the authority of the operator who made it,
    /// mints an operator token for the length of a session and opens a
    /// session for it. `Unauthenticated` for an unknown, used or expired link.
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
        if !self
            .store
            .redeem_sign_in_link(&linker.audit(now), &self.secret_hash(secret)?)
            .await?
        {
            return Err(ServiceError::Unauthenticated);
        }
        let lifetime = IsoDuration::parse(&format!("PT{SESSION_ABSOLUTE_SECONDS}S"))?;
        let (token, _secret) = self
            .create_token(
                &linker,
                NewToken {
                    kind: PrincipalKind::Operator,
                    tenant_id: None,
                    description: Some(Description::parse(
                        "first operator, signed in with a one-time link",
                    )?),
                    expires_in: Some(lifetime),
                },
            )
            .await?;
        let principal = Principal::new(PrincipalKind::Operator, None, Some(token.id))?;
        self.open_session(Caller {
            principal,
            source_ip,
            request_id,
        })
        .await
    }
}

//! Console sessions: a person pastes an API token once and gets a session
//! whose secret id (256 random bits) travels in a cookie. Only its SHA-256
//! is stored, in a table every node shares; each request re-checks the
//! session's idle and absolute ends and its token, so revoking the token
//! ends the session on every node at once.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use portcullis_domain::{ConsoleSession, Principal, RecordId, SESSION_ABSOLUTE_SECONDS, Timestamp};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{Caller, Portcullis, ServiceError, caller_rules};

/// 32 random bytes in unpadded base64url.
pub(crate) const SESSION_SECRET_LEN: usize = 43;
/// The last request is written at most this often (milliseconds), so that
/// reading pages does not write on every request.
const TOUCH_EVERY_MS: i64 = 60_000;
/// How long an ended session is kept before the sweep deletes it.
const KEEP_ENDED_SECONDS: i64 = 86_400;

/// The synchronizer token of a session's forms: derived from the session's
/// secret, so it needs no storage, changes with every session and cannot be
/// computed from the database.
pub fn csrf_token(session_secret: &str) -> String {
    let mut hash = Sha256::new();
    hash.update(b"portcullis console csrf\0");
    hash.update(session_secret.as_bytes());
    hex::encode(hash.finalize())
}

/// Whether `presented` is the CSRF token of the session, compared in constant time.
pub fn csrf_matches(session_secret: &str, presented: &str) -> bool {
    csrf_token(session_secret)
        .as_bytes()
        .ct_eq(presented.as_bytes())
        .into()
}

/// 32 random bytes in unpadded base64url: session ids and sign-in links.
pub(crate) fn new_session_secret() -> Result<String, ServiceError> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Internal(format!("no randomness for a session: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

impl Portcullis {
    /// Opens a console session for the person holding `token`: a new session
    /// id every time (no fixation). Returns the session and its secret, which
    /// only the browser keeps.
    pub async fn sign_in(
        &self,
        token: &str,
        source_ip: Option<String>,
        request_id: Option<String>,
    ) -> Result<(ConsoleSession, String), ServiceError> {
        let principal = self.authenticate(token.trim()).await?;
        self.open_session(Caller {
            principal,
            source_ip,
            request_id,
        })
        .await
    }

    /// A new session for an authenticated person.
    pub(crate) async fn open_session(
        &self,
        caller: Caller,
    ) -> Result<(ConsoleSession, String), ServiceError> {
        let principal = &caller.principal;
        caller_rules::may_sign_in(principal)?;
        let token_id = principal.token().ok_or(ServiceError::Unauthenticated)?;
        let now = self.clock.now();
        let session = ConsoleSession {
            id: RecordId::generate(),
            token_id,
            kind: principal.kind(),
            tenant_id: principal.tenant(),
            created_at: now,
            last_seen_at: now,
            expires_at: now.saturating_add_seconds(SESSION_ABSOLUTE_SECONDS),
            revoked_at: None,
        };
        let secret = new_session_secret()?;
        self.store
            .create_session(&caller.audit(now), &session, &self.secret_hash(&secret)?)
            .await?;
        Ok((session, secret))
    }

    /// The principal a session secret stands for, or `Unauthenticated` for a
    /// malformed, unknown, idle, ended or revoked session or one whose token
    /// is no longer usable.
    pub async fn session_principal(
        &self,
        secret: &str,
    ) -> Result<(Principal, ConsoleSession), ServiceError> {
        if secret.len() != SESSION_SECRET_LEN {
            return Err(ServiceError::Unauthenticated);
        }
        let presented = self.secret_hash(secret)?;
        let (session, stored) = self
            .store
            .find_session(&presented)
            .await?
            .ok_or(ServiceError::Unauthenticated)?;
        let same: bool = stored.as_bytes().ct_eq(presented.as_bytes()).into();
        let now = self.clock.now();
        if !same || !session.is_live_at(now) {
            return Err(ServiceError::Unauthenticated);
        }
        let token = self
            .store
            .get_token(session.token_id)
            .await?
            .filter(|t| t.is_usable_at(now))
            .ok_or(ServiceError::Unauthenticated)?;
        let principal = Principal::new(token.kind, token.tenant_id, Some(token.id))
            .map_err(|_| ServiceError::Unauthenticated)?;
        if now.unix_millis() - session.last_seen_at.unix_millis() >= TOUCH_EVERY_MS {
            self.store.touch_session(session.id, now).await?;
        }
        Ok((principal, session))
    }

    /// Ends the caller's own session; later requests with it are refused.
    pub async fn sign_out(&self, caller: &Caller, session: RecordId) -> Result<(), ServiceError> {
        let now = self.clock.now();
        self.store
            .revoke_session(&caller.audit(now), session)
            .await
            .map_err(|e| {
                ServiceError::from_store(e, || format!("session `{session}` not found"))
            })?;
        self.delete_ended_sessions(now).await?;
        Ok(())
    }

    /// Deletes sessions that ended (absolute end, revocation or idle
    /// timeout) more than a day before `now`: they are kept that long for
    /// the audit trail's readers. Run by the sweep and at each sign-out.
    pub(crate) async fn delete_ended_sessions(&self, now: Timestamp) -> Result<u64, ServiceError> {
        Ok(self
            .store
            .delete_ended_sessions(now.saturating_add_seconds(-KEEP_ENDED_SECONDS))
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_secrets_are_random_and_of_fixed_length() {
        let a = new_session_secret().unwrap();
        let b = new_session_secret().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), SESSION_SECRET_LEN);
    }

    #[test]
    fn csrf_token_is_tied_to_its_session() {
        let a = new_session_secret().unwrap();
        let b = new_session_secret().unwrap();
        assert!(csrf_matches(&a, &csrf_token(&a)));
        assert!(!csrf_matches(&a, &csrf_token(&b)));
        assert!(!csrf_matches(&a, ""));
    }
}

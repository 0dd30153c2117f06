//! Console sessions: a person signs in once with an API token and the
//! browser then carries a random session id in a cookie. The session stands
//! for that token, so revoking the token ends its sessions.

use serde::Serialize;

use crate::{PrincipalKind, RecordId, TenantId, Timestamp, TokenId};

/// How long a session lives without a request: 30 minutes.
pub const SESSION_IDLE_SECONDS: i64 = 30 * 60;
/// How long a session lives at most, however busy: 12 hours.
pub const SESSION_ABSOLUTE_SECONDS: i64 = 12 * 60 * 60;

/// A signed-in console session. Its secret id is never part of the record:
/// the store keeps only a hash of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsoleSession {
    /// The public id, used in the audit log.
    pub id: RecordId,
    /// The API token the session was opened with.
    pub token_id: TokenId,
    pub kind: PrincipalKind,
    pub tenant_id: Option<TenantId>,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    /// The absolute end, `created_at` plus [`SESSION_ABSOLUTE_SECONDS`].
    pub expires_at: Timestamp,
    pub revoked_at: Option<Timestamp>,
}

impl ConsoleSession {
    /// Whether the session may serve a request at `now`: not revoked, not
    /// idle for [`SESSION_IDLE_SECONDS`], and before its absolute end.
    pub fn is_live_at(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none()
            && now < self.expires_at
            && now
                < self
                    .last_seen_at
                    .saturating_add_seconds(SESSION_IDLE_SECONDS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session(created: i64) -> ConsoleSession {
        let at = Timestamp::from_unix_millis(created);
        ConsoleSession {
            id: RecordId::generate(),
            token_id: TokenId::generate(),
            kind: PrincipalKind::Operator,
            tenant_id: None,
            created_at: at,
            last_seen_at: at,
            expires_at: at.saturating_add_seconds(SESSION_ABSOLUTE_SECONDS),
            revoked_at: None,
        }
    }

    #[test]
    fn idle_session_ends_at_the_idle_instant() {
        let s = session(0);
        assert!(s.is_live_at(Timestamp::from_unix_millis(SESSION_IDLE_SECONDS * 1000 - 1)));
        assert!(!s.is_live_at(Timestamp::from_unix_millis(SESSION_IDLE_SECONDS * 1000)));
    }

    #[test]
    fn busy_session_ends_at_the_absolute_instant() {
        let mut s = session(0);
        let end = SESSION_ABSOLUTE_SECONDS * 1000;
        s.last_seen_at = Timestamp::from_unix_millis(end - 1000);
        assert!(s.is_live_at(Timestamp::from_unix_millis(end - 1)));
        assert!(!s.is_live_at(Timestamp::from_unix_millis(end)));
    }

    #[test]
    fn revoked_session_is_not_live() {
        let mut s = session(0);
        s.revoked_at = Some(Timestamp::from_unix_millis(1));
        assert!(!s.is_live_at(Timestamp::from_unix_millis(2)));
    }
}

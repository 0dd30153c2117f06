//! Console sessions: the contract and its SQL implementation. Only hashes
//! of session secrets are kept, in one table every node reads.

use async_trait::async_trait;
use portcullis_domain::{
    AuditOperation, ConsoleSession, PrincipalKind, RecordId, SESSION_IDLE_SECONDS, TenantId,
    Timestamp, TokenId,
};
use sqlx::any::AnyRow;

use crate::{AuditContext, SqlStore, StoreError, rows};

/// Console sessions, looked up by the hash of their secret id.
#[async_trait]
pub trait SessionStore {
    /// Stores a new session, audited as `session.create`.
    async fn create_session(
        &self,
        ctx: &AuditContext,
        session: &ConsoleSession,
        secret_hash: &str,
    ) -> Result<(), StoreError>;
    /// The session whose secret hashes to `secret_hash`, with that stored hash.
    async fn find_session(
        &self,
        secret_hash: &str,
    ) -> Result<Option<(ConsoleSession, String)>, StoreError>;
    /// Moves the session's last request to `at` (bookkeeping, not audited).
    async fn touch_session(&self, id: RecordId, at: Timestamp) -> Result<(), StoreError>;
    /// Marks the session revoked, audited as `session.revoke` (idempotent).
    async fn revoke_session(
        &self,
        ctx: &AuditContext,
        id: RecordId,
    ) -> Result<ConsoleSession, StoreError>;
    /// Deletes sessions that ended before `before`: past their absolute
    /// end, revoked, or idle for [`SESSION_IDLE_SECONDS`]; returns how many.
    async fn delete_ended_sessions(&self, before: Timestamp) -> Result<u64, StoreError>;
}

const COLUMNS: &str =
    "id, token_id, kind, tenant_id, created_at, last_seen_at, expires_at, revoked_at";

fn from_row(row: &AnyRow) -> Result<ConsoleSession, StoreError> {
    Ok(ConsoleSession {
        id: rows::parsed(row, "id", RecordId::parse)?,
        token_id: rows::parsed(row, "token_id", TokenId::parse)?,
        kind: rows::parsed(row, "kind", PrincipalKind::parse)?,
        tenant_id: rows::opt_parsed(row, "tenant_id", TenantId::parse)?,
        created_at: rows::time(row, "created_at")?,
        last_seen_at: rows::time(row, "last_seen_at")?,
        expires_at: rows::time(row, "expires_at")?,
        revoked_at: rows::opt_time(row, "revoked_at")?,
    })
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn create_session(
        &self,
        ctx: &AuditContext,
        session: &ConsoleSession,
        secret_hash: &str,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        sqlx::query(&format!(
            "INSERT INTO console_sessions ({COLUMNS}, secret_hash, hash_scheme) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
        ))
        .bind(session.id.to_string())
        .bind(session.token_id.to_string())
        .bind(session.kind.as_str())
        .bind(session.tenant_id.map(|t| t.to_string()))
        .bind(session.created_at.unix_millis())
        .bind(session.last_seen_at.unix_millis())
        .bind(session.expires_at.unix_millis())
        .bind(session.revoked_at.map(|t| t.unix_millis()))
        .bind(secret_hash)
        .bind(crate::tokens::KEYED_SCHEME)
        .execute(m.conn())
        .await?;
        // The audit record describes the session, never its secret or hash.
        m.commit(ctx.draft(
            AuditOperation::SessionCreate,
            session.tenant_id,
            session.id,
            None,
            Some(session),
        ))
        .await
    }

    async fn find_session(
        &self,
        secret_hash: &str,
    ) -> Result<Option<(ConsoleSession, String)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS}, secret_hash FROM console_sessions WHERE secret_hash = $1 \
             AND hash_scheme = $2"
        ))
        .bind(secret_hash)
        .bind(crate::tokens::KEYED_SCHEME)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| Ok((from_row(&row)?, rows::text(&row, "secret_hash")?)))
            .transpose()
    }

    async fn touch_session(&self, id: RecordId, at: Timestamp) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE console_sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1",
        )
        .bind(at.unix_millis())
        .bind(id.to_string())
        .execute(self.pool())
        .await?;
        Ok(())
    }

    async fn revoke_session(
        &self,
        ctx: &AuditContext,
        id: RecordId,
    ) -> Result<ConsoleSession, StoreError> {
        let mut m = self.begin_mutation().await?;
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM console_sessions WHERE id = $1"
        ))
        .bind(id.to_string())
        .fetch_optional(m.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        let before = from_row(&row)?;
        if before.revoked_at.is_some() {
            return Ok(before);
        }
        let after = ConsoleSession {
            revoked_at: Some(ctx.at),
            ..before.clone()
        };
        sqlx::query("UPDATE console_sessions SET revoked_at = $1 WHERE id = $2")
            .bind(ctx.at.unix_millis())
            .bind(id.to_string())
            .execute(m.conn())
            .await?;
        m.commit(ctx.draft(
            AuditOperation::SessionRevoke,
            after.tenant_id,
            id,
            Some(&before),
            Some(&after),
        ))
        .await?;
        Ok(after)
    }

    async fn delete_ended_sessions(&self, before: Timestamp) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM console_sessions \
             WHERE expires_at < $1 OR revoked_at < $1 OR last_seen_at < $2",
        )
        .bind(before.unix_millis())
        .bind(
            before
                .saturating_add_seconds(-SESSION_IDLE_SECONDS)
                .unix_millis(),
        )
        .execute(self.pool())
        .await?;
        Ok(done.rows_affected())
    }
}

//! One-time console sign-in links: the contract and its SQL implementation.
//! Only hashes of link secrets are kept; a link is used at most once.

use async_trait::async_trait;
use portcullis_domain::{AuditOperation, RecordId, Timestamp};
use serde::Serialize;

use crate::{AuditContext, SqlStore, StoreError, rows};

/// What the audit log records of a link: never its secret or hash.
#[derive(Debug, Clone, Serialize)]
struct LinkRecord {
    id: RecordId,
    expires_at: Timestamp,
    used_at: Option<Timestamp>,
}

/// One-time sign-in links.
#[async_trait]
pub trait SignInLinkStore {
    /// Stores a link that works until `expires_at`, audited.
    async fn create_sign_in_link(
        &self,
        ctx: &AuditContext,
        id: RecordId,
        secret_hash: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError>;
    /// Marks the link used if it is unused and unexpired at `ctx.at`, audited;
    /// `false` (and nothing written) for an unknown, used or expired link.
    /// Two concurrent redemptions cannot both succeed.
    async fn redeem_sign_in_link(
        &self,
        ctx: &AuditContext,
        secret_hash: &str,
    ) -> Result<bool, StoreError>;
}

#[async_trait]
impl SignInLinkStore for SqlStore {
    async fn create_sign_in_link(
        &self,
        ctx: &AuditContext,
        id: RecordId,
        secret_hash: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        sqlx::query(
            "INSERT INTO sign_in_links (id, secret_hash, created_at, expires_at, used_at, \
             hash_scheme) VALUES ($1, $2, $3, $4, NULL, $5)",
        )
        .bind(id.to_string())
        .bind(secret_hash)
        .bind(ctx.at.unix_millis())
        .bind(expires_at.unix_millis())
        .bind(crate::tokens::KEYED_SCHEME)
        .execute(m.conn())
        .await?;
        let record = LinkRecord {
            id,
            expires_at,
            used_at: None,
        };
        m.commit(ctx.draft(
            AuditOperation::SignInLinkCreate,
            None,
            id,
            None,
            Some(&record),
        ))
        .await
    }

    async fn redeem_sign_in_link(
        &self,
        ctx: &AuditContext,
        secret_hash: &str,
    ) -> Result<bool, StoreError> {
        // The mutation's first statement locks the audit head, so
        // redemptions are serialised and the second sees `used_at`.
        let mut m = self.begin_mutation().await?;
        let row = sqlx::query(
            "SELECT id, expires_at FROM sign_in_links \
             WHERE secret_hash = $1 AND used_at IS NULL AND expires_at > $2 AND hash_scheme = $3",
        )
        .bind(secret_hash)
        .bind(ctx.at.unix_millis())
        .bind(crate::tokens::KEYED_SCHEME)
        .fetch_optional(m.conn())
        .await?;
        let Some(row) = row else {
            return Ok(false);
        };
        let id = rows::parsed(&row, "id", RecordId::parse)?;
        let expires_at = rows::time(&row, "expires_at")?;
        sqlx::query("UPDATE sign_in_links SET used_at = $1 WHERE id = $2")
            .bind(ctx.at.unix_millis())
            .bind(id.to_string())
            .execute(m.conn())
            .await?;
        let before = LinkRecord {
            id,
            expires_at,
            used_at: None,
        };
        let after = LinkRecord {
            used_at: Some(ctx.at),
            ..before.clone()
        };
        m.commit(ctx.draft(
            AuditOperation::SignInLinkRedeem,
            None,
            id,
            Some(&before),
            Some(&after),
        ))
        .await?;
        Ok(true)
    }
}

//! One-time console sign-in links: the contract and its SQL implementation.
//! Only hashes of link secrets are kept; a link is used at most once.

use async_trait::async_trait;
use portcullis_domain::{AuditOperation, PrincipalKind, RecordId, TenantId, Timestamp};
use serde::Serialize;

use crate::{AuditContext, SqlStore, StoreError, rows};

/// What the audit log records of a link: never its secret or hash.
#[derive(Debug, Clone, Serialize)]
struct LinkRecord {
    id: RecordId,
    kind: PrincipalKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    tenant_id: Option<TenantId>,
    expires_at: Timestamp,
    used_at: Option<Timestamp>,
}

/// Whom a link signs in: an operator, or an admin of one tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkPrincipal {
    pub kind: PrincipalKind,
    pub tenant_id: Option<TenantId>,
}

impl LinkPrincipal {
    /// A link for an operator (what `serve` prints on an empty database).
    pub const OPERATOR: Self = Self {
        kind: PrincipalKind::Operator,
        tenant_id: None,
    };
}

/// One-time sign-in links.
#[async_trait]
pub trait SignInLinkStore {
    /// Stores an operator's link that works until `expires_at`, audited.
    async fn create_sign_in_link(
        &self,
        ctx: &AuditContext,
        id: RecordId,
        secret_hash: &str,
        expires_at: Timestamp,
    ) -> Result<(), StoreError> {
        self.create_sign_in_link_for(ctx, id, secret_hash, expires_at, LinkPrincipal::OPERATOR)
            .await
    }
    /// Stores a link that signs `principal` in until `expires_at`, audited.
    async fn create_sign_in_link_for(
        &self,
        ctx: &AuditContext,
        id: RecordId,
        secret_hash: &str,
        expires_at: Timestamp,
        principal: LinkPrincipal,
    ) -> Result<(), StoreError>;
    /// Marks the link used if it is unused and unexpired at `ctx.at`, audited;
    /// `false` (and nothing written) for an unknown, used or expired link.
    /// Two concurrent redemptions cannot both succeed.
    async fn redeem_sign_in_link(
        &self,
        ctx: &AuditContext,
        secret_hash: &str,
    ) -> Result<bool, StoreError> {
        Ok(self
            .redeem_sign_in_link_for(ctx, secret_hash)
            .await?
            .is_some())
    }
    /// [`Self::redeem_sign_in_link`], answering whom the link signs in.
    async fn redeem_sign_in_link_for(
        &self,
        ctx: &AuditContext,
        secret_hash: &str,
    ) -> Result<Option<LinkPrincipal>, StoreError>;
}

#[async_trait]
impl SignInLinkStore for SqlStore {
    async fn create_sign_in_link_for(
        &self,
        ctx: &AuditContext,
        id: RecordId,
        secret_hash: &str,
        expires_at: Timestamp,
        principal: LinkPrincipal,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        sqlx::query(
            "INSERT INTO sign_in_links \
             (id, secret_hash, created_at, expires_at, used_at, kind, tenant_id, hash_scheme) \
             VALUES ($1, $2, $3, $4, NULL, $5, $6, $7)",
        )
        .bind(id.to_string())
        .bind(secret_hash)
        .bind(ctx.at.unix_millis())
        .bind(expires_at.unix_millis())
        .bind(principal.kind.as_str())
        .bind(principal.tenant_id.map(|t| t.to_string()))
        .bind(crate::tokens::KEYED_SCHEME)
        .execute(m.conn())
        .await?;
        let record = LinkRecord {
            id,
            kind: principal.kind,
            tenant_id: principal.tenant_id,
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

    async fn redeem_sign_in_link_for(
        &self,
        ctx: &AuditContext,
        secret_hash: &str,
    ) -> Result<Option<LinkPrincipal>, StoreError> {
        // The mutation's first statement locks the audit head, so
        // redemptions are serialised and the second sees `used_at`.
        let mut m = self.begin_mutation().await?;
        let row = sqlx::query(
            "SELECT id, expires_at, kind, tenant_id FROM sign_in_links \
             WHERE secret_hash = $1 AND used_at IS NULL AND expires_at > $2 AND hash_scheme = $3",
        )
        .bind(secret_hash)
        .bind(ctx.at.unix_millis())
        .bind(crate::tokens::KEYED_SCHEME)
        .fetch_optional(m.conn())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let id = rows::parsed(&row, "id", RecordId::parse)?;
        let expires_at = rows::time(&row, "expires_at")?;
        let principal = LinkPrincipal {
            kind: rows::parsed(&row, "kind", PrincipalKind::parse)?,
            tenant_id: rows::opt_parsed(&row, "tenant_id", TenantId::parse)?,
        };
        sqlx::query("UPDATE sign_in_links SET used_at = $1 WHERE id = $2")
            .bind(ctx.at.unix_millis())
            .bind(id.to_string())
            .execute(m.conn())
            .await?;
        let before = LinkRecord {
            id,
            kind: principal.kind,
            tenant_id: principal.tenant_id,
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
        Ok(Some(principal))
    }
}

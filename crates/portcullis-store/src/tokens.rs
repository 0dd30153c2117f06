//! API tokens: the contract and its SQL implementation. Only hashes of
//! token secrets are kept.

use async_trait::async_trait;
use portcullis_domain::{
    ApiToken, AuditOperation, Description, Page, PageRequest, PrincipalKind, TenantId, TokenId,
};
use sqlx::any::AnyRow;

use crate::mutation::Mutation;
use crate::paging::Keyset;
use crate::{AuditContext, SqlStore, StoreError, rows};

/// API tokens: only hashes of their secrets are kept.
#[async_trait]
pub trait TokenStore {
    async fn create_token(
        &self,
        ctx: &AuditContext,
        token: &ApiToken,
        secret_hash: &str,
    ) -> Result<(), StoreError>;
    /// The token whose secret's keyed hash is `secret_hash`, with that
    /// stored hash. Rows with an unkeyed hash are never found.
    async fn find_token(&self, secret_hash: &str)
    -> Result<Option<(ApiToken, String)>, StoreError>;
    /// The id of a token stored with the unkeyed SHA-256 `sha256` (from
    /// before keyed hashes, or written by hand), to say why it is refused.
    async fn find_unkeyed_token(&self, sha256: &str) -> Result<Option<TokenId>, StoreError>;
    /// How many unrevoked tokens have an unkeyed hash (and no longer work).
    async fn count_unkeyed_tokens(&self) -> Result<i64, StoreError>;
    async fn get_token(&self, id: TokenId) -> Result<Option<ApiToken>, StoreError>;
    async fn list_tokens(&self, page: &PageRequest) -> Result<Page<ApiToken>, StoreError>;
    /// Marks the token revoked (idempotent on an already revoked token).
    async fn revoke_token(&self, ctx: &AuditContext, id: TokenId) -> Result<ApiToken, StoreError>;
}

/// The scheme of every secret hash written now: HMAC-SHA256 under the key
/// directory's token key.
pub(crate) const KEYED_SCHEME: &str = "hmac-sha256";

const COLUMNS: &str = "id, kind, tenant_id, description, created_at, expires_at, revoked_at";

fn from_row(row: &AnyRow) -> Result<ApiToken, StoreError> {
    Ok(ApiToken {
        id: rows::parsed(row, "id", TokenId::parse)?,
        kind: rows::parsed(row, "kind", PrincipalKind::parse)?,
        tenant_id: rows::opt_parsed(row, "tenant_id", TenantId::parse)?,
        description: rows::opt_parsed(row, "description", Description::parse)?,
        created_at: rows::time(row, "created_at")?,
        expires_at: rows::opt_time(row, "expires_at")?,
        revoked_at: rows::opt_time(row, "revoked_at")?,
    })
}

/// Revokes every usable token of a tenant inside a mutation, auditing each.
pub(crate) async fn revoke_for_tenant(
    m: &mut Mutation,
    ctx: &AuditContext,
    tenant: TenantId,
) -> Result<Vec<ApiToken>, StoreError> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE tenant_id = $1 AND revoked_at IS NULL ORDER BY id"
    ))
    .bind(tenant.to_string())
    .fetch_all(m.conn())
    .await?;
    let mut revoked = Vec::with_capacity(rows.len());
    for row in &rows {
        let before = from_row(row)?;
        let after = ApiToken {
            revoked_at: Some(ctx.at),
            ..before.clone()
        };
        set_revoked(m, &after).await?;
        m.record(ctx.draft(
            AuditOperation::TokenRevoke,
            Some(tenant),
            after.id,
            Some(&before),
            Some(&after),
        ))
        .await?;
        revoked.push(after);
    }
    Ok(revoked)
}

async fn set_revoked(m: &mut Mutation, token: &ApiToken) -> Result<(), StoreError> {
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2")
        .bind(token.revoked_at.map(|t| t.unix_millis()))
        .bind(token.id.to_string())
        .execute(m.conn())
        .await?;
    Ok(())
}

#[async_trait]
impl TokenStore for SqlStore {
    async fn create_token(
        &self,
        ctx: &AuditContext,
        token: &ApiToken,
        secret_hash: &str,
    ) -> Result<(), StoreError> {
        let mut m = self.begin_mutation().await?;
        sqlx::query(
            "INSERT INTO api_tokens (id, secret_hash, kind, tenant_id, description, created_at, \
             expires_at, revoked_at, hash_scheme) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(token.id.to_string())
        .bind(secret_hash)
        .bind(token.kind.as_str())
        .bind(token.tenant_id.map(|t| t.to_string()))
        .bind(token.description.as_ref().map(Description::as_str))
        .bind(token.created_at.unix_millis())
        .bind(token.expires_at.map(|t| t.unix_millis()))
        .bind(token.revoked_at.map(|t| t.unix_millis()))
        .bind(KEYED_SCHEME)
        .execute(m.conn())
        .await?;
        // The audit record describes the token, never its secret or hash.
        m.commit(ctx.draft(
            AuditOperation::TokenCreate,
            token.tenant_id,
            token.id,
            None,
            Some(token),
        ))
        .await
    }

    async fn find_token(
        &self,
        secret_hash: &str,
    ) -> Result<Option<(ApiToken, String)>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {COLUMNS}, secret_hash FROM api_tokens WHERE secret_hash = $1 \
             AND hash_scheme = $2"
        ))
        .bind(secret_hash)
        .bind(KEYED_SCHEME)
        .fetch_optional(self.pool())
        .await?;
        row.map(|row| Ok((from_row(&row)?, rows::text(&row, "secret_hash")?)))
            .transpose()
    }

    async fn find_unkeyed_token(&self, sha256: &str) -> Result<Option<TokenId>, StoreError> {
        let row =
            sqlx::query("SELECT id FROM api_tokens WHERE secret_hash = $1 AND hash_scheme <> $2")
                .bind(sha256)
                .bind(KEYED_SCHEME)
                .fetch_optional(self.pool())
                .await?;
        row.map(|row| rows::parsed(&row, "id", TokenId::parse))
            .transpose()
    }

    async fn count_unkeyed_tokens(&self) -> Result<i64, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM api_tokens WHERE hash_scheme <> $1 AND revoked_at IS NULL",
        )
        .bind(KEYED_SCHEME)
        .fetch_one(self.pool())
        .await?;
        rows::int(&row, "n")
    }

    async fn get_token(&self, id: TokenId) -> Result<Option<ApiToken>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await?;
        row.as_ref().map(from_row).transpose()
    }

    async fn list_tokens(&self, page: &PageRequest) -> Result<Page<ApiToken>, StoreError> {
        let keys = Keyset::by_id(page)?;
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM api_tokens WHERE ($1 IS NULL OR id > $1) ORDER BY id LIMIT $2"
        ))
        .bind(keys.after())
        .bind(keys.fetch())
        .fetch_all(self.pool())
        .await?;
        keys.page(&rows, from_row, |t| t.id.to_string())
    }

    async fn revoke_token(&self, ctx: &AuditContext, id: TokenId) -> Result<ApiToken, StoreError> {
        let mut m = self.begin_mutation().await?;
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM api_tokens WHERE id = $1"))
            .bind(id.to_string())
            .fetch_optional(m.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        let before = from_row(&row)?;
        if before.revoked_at.is_some() {
            return Ok(before);
        }
        let after = ApiToken {
            revoked_at: Some(ctx.at),
            ..before.clone()
        };
        set_revoked(&mut m, &after).await?;
        m.commit(ctx.draft(
            AuditOperation::TokenRevoke,
            after.tenant_id,
            id,
            Some(&before),
            Some(&after),
        ))
        .await?;
        Ok(after)
    }
}

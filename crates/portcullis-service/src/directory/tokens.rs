//! API tokens: 256 random bits, shown once, stored only as a keyed hash
//! (HMAC-SHA256 under the key directory's token key, `keyed_hash.rs`).

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use portcullis_domain::{
    ApiToken, Description, IsoDuration, Page, PageRequest, Principal, PrincipalKind, TenantId,
    TokenId, ValidationError,
};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::caller_rules::{self, tenant_not_found};
use crate::{Caller, Portcullis, ServiceError};

/// Every Portcullis token starts with this, so secret scanners can find leaks.
pub const TOKEN_PREFIX: &str = "pcs_";
/// `pcs_` and 32 bytes in unpadded base64url.
const TOKEN_LEN: usize = 4 + 43;
/// The longest a token may live: two years.
const MAX_LIFETIME_SECONDS: i64 = 730 * 86_400;

/// What an operator asks for when minting a token.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub kind: PrincipalKind,
    pub tenant_id: Option<TenantId>,
    pub description: Option<Description>,
    /// How long the token lives; `None` for a token that lives until revoked.
    pub expires_in: Option<IsoDuration>,
}

/// The unkeyed SHA-256 of the whole token text, lowercase hex: how hashes
/// were stored before keyed hashes (such rows are refused now).
pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

fn new_secret() -> Result<String, ServiceError> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| ServiceError::Internal(format!("no randomness for a token: {e}")))?;
    Ok(format!("{TOKEN_PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
}

impl Portcullis {
    /// Mints a token; returns its record and its secret, which is never shown again.
    pub async fn create_token(
        &self,
        caller: &Caller,
        new: NewToken,
    ) -> Result<(ApiToken, String), ServiceError> {
        caller_rules::require_operator(&caller.principal, "create tokens")?;
        Principal::new(new.kind, new.tenant_id, None)?;
        if let (Some(tenant), Some(wanted)) = (new.tenant_id, new.kind.tenant_kind()) {
            let found = self
                .store
                .get_tenant(tenant)
                .await?
                .ok_or_else(|| tenant_not_found(tenant))?;
            if found.kind != wanted {
                return Err(ServiceError::WrongTenantKind(format!(
                    "a `{}` token needs a {} tenant; `{tenant}` is a {} tenant",
                    new.kind,
                    wanted.as_str(),
                    found.kind.as_str()
                )));
            }
        }
        let now = self.clock.now();
        let expires_at = match &new.expires_in {
            Some(lifetime)
                if lifetime.as_seconds() <= 0 || lifetime.as_seconds() > MAX_LIFETIME_SECONDS =>
            {
                return Err(ValidationError::new(
                    "expires_in",
                    format!("`{lifetime}` is out of range; a token lives more than `PT0S` and at most `P730D`"),
                )
                .into());
            }
            Some(lifetime) => Some(now.saturating_add_seconds(lifetime.as_seconds())),
            None => None,
        };
        let token = ApiToken {
            id: TokenId::generate(),
            kind: new.kind,
            tenant_id: new.tenant_id,
            description: new.description,
            created_at: now,
            expires_at,
            revoked_at: None,
        };
        let secret = new_secret()?;
        let ctx = caller.audit(now);
        self.store
            .create_token(&ctx, &token, &self.secret_hash(&secret)?)
            .await?;
        Ok((token, secret))
    }

    /// The principal a bearer token stands for, or `Unauthenticated` for a
    /// malformed, unknown, expired or revoked one.
    pub async fn authenticate(&self, bearer: &str) -> Result<Principal, ServiceError> {
        if bearer.len() != TOKEN_LEN || !bearer.starts_with(TOKEN_PREFIX) {
            return Err(ServiceError::Unauthenticated);
        }
        let presented = self.secret_hash(bearer)?;
        let token = match self.token_cache.get(&presented) {
            Some(token) => token,
            None => {
                let Some((token, stored)) = self.store.find_token(&presented).await? else {
                    self.explain_unkeyed(bearer).await?;
                    return Err(ServiceError::Unauthenticated);
                };
                let same: bool = stored.as_bytes().ct_eq(presented.as_bytes()).into();
                if !same {
                    return Err(ServiceError::Unauthenticated);
                }
                self.token_cache.put(presented, token.clone());
                token
            }
        };
        if !token.is_usable_at(self.clock.now()) {
            return Err(ServiceError::Unauthenticated);
        }
        Principal::new(token.kind, token.tenant_id, Some(token.id))
            .map_err(|_| ServiceError::Unauthenticated)
    }

    /// Logs why a token stored with an unkeyed hash is refused.
    async fn explain_unkeyed(&self, bearer: &str) -> Result<(), ServiceError> {
        if let Some(id) = self.store.find_unkeyed_token(&hash_secret(bearer)).await? {
            tracing::warn!(
                token = %id,
                "refused token `{id}`: its stored hash is unkeyed (minted before keyed token hashes, \
                 or written into the database by hand); mint a new one with `portcullis token create` \
                 and revoke this one"
            );
        }
        Ok(())
    }

    /// How many unrevoked tokens are stored with an unkeyed hash; `serve`
    /// warns about them at start.
    pub async fn count_unkeyed_tokens(&self) -> Result<i64, ServiceError> {
        Ok(self.store.count_unkeyed_tokens().await?)
    }

    pub async fn list_tokens(
        &self,
        caller: &Caller,
        page: &PageRequest,
    ) -> Result<Page<ApiToken>, ServiceError> {
        caller_rules::require_operator(&caller.principal, "list tokens")?;
        Ok(self.store.list_tokens(page).await?)
    }

    pub async fn get_token(&self, caller: &Caller, id: TokenId) -> Result<ApiToken, ServiceError> {
        caller_rules::require_operator(&caller.principal, "read tokens")?;
        self.store
            .get_token(id)
            .await?
            .ok_or_else(|| ServiceError::NotFound(format!("token `{id}` not found")))
    }

    pub async fn revoke_token(
        &self,
        caller: &Caller,
        id: TokenId,
    ) -> Result<ApiToken, ServiceError> {
        caller_rules::require_operator(&caller.principal, "revoke tokens")?;
        let ctx = caller.audit(self.clock.now());
        let revoked = self
            .store
            .revoke_token(&ctx, id)
            .await
            .map_err(|e| ServiceError::from_store(e, || format!("token `{id}` not found")))?;
        self.token_cache.clear();
        Ok(revoked)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_prefixed_random_and_of_fixed_length() {
        let a = new_secret().unwrap();
        let b = new_secret().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_LEN);
        assert!(a.starts_with(TOKEN_PREFIX));
    }

    #[test]
    fn hash_is_sha256_hex() {
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}

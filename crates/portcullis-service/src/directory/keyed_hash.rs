//! Keyed hashes of token, session and sign-in link secrets: HMAC-SHA256
//! under the key directory's token key, so that a row written into the
//! database by hand (without the key) never matches a presented secret.

use hmac::{Hmac, Mac as _};
use portcullis_store::TokenKey;
use sha2::Sha256;

use crate::{Portcullis, ServiceError};

/// HMAC-SHA256 of `secret` under `key`, lowercase hex: what the store keeps.
pub fn keyed_hash(key: &TokenKey, secret: &str) -> String {
    // HMAC takes a key of any length, so this never fails.
    let mut mac = match <Hmac<Sha256> as hmac::digest::KeyInit>::new_from_slice(key.bytes()) {
        Ok(mac) => mac,
        Err(_) => return String::new(),
    };
    mac.update(secret.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A key for this process only: stands in until a key directory's key is
/// set (tests and embedded use); `None` if the system has no randomness.
pub(crate) fn ephemeral_key() -> Option<TokenKey> {
    let mut bytes = [0_u8; 32];
    getrandom::fill(&mut bytes).ok()?;
    Some(TokenKey::new(bytes))
}

impl Portcullis {
    /// The stored form of a secret; fails closed without a key.
    pub(crate) fn secret_hash(&self, secret: &str) -> Result<String, ServiceError> {
        let key = self
            .token_key
            .as_deref()
            .ok_or_else(|| ServiceError::Internal("no token key".into()))?;
        Ok(keyed_hash(key, secret))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_depends_on_the_key_and_is_not_the_plain_sha256() {
        let a = TokenKey::new([1; 32]);
        let b = TokenKey::new([2; 32]);
        let secret = "pcs_secret";
        assert_eq!(keyed_hash(&a, secret), keyed_hash(&a, secret));
        assert_ne!(keyed_hash(&a, secret), keyed_hash(&b, secret));
        assert_ne!(keyed_hash(&a, secret), crate::hash_secret(secret));
        assert_eq!(keyed_hash(&a, secret).len(), 64);
    }
}

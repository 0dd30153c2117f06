//! Signed checkpoints of the audit chain.
//!
//! A checkpoint says "at `at`, the chain held `seq` records and its last
//! hash was `head_hash`", signed with Ed25519 by a key kept outside the
//! database. Someone who can write the database but does not hold the key
//! can recompute the chain's hashes, but cannot sign a checkpoint for the
//! rewritten chain, so the chain no longer matches the checkpoints already
//! signed.

use std::collections::BTreeMap;
use std::fmt;

use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{ChainHead, Timestamp};

/// What the signature covers comes first in the signed message, so a
/// signature made for anything else never verifies as a checkpoint.
const CONTEXT: &str = "portcullis-audit-checkpoint-v1";

/// One signed statement about the chain's head.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// How many records the chain held (the last record's sequence number).
    pub seq: i64,
    /// That record's hash (the genesis hash for an empty chain).
    pub head_hash: String,
    /// When the checkpoint was signed.
    pub at: Timestamp,
    /// Which key signed it (see [`CheckpointKey::id`]).
    pub key_id: String,
    /// The Ed25519 signature, lowercase hex.
    pub signature: String,
}

impl Checkpoint {
    /// The head this checkpoint vouches for.
    pub fn head(&self) -> ChainHead {
        ChainHead {
            seq: self.seq,
            hash: self.head_hash.clone(),
        }
    }
}

fn message(seq: i64, head_hash: &str, at: Timestamp, key_id: &str) -> Vec<u8> {
    serde_json::json!([CONTEXT, seq, head_hash, at.unix_millis(), key_id])
        .to_string()
        .into_bytes()
}

fn key_id_of(key: &VerifyingKey) -> String {
    let digest = hex::encode(Sha256::digest(key.as_bytes()));
    digest.chars().take(16).collect()
}

/// The private half: signs checkpoints. Never logged.
pub struct CheckpointSigner {
    key: SigningKey,
    id: String,
}

impl fmt::Debug for CheckpointSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CheckpointSigner")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl CheckpointSigner {
    /// The signer whose Ed25519 secret key is `seed`.
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let key = SigningKey::from_bytes(seed);
        let id = key_id_of(&key.verifying_key());
        Self { key, id }
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    /// The public half, which verifies this signer's checkpoints.
    pub fn public_key(&self) -> CheckpointKey {
        CheckpointKey {
            key: self.key.verifying_key(),
            id: self.id.clone(),
        }
    }

    /// Signs `head` as of `at`.
    pub fn sign(&self, head: &ChainHead, at: Timestamp) -> Checkpoint {
        let signature = self.key.sign(&message(head.seq, &head.hash, at, &self.id));
        Checkpoint {
            seq: head.seq,
            head_hash: head.hash.clone(),
            at,
            key_id: self.id.clone(),
            signature: hex::encode(signature.to_bytes()),
        }
    }
}

/// A public key that verifies checkpoints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointKey {
    key: VerifyingKey,
    id: String,
}

impl CheckpointKey {
    /// Reads a public key written by [`CheckpointKey::to_hex`].
    pub fn from_hex(text: &str) -> Result<Self, String> {
        let bytes: [u8; 32] = hex::decode(text.trim())
            .map_err(|e| format!("not hex: {e}"))?
            .try_into()
            .map_err(|_| "an Ed25519 public key is 32 bytes".to_owned())?;
        let key = VerifyingKey::from_bytes(&bytes).map_err(|e| format!("not a public key: {e}"))?;
        let id = key_id_of(&key);
        Ok(Self { key, id })
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.key.as_bytes())
    }

    /// The first 16 hex digits of the SHA-256 of the public key.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether `checkpoint` was signed by this key, unaltered.
    pub fn verifies(&self, checkpoint: &Checkpoint) -> bool {
        let Ok(bytes) = hex::decode(&checkpoint.signature) else {
            return false;
        };
        let Ok(signature) = Signature::from_slice(&bytes) else {
            return false;
        };
        checkpoint.key_id == self.id
            && self
                .key
                .verify_strict(
                    &message(
                        checkpoint.seq,
                        &checkpoint.head_hash,
                        checkpoint.at,
                        &checkpoint.key_id,
                    ),
                    &signature,
                )
                .is_ok()
    }
}

/// Why a checkpoint log cannot be trusted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointLogError {
    /// The checkpoint's position in the log, from 1.
    pub line: usize,
    pub reason: String,
}

impl fmt::Display for CheckpointLogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "checkpoint {} of the log: {}", self.line, self.reason)
    }
}

/// The heads the chain must pass through, from a verified checkpoint log:
/// for each checkpointed sequence number, the latest checkpoint naming it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CheckpointAnchors {
    by_seq: BTreeMap<i64, Checkpoint>,
}

impl CheckpointAnchors {
    /// Checks every checkpoint's signature against `keys`, and that no two
    /// name different hashes for one sequence number, then indexes them.
    /// The order of the lines does not matter: several nodes may append to
    /// one log, each checkpoint stands on its own signature.
    pub fn verify(log: &[Checkpoint], keys: &[CheckpointKey]) -> Result<Self, CheckpointLogError> {
        let mut anchors = Self::default();
        for (n, checkpoint) in log.iter().enumerate() {
            let line = n + 1;
            let fail = |reason: String| CheckpointLogError { line, reason };
            let key = keys
                .iter()
                .find(|k| k.id() == checkpoint.key_id)
                .ok_or_else(|| {
                    fail(format!(
                        "signed by key `{}`, which is not in the key directory",
                        checkpoint.key_id
                    ))
                })?;
            if !key.verifies(checkpoint) {
                return Err(fail("its signature does not verify".into()));
            }
            if let Some(same) = anchors.by_seq.get(&checkpoint.seq)
                && same.head_hash != checkpoint.head_hash
            {
                return Err(fail(format!(
                    "it names another hash for sequence {} than an earlier checkpoint",
                    checkpoint.seq
                )));
            }
            anchors.by_seq.insert(checkpoint.seq, checkpoint.clone());
        }
        Ok(anchors)
    }

    /// The checkpoint at `seq`, if one was signed there.
    pub fn at(&self, seq: i64) -> Option<&Checkpoint> {
        self.by_seq.get(&seq)
    }

    /// The checkpoint with the highest sequence number.
    pub fn last(&self) -> Option<&Checkpoint> {
        self.by_seq.values().next_back()
    }

    pub fn len(&self) -> usize {
        self.by_seq.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(seq: i64, hash: &str) -> ChainHead {
        ChainHead {
            seq,
            hash: hash.into(),
        }
    }

    #[test]
    fn a_signed_checkpoint_verifies_and_any_change_breaks_it() {
        let signer = CheckpointSigner::from_seed(&[7; 32]);
        let key = CheckpointKey::from_hex(&signer.public_key().to_hex()).unwrap();
        assert_eq!(key.id(), signer.id());
        let cp = signer.sign(&head(5, "ab"), Timestamp::from_unix_millis(1_000));
        assert!(key.verifies(&cp));
        for altered in [
            Checkpoint {
                seq: 4,
                ..cp.clone()
            },
            Checkpoint {
                head_hash: "cd".into(),
                ..cp.clone()
            },
            Checkpoint {
                at: Timestamp::from_unix_millis(1_001),
                ..cp.clone()
            },
            Checkpoint {
                signature: "00".repeat(64),
                ..cp.clone()
            },
        ] {
            assert!(!key.verifies(&altered), "{altered:?}");
        }
        let other = CheckpointSigner::from_seed(&[8; 32]).public_key();
        assert!(!other.verifies(&cp));
    }

    #[test]
    fn anchors_refuse_unknown_keys_bad_signatures_and_conflicting_hashes() {
        let signer = CheckpointSigner::from_seed(&[1; 32]);
        let keys = [signer.public_key()];
        let a = signer.sign(&head(2, "a"), Timestamp::from_unix_millis(10));
        let b = signer.sign(&head(4, "b"), Timestamp::from_unix_millis(20));
        let anchors = CheckpointAnchors::verify(&[a.clone(), b.clone()], &keys).unwrap();
        assert_eq!(anchors.last().map(|c| c.seq), Some(4));
        assert_eq!(anchors.at(2), Some(&a));
        let interleaved = CheckpointAnchors::verify(&[b.clone(), a.clone()], &keys).unwrap();
        assert_eq!(interleaved, anchors, "two nodes may append out of order");
        let stranger = CheckpointSigner::from_seed(&[2; 32]).sign(&head(5, "c"), b.at);
        let unknown = CheckpointAnchors::verify(&[a.clone(), stranger], &keys).unwrap_err();
        assert!(
            unknown.reason.contains("not in the key directory"),
            "{unknown}"
        );
        let conflicting = signer.sign(&head(2, "z"), Timestamp::from_unix_millis(30));
        assert_eq!(
            CheckpointAnchors::verify(&[a, conflicting], &keys)
                .unwrap_err()
                .line,
            2
        );
    }
}
